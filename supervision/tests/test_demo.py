"""The demo cycle: four finished quarters and the current one, records that keep the rules the
services enforce, problems with their steps, two backward villages, warnings evaluated."""

import datetime as dt

import pytest
from django.db.models import Count, F

from cadres.demo import build_cadre_demo
from cadres.models import Post
from ledgers.demo import build_ledger_demo
from ledgers.models import Disclosure
from supervision import demo
from supervision.choices import (
    Fulfilment,
    ProblemState,
    RecordState,
    TaskKind,
    TaskState,
    TemplateState,
    outcomes_for,
)
from supervision.models import (
    Hearing,
    Inspection,
    InspectionTemplate,
    Problem,
    PromiseRedemption,
    PublicReport,
    Rectification,
    Redemption,
    SupervisionTask,
    VillageWarning,
)
from villages import demo as tree_demo
from villages.models import Village

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 23)


@pytest.fixture
def built(db):
    tree_demo.build_demo(tree_demo.plan_demo(villages=20, townships=3, seed=7))
    build_cadre_demo(seed=7, villages=Village.objects.all(), on=ON)
    build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    return demo.build_supervision_demo(seed=7, villages=Village.objects.all(), on=ON)


def test_the_window_is_four_finished_quarters_and_the_current_one():
    assert [str(p) for p in demo.window(ON)] == [
        "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2025H2", "2026H1", "2026H2",
        "2025", "2026",
    ]  # fmt: skip


def test_every_village_has_its_duties_mostly_done_on_time(built):
    assert built.villages == 20
    quarterly = SupervisionTask.objects.filter(kind__in=[TaskKind.INSPECTION, TaskKind.HEARING])
    per_village = quarterly.values("village").annotate(n=Count("pk"))
    assert {row["n"] for row in per_village} == {5 * 2} and len(per_village) == 20
    # duties about the cadres only where a committee sat (the demo's term began in 2026)
    sat = Post.objects.filter(start_date__lte=dt.date(2026, 6, 30)).values("village").distinct()
    reviews = SupervisionTask.objects.filter(kind=TaskKind.REVIEW, period="2026H1")
    assert reviews.count() == sat.count() >= 15
    assert not SupervisionTask.objects.filter(kind=TaskKind.REVIEW, period="2025H2").exists()
    finished = SupervisionTask.objects.filter(due_date__lt=ON)
    on_time = finished.filter(state=TaskState.DONE, done_on__lte=F("due_date")).count()
    assert on_time / finished.count() > 0.7
    assert finished.filter(state=TaskState.OVERDUE).exists()
    assert not SupervisionTask.objects.filter(due_date__gte=ON, state=TaskState.OVERDUE).exists()
    assert not SupervisionTask.objects.filter(
        kind=TaskKind.ANNUAL_INSPECTION, period="2026", state=TaskState.DONE
    ).exists()


def test_each_duty_done_has_its_completed_record(built):
    done = SupervisionTask.objects.filter(state=TaskState.DONE)
    assert done.filter(kind=TaskKind.INSPECTION).count() == Inspection.objects.count()
    assert done.filter(kind=TaskKind.HEARING).count() == Hearing.objects.count()
    assert set(Inspection.objects.values_list("state", flat=True)) == {RecordState.COMPLETED}
    for inspection in Inspection.objects.all():
        assert inspection.task.done_on == inspection.date
        assert inspection.scores.count() == inspection.template.items.count()
        assert 70 <= inspection.total_score <= 100
    # both checklist versions are kept and used
    assert set(Inspection.objects.values_list("template__version", flat=True)) == {1, 2}
    assert InspectionTemplate.objects.filter(state=TemplateState.ACTIVE, version=2).exists()


def test_votes_add_up_and_questions_make_problems(built):
    for report in PublicReport.objects.prefetch_related("votes"):
        assert report.votes.exists()
        for vote in report.votes.all():
            assert vote.returned == report.ballots_returned
    unsatisfied = Problem.objects.filter(hearing_question__satisfied=False)
    assert unsatisfied.exists()
    for problem in Problem.objects.prefetch_related("steps"):
        assert problem.steps.first().action == "open"
        assert problem.steps.last().to_state == problem.state
        assert (problem.state == ProblemState.CLOSED) == (problem.closed_on is not None)


def test_two_backward_villages_warnings_and_a_second_run_adds_nothing(built):
    assert Rectification.objects.count() == 2 == built.rectifications
    raised = VillageWarning.objects.raised()
    assert raised.count() == built.warnings > 0 and all(w.reasons for w in raised)
    again = demo.build_supervision_demo(seed=7, villages=Village.objects.all(), on=ON)
    assert again.duties == 0 and SupervisionTask.objects.count() == built.duties


def test_a_large_run_keeps_every_detail_in_the_first_county(db, monkeypatch):
    """Above LIGHT_ABOVE villages the demos skip detail rows, except in the county the demo
    accounts work in (where a reader looks and the benchmark measures)."""
    monkeypatch.setattr(demo, "LIGHT_ABOVE", 5)
    monkeypatch.setattr("ledgers.demo.LIGHT_ABOVE", 5)
    tree_demo.build_demo(tree_demo.plan_demo(villages=20, townships=3, seed=7))
    build_cadre_demo(seed=7, villages=Village.objects.all(), on=ON)
    ledgers = build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    result = demo.build_supervision_demo(seed=7, villages=Village.objects.all(), on=ON)
    assert result.light and ledgers.light
    assert {v.code[:6] for v in Village.objects.all()} == {"370830"}  # all in the first county
    assert Problem.objects.exists() and ledgers.disclosures > 0
    assert all(i.scores.exists() for i in Inspection.objects.all())


