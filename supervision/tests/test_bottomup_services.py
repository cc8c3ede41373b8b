"""Services of bottom-up supervision and the annual certificate inspection."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from cadres.choices import AdviceState, CertificateState
from supervision import selectors, services
from supervision.choices import (
    Fulfilment,
    ProblemSource,
    RecordState,
    TaskKind,
    TaskState,
    Verdict,
)
from supervision.models import Hearing, Problem, PublicReportVote

from .bottomup_helpers import (
    HEARING_DAY,
    add_question,
    duty,
    make_hearing,
    make_redemption,
    make_report,
    other_contact_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 11, 23)


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English msgids."""
    from django.utils.translation import override

    with override("en"):
        yield


# ------------------------------------------------------------------ hearings


def test_contact_cadre_records_a_hearing_and_the_unsatisfied_question_becomes_a_problem(
    contact, village, sitting
):
    hearing = make_hearing(contact, village)
    assert (hearing.state, hearing.period, hearing.attendance) == ("draft", "2026Q4", 33)
    chair = sitting["chair"].cadre
    add_question(contact, hearing, satisfied=True)
    unhappy = add_question(
        contact,
        hearing,
        satisfied=False,
        question="低保名单为什么不公开？",
        answered_by=chair,
        category="welfare",
    )
    follow = add_question(contact, hearing, satisfied=True, follow_up="下月公开工程决算")
    anonymous = add_question(
        contact, hearing, satisfied=False, asker_name="", question="集体土地租金多少？"
    )

    services.hearing_complete(actor=contact, hearing=hearing, on=ON)

    hearing.refresh_from_db()
    assert hearing.state == RecordState.COMPLETED and hearing.completed_by == contact
    assert hearing.task.state == TaskState.DONE and hearing.task.done_on == ON
    problems = {p.hearing_question_id: p for p in Problem.objects.all()}
    assert set(problems) == {unhappy.pk, follow.pk, anonymous.pk}
    p = problems[unhappy.pk]
    assert (p.source, p.owner, p.owner_name, p.category) == (
        ProblemSource.QUESTION,
        chair,
        "赵主任",
        "services",
    )
    assert p.deadline == ON + dt.timedelta(days=30) and p.title == "低保名单为什么不公开？"
    assert p.steps.count() == 1
    assert problems[follow.pk].source == ProblemSource.HEARING
    assert problems[follow.pk].title == "下月公开工程决算"
    # nobody answered: the secretary owns it
    assert problems[anonymous.pk].owner == sitting["secretary"].cadre


def test_a_hearing_needs_attendance_to_be_completed(contact, village):
    hearing = make_hearing(
        contact, village, party_members_present=0, representatives_present=0, others_present=0
    )
    with pytest.raises(ValidationError, match="attended"):
        services.hearing_complete(actor=contact, hearing=hearing)
    assert Hearing.objects.get().state == RecordState.DRAFT


def test_a_completed_hearing_refuses_changes(contact, village):
    hearing = make_hearing(contact, village)
    q = add_question(contact, hearing)
    services.hearing_complete(actor=contact, hearing=hearing)
    with pytest.raises(ValidationError):
        add_question(contact, hearing)
    with pytest.raises(ValidationError):
        services.hearing_update(actor=contact, hearing=hearing, agenda="改")
    with pytest.raises(ValidationError):
        services.hearing_remove_question(actor=contact, question=q)
    with pytest.raises(ValidationError):
        services.hearing_complete(actor=contact, hearing=hearing)
    # and the database refuses it behind the services' back
    with pytest.raises(DatabaseError), transaction.atomic():
        Hearing.objects.filter(pk=hearing.pk).update(agenda="改")
    with pytest.raises(DatabaseError), transaction.atomic():
        q.delete()


def test_hearing_writes_need_the_organizer(
    contact,
    other_contact,
    outsider,
    insider,
    village,
):
    for stranger in (other_contact, outsider):
        with pytest.raises(PermissionDenied):
            make_hearing(stranger, village)
    hearing = make_hearing(insider, village)  # the township may organize too
    for stranger in (other_contact, outsider):
        with pytest.raises(PermissionDenied):
            add_question(stranger, hearing)
        with pytest.raises(PermissionDenied):
            services.hearing_complete(actor=stranger, hearing=hearing)


def test_a_duty_has_one_hearing_and_of_its_kind(contact, village, other_village):
    make_hearing(contact, village)
    with pytest.raises(ValidationError, match="already"):
        make_hearing(contact, village)
    with pytest.raises(ValidationError, match="not a"):
        services.hearing_start(
            actor=contact,
            task=duty(village, TaskKind.PUBLIC_REPORT, "2026H2"),
            date=HEARING_DAY,
            agenda="x",
        )


