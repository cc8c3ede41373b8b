# ruff: noqa: F811 -- pytest fixtures are imported from disclosure_fixtures
"""/api/v1/ disclosures and disclosure-questions: personas, the township's acts, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgers import services
from ledgers.choices import DisclosureState
from ledgers.models import Disclosure, DisclosureQuestion
from ledgers.tests.disclosure_fixtures import (  # noqa: F401
    bare_statements,
    draft_statement,
    published,
    quarter_books,
)
from villages.tests.helpers import api_login

pytestmark = pytest.mark.django_db
API = "/api/v1"
READ = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.fixture
def everyone(personas, clerk, contact):
    return {**personas, "clerk": clerk, "contact": contact}


@pytest.mark.parametrize("who", [*READ, "clerk", "contact"])
def test_reads_by_persona(api, everyone, who, published):
    services.question_ask(disclosure=published, question="问题", phone="13800001234")
    client = api_login(api, everyone[who])
    expected = READ.get(who, 200)
    detail = client.get(f"{API}/disclosures/{published.pk}/")
    assert detail.status_code == expected
    for url in (f"{API}/disclosures/", f"{API}/disclosure-questions/"):
        listed = client.get(url)
        if who == "anonymous":
            assert listed.status_code == 403
            continue
        assert len(listed.json()["results"]) == (0 if who == "outsider" else 1)
    if expected == 200:
        data = detail.json()
        assert data["sha256"] == published.sha256 and data["content"] == published.content
        question = client.get(f"{API}/disclosure-questions/").json()["results"][0]
        assert question["phone_masked"] == "138****1234" and "phone" not in question


def test_generate_approve_publish(api, clerk, contact, insider, village, quarter_books):
    body = {"village": village.code, "kind": "quarter", "year": 2026, "number": 1}
    assert api_login(api, contact).post(f"{API}/disclosures/generate/", body).status_code == 403
    made = api_login(api, clerk).post(f"{API}/disclosures/generate/", body, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert made.json()["content"]["totals"]["income"] == "12500.00"
    assert api.post(f"{API}/disclosures/{pk}/approve/").status_code == 403
    bad = api.post(f"{API}/disclosures/generate/", {**body, "number": 9}, format="json")
    assert bad.status_code == 400
    still_open = api.post(f"{API}/disclosures/generate/", {**body, "number": 2}, format="json")
    assert still_open.status_code == 400 and "请先对 2026 年4月、5月、6月结账" in still_open.text
    api_login(api, insider)
    assert api.post(f"{API}/disclosures/{pk}/publish/").status_code == 400
    assert api.post(f"{API}/disclosures/{pk}/approve/").json()["state"] == "approved"
    done = api.post(f"{API}/disclosures/{pk}/publish/").json()
    assert done["state"] == "published" and len(done["sha256"]) == 64
    again = api_login(api, clerk).post(f"{API}/disclosures/generate/", body, format="json")
    assert again.status_code == 400
    assert Disclosure.objects.get().state == DisclosureState.PUBLISHED


def test_outsider_cannot_touch(api, outsider, village, draft_statement):
    api_login(api, outsider)
    assert api.post(f"{API}/disclosures/{draft_statement.pk}/approve/").status_code == 404
    body = {"village": village.code, "kind": "month", "year": 2026, "number": 1}
    assert api.post(f"{API}/disclosures/generate/", body).status_code == 400  # unknown village


def test_answer(api, published, contact, clerk, insider):
    q = services.question_ask(disclosure=published, question="为何支出？")
    url = f"{API}/disclosure-questions/{q.pk}/answer/"
    assert api_login(api, clerk).post(url, {"answer": "x"}).status_code == 403
    done = api_login(api, contact).post(url, {"answer": "购买办公用品。"})
    assert done.status_code == 200 and done.json()["answer"] == "购买办公用品。"
    assert api_login(api, insider).post(url, {"answer": "再答"}).status_code == 400
    assert DisclosureQuestion.objects.get().answer == "购买办公用品。"


def count(api, url):
    api.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_are_the_same_for_2_and_50(api, insider, village):
    api_login(api, insider)
    bare_statements(village, 2, state=DisclosureState.PUBLISHED)
    statement = Disclosure.objects.first()
    for i in range(2):
        services.question_ask(disclosure=statement, question=f"问题{i}")
    urls = [f"{API}/disclosures/", f"{API}/disclosure-questions/"]
    small = [count(api, u) for u in urls]
    bare_statements(village, 48, state=DisclosureState.PUBLISHED, start_year=2010)
    for i in range(48):
        services.question_ask(disclosure=statement, question=f"更多{i}")
    assert [count(api, u) for u in urls] == small


def test_statements_and_questions_are_not_created_through_the_api(api, insider):
    """Statements are generated and questions asked on the public page: no POST to the lists,
    and the schema does not offer one."""
    client = api_login(api, insider)
    for path in ("disclosures", "disclosure-questions"):
        assert client.post(f"{API}/{path}/", {}, format="json").status_code == 405
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "post" not in schema["paths"]["/api/v1/disclosures/"]
    assert "post" not in schema["paths"]["/api/v1/disclosure-questions/"]
    assert "post" in schema["paths"]["/api/v1/disclosures/generate/"]
