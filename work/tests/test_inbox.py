"""The selectors of 待办: for each kind, who it waits for (the rights model) and who it does
not; `counts` in one query whatever the number of villages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.rights import scope_for
from supervision.choices import ProblemState, TaskKind
from supervision.models import Problem
from supervision.tests.cycle_helpers import more_villages
from work import inbox

from . import helpers as h

pytestmark = pytest.mark.django_db


def keys(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_a_draft_voucher_waits_for_the_staff_who_post_it(
    village, clerk, insider, outsider, supervisor
):
    draft = h.voucher(village, clerk)
    assert keys(inbox.vouchers_to_post(insider)) == [draft.pk]
    assert keys(inbox.vouchers_to_post(supervisor)) == [draft.pk]
    # the clerk drafted it and may not post it; another township never sees it
    assert keys(inbox.vouchers_to_post(clerk)) == []
    assert keys(inbox.vouchers_to_post(outsider)) == []
    assert keys(inbox.vouchers_to_post(None)) == []
    # nobody posts their own voucher (the database refuses): it waits for a colleague
    own = h.voucher(village, insider, number=2)
    assert own.pk not in keys(inbox.vouchers_to_post(insider))
    assert own.pk in keys(inbox.vouchers_to_post(supervisor))


def test_statements_wait_for_approval_then_publication(village, insider, outsider, contact):
    draft = h.statement(village, "draft", 1)
    approved = h.statement(village, "approved", 2)
    h.statement(village, "published", 3)
    assert keys(inbox.statements_to_approve(insider)) == [draft.pk]
    assert keys(inbox.statements_to_publish(insider)) == [approved.pk]
    for user in (outsider, contact):
        assert not inbox.statements_to_approve(user).exists()
        assert not inbox.statements_to_publish(user).exists()


def test_an_unanswered_question_waits_for_those_who_may_answer(
    village, other_village, insider, outsider, contact, clerk
):
    asked = h.question(village)
    h.question(other_village)
    assert keys(inbox.questions_to_answer(insider)) == [asked.pk]
    assert keys(inbox.questions_to_answer(contact)) == [asked.pk]
    assert keys(inbox.questions_to_answer(clerk)) == []  # a clerk keeps books, answers nothing
    assert asked.pk not in keys(inbox.questions_to_answer(outsider))
    asked.answer = "用于村内主干道硬化"
    asked.save()
    assert keys(inbox.questions_to_answer(insider)) == []


def test_a_problem_waits_for_its_contact_cadre_then_for_the_staff_who_verify(
    village, insider, outsider, contact, supervisor
):
    problem = h.problem(village, insider)
    assert keys(inbox.problems_to_rectify(contact)) == [problem.pk]
    assert keys(inbox.problems_to_verify(insider)) == []
    # staff manage the area but do not rectify: the contact cadre does
    assert keys(inbox.problems_to_rectify(insider)) == []
    problem = h.submitted(problem, contact)
    assert keys(inbox.problems_to_rectify(contact)) == []
    assert keys(inbox.problems_to_verify(insider)) == [problem.pk]
    assert keys(inbox.problems_to_verify(supervisor)) == [problem.pk]
    assert keys(inbox.problems_to_verify(outsider)) == []
    assert keys(inbox.problems_to_verify(contact)) == []


def test_duties_are_due_or_overdue_for_those_who_answer_for_them(
    village, insider, outsider, contact
):
    late = h.duty(village, TaskKind.HEARING, days=-2, period="2026Q1")
    soon = h.duty(village, TaskKind.HEARING, days=3, period="2026Q2")
    h.duty(village, TaskKind.HEARING, days=inbox.DUE_SOON_DAYS + 1, period="2026Q3")
    inspection = h.duty(village, TaskKind.INSPECTION, days=1, period="2026Q2")
    # bottom-up duties are the contact cadre's, top-down ones the township staff's
    assert keys(inbox.duties_overdue(contact)) == [late.pk]
    assert keys(inbox.duties_due(contact)) == [soon.pk]
    assert keys(inbox.duties_due(insider)) == [inspection.pk]
    assert keys(inbox.duties_overdue(insider)) == []
    assert keys(inbox.duties_due(outsider)) == []


def test_a_pledge_waits_for_the_signatures_the_staff_record(village, insider, outsider, clerk):
    pledge = h.pledge(village)
    assert keys(inbox.pledges_to_sign(insider)) == [pledge.pk]
    assert keys(inbox.pledges_to_sign(outsider)) == []
    assert keys(inbox.pledges_to_sign(clerk)) == []
    pledge.state = "in_force"
    pledge.save()
    assert keys(inbox.pledges_to_sign(insider)) == []


def test_a_handover_waits_for_whoever_records_a_missing_signature(
    village, insider, outsider, clerk
):
    handover = h.handover(village)
    assert keys(inbox.handovers_to_sign(clerk)) == [handover.pk]
    assert keys(inbox.handovers_to_sign(insider)) == [handover.pk]
    assert keys(inbox.handovers_to_sign(outsider)) == []
    # the cadres have signed: only the township's supervisor is missing, not the clerk's job
    signed = h.handover(village, outgoing_signed_on=h.TODAY, incoming_signed_on=h.TODAY)
    assert signed.pk not in keys(inbox.handovers_to_sign(clerk))
    assert signed.pk in keys(inbox.handovers_to_sign(insider))


def test_a_report_is_ready_for_who_asked_and_for_the_area_when_scheduled(
    township, other_township, village, insider, outsider, supervisor
):
    mine = h.report(township.code, requested_by=insider)
    scheduled = h.report(village.code)
    h.report(township.code, requested_by=supervisor)  # someone else's
    h.report(township.code, requested_by=insider, days_ago=inbox.REPORTS_FRESH_DAYS + 1)
    theirs = h.report(other_township.code)
    assert keys(inbox.reports_ready(insider)) == sorted([mine.pk, scheduled.pk])
    assert keys(inbox.reports_ready(outsider)) == [theirs.pk]


def test_counts_are_the_sizes_of_the_selectors(village, clerk, insider, contact):
    h.voucher(village, clerk, 1)
    h.voucher(village, clerk, 2)
    h.question(village)
    h.problem(village, insider, submit_by=contact)
    counts = inbox.counts(insider)
    assert counts["vouchers_to_post"] == 2
    assert counts["questions_to_answer"] == 1
    assert counts["problems_to_verify"] == 1
    assert counts.total == 4
    for kind in inbox.KINDS:
        assert counts[kind.key] == kind.items(insider).count()
    assert inbox.counts(None).total == 0


def fill(township, n, clerk, insider, contact, start=300):
    """`n` villages of the township, each with a voucher, statements, a question and duties
    waiting."""
    villages = more_villages(township, n, start)
    for v in villages:
        h.voucher(v, clerk)
        h.statement(v, "draft", 1)
        h.statement(v, "approved", 2)
        h.question(v, 3)
        h.duty(v, TaskKind.INSPECTION, days=-1)
        h.duty(v, TaskKind.INSPECTION, days=2, period="2026Q2")
    return villages


@pytest.mark.parametrize("n", [2, 50])
def test_counts_take_one_query_whatever_the_number_of_villages(
    n, township, village, clerk, insider, contact
):
    fill(township, n, clerk, insider, contact)
    scope_for(insider)  # the scope's own queries are asked once per request, elsewhere
    with CaptureQueriesContext(connection) as ctx:
        counts = inbox.counts(insider)
    assert len(ctx.captured_queries) == 1
    assert counts["vouchers_to_post"] == n
    assert counts["duties_overdue"] == n


def test_a_user_without_a_role_is_asked_nothing(db):
    from villages.tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    scope_for(nobody)
    with CaptureQueriesContext(connection) as ctx:
        assert inbox.counts(nobody).total == 0
    assert ctx.captured_queries == []


def test_a_reopened_problem_waits_for_its_contact_cadre_again(village, insider, contact):
    problem = h.problem(village, insider)
    Problem.objects.filter(pk=problem.pk).update(state=ProblemState.REOPENED)
    assert keys(inbox.problems_to_rectify(contact)) == [problem.pk]
    assert inbox.counts(contact)["problems_to_rectify"] == 1