def test_the_answering_cadre_must_be_of_the_village(contact, village, other_village):
    from cadres.tests.factories import CadreFactory

    hearing = make_hearing(contact, village)
    with pytest.raises(ValidationError, match="village"):
        add_question(contact, hearing, answered_by=CadreFactory(village=other_village))


# ------------------------------------------------------------------ public reports


def test_vote_counts_that_do_not_add_up_are_refused(contact, village, sitting):
    report = make_report(contact, village, issued=50, returned=48)
    with pytest.raises(ValidationError) as e:
        services.public_report_set_vote(
            actor=contact,
            report=report,
            post=sitting["secretary"],
            satisfied=40,
            basically_satisfied=5,
            dissatisfied=1,
        )
    assert "46" in str(e.value) and "48" in str(e.value)
    assert not PublicReportVote.objects.exists()


def test_returned_ballots_cannot_exceed_issued(contact, village):
    with pytest.raises(ValidationError) as e:
        make_report(contact, village, issued=40, returned=45)
    assert "45" in str(e.value) and "40" in str(e.value)


def test_public_report_completes_when_every_sitting_cadre_has_a_vote(contact, village, sitting):
    report = make_report(contact, village)
    vote = services.public_report_set_vote(
        actor=contact,
        report=report,
        post=sitting["secretary"],
        satisfied=40,
        basically_satisfied=6,
        dissatisfied=2,
        summary="修路、公开",
    )
    assert vote.satisfaction_rate == Decimal("0.958")
    with pytest.raises(ValidationError, match="赵主任"):
        services.public_report_complete(actor=contact, report=report)
    for post in (sitting["chair"], sitting["member"]):
        services.public_report_set_vote(
            actor=contact,
            report=report,
            post=post,
            satisfied=30,
            basically_satisfied=10,
            dissatisfied=8,
        )
    services.public_report_complete(actor=contact, report=report, on=ON)
    report.refresh_from_db()
    assert report.state == RecordState.COMPLETED and report.task.state == TaskState.DONE
    with pytest.raises(ValidationError):
        services.public_report_set_vote(
            actor=contact,
            report=report,
            post=sitting["chair"],
            satisfied=48,
            basically_satisfied=0,
            dissatisfied=0,
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        PublicReportVote.objects.filter(report=report).update(satisfied=48)


def test_a_vote_only_on_a_post_sitting_in_the_village(contact, village, other_village):
    from cadres.tests.factories import CadreFactory, PostFactory

    report = make_report(contact, village)
    elsewhere = PostFactory(cadre=CadreFactory(village=other_village))
    later = PostFactory(
        cadre=CadreFactory(village=village), kind="committee_member", start_date=D(2026, 11, 15)
    )
    for post in (elsewhere, later):
        with pytest.raises(ValidationError, match="not held"):
            services.public_report_set_vote(
                actor=contact,
                report=report,
                post=post,
                satisfied=48,
                basically_satisfied=0,
                dissatisfied=0,
            )


# ------------------------------------------------------------------ redemption


def test_redemption_lists_every_promise_in_force_and_rates_them(contact, village, sitting):
    redemption = make_redemption(contact, village)
    rows = list(redemption.results.select_related("promise__pledge"))
    assert len(rows) == 6  # secretary's and chair's pledges, 3 promises each; not the member
    with pytest.raises(ValidationError, match="6"):
        services.redemption_complete(actor=contact, redemption=redemption)
    results = [Fulfilment.FULFILLED, Fulfilment.PARTLY, Fulfilment.NOT] * 2
    for row, result in zip(rows, results, strict=True):
        services.redemption_set_result(
            actor=contact,
            redemption=redemption,
            promise=row.promise,
            result=result,
            appraisal="satisfied",
            evidence="现场查看",
        )
    assert selectors.pledge_fulfilment_rates([village.code], 2026) == {}  # not completed yet
    services.redemption_complete(actor=contact, redemption=redemption, on=ON)
    redemption.refresh_from_db()
    assert redemption.state == RecordState.COMPLETED and redemption.task.state == TaskState.DONE
    rates = selectors.pledge_fulfilment_rates([village.code], 2026)
    assert rates == {
        rows[0].promise.pledge_id: Decimal("0.500"),
        rows[3].promise.pledge_id: Decimal("0.500"),
    }
    assert selectors.village_fulfilment_rates([village.code], 2026) == {
        village.code: Decimal("0.500")
    }
    with pytest.raises(ValidationError):
        services.redemption_set_result(
            actor=contact,
            redemption=redemption,
            promise=rows[0].promise,
            result="not",
            appraisal="dissatisfied",
        )


def test_a_result_only_for_a_listed_promise_and_a_known_result(
    supervisor, contact, village, other_village, sitting
):
    from supervision.tests.conftest import sitting_post

    redemption = make_redemption(contact, village)
    elsewhere = sitting_post(supervisor, other_village, "secretary", "钱书记")
    stranger = elsewhere.pledges.get().promises.first()
    with pytest.raises(ValidationError, match="not listed"):
        services.redemption_set_result(
            actor=contact,
            redemption=redemption,
            promise=stranger,
            result="fulfilled",
            appraisal="satisfied",
        )
    with pytest.raises(ValidationError):
        services.redemption_set_result(
            actor=contact,
            redemption=redemption,
            promise=redemption.results.first().promise,
            result="bogus",
            appraisal="satisfied",
        )
    assert not redemption.results.exclude(result="").exists()


# ------------------------------------------------------------------ annual inspection


def _complete_redemption(actor, village, result):
    redemption = make_redemption(actor, village)
    for row in redemption.results.all():
        services.redemption_set_result(
            actor=actor,
            redemption=redemption,
            promise=row.promise,
            result=result,
            appraisal="dissatisfied",
        )
    services.redemption_complete(actor=actor, redemption=redemption)


def test_annual_evidence_rolls_up_the_year(insider, contact, village, sitting):
    report = make_report(contact, village, issued=10, returned=10)
    for post, counts in (
        (sitting["secretary"], (2, 2, 6)),
        (sitting["chair"], (8, 2, 0)),
        (sitting["member"], (5, 5, 0)),
    ):
        services.public_report_set_vote(
            actor=contact,
            report=report,
            post=post,
            satisfied=counts[0],
            basically_satisfied=counts[1],
            dissatisfied=counts[2],
        )
    services.public_report_complete(actor=contact, report=report)
    _complete_redemption(contact, village, Fulfilment.PARTLY)
    hearing = make_hearing(contact, village)
    add_question(contact, hearing, satisfied=False)
    services.hearing_complete(actor=contact, hearing=hearing)

    certificate = sitting["secretary"].certificate
    ev = selectors.annual_evidence(certificate, 2026)
    assert ev["votes"] == [
        {
            "period": "2026H2",
            "satisfied": 2,
            "basically_satisfied": 2,
            "dissatisfied": 6,
            "rate": "0.400",
        }
    ]
    assert ev["promises"]["total"] == 3 and ev["fulfilment_rate"] == "0.500"
    assert ev["open_problems"] == 1 and ev["inspections"] == [] and ev["reviews"] == []
    import json

    json.dumps(ev)  # stored on the record as JSON


def test_a_failed_annual_inspection_suspends_the_certificate_and_opens_an_advice(
    insider, contact, village, sitting
):
    task = duty(village, TaskKind.ANNUAL_INSPECTION, "2026")
    secretary, chair = sitting["secretary"].certificate, sitting["chair"].certificate
    with pytest.raises(PermissionDenied):  # the township's act, not the contact cadre's
        services.annual_inspection_start(actor=contact, task=task, certificate=secretary)
    failed = services.annual_inspection_start(actor=insider, task=task, certificate=secretary)
    assert failed.year == 2026 and "votes" in failed.evidence
    with pytest.raises(ValidationError, match="already"):
        services.annual_inspection_start(actor=insider, task=task, certificate=secretary)
    with pytest.raises(ValidationError, match="reasons"):
        services.annual_inspection_decide(actor=insider, record=failed, verdict=Verdict.FAIL)

    services.annual_inspection_decide(
        actor=insider,
        record=failed,
        verdict=Verdict.FAIL,
        reasons="承诺兑现率低，群众不满意",
        on=ON,
    )
    failed.refresh_from_db()
    secretary.refresh_from_db()
    assert failed.state == RecordState.COMPLETED and failed.verdict == Verdict.FAIL
    assert secretary.state == CertificateState.SUSPENDED and secretary.state_changed_on == ON
    assert failed.advice.post == sitting["secretary"] and failed.advice.state == AdviceState.OPEN
    assert "承诺兑现率低" in failed.advice.grounds
    task.refresh_from_db()
    assert task.state != TaskState.DONE  # the chair's certificate is still to be decided

    passed = services.annual_inspection_start(actor=insider, task=task, certificate=chair)
    services.annual_inspection_decide(actor=insider, record=passed, verdict=Verdict.PASS, on=ON)
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.done_on == ON
    chair.refresh_from_db()
    assert chair.state == CertificateState.VALID and passed.advice is None

    with pytest.raises(ValidationError):
        services.annual_inspection_decide(
            actor=insider, record=passed, verdict=Verdict.FAIL, reasons="改"
        )
    with pytest.raises(ValidationError, match="valid"):  # a suspended one is not inspected
        services.annual_inspection_start(
            actor=insider,
            task=duty(village, TaskKind.ANNUAL_INSPECTION, "2025"),
            certificate=secretary,
        )
