"""The cycle's services: planning periods, marking overdue, reminders, notifications, policy."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from supervision import services
from supervision.choices import TaskKind, TaskState
from supervision.models import Notification, SupervisionPolicy, SupervisionTask
from supervision.periods import Period
from villages.choices import RoleKind
from villages.models import ContactAssignment
from villages.tests.factories import (
    ContactAssignmentFactory,
    CountyFactory,
    StaffRoleFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)

from .cycle_helpers import D, make_task, more_villages, task_of

pytestmark = pytest.mark.django_db
Q3 = Period.parse("2026Q3")


@pytest.fixture
def far_village(db):
    """A village of another county (370829), which has no policy of its own."""
    county = CountyFactory(code="370829", name="嘉祥县")
    township = TownshipFactory(parent=county, code="370829100", name="嘉祥镇")
    return VillageFactory(township=township, code="370829100201", name="嘉祥村")


# ------------------------------------------------------------------ planning


def test_planning_a_quarter_creates_the_inspection_and_hearing_of_every_village_once(
    village, other_village, far_village
):
    assert services.plan_period(period=Q3) == 6
    assert set(SupervisionTask.objects.values_list("area_code", "kind", "period")) == {
        (v.code, kind, "2026Q3")
        for v in (village, other_village, far_village)
        for kind in (TaskKind.INSPECTION, TaskKind.HEARING)
    }
    assert set(SupervisionTask.objects.values_list("state", flat=True)) == {TaskState.PLANNED}

    assert services.plan_period(period=Q3) == 0  # the second run creates nothing
    assert SupervisionTask.objects.count() == 6


def test_planning_half_year_and_year_kinds(village):
    assert services.plan_period(period=Period.parse("2026H2")) == 2
    assert services.plan_period(period=Period.parse("2026")) == 2
    assert dict(SupervisionTask.objects.values_list("kind", "due_date")) == {
        TaskKind.REVIEW: D(2026, 12, 31),
        TaskKind.PUBLIC_REPORT: D(2026, 12, 31),
        TaskKind.REDEMPTION: D(2026, 12, 31),
        TaskKind.ANNUAL_INSPECTION: D(2027, 1, 31),  # by the end of the next January
    }


def test_planning_by_area_prefix_then_the_rest(village, other_village, township):
    more = more_villages(township, 2)
    assert services.plan_period(period=Q3, area_prefix=township.code) == 6
    assert set(SupervisionTask.objects.values_list("area_code", flat=True)) == {
        village.code,
        *(v.code for v in more),
    }
    assert services.plan_period(period=Q3) == 2  # only the other township's village is left
    assert SupervisionTask.objects.filter(area_code=other_village.code).count() == 2


def test_due_dates_follow_each_countys_policy(village, far_village, county):
    SupervisionPolicy.objects.create(
        area_code=county.code, due_months={"inspection": 1, "hearing": 2}
    )
    services.plan_period(period=Q3)

    assert task_of(village, TaskKind.INSPECTION, Q3).due_date == D(2026, 7, 31)
    assert task_of(village, TaskKind.HEARING, Q3).due_date == D(2026, 8, 31)
    # The county without a policy: the defaults (2nd and 3rd month of the quarter).
    assert task_of(far_village, TaskKind.INSPECTION, Q3).due_date == D(2026, 8, 31)
    assert task_of(far_village, TaskKind.HEARING, Q3).due_date == D(2026, 9, 30)


def test_planning_keeps_a_duty_planned_early_and_does_not_count_it(village, other_village):
    early = services.task_for(village, TaskKind.INSPECTION, Q3)

    assert services.plan_period(period=Q3) == 3
    assert task_of(village, TaskKind.INSPECTION, Q3).pk == early.pk


def test_planning_queries_do_not_grow_with_the_villages(township, django_assert_max_num_queries):
    more_villages(township, 40)
    # lock, policies, planned, villages (one cursor), one INSERT, savepoint bookkeeping
    with django_assert_max_num_queries(8):
        assert services.plan_period(period=Q3) == 80


@pytest.mark.parametrize(
    "on,expected",
    [
        (D(2026, 1, 15), {"2026Q1": 2, "2026H1": 2, "2026": 2}),
        (D(2026, 5, 10), {"2026Q2": 2}),
        (D(2026, 7, 1), {"2026Q3": 2, "2026H2": 2}),
        (D(2026, 12, 31), {"2026Q4": 2}),
    ],
)
def test_plan_current_periods(village, on, expected):
    assert services.plan_current_periods(on) == expected
    # Any other day of the same quarter: nothing new.
    assert set(services.plan_current_periods(on).values()) == {0}


# ------------------------------------------------------------------ overdue


def test_mark_overdue_is_one_update_of_the_planned_duties_past_due(village, other_village):
    late = make_task(village, TaskKind.INSPECTION, Q3, D(2026, 8, 31))
    due_today = make_task(village, TaskKind.HEARING, Q3, D(2026, 9, 30))
    done = make_task(
        other_village,
        TaskKind.INSPECTION,
        Q3,
        D(2026, 8, 31),
        state=TaskState.DONE,
        done_on=D(2026, 9, 2),
    )

    assert services.tasks_mark_overdue(on=D(2026, 9, 30)) == 1
    states = dict(SupervisionTask.objects.values_list("pk", "state"))
    assert states == {
        late.pk: TaskState.OVERDUE,
        due_today.pk: TaskState.PLANNED,
        done.pk: TaskState.DONE,
    }
    assert services.tasks_mark_overdue(on=D(2026, 9, 30)) == 0


# ------------------------------------------------------------------ reminders


@pytest.fixture
def people(insider, contact, supervisor, outsider, township, village):
    """The township's staff and the village's contact cadre have e-mail addresses; a second
    staff member has none, and a former contact cadre's assignment has ended."""
    for user, email in ((insider, "insider@example.cn"), (contact, "contact@example.cn")):
        user.email = email
        user.save()
    # Assigned long before the days these tests run on.
    ContactAssignment.objects.filter(cadre=contact).update(start_date=D(2024, 1, 1))
    quiet = UserFactory(username="quiet", email="")
    StaffRoleFactory(user=quiet, kind=RoleKind.TOWNSHIP_STAFF, region=township)
    former = UserFactory(username="former", email="former@example.cn")
    StaffRoleFactory(user=former, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(
        cadre=former, village=village, start_date=D(2020, 1, 1), end_date=D(2023, 1, 1)
    )
    return {"quiet": quiet, "former": former}


def keys_of(user):
    return set(Notification.objects.filter(user=user).values_list("key", flat=True))


def test_reminders_go_to_the_responsible_people_once(
    people, insider, contact, supervisor, outsider, village, other_village
):
    on = D(2026, 8, 25)
    inspection = make_task(village, TaskKind.INSPECTION, Q3, D(2026, 8, 31))  # in 6 days
    hearing = make_task(village, TaskKind.HEARING, Q3, D(2026, 8, 28))  # in 3 days
    later = make_task(village, TaskKind.REVIEW, Period.parse("2026H2"), D(2026, 12, 31))
    report = make_task(village, TaskKind.PUBLIC_REPORT, Period.parse("2026H1"), D(2026, 6, 30))
    make_task(village, TaskKind.REDEMPTION, "2025", D(2025, 12, 31), TaskState.DONE, D(2025, 12, 1))

    # inspection: insider + quiet; hearing: contact; overdue public report: contact
    assert services.reminders_send(on=on) == 4

    assert keys_of(insider) == {f"task:{inspection.pk}:due"}
    assert keys_of(people["quiet"]) == {f"task:{inspection.pk}:due"}
    assert keys_of(contact) == {f"task:{hearing.pk}:due", f"task:{report.pk}:overdue"}
    for nobody in (supervisor, outsider, people["former"]):
        assert keys_of(nobody) == set()
    note = Notification.objects.get(user=contact, key=f"task:{report.pk}:overdue")
    assert note.url == f"/supervision/tasks/{report.pk}/"
    assert note.area_code == village.code
    assert village.name in note.message and "逾期" in note.message  # stored in Chinese
    # E-mail to those with an address only.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "contact@example.cn",
        "contact@example.cn",
        "insider@example.cn",
    ]
    assert not Notification.objects.get(user=people["quiet"]).emailed
    assert set(SupervisionTask.objects.filter(reminded_on=on).values_list("pk", flat=True)) == {
        inspection.pk,
        hearing.pk,
        report.pk,
    }
    assert SupervisionTask.objects.get(pk=later.pk).reminded_on is None

    # Running again the same day, or the next, sends nothing new.
    assert services.reminders_send(on=on) == 0
    assert services.reminders_send(on=D(2026, 8, 26)) == 0
    assert len(mail.outbox) == 3

    # Once the inspection is overdue, one more reminder says so.
    assert services.reminders_send(on=D(2026, 9, 1)) == 3  # inspection ×2, hearing ×1
    assert keys_of(insider) == {f"task:{inspection.pk}:due", f"task:{inspection.pk}:overdue"}
    assert services.reminders_send(on=D(2026, 9, 2)) == 0