def test_a_large_run_outside_the_first_county_warns_as_few_villages_as_a_county(db, monkeypatch):
    """A province's light villages publish the quarter's statement the rule looks for (a village
    that falls behind does not), so the share warned stays that of a county: 10-20 %."""
    from supervision.selectors.warnings import disclosure_quarter

    monkeypatch.setattr(demo, "LIGHT_ABOVE", 5)
    monkeypatch.setattr("ledgers.demo.LIGHT_ABOVE", 5)
    tree_demo.build_demo(tree_demo.plan_demo(villages=200, townships=2, seed=7))
    villages = Village.objects.all()
    first = tree_demo.first_county(villages.values_list("code", flat=True))
    assert villages.exclude(code__startswith=first).count() > 50  # a second county, light
    build_cadre_demo(seed=7, villages=villages, on=ON)
    build_ledger_demo(seed=7, villages=villages, on=ON)
    demo.build_supervision_demo(seed=7, villages=villages, on=ON)
    quarter = disclosure_quarter(ON)
    published = set(
        Disclosure.objects.filter(year=quarter.year, number=quarter.number).values_list(
            "village__code", flat=True
        )
    )
    light = [v.code for v in villages.exclude(code__startswith=first)]
    assert {c for c in light if c not in published} == {
        c for c in light if tree_demo.troubled(c, 7)
    }
    share = VillageWarning.objects.raised().count() / villages.count()
    assert 0.10 <= share <= 0.20, share


def test_the_redemption_judges_only_the_promises_due_and_warns_a_few_villages(db):
    """After the year's redemption (January 2027): a promise due in 2026 is judged, a later one
    is on schedule, not yet due or kept early, as the service allows; so diligent villages with
    five-year promises are not warned, and only a minority is."""
    after = dt.date(2027, 1, 20)
    tree_demo.build_demo(tree_demo.plan_demo(villages=20, townships=3, seed=7))
    build_cadre_demo(seed=7, villages=Village.objects.all(), on=after)
    build_ledger_demo(seed=7, villages=Village.objects.all(), on=after)
    demo.build_supervision_demo(seed=7, villages=Village.objects.all(), on=after)
    results = list(
        PromiseRedemption.objects.filter(redemption__state=RecordState.COMPLETED).values_list(
            "result", "promise__due_date", "redemption__period"
        )
    )
    assert results
    assert all(r in outcomes_for(due, int(year)) for r, due, year in results)
    assert {r for r, _d, _y in results} >= {Fulfilment.FULFILLED, Fulfilment.ON_TRACK}
    warned = VillageWarning.objects.filter(reasons__contains=[{"rule": "low_redemption"}])
    assert warned.count() <= 0.3 * Redemption.objects.completed().count()


def test_most_contact_cadres_meet_the_presence_norm_and_some_do_not(built):
    from supervision.models import PresenceShortfall, PresenceVisit
    from supervision.periods import week_start
    from supervision.selectors.presence import presence_due

    assert built.presence_visits == PresenceVisit.objects.count() > 0
    last = week_start(ON) - dt.timedelta(days=7)
    dues = presence_due(last)
    short = [d for d in dues if d.short]
    assert dues and 0 < len(short) / len(dues) < 0.35
    # The finished weeks are evaluated: the stored shortfalls agree with the visits.
    stored = set(PresenceShortfall.objects.filter(week=last).values_list("person", "village"))
    assert stored == {(d.person_id, d.village_id) for d in short}
    assert not PresenceVisit.objects.filter(date__gt=ON).exists()


def test_cadres_report_quarterly_most_of_them_scored(built):
    from supervision.choices import QuarterlyReportState, ReporterKind
    from supervision.models import QuarterlyReport

    assert built.quarterly_reports == QuarterlyReport.objects.count() > 0
    kinds = set(QuarterlyReport.objects.values_list("kind", flat=True))
    assert ReporterKind.VILLAGE_CADRE in kinds
    finished = QuarterlyReport.objects.exclude(year=ON.year, quarter=4)
    assert not finished.filter(state=QuarterlyReportState.REPORTED).exists()
    scores = [float(s) for s in finished.values_list("score", flat=True)]
    assert 75 <= sum(scores) / len(scores) <= 92
    assert {r.year for r in QuarterlyReport.objects.all()} == {ON.year - 1, ON.year}
    # about one report in twelve is missing: the sheets have people to show
    owed = Post.objects.filter(end_date__isnull=True).count() * 8
    assert QuarterlyReport.objects.filter(kind=ReporterKind.VILLAGE_CADRE).count() < owed


def test_leaders_link_villages_with_visits_and_backward_villages_have_work_teams(built):
    from supervision import selectors
    from supervision.choices import LinkKind, WorkTeamRole
    from supervision.models import LeaderLink, LeaderMatter, WorkTeamMember

    assert built.leader_links == LeaderLink.objects.count() > 10
    kinds = set(LeaderLink.objects.values_list("kind", flat=True))
    assert {LinkKind.MODEL, LinkKind.BACKWARD} <= kinds
    links = list(selectors.leader_links(ON))
    visited = [link for link in links if link.visits_year]
    assert len(visited) > len(links) * 0.7  # most leaders visit
    assert LeaderMatter.objects.exists()
    backward = Village.objects.filter(is_backward=True)
    assert backward.exists()
    for v in backward:
        roles = sorted(WorkTeamMember.objects.filter(village=v).values_list("role", flat=True))
        assert roles == sorted([WorkTeamRole.FIRST_SECRETARY, WorkTeamRole.MEMBER] + ["member"])
