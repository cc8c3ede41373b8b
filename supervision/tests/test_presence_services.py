"""在岗/驻村: ISO weeks at their boundaries, recording a visit (rights, dates, half days, photo,
location), the norm met exactly or missed by one half day, the weekly evaluation and its
warning rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.dates import today
from core.rates import presence_rate
from supervision import services
from supervision.choices import PRESENCE_BACKDATE_DAYS, PresenceRole, WarningRule
from supervision.models import PresenceShortfall, SupervisionPolicy, VillageWarning
from supervision.periods import week_end, week_label, week_start
from supervision.selectors.presence import presence_due
from villages.models import Village
from villages.tests.factories import ContactAssignmentFactory, VillageFactory

from .presence_helpers import LAST_MONDAY, THIS_MONDAY, days, png_bytes, visit

pytestmark = pytest.mark.django_db
D = dt.date


# ------------------------------------------------------------------ weeks, defined once


@pytest.mark.parametrize(
    "day,monday,label",
    [
        (D(2026, 12, 7), D(2026, 12, 7), "2026-W50"),  # a Monday is its own week's start
        (D(2026, 12, 13), D(2026, 12, 7), "2026-W50"),  # its Sunday is the same week's end
        (D(2026, 12, 14), D(2026, 12, 14), "2026-W51"),  # the next Monday starts the next
        (D(2026, 12, 31), D(2026, 12, 28), "2026-W53"),  # 2026 has 53 ISO weeks
        (D(2027, 1, 3), D(2026, 12, 28), "2026-W53"),  # across the new year: one week
        (D(2024, 12, 30), D(2024, 12, 30), "2025-W01"),  # the ISO year runs ahead
    ],
)
def test_weeks_are_iso_weeks_monday_to_sunday(day, monday, label):
    assert week_start(day) == monday
    assert week_end(day) == monday + days(6)
    assert week_end(day).weekday() == 6
    assert week_label(day) == label


def test_a_visit_on_sunday_at_2359_beijing_time_counts_in_the_week_ending_that_sunday(
    monkeypatch, contact, village
):
    # Sunday 23:59 in Beijing is 15:59 UTC the same Sunday; one minute later it is Monday.
    sunday = LAST_MONDAY + days(6)
    late = dt.datetime.combine(sunday, dt.time(15, 59), tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert today() == sunday
    visit(contact, village, date=today())
    assert presence_due(LAST_MONDAY)[0].recorded == 1
    monkeypatch.setattr(timezone, "now", lambda: late + dt.timedelta(minutes=1))
    assert today() == sunday + days(1)
    assert week_start(today()) == THIS_MONDAY
    assert presence_due(THIS_MONDAY)[0].recorded == 0


# ------------------------------------------------------------------ the norm at its boundary


@pytest.fixture
def backward(village):
    Village.objects.filter(pk=village.pk).update(is_backward=True)
    village.refresh_from_db()
    return village


def test_a_contact_cadres_norm_is_half_a_day_a_week(contact, village):
    (due,) = presence_due(LAST_MONDAY)
    assert (due.role, due.required, due.recorded, due.short) == (
        PresenceRole.CONTACT_CADRE,
        1,
        0,
        True,
    )
    visit(contact, village)
    (due,) = presence_due(LAST_MONDAY)
    assert (due.recorded, due.short, due.missing) == (1, False, 0)


def test_half_days_summing_exactly_to_the_backward_villages_norm_meet_it(contact, backward):
    visit(contact, backward, date=LAST_MONDAY, half_days=1)
    visit(contact, backward, date=LAST_MONDAY + days(6), half_days=1)
    (due,) = presence_due(LAST_MONDAY)
    assert (due.role, due.required, due.recorded, due.short) == (
        PresenceRole.WORK_TEAM,
        2,
        2,
        False,
    )


def test_one_half_day_short_of_the_backward_villages_norm_is_a_shortfall(contact, backward):
    visit(contact, backward, date=LAST_MONDAY, half_days=1)
    visit(contact, backward, date=LAST_MONDAY - days(1), half_days=2)  # the week before
    (due,) = presence_due(LAST_MONDAY)
    assert (due.required, due.recorded, due.short, due.missing) == (2, 1, True, 1)


def test_the_countys_policy_sets_the_norm(contact, village, county):
    SupervisionPolicy.objects.create(area_code=county.code, contact_presence_half_days=2)
    visit(contact, village)
    (due,) = presence_due(LAST_MONDAY)
    assert (due.required, due.short) == (2, True)


def test_an_assignment_starting_within_the_week_owes_nothing_that_week(township, village):
    from villages.tests.factories import UserFactory

    cadre = UserFactory()
    ContactAssignmentFactory(cadre=cadre, village=village, start_date=LAST_MONDAY + days(2))
    assert [d.person_id for d in presence_due(LAST_MONDAY)] == []
    assert [d.person_id for d in presence_due(THIS_MONDAY + days(7))] == [cadre.pk]


def test_the_presence_rate_is_defined_once():
    assert presence_rate(met=3, due=4) == Decimal("0.750")
    assert presence_rate(met=2, due=3) == Decimal("0.667")
    assert presence_rate(met=0, due=0) is None


# ------------------------------------------------------------------ recording a visit


def test_the_contact_cadre_records_a_visit(contact, village):
    v = visit(contact, village, latitude=Decimal("35.7"), longitude=Decimal("116.4"))
    assert (v.person, v.recorded_by, v.area_code, v.half_days) == (
        contact,
        contact,
        village.code,
        1,
    )


@pytest.mark.parametrize("who", ["outsider", "clerk", "contact_elsewhere"])
def test_only_those_who_organize_the_village_record_a_visit(request, who, village, other_village):
    if who == "contact_elsewhere":
        contact = request.getfixturevalue("contact")
        with pytest.raises(PermissionDenied):
            visit(contact, other_village)
        return
    with pytest.raises(PermissionDenied):
        visit(request.getfixturevalue(who), village)


def test_township_staff_record_their_own_visits(insider, village):
    assert visit(insider, village).person == insider


@pytest.mark.parametrize(
    "offset,ok",
    [(1, False), (0, True), (-PRESENCE_BACKDATE_DAYS, True), (-PRESENCE_BACKDATE_DAYS - 1, False)],
)
def test_a_visit_is_neither_in_the_future_nor_older_than_the_limit(contact, village, offset, ok):
    day = today() + days(offset)
    if ok:
        assert visit(contact, village, date=day).date == day
    else:
        with pytest.raises(ValidationError) as e:
            visit(contact, village, date=day)
        assert "date" in e.value.message_dict


def test_a_day_has_two_half_days_across_all_villages(contact, village, township):
    second = VillageFactory(township=township, code="370830102202")
    ContactAssignmentFactory(cadre=contact, village=second)
    day = LAST_MONDAY + days(2)
    visit(contact, village, date=day, half_days=1)
    with pytest.raises(ValidationError) as e:
        visit(contact, second, date=day, half_days=2)
    assert "half_days" in e.value.message_dict
    visit(contact, second, date=day, half_days=1)
    with pytest.raises(ValidationError):
        visit(contact, village, date=LAST_MONDAY, half_days=3)


def test_a_visit_is_recorded_once_a_day(contact, village):
    visit(contact, village, date=LAST_MONDAY)
    with pytest.raises(ValidationError):
        visit(contact, village, date=LAST_MONDAY)


def test_what_was_done_is_required(contact, village):
    with pytest.raises(ValidationError) as e:
        visit(contact, village, work_done="  ")
    assert "work_done" in e.value.message_dict


@pytest.mark.parametrize(
    "lat,lng",
    [(Decimal("35.7"), None), (Decimal("91"), Decimal("116")), (Decimal("35"), Decimal("-181"))],
)
def test_a_location_is_both_coordinates_in_range(contact, village, lat, lng):
    with pytest.raises(ValidationError):
        visit(contact, village, latitude=lat, longitude=lng)


def test_a_photo_is_an_image_of_a_common_type_and_not_too_large(
    contact, village, settings, tmp_path, monkeypatch
):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    fake = SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as e:
        visit(contact, village, photo=fake)
    assert "photo" in e.value.message_dict
    monkeypatch.setattr("supervision.services.presence.PHOTO_MAX_BYTES", 10)
    with pytest.raises(ValidationError):
        visit(contact, village, photo=SimpleUploadedFile("a.png", png_bytes()))
    monkeypatch.undo()
    v = visit(contact, village, photo=SimpleUploadedFile("张三.png", png_bytes()))
    assert v.photo.name.startswith(f"presence/{village.code}/") and "张三" not in v.photo.name
    assert (tmp_path / v.photo.name).exists()


# ------------------------------------------------------------------ the weekly evaluation


def test_the_weekly_evaluation_stores_shortfalls_and_is_idempotent(contact, village, township):
    second = VillageFactory(township=township, code="370830102202")
    ContactAssignmentFactory(cadre=contact, village=second)
    visit(contact, village)
    assert services.presence_evaluate_week(week=LAST_MONDAY + days(3)) == 1
    assert services.presence_evaluate_week(week=LAST_MONDAY) == 1
    (short,) = PresenceShortfall.objects.all()
    assert (short.village, short.week, short.required, short.recorded, short.missing) == (
        second,
        LAST_MONDAY,
        1,
        0,
        1,
    )


def test_a_late_visit_to_an_evaluated_week_removes_its_shortfall(contact, village):
    services.presence_evaluate_week(week=LAST_MONDAY)
    assert PresenceShortfall.objects.count() == 1
    visit(contact, village)
    assert PresenceShortfall.objects.count() == 0


def test_the_warning_rule_fires_after_the_weekly_evaluation(contact, village):
    on = THIS_MONDAY  # the Monday run looks at last week
    services.warnings_evaluate(on=on, village_codes=[village.code])
    warning = VillageWarning.objects.filter(village=village).first()
    rules = {r["rule"] for r in warning.reasons} if warning else set()
    assert WarningRule.PRESENCE_SHORT not in rules
    result = services.presence_weekly(on=on)
    assert result["shortfalls"] == 1
    warning = VillageWarning.objects.get(village=village)
    (reason,) = [r for r in warning.reasons if r["rule"] == WarningRule.PRESENCE_SHORT]
    assert "0" in reason["text"] and "1" in reason["text"]
    # Met late: the rule no longer fires once the warnings are evaluated again.
    visit(contact, village)
    services.warnings_evaluate(on=on, village_codes=[village.code])
    warning.refresh_from_db()
    assert WarningRule.PRESENCE_SHORT not in {r["rule"] for r in warning.reasons}


def test_a_county_may_switch_the_presence_rule_off(contact, village, county):
    SupervisionPolicy.objects.create(
        area_code=county.code, rule_levels={WarningRule.PRESENCE_SHORT: 0}
    )
    services.presence_weekly(on=THIS_MONDAY)
    warning = VillageWarning.objects.filter(village=village).first()
    assert warning is None or WarningRule.PRESENCE_SHORT not in {r["rule"] for r in warning.reasons}


def test_the_weekly_run_is_scheduled_on_monday():
    from villages.management.commands.setup_periodic_tasks import SCHEDULES

    (job,) = [j for j in SCHEDULES if j.task == "supervision.tasks.weekly_presence"]
    assert job.crontab["day_of_week"] == "1"
    from supervision import tasks

    assert tasks.weekly_presence.name == "supervision.tasks.weekly_presence"


def test_visits_and_shortfalls_are_audited(contact, village):
    from villages.models import ChangeEvent

    v = visit(contact, village, date=THIS_MONDAY)
    services.presence_evaluate_week(week=LAST_MONDAY)
    assert [e.pgh_label for e in ChangeEvent.objects.references(v)] == ["insert"]
    models = set(ChangeEvent.objects.values_list("pgh_model", flat=True))
    assert {"supervision.PresenceVisitEvent", "supervision.PresenceShortfallEvent"} <= models


def test_the_database_refuses_changing_or_deleting_a_visit(contact, village):
    from django.db import InternalError, connection, transaction

    from supervision.models import PresenceVisit

    v = visit(contact, village)
    for sql in (
        "UPDATE supervision_presencevisit SET date = date - 7 WHERE id = %s",
        "DELETE FROM supervision_presencevisit WHERE id = %s",
    ):
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [v.pk])
    assert PresenceVisit.objects.get(pk=v.pk).date == v.date