def test_reminder_days_come_from_the_countys_policy(people, insider, village, county):
    SupervisionPolicy.objects.create(area_code=county.code, reminder_days=3)
    make_task(village, TaskKind.INSPECTION, Q3, D(2026, 8, 31))

    assert services.reminders_send(on=D(2026, 8, 25)) == 0  # 6 days ahead: not yet
    assert services.reminders_send(on=D(2026, 8, 28)) == 2
    assert mail.outbox[0].to == ["insider@example.cn"]


def test_reminders_without_anyone_responsible_mark_nothing_sent(village):
    task = make_task(village, TaskKind.HEARING, Q3, D(2026, 8, 28))

    assert services.reminders_send(on=D(2026, 8, 25)) == 0
    assert Notification.objects.count() == 0
    task.refresh_from_db()
    assert task.reminded_on == D(2026, 8, 25)


# ------------------------------------------------------------------ notifications


def test_notifications_are_read_by_their_owner_only(insider, outsider, village):
    task = make_task(village, TaskKind.INSPECTION, Q3, D(2026, 8, 31))
    notes = [
        Notification.objects.create(
            user=insider, task=task, key=f"k{i}", message="m", area_code=village.code
        )
        for i in range(3)
    ]
    with pytest.raises(PermissionDenied):
        services.notification_read(actor=outsider, notification=notes[0])

    services.notification_read(actor=insider, notification=notes[0])
    assert Notification.objects.for_user(insider).unread().count() == 2
    assert services.notifications_read_all(actor=insider) == 2
    assert services.notifications_read_all(actor=insider) == 0


