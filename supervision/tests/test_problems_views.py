# ruff: noqa: F811 -- pytest fixtures are imported from problems_helpers
"""Pages of the problem ledger: personas, the flow through the forms, filters, export, queries."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from supervision.choices import Escalation, ProblemSource, ProblemState
from supervision.models import Problem
from villages.tests.factories import VillageFactory
from villages.tests.helpers import login

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
LIST = reverse("supervision:problem-list")


@pytest.fixture
def problem(village, contact):
    return make_problem(village, contact, deadline=TODAY - days(12), opened_on=TODAY - days(40))


def action_url(problem, action):
    return reverse("supervision:problem-action", args=[problem.pk, action])


@pytest.mark.parametrize(
    "persona,detail,create,edit",
    [
        ("anonymous", 302, 302, 302),
        ("outsider", 404, 200, 404),  # the outsider registers in their own township only
        ("insider", 200, 200, 200),
        ("supervisor", 200, 200, 200),
        ("contact", 200, 200, 200),
    ],
)
def test_pages_persona_matrix(
    client, personas, contact, other_village, problem, persona, detail, create, edit
):
    user = contact if persona == "contact" else personas[persona]
    login(client, user)
    assert client.get(reverse("supervision:problem-detail", args=[problem.pk])).status_code == (
        detail
    )
    assert client.get(reverse("supervision:problem-create")).status_code == create
    assert client.get(reverse("supervision:problem-update", args=[problem.pk])).status_code == edit
    response = client.get(LIST)
    assert response.status_code == (302 if persona == "anonymous" else 200)
    if persona != "anonymous":
        shown = problem.title in response.content.decode()
        assert shown is (persona != "outsider")
        export = client.get(reverse("supervision:problem-export"))
        assert export.status_code == 200
        rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=3))
        assert len(rows) == (0 if persona == "outsider" else 1)


def test_a_clerk_reads_but_may_not_register(client, clerk, problem):
    login(client, clerk)
    assert client.get(reverse("supervision:problem-detail", args=[problem.pk])).status_code == 200
    assert client.get(reverse("supervision:problem-create")).status_code == 403
    assert client.post(action_url(problem, "start")).status_code == 403


def test_overdue_problems_are_highlighted_with_their_days(client, insider, problem):
    login(client, insider)
    page = client.get(LIST).content.decode()
    assert 'data-overdue="12"' in page and "12" in page
    detail = client.get(reverse("supervision:problem-detail", args=[problem.pk])).content.decode()
    assert 'data-testid="overdue"' in detail


def test_the_contact_cadre_rectifies_and_the_township_closes(client, contact, insider, problem):
    detail = reverse("supervision:problem-detail", args=[problem.pk])
    login(client, contact)
    page = client.get(detail).content.decode()
    assert 'data-action="start"' in page and 'data-action="close"' not in page
    assert client.post(action_url(problem, "start"), {"note": ""}).status_code == 302
    # "What was done" is required: shown on the form, nothing changes.
    response = client.post(action_url(problem, "submit"), {"rectification": ""})
    assert response.status_code == 200 and 'data-action="submit"' in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.RECTIFYING
    assert (
        client.post(action_url(problem, "submit"), {"rectification": "已公开"}).status_code == 302
    )
    assert (
        client.post(action_url(problem, "close"), {"confirm": "1", "evidence": "照片"}).status_code
        == 403
    )

    login(client, insider)
    page = client.get(detail).content.decode()
    assert 'data-action="close"' in page and 'data-action="send-back"' in page
    response = client.post(
        action_url(problem, "close"), {"confirm": "1", "evidence": "", "on": TODAY}
    )
    assert response.status_code == 200 and response.context["actions"]
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.SUBMITTED
    response = client.post(
        action_url(problem, "close"), {"confirm": "1", "evidence": "照片", "on": TODAY}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED and problem.closed_by == insider
    page = client.get(detail).content.decode()
    assert 'data-action="reopen"' in page and 'data-action="close"' not in page
    assert client.post(action_url(problem, "nonsense")).status_code == 404


def test_a_step_the_state_does_not_allow_is_refused_with_a_message(client, insider, problem):
    login(client, insider)
    response = client.post(
        action_url(problem, "close"), {"confirm": "1", "evidence": "照片", "on": TODAY}
    )
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.OPEN


def test_a_closed_problem_cannot_be_edited_only_reopened(client, contact, insider, problem):
    closed(problem, contact, insider)
    login(client, insider)
    url = reverse("supervision:problem-update", args=[problem.pk])
    response = client.post(url, {"title": "新标题"}, follow=True)
    assert "已销号的问题不能修改，只能重新打开。" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).title == problem.title
    response = client.post(action_url(problem, "reopen"), {"reason": "群众再次反映"})
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.REOPENED
    page = client.get(reverse("supervision:problem-detail", args=[problem.pk])).content.decode()
    assert "已重新打开" in page and 'data-action="start"' in page


def edit_data(problem, **changes):
    data = {
        "title": problem.title,
        "description": problem.description,
        "category": problem.category,
        "severity": problem.severity,
        "owner_name": problem.owner_name,
        "owner": "",
        "deadline": problem.deadline.isoformat(),
        "standard": problem.standard,
    }
    return {**data, **changes}


def test_editing_and_moving_the_deadline(client, contact, insider, problem):
    url = reverse("supervision:problem-update", args=[problem.pk])
    later = (TODAY + days(20)).isoformat()
    login(client, contact)  # the deadline field is disabled for the contact cadre
    response = client.post(url, edit_data(problem, title="新标题", deadline=later))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.deadline) == ("新标题", TODAY - days(12))
    login(client, insider)
    assert client.post(url, edit_data(problem, deadline=later)).status_code == 302
    problem.refresh_from_db()
    assert problem.deadline.isoformat() == later
    assert later in problem.steps.order_by("-pk").first().note


def test_registering_by_hand(client, contact, village):
    login(client, contact)
    url = reverse("supervision:problem-create")
    page = client.get(url).content.decode()
    assert village.name in page
    data = {
        "village": village.pk,
        "source": ProblemSource.SCREENING,
        "title": "党员活动室闲置",
        "category": "party",
        "severity": "serious",
        "owner_name": "李书记",
        "deadline": (TODAY - days(1)).isoformat(),  # before today: refused on the form
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "deadline" in response.context["form"].errors
    data["deadline"] = (TODAY + days(30)).isoformat()
    response = client.post(url, data)
    problem = Problem.objects.get(title="党员活动室闲置")
    assert response.status_code == 302 and response["Location"] == problem.get_absolute_url()
    assert (problem.village, problem.opened_by, problem.severity) == (village, contact, "serious")


def test_registering_from_an_audit_finding(client, insider, audit_finding, village):
    login(client, insider)
    url = reverse("supervision:problem-create") + f"?audit_finding={audit_finding.pk}"
    page = client.get(url).content.decode()
    assert "报销凭证缺少附件" in page
    response = client.post(
        url,
        {
            "title": "凭证缺附件",
            "category": "finance",
            "severity": "general",
            "owner_name": "会计",
            "deadline": (TODAY + days(30)).isoformat(),
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.source, problem.audit_finding, problem.village) == (
        ProblemSource.AUDIT,
        audit_finding,
        village,
    )
    detail = client.get(problem.get_absolute_url()).content.decode()
    assert reverse("ledgers:audit-detail", args=[audit_finding.audit_id]) in detail


def test_registering_from_a_disclosure_question_outside_the_scope_is_404(
    client, outsider, disclosure_question
):
    login(client, outsider)
    url = reverse("supervision:problem-create") + f"?disclosure_question={disclosure_question.pk}"
    assert client.get(url).status_code == 404


def test_the_filters(client, supervisor, village, other_village, insider, contact, outsider):
    overdue = make_problem(village, contact, title="逾期问题", deadline=TODAY - days(5))
    make_problem(village, contact, title="未到期问题", severity="critical")
    other = make_problem(other_village, outsider, title="郭楼的问题")
    Problem.objects.filter(pk=other.pk).update(escalation=Escalation.COUNTY)
    login(client, supervisor)

    def titles(**params):
        return {p.title for p in client.get(LIST, params).context["object_list"]}

    assert titles() == {"逾期问题", "未到期问题", "郭楼的问题"}
    assert titles(overdue="true") == {"逾期问题"}
    assert titles(severity="critical") == {"未到期问题"}
    assert titles(escalation="county") == {"郭楼的问题"}
    assert titles(township="370830105") == {"郭楼的问题"}
    assert titles(village_q="郭楼") == {"郭楼的问题"}
    assert titles(q="未到期") == {"未到期问题"}
    assert titles(source="audit") == set()
    submitted(overdue, contact)
    assert titles(state="submitted") == {"逾期问题"}
    ordered = [p.title for p in client.get(LIST, {"ordering": "-deadline"}).context["object_list"]]
    assert ordered[-1] == "逾期问题"
    export = client.get(reverse("supervision:problem-export"), {"overdue": "true"})
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [r[3].value for r in ws.iter_rows(min_row=3)] == ["逾期问题"]
    assert ws.cell(row=3, column=1).value == village.code


def test_the_list_takes_the_same_queries_for_2_and_40_problems(
    client, count_queries, township, insider
):
    login(client, insider)

    def add(n):
        for _ in range(n):
            make_problem(VillageFactory(township=township), insider, deadline=TODAY - days(3))

    add(2)
    few = count_queries(LIST)
    few_export = count_queries(reverse("supervision:problem-export"))
    add(38)
    assert count_queries(LIST) == few
    assert count_queries(reverse("supervision:problem-export")) == few_export


def test_the_export_writes_a_public_question_as_text_never_a_formula(client, village, contact):
    # What a visitor's question, registered as a problem, put into the export before.
    link, cmd, sums, at = FORMULA_PAYLOADS
    make_problem(village, contact, title=link, owner_name=cmd, standard=sums)
    make_problem(village, contact, title=at)
    export = login(client, contact).get(reverse("supervision:problem-export"))
    assert export.status_code == 200
    assert_no_formula(export.content, *FORMULA_PAYLOADS)
