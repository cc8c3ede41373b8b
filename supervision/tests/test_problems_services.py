# ruff: noqa: F811 -- pytest fixtures are imported from problems_helpers
"""The problem ledger's services: the flow, its refusals, escalation, the ledgers' sources."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from ledgers.models import AuditFinding
from supervision import services
from supervision.choices import (
    Escalation,
    ProblemAction,
    ProblemCategory,
    ProblemSource,
    ProblemState,
)
from supervision.models import Problem, ProblemStep, SupervisionPolicy
from villages.tests.factories import VillageFactory

from .problems_helpers import (  # noqa: F401 (fixtures)
    TODAY,
    audit_finding,
    closed,
    disclosure_question,
    make_problem,
    submitted,
)

pytestmark = pytest.mark.django_db
days = dt.timedelta


def actions(problem):
    return list(problem.steps.order_by("at", "pk").values_list("action", flat=True))


def test_the_flow_from_registration_to_closing_logs_every_step(village, contact, insider):
    problem = make_problem(village, contact)
    assert problem.state == ProblemState.OPEN and problem.opened_by == contact
    problem = services.problem_start(actor=contact, problem=problem, note="召开两委会")
    assert problem.state == ProblemState.RECTIFYING
    problem = services.problem_submit(actor=contact, problem=problem, rectification="已公开")
    assert (problem.state, problem.rectification) == (ProblemState.SUBMITTED, "已公开")
    problem = services.problem_close(actor=insider, problem=problem, evidence="照片三张")
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED
    assert (problem.closed_by, problem.closed_on) == (insider, TODAY)
    assert problem.closure_evidence == "照片三张"
    assert actions(problem) == ["open", "start", "submit", "close"]
    last = problem.steps.order_by("-pk").first()
    assert (last.from_state, last.to_state, last.actor) == ("submitted", "closed", insider)


def test_submitting_needs_what_was_done(village, contact):
    problem = services.problem_start(actor=contact, problem=make_problem(village, contact))
    with pytest.raises(ValidationError) as e:
        services.problem_submit(actor=contact, problem=problem, rectification="  ")
    assert "rectification" in e.value.message_dict
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.RECTIFYING


def test_closing_needs_evidence(village, contact, insider):
    problem = submitted(make_problem(village, contact), contact)
    with pytest.raises(ValidationError) as e:
        services.problem_close(actor=insider, problem=problem, evidence="")
    assert "evidence" in e.value.message_dict
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.SUBMITTED


def test_a_contact_cadre_cannot_close_send_back_or_reopen(village, contact, insider):
    problem = submitted(make_problem(village, contact), contact)
    with pytest.raises(PermissionDenied):
        services.problem_close(actor=contact, problem=problem, evidence="照片")
    with pytest.raises(PermissionDenied):
        services.problem_send_back(actor=contact, problem=problem, note="不行")
    problem = services.problem_close(actor=insider, problem=problem, evidence="照片")
    with pytest.raises(PermissionDenied):
        services.problem_reopen(actor=contact, problem=problem, reason="又出现了")
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.CLOSED


def test_outsiders_change_nothing(village, contact, outsider):
    with pytest.raises(PermissionDenied):
        make_problem(village, outsider)
    problem = make_problem(village, contact)
    with pytest.raises(PermissionDenied):
        services.problem_start(actor=outsider, problem=problem)


def test_steps_out_of_order_are_refused(village, contact, insider):
    problem = make_problem(village, contact)
    with pytest.raises(ValidationError):
        services.problem_close(actor=insider, problem=problem, evidence="照片")
    with pytest.raises(ValidationError):
        services.problem_submit(actor=contact, problem=problem, rectification="做了")
    with pytest.raises(ValidationError):
        services.problem_reopen(actor=insider, problem=problem, reason="x")
    assert actions(problem) == ["open"]


def test_sending_back_needs_a_note_and_returns_to_rectifying(village, contact, insider):
    problem = submitted(make_problem(village, contact), contact)
    with pytest.raises(ValidationError):
        services.problem_send_back(actor=insider, problem=problem, note="")
    problem = services.problem_send_back(actor=insider, problem=problem, note="照片不清楚")
    assert problem.state == ProblemState.RECTIFYING
    step = problem.steps.order_by("-pk").first()
    assert (step.action, step.note) == (ProblemAction.REJECT, "照片不清楚")


def test_a_closed_problem_cannot_be_edited_only_reopened(village, contact, insider):
    problem = closed(make_problem(village, contact), contact, insider)
    with override("zh-hans"), pytest.raises(ValidationError) as e:
        services.problem_update(actor=insider, problem=problem, title="改个标题")
    assert e.value.messages == ["已销号的问题不能修改，只能重新打开。"]
    # Nor behind the services' back: the database refuses it.
    with pytest.raises(InternalError), transaction.atomic():
        Problem.objects.filter(pk=problem.pk).update(title="改个标题")
    with pytest.raises(ValidationError):
        services.problem_reopen(actor=insider, problem=problem, reason="")
    problem = services.problem_reopen(actor=insider, problem=problem, reason="群众再次反映")
    assert (problem.state, problem.closed_on, problem.closed_by) == ("reopened", None, None)
    assert problem.steps.order_by("-pk").first().to_state == "reopened"
    problem = services.problem_update(actor=insider, problem=problem, title="改个标题")
    assert Problem.objects.get(pk=problem.pk).title == "改个标题"
    assert actions(problem)[-2:] == ["reopen", "edit"]


def test_steps_are_append_only(village, contact):
    step = make_problem(village, contact).steps.get()
    with pytest.raises(InternalError), transaction.atomic():
        ProblemStep.objects.filter(pk=step.pk).update(note="改")


def test_a_moved_deadline_is_logged_and_only_staff_move_it(village, contact, insider):
    problem = make_problem(village, contact, deadline=TODAY + days(10))
    with pytest.raises(PermissionDenied):
        services.problem_update(actor=contact, problem=problem, deadline=TODAY + days(40))
    problem = services.problem_update(actor=contact, problem=problem, owner_name="赵主任")
    assert problem.owner_name == "赵主任" and problem.deadline == TODAY + days(10)
    problem = services.problem_update(actor=insider, problem=problem, deadline=TODAY + days(40))
    step = problem.steps.order_by("-pk").first()
    assert step.action == ProblemAction.EDIT
    assert (TODAY + days(10)).isoformat() in step.note
    assert (TODAY + days(40)).isoformat() in step.note
    # Nothing changed: no step.
    count = problem.steps.count()
    services.problem_update(actor=insider, problem=problem, deadline=TODAY + days(40))
    assert problem.steps.count() == count


def test_overdue_problems_go_to_the_township_then_the_county(village, contact, insider):
    SupervisionPolicy.objects.create(area_code="370830", county_escalation_days=10)
    on = TODAY
    fresh = make_problem(village, contact, deadline=on + days(30))
    late = make_problem(village, contact, deadline=on - days(3))
    very_late = make_problem(village, contact, deadline=on - days(10))
    done = closed(make_problem(village, contact, deadline=on - days(20)), contact, insider)

    assert services.problems_escalate(on=on) == 2
    levels = dict(Problem.objects.values_list("pk", "escalation"))
    assert levels == {
        fresh.pk: Escalation.NONE,
        late.pk: Escalation.TOWNSHIP,
        very_late.pk: Escalation.COUNTY,
        done.pk: Escalation.NONE,
    }
    step = late.steps.get(action=ProblemAction.ESCALATE)
    assert step.actor is None and "3" in step.note

    assert services.problems_escalate(on=on) == 0  # idempotent
    assert ProblemStep.objects.filter(action=ProblemAction.ESCALATE).count() == 2

    # A week later the township's problem is overdue by 10 days: the county supervises it.
    assert services.problems_escalate(on=on + days(7)) == 1
    late.refresh_from_db()
    assert late.escalation == Escalation.COUNTY
    assert late.steps.filter(action=ProblemAction.ESCALATE).count() == 2


def test_the_default_policy_escalates_to_the_county_after_30_days(village, contact):
    problem = make_problem(village, contact, deadline=TODAY - days(29))
    services.problems_escalate(on=TODAY)
    assert Problem.objects.get(pk=problem.pk).escalation == Escalation.TOWNSHIP
    services.problems_escalate(on=TODAY + days(1))
    assert Problem.objects.get(pk=problem.pk).escalation == Escalation.COUNTY


def test_escalation_takes_the_same_queries_for_2_and_40_problems(township, insider):
    def run(n):
        villages = [VillageFactory(township=township) for _ in range(n)]
        for v in villages:
            make_problem(v, insider, deadline=TODAY - days(5))
        with CaptureQueriesContext(connection) as ctx:
            assert services.problems_escalate(on=TODAY) == n
        return len(ctx.captured_queries)

    few = run(2)
    Problem.objects.update(escalation=Escalation.COUNTY)  # out of the next run
    assert run(40) == few


def test_a_problem_from_an_audit_finding_once(audit_finding, village, insider, contact):
    problem = services.problem_from_audit_finding(
        actor=insider, finding=audit_finding, deadline=TODAY + days(30), owner_name="会计"
    )
    assert (problem.source, problem.village, problem.audit_finding) == (
        ProblemSource.AUDIT,
        village,
        audit_finding,
    )
    assert problem.title == "报销凭证缺少附件"
    with pytest.raises(ValidationError):
        services.problem_from_audit_finding(
            actor=contact, finding=audit_finding, deadline=TODAY + days(30), owner_name="会计"
        )
    assert Problem.objects.count() == 1


def test_a_problem_from_a_record_takes_its_village_text_and_category(
    audit_finding, disclosure_question, village, insider
):
    AuditFinding.objects.filter(pk=audit_finding.pk).update(amount=Decimal("1200.00"))
    audit_finding.refresh_from_db()
    from_audit = services.problem_from_record(
        actor=insider,
        source=ProblemSource.AUDIT,
        record=audit_finding,
        deadline=TODAY + days(30),
        owner_name="会计",
    )
    assert (from_audit.village, from_audit.category) == (village, ProblemCategory.FINANCE)
    assert from_audit.description.splitlines() == ["报销凭证缺少附件", "涉及金额：1200.00元"]
    from_question = services.problem_from_record(
        actor=insider,
        source=ProblemSource.DISCLOSURE,
        record=disclosure_question,
        deadline=TODAY + days(30),
        owner_name="主任",
        category=ProblemCategory.FINANCE,
    )
    assert (from_question.village, from_question.category) == (village, ProblemCategory.FINANCE)
    assert from_question.title == "修路的钱花到哪里去了?"


def test_a_problem_from_a_disclosure_question_once(disclosure_question, village, contact):
    problem = services.problem_from_disclosure_question(
        actor=contact, question=disclosure_question, deadline=TODAY + days(15), owner_name="主任"
    )
    assert problem.source == ProblemSource.DISCLOSURE
    assert problem.disclosure_question == disclosure_question
    assert "修路" in problem.description
    with pytest.raises(ValidationError):
        services.problem_from_disclosure_question(
            actor=contact,
            question=disclosure_question,
            deadline=TODAY + days(15),
            owner_name="主任",
        )