# ------------------------------------------------------------------ policy


def test_the_countys_supervisor_changes_its_policy(supervisor, county):
    policy = services.policy_update(
        actor=supervisor,
        county_code=county.code,
        due_months={"inspection": 1},
        reminder_days=10,
        review_dimensions=[" 德 ", "能"],
        satisfaction_threshold=Decimal("0.750"),
        rule_levels={"backward": 3},
    )
    policy.refresh_from_db()
    assert policy.due_months["inspection"] == 1
    assert policy.due_months["hearing"] == 3  # the kinds not given keep their value
    assert policy.review_dimensions == ["德", "能"]
    assert policy.rule_levels["backward"] == 3 and policy.rule_levels["task_overdue"] == 1
    assert policy.reminder_days == 10
    assert policy.updated_by == supervisor


@pytest.mark.parametrize("who", ["insider", "outsider", "contact"])
def test_no_one_else_changes_the_policy(request, who, county):
    with pytest.raises(PermissionDenied):
        services.policy_update(
            actor=request.getfixturevalue(who), county_code=county.code, reminder_days=3
        )
    assert not SupervisionPolicy.objects.exists()


def test_a_supervisor_of_another_county_may_not(county):
    other = CountyFactory(code="370829", name="嘉祥县")
    boss = UserFactory(username="boss")
    StaffRoleFactory(user=boss, kind=RoleKind.COUNTY_SUPERVISOR, region=other)
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=boss, county_code=county.code, reminder_days=3)


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"due_months": {"inspection": 0}}, "due_months"),
        ({"due_months": {"inspection": 25}}, "due_months"),
        ({"due_months": {"lunch": 2}}, "due_months"),
        ({"due_months": [2, 3]}, "due_months"),
        ({"review_dimensions": []}, "review_dimensions"),
        ({"review_dimensions": ["德", " "]}, "review_dimensions"),
        ({"satisfaction_threshold": Decimal("1.5")}, "satisfaction_threshold"),
        ({"redemption_threshold": "-0.1"}, "redemption_threshold"),
        ({"rule_levels": {"backward": 4}}, "rule_levels"),
        ({"rule_levels": {"backward": "red"}}, "rule_levels"),
        (
            {"grade_floors": {"excellent": 70, "competent": 75, "basic": 60, "incompetent": 0}},
            "grade_floors",
        ),
        (  # one floor for two grades leaves 合格 unreachable
            {"grade_floors": {"excellent": 90, "competent": 75, "basic": 75, "incompetent": 0}},
            "grade_floors",
        ),
        ({"grade_floors": {"excellent": 90}}, "grade_floors"),
    ],
)
def test_policy_values_are_checked(supervisor, county, fields, field):
    with pytest.raises(ValidationError) as e:
        services.policy_update(actor=supervisor, county_code=county.code, **fields)
    assert set(e.value.message_dict) == {field}
    assert not SupervisionPolicy.objects.exists()


def test_grade_floors_one_point_apart_are_accepted(supervisor, county):
    policy = services.policy_update(
        actor=supervisor,
        county_code=county.code,
        grade_floors={"excellent": 76, "competent": 75, "basic": 1, "incompetent": 0},
    )
    assert policy.grade_floors["competent"] == 75
