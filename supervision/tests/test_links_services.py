"""双联一带 / 四包 and the work teams: who may assign, the three-year term at its boundaries,
the overlap rule held by the database, the visit roll-up at quarter boundaries, the leader's
presence in a linked village, and the matters (一事一记账)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from supervision import selectors, services
from supervision.choices import LeaderLevel, LinkKind, WorkTeamRole
from supervision.models import LeaderLink, PresenceVisit
from villages.tests.factories import UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
D = dt.date
START = D(2025, 1, 1)


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", last_name="张", first_name="县长")


def link(actor, leader, village, kind=LinkKind.MODEL, start=START, level=None):
    return services.leader_link_assign(
        actor=actor,
        leader=leader,
        level=level or LeaderLevel.COUNTY,
        post="县委副书记",
        village=village,
        kind=kind,
        start_date=start,
    )


def test_the_term_is_three_years_and_29_february_ends_on_28(supervisor, leader, village):
    assert link(supervisor, leader, village).term_end == D(2028, 1, 1)
    other = VillageFactory(township=village.township)
    leap = link(supervisor, leader, other, kind=LinkKind.BACKWARD, start=D(2024, 2, 29))
    assert leap.term_end == D(2027, 2, 28)
    assert services.add_years(D(2024, 2, 29), 3) == D(2027, 2, 28)


def test_the_database_refuses_a_term_that_is_not_three_years(supervisor, leader, village):
    row = link(supervisor, leader, village)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaderLink.objects.filter(pk=row.pk).update(term_end=D(2029, 1, 1))


def test_overlap_of_the_same_kind_is_refused_at_the_boundary(supervisor, leader, village):
    link(supervisor, leader, village, start=D(2025, 1, 1))
    other = VillageFactory(township=village.township)
    # The last day of the first term: overlaps.
    with pytest.raises(ValidationError):
        link(supervisor, leader, other, start=D(2027, 12, 31))
    # The day the first term ends (exclusive): a new term may start.
    assert link(supervisor, leader, other, start=D(2028, 1, 1)).pk
    # Another kind over the same term is allowed (one model and one backward village).
    assert link(supervisor, leader, other, kind=LinkKind.BACKWARD, start=D(2025, 6, 1)).pk


def test_the_database_itself_refuses_overlap(supervisor, leader, village):
    row = link(supervisor, leader, village)
    other = VillageFactory(township=village.township)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as c:
        c.execute(
            "INSERT INTO supervision_leaderlink (leader_id, level, post, village_id, kind,"
            " start_date, term_end, end_reason, assigned_by_id, created_at, area_code)"
            " VALUES (%s, 'county', 'x', %s, 'model', '2026-01-01', '2029-01-01', '', %s,"
            " now(), %s)",
            [leader.pk, other.pk, supervisor.pk, other.code],
        )
    assert row.pk


def test_an_early_end_frees_the_kind_and_keeps_history(supervisor, leader, village):
    row = link(supervisor, leader, village)
    with pytest.raises(ValidationError):
        services.leader_link_end(
            actor=supervisor, link=row, on=D(2025, 1, 1), reason="调任外县工作"
        )
    with pytest.raises(ValidationError):
        services.leader_link_end(actor=supervisor, link=row, on=D(2026, 1, 1), reason="")
    services.leader_link_end(actor=supervisor, link=row, on=D(2026, 1, 1), reason="调任外县工作")
    other = VillageFactory(township=village.township)
    successor = link(supervisor, leader, other, start=D(2026, 1, 1))
    assert successor.term_end == D(2029, 1, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LeaderLink.objects.filter(pk=row.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():  # an end before the start
        LeaderLink.objects.filter(pk=row.pk).update(ended_on=D(2024, 12, 1))


def test_who_may_assign(supervisor, insider, outsider, contact, leader, village):
    with pytest.raises(PermissionDenied):  # a county leader: the county only
        link(insider, leader, village)
    with pytest.raises(PermissionDenied):
        link(outsider, leader, village, level=LeaderLevel.TOWNSHIP)
    with pytest.raises(PermissionDenied):
        link(contact, leader, village, level=LeaderLevel.TOWNSHIP)
    assert link(insider, leader, village, level=LeaderLevel.TOWNSHIP).pk
    other = VillageFactory(township=village.township)
    assert link(supervisor, leader, other, kind=LinkKind.POOR).pk


def _visit(person, village, day, half_days=1):
    # Straight to the table: the service allows only the last 30 days.
    return PresenceVisit.objects.create(
        person=person,
        village=village,
        date=day,
        half_days=half_days,
        work_done="走访",
        recorded_by=person,
        area_code=village.code,
    )


def test_visit_roll_up_at_the_quarter_boundaries(supervisor, leader, village):
    row = link(supervisor, leader, village, start=D(2025, 1, 1))
    _visit(leader, village, D(2025, 3, 31), 2)  # last day of Q1
    _visit(leader, village, D(2025, 4, 1))  # first day of Q2
    _visit(leader, village, D(2025, 6, 30))
    _visit(leader, village, D(2024, 12, 31))  # before the term: not counted
    other = VillageFactory(township=village.township)
    _visit(leader, other, D(2025, 4, 2))  # another village: not counted
    on = D(2025, 6, 30)
    got = selectors.leader_links(on).get(pk=row.pk)
    assert (got.visits_quarter, got.half_days_quarter) == (2, 2)
    assert (got.visits_year, got.half_days_year) == (3, 4)
    assert got.last_visit == D(2025, 6, 30)
    assert not selectors.idle_last_quarter(got, on)  # Q1 had its visit
    got = selectors.leader_links(D(2025, 7, 1)).get(pk=row.pk)
    assert (got.visits_quarter, got.visits_year) == (0, 3)
    assert not selectors.idle_last_quarter(got, D(2025, 7, 1))
    got = selectors.leader_links(D(2025, 10, 1)).get(pk=row.pk)
    assert selectors.idle_last_quarter(got, D(2025, 10, 1))  # Q3 without a visit


def test_a_link_started_within_the_quarter_is_not_flagged(supervisor, leader, village):
    row = link(supervisor, leader, village, start=D(2025, 2, 1))
    got = selectors.leader_links(D(2025, 4, 1)).get(pk=row.pk)
    assert not selectors.idle_last_quarter(got, D(2025, 4, 1))


def test_a_leader_records_presence_in_a_linked_village_only(supervisor, leader, village):
    from core.dates import today

    other = VillageFactory(township=village.township)
    assert not selectors.presence_villages(leader).exists()
    link(supervisor, leader, village, start=today() - dt.timedelta(days=10))
    assert list(selectors.presence_villages(leader)) == [village]
    day = today() - dt.timedelta(days=1)
    services.presence_visit_record(
        actor=leader, village=village, date=day, half_days=1, work_done="调研"
    )
    with pytest.raises(PermissionDenied):
        services.presence_visit_record(
            actor=leader, village=other, date=day, half_days=1, work_done="调研"
        )
    # No weekly norm for a leader: no duty, hence no shortfall.
    from supervision.periods import week_start

    assert not [d for d in selectors.presence_due(week_start(day)) if d.person_id == leader.pk]


def test_matters_by_the_leader_or_the_township(supervisor, insider, outsider, leader, village):
    from core.dates import today

    row = link(supervisor, leader, village, start=today() - dt.timedelta(days=10))
    m = services.leader_matter_record(
        actor=leader, link=row, date=today(), matter="道路坑洼", result="协调资金硬化"
    )
    assert m.area_code == village.code
    services.leader_matter_record(
        actor=insider, link=row, date=today(), matter="饮水", result="打井", solved=False
    )
    with pytest.raises(PermissionDenied):
        services.leader_matter_record(
            actor=outsider, link=row, date=today(), matter="x", result="y"
        )
    with pytest.raises(ValidationError):  # before the term
        services.leader_matter_record(
            actor=leader, link=row, date=today() - dt.timedelta(days=11), matter="x", result="y"
        )
    assert [x.matter for x in selectors.link_matters(row)] == ["饮水", "道路坑洼"]


def test_work_team_roster(insider, outsider, village):
    person = UserFactory(username="team")
    m = services.work_team_member_add(
        actor=insider,
        village=village,
        person=person,
        role=WorkTeamRole.FIRST_SECRETARY,
        unit="县委组织部",
        start_date=D(2025, 3, 1),
    )
    with pytest.raises(ValidationError):  # overlapping place in the same team
        services.work_team_member_add(
            actor=insider,
            village=village,
            person=person,
            role=WorkTeamRole.MEMBER,
            unit="县委组织部",
            start_date=D(2025, 5, 1),
        )
    with pytest.raises(PermissionDenied):
        services.work_team_member_end(actor=outsider, member=m, on=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        services.work_team_member_end(actor=insider, member=m, on=D(2025, 2, 1))
    services.work_team_member_end(actor=insider, member=m, on=D(2025, 6, 1))
    assert services.work_team_member_add(
        actor=insider,
        village=village,
        person=person,
        role=WorkTeamRole.MEMBER,
        unit="县委组织部",
        start_date=D(2025, 6, 2),
    ).pk


def test_the_work_team_norm_applies_to_the_roster_of_a_backward_village(insider, contact, village):
    from supervision.choices import PresenceRole
    from supervision.periods import week_start

    monday = week_start(dt.date.today() - dt.timedelta(days=10))
    village.is_backward = True
    village.save()
    # Without a roster, the contact cadre of a backward village owes the team's norm (as before).
    dues = selectors.presence_due(monday)
    assert [(d.person_id, d.role) for d in dues] == [(contact.pk, PresenceRole.WORK_TEAM)]
    person = UserFactory(username="team")
    services.work_team_member_add(
        actor=insider,
        village=village,
        person=person,
        role=WorkTeamRole.MEMBER,
        unit="县司法局",
        start_date=monday,  # the whole week
    )
    late = UserFactory(username="late")
    services.work_team_member_add(
        actor=insider,
        village=village,
        person=late,
        role=WorkTeamRole.MEMBER,
        unit="县司法局",
        start_date=monday + dt.timedelta(days=1),  # joins within the week: owes nothing yet
    )
    dues = {d.person_id: d.role for d in selectors.presence_due(monday)}
    assert dues == {contact.pk: PresenceRole.CONTACT_CADRE, person.pk: PresenceRole.WORK_TEAM}
    # A roster in a village that is not backward sets no norm.
    village.is_backward = False
    village.save()
    dues = {d.person_id: d.role for d in selectors.presence_due(monday)}
    assert dues == {contact.pk: PresenceRole.CONTACT_CADRE}


def test_the_roster_leader_reports_quarterly_in_place_of_the_contact_cadre(
    insider, township, village
):
    from supervision.choices import ReporterKind
    from supervision.tests.quarterly_helpers import YEAR, report
    from villages.tests.factories import ContactAssignmentFactory

    cadre = UserFactory(username="cadre")
    ContactAssignmentFactory(cadre=cadre, village=village, start_date=D(YEAR, 1, 1))
    first_secretary = UserFactory(username="first", last_name="刘", first_name="书记")
    services.work_team_member_add(
        actor=insider,
        village=village,
        person=first_secretary,
        role=WorkTeamRole.FIRST_SECRETARY,
        unit="县委组织部",
        start_date=D(YEAR, 4, 1),  # from the second quarter
    )
    services.work_team_member_add(  # a member reports nothing
        actor=insider,
        village=village,
        person=UserFactory(username="member"),
        role=WorkTeamRole.MEMBER,
        unit="县委组织部",
        start_date=D(YEAR, 4, 1),
    )
    rows = {
        r.obj.pk: r.rollup.expected
        for r in selectors.year_rollup(insider, township, YEAR)
        if r.kind == ReporterKind.CONTACT_LEADER
    }
    assert rows == {cadre.pk: [1], first_secretary.pk: [2, 3, 4]}
    assert report(insider, 2, person=first_secretary, township=township).pk


def test_a_linked_leader_without_a_visit_in_the_last_quarter_raises_a_warning(
    supervisor, leader, village
):
    from supervision.choices import WarningRule
    from supervision.models import VillageWarning

    link(supervisor, leader, village, start=D(2025, 1, 1))
    services.warnings_evaluate(on=D(2025, 4, 10), village_codes=[village.code])
    reasons = VillageWarning.objects.get(village=village).reasons
    assert [r for r in reasons if r["rule"] == WarningRule.LEADER_IDLE]
    assert "张县长" in str(reasons)
    _visit(leader, village, D(2025, 4, 2))  # a visit in Q2 does not help Q2's evaluation of Q1
    _visit(leader, village, D(2025, 3, 31))
    services.warnings_evaluate(on=D(2025, 4, 10), village_codes=[village.code])
    warning = VillageWarning.objects.filter(village=village).first()
    assert not warning or not [r for r in warning.reasons if r["rule"] == WarningRule.LEADER_IDLE]


def test_a_link_is_in_force_from_its_first_day_to_the_day_before_its_end(
    supervisor, leader, village
):
    row = link(supervisor, leader, village, start=D(2025, 1, 1))
    active = LeaderLink.objects.active_on
    assert not active(D(2024, 12, 31)).exists()
    assert active(D(2025, 1, 1)).exists() and active(D(2027, 12, 31)).exists()
    assert not active(D(2028, 1, 1)).exists()
    services.leader_link_end(actor=supervisor, link=row, on=D(2026, 3, 1), reason="调任外县工作")
    assert active(D(2026, 2, 28)).exists() and not active(D(2026, 3, 1)).exists()
    with pytest.raises(ValidationError):  # only once
        services.leader_link_end(actor=supervisor, link=row, on=D(2026, 4, 1), reason="再次终止")
