# ruff: noqa: F811 -- pytest fixtures are imported from problems_helpers
"""/api/v1/problems/: personas, create, the steps, refusals, filters, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.choices import ProblemSource, ProblemState
from supervision.models import Problem
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login

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
URL = "/api/v1/problems/"


@pytest.fixture
def problem(village, contact):
    return make_problem(village, contact, deadline=TODAY - days(4))


@pytest.mark.parametrize(
    "persona,detail,listed",
    [
        ("anonymous", (401, 403), None),
        ("outsider", (404,), 0),
        ("insider", (200,), 1),
        ("supervisor", (200,), 1),
        ("contact", (200,), 1),
    ],
)
def test_read_persona_matrix(api, personas, contact, problem, persona, detail, listed):
    api_login(api, contact if persona == "contact" else personas[persona])
    response = api.get(f"{URL}{problem.pk}/")
    assert response.status_code in detail
    if listed is not None:
        assert api.get(URL).json()["count"] == listed
    if response.status_code == 200:
        body = response.json()
        assert body["days_overdue"] == 4 and body["village"] == "370830102201"
        assert [s["action"] for s in body["steps"]] == ["open"]


def test_the_flow_through_the_api(api, contact, insider, problem):
    api_login(api, contact)
    assert api.post(f"{URL}{problem.pk}/start/", {}).status_code == 200
    assert api.post(f"{URL}{problem.pk}/submit/", {}).status_code == 400
    response = api.post(f"{URL}{problem.pk}/submit/", {"rectification": "已公开"})
    assert response.json()["state"] == ProblemState.SUBMITTED
    assert api.post(f"{URL}{problem.pk}/close/", {"evidence": "照片"}).status_code == 403
    api_login(api, insider)
    assert api.post(f"{URL}{problem.pk}/close/", {"evidence": ""}).status_code == 400
    response = api.post(f"{URL}{problem.pk}/send-back/", {"note": "照片不清"})
    assert response.json()["state"] == ProblemState.RECTIFYING
    api_login(api, contact)
    api.post(f"{URL}{problem.pk}/submit/", {"rectification": "补拍照片"})
    api_login(api, insider)
    response = api.post(f"{URL}{problem.pk}/close/", {"evidence": "照片"})
    assert response.status_code == 200 and response.json()["state"] == ProblemState.CLOSED
    # Closed: editing is refused, reopening needs a reason.
    assert api.patch(f"{URL}{problem.pk}/", {"title": "改"}).status_code == 400
    assert api.post(f"{URL}{problem.pk}/reopen/", {}).status_code == 400
    response = api.post(f"{URL}{problem.pk}/reopen/", {"reason": "又出现"})
    assert response.json()["state"] == ProblemState.REOPENED
    steps = [s["action"] for s in response.json()["steps"]]
    assert steps == ["open", "start", "submit", "reject", "submit", "close", "reopen"]


def test_writes_by_outsiders_and_clerks_are_refused(api, outsider, clerk, problem):
    api_login(api, outsider)
    assert api.post(f"{URL}{problem.pk}/start/", {}).status_code == 404
    api_login(api, clerk)
    assert api.post(f"{URL}{problem.pk}/start/", {}).status_code == 403
    assert api.patch(f"{URL}{problem.pk}/", {"title": "改"}).status_code == 403
    assert Problem.objects.get(pk=problem.pk).state == ProblemState.OPEN


def test_create_by_hand_and_from_a_record(api, contact, insider, village, audit_finding):
    api_login(api, contact)
    body = {
        "village": village.code,
        "source": "screening",
        "title": "村规民约未修订",
        "category": "affairs",
        "owner_name": "李书记",
        "deadline": (TODAY + days(30)).isoformat(),
    }
    response = api.post(URL, body)
    assert response.status_code == 201, response.json()
    assert response.json()["opened_by"] == contact.pk
    assert api.post(URL, {**body, "village": "370830105201"}).status_code == 400
    assert api.post(URL, {k: v for k, v in body.items() if k != "title"}).status_code == 400
    api_login(api, insider)
    record = {
        "audit_finding": audit_finding.pk,
        "owner_name": "会计",
        "deadline": (TODAY + days(30)).isoformat(),
    }
    response = api.post(URL, record)
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == ProblemSource.AUDIT
    assert api.post(URL, record).status_code == 400  # one problem per finding


def test_patch_moves_the_deadline_for_staff_only(api, contact, insider, problem):
    later = (TODAY + days(10)).isoformat()
    api_login(api, contact)
    assert api.patch(f"{URL}{problem.pk}/", {"deadline": later}).status_code == 403
    assert api.patch(f"{URL}{problem.pk}/", {"owner_name": "赵主任"}).status_code == 200
    api_login(api, insider)
    response = api.patch(f"{URL}{problem.pk}/", {"deadline": later})
    assert response.status_code == 200 and response.json()["deadline"] == later
    assert response.json()["days_overdue"] == 0


def test_the_list_filters_like_the_page(api, supervisor, village, contact, insider):
    late = make_problem(village, contact, title="逾期", deadline=TODAY - days(2))
    make_problem(village, contact, title="未到期")
    closed(make_problem(village, contact, title="已销号"), contact, insider)
    api_login(api, supervisor)

    def titles(**params):
        return {p["title"] for p in api.get(URL, params).json()["results"]}

    assert titles(overdue="true") == {"逾期"}
    assert titles(state="closed") == {"已销号"}
    assert titles(state=["open", "closed"]) == {"逾期", "未到期", "已销号"}
    assert titles(unresolved="true") == {"逾期", "未到期"}
    submitted(late, contact)
    assert titles(state="submitted", q="逾") == {"逾期"}


def test_the_list_takes_the_same_queries_for_2_and_40(api, insider, township):
    api_login(api, insider)

    def count(n):
        for _ in range(n):
            make_problem(VillageFactory(township=township), insider)
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL).status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(38)
