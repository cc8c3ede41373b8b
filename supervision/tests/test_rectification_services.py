"""后进村整顿 services: designation, plan, months, application, acceptance, visits."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError

from supervision import services
from supervision.choices import RectificationState as S
from supervision.models import Rectification
from villages.models import Village

from .problems_helpers import TODAY

pytestmark = pytest.mark.django_db
days = dt.timedelta
YEAR = TODAY.year


def designated(village, actor):
    return services.rectification_designate(
        actor=actor, village=village, year=YEAR, reasons="班子不团结, 集体经济薄弱"
    )


def planned(village, actor):
    return services.rectification_plan(
        actor=actor,
        rectification=designated(village, actor),
        measures="配强书记, 发展大棚",
        leader="张镇长",
        work_team="镇组织委员、包村干部",
        deadline=TODAY + days(120),
    )


def applied(village, actor):
    return services.rectification_apply(actor=actor, rectification=planned(village, actor))


def test_designation_marks_the_village_backward_once_a_year(village, insider, contact):
    with pytest.raises(PermissionDenied):
        designated(village, contact)
    r = designated(village, insider)
    assert (r.state, r.year, r.designated_by) == (S.DESIGNATED, YEAR, insider)
    assert Village.objects.get(pk=village.pk).is_backward is True
    with pytest.raises(ValidationError):
        designated(village, insider)
    with pytest.raises(ValidationError):
        services.rectification_designate(actor=insider, village=village, year=YEAR - 1, reasons="")


def test_the_plan_then_the_months_one_each(village, insider, contact):
    r = designated(village, insider)
    month = TODAY.replace(day=1)
    with pytest.raises(ValidationError):  # no plan yet
        services.rectification_add_progress(
            actor=contact, rectification=r, month=month, progress="x"
        )
    with pytest.raises(ValidationError) as e:
        services.rectification_plan(
            actor=insider,
            rectification=r,
            measures="",
            leader="张",
            work_team="",
            deadline=TODAY + days(90),
        )
    assert set(e.value.message_dict) == {"measures", "work_team"}
    with pytest.raises(PermissionDenied):  # the contact cadre reports, the township plans
        services.rectification_plan(
            actor=contact,
            rectification=r,
            measures="m",
            leader="l",
            work_team="w",
            deadline=TODAY + days(90),
        )
    r = services.rectification_plan(
        actor=insider,
        rectification=Rectification.objects.get(village=village),
        measures="配强书记",
        leader="张镇长",
        work_team="工作组",
        deadline=TODAY + days(90),
    )
    assert r.state == S.PLANNED
    entry = services.rectification_add_progress(
        actor=contact, rectification=r, month=TODAY, progress="召开把脉会诊会"
    )
    assert entry.month == month and entry.recorded_by == contact
    with pytest.raises(ValidationError):
        services.rectification_add_progress(
            actor=insider, rectification=r, month=month, progress="again"
        )
    with pytest.raises(ValidationError):  # a month not begun
        services.rectification_add_progress(
            actor=insider, rectification=r, month=TODAY + days(40), progress="future"
        )


def test_only_the_county_accepts_and_a_pass_is_final(village, insider, supervisor):
    r = applied(village, insider)
    assert (r.state, r.applied_on) == (S.APPLIED, TODAY)
    with pytest.raises(PermissionDenied):
        services.rectification_accept(actor=insider, rectification=r, passed=True, by="镇")
    r = services.rectification_accept(
        actor=supervisor, rectification=r, passed=True, by="县委组织部", notes="达标"
    )
    assert (r.state, r.accepted_on, r.acceptance_by) == (S.PASSED, TODAY, "县委组织部")
    assert Village.objects.get(pk=village.pk).is_backward is False
    with pytest.raises(ValidationError):
        services.rectification_plan(
            actor=insider,
            rectification=r,
            measures="m",
            leader="l",
            work_team="w",
            deadline=TODAY + days(9),
        )
    with pytest.raises(InternalError), transaction.atomic():
        Rectification.objects.filter(pk=r.pk).update(leader="改")


def test_a_failed_village_is_re_planned_and_applies_again(village, insider, supervisor):
    r = applied(village, insider)
    with pytest.raises(ValidationError) as e:  # a failure needs its reasons
        services.rectification_accept(actor=supervisor, rectification=r, passed=False, by="县")
    assert "notes" in e.value.message_dict
    r = services.rectification_accept(
        actor=supervisor, rectification=r, passed=False, by="县委组织部", notes="班子仍不健全"
    )
    assert r.state == S.FAILED
    assert Village.objects.get(pk=village.pk).is_backward is True
    with pytest.raises(ValidationError):  # re-plan first
        services.rectification_apply(actor=insider, rectification=r)
    r = services.rectification_plan(
        actor=insider,
        rectification=r,
        measures="集体会诊后调整",
        leader="李书记",
        work_team="新工作组",
        deadline=TODAY + days(60),
    )
    r = services.rectification_apply(actor=insider, rectification=r)
    r = services.rectification_accept(actor=supervisor, rectification=r, passed=True, by="县")
    assert r.state == S.PASSED


def test_visits_after_passing_and_a_relapse(village, insider, supervisor):
    r = applied(village, insider)
    with pytest.raises(ValidationError):
        services.rectification_add_visit(
            actor=insider, rectification=r, date=TODAY, visitor="镇", findings="x"
        )
    r = services.rectification_accept(actor=supervisor, rectification=r, passed=True, by="县")
    visit = services.rectification_add_visit(
        actor=insider, rectification=r, date=TODAY, visitor="镇组织办", findings="稳定"
    )
    assert visit.relapsed is False and Village.objects.get(pk=village.pk).is_backward is False
    services.rectification_add_visit(
        actor=supervisor,
        rectification=r,
        date=TODAY,
        visitor="县委组织部",
        findings="班子又闹矛盾",
        relapsed=True,
    )
    assert Village.objects.get(pk=village.pk).is_backward is True
    assert r.visits.count() == 2


@pytest.mark.django_db(transaction=True)  # two connections: the second must wait for the first
def test_a_month_submitted_twice_at_once_is_refused_not_a_server_error(village, insider, contact):
    r = planned(village, insider)
    first_in, release, failures = threading.Event(), threading.Event(), []

    def first_submit():
        try:
            with transaction.atomic():
                services.rectification_add_progress(
                    actor=contact, rectification=r, month=TODAY, progress="第一次"
                )
                first_in.set()
                release.wait(10)  # hold the transaction open while the second arrives
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=first_submit)
    thread.start()
    assert first_in.wait(10)
    threading.Timer(0.5, release.set).start()
    with pytest.raises(ValidationError) as refused:  # not an IntegrityError (a 500)
        services.rectification_add_progress(
            actor=contact, rectification=r, month=TODAY, progress="第二次"
        )
    thread.join(10)
    assert not failures and "month" in refused.value.message_dict
    assert r.progress.count() == 1
