# ruff: noqa: F811 -- pytest fixtures are imported from disclosure_fixtures
"""定期公开 pages: staff pages by persona, the public pages, questions and their throttle."""

import hashlib

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.testing import through_nginx
from ledgers import services
from ledgers.choices import DisclosureKind, DisclosureState
from ledgers.models import Disclosure, DisclosureQuestion
from ledgers.tests.disclosure_fixtures import (  # noqa: F401
    bare_statements,
    draft_statement,
    published,
    quarter_books,
)
from ledgers.views.disclosure import QUESTION_LIMIT
from villages.tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
EXPECTED = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def staff_urls(village, statement):
    return [
        reverse("ledgers:disclosure-detail", args=[statement.pk]),
        reverse("ledgers:disclosure-generate", args=[village.code]),
    ]


LISTS = [reverse("ledgers:disclosure-list"), reverse("ledgers:question-list")]


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_staff_pages_by_persona(client, personas, persona, village, published):
    services.question_ask(disclosure=published, question="村委办公楼出租给谁了？")
    login(client, personas[persona])
    for url in staff_urls(village, published):
        assert client.get(url).status_code == EXPECTED[persona], url
    for url in LISTS:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == 200
        shown = "南旺村" in response.content.decode()
        assert shown == (persona != "outsider"), (url, persona)


def test_clerk_and_contact_read_but_do_not_approve(
    client, clerk, contact, village, draft_statement
):
    for who, generate in ((clerk, 200), (contact, 403)):
        login(client, who)
        assert (
            client.get(reverse("ledgers:disclosure-detail", args=[draft_statement.pk])).status_code
            == 200
        )
        url = reverse("ledgers:disclosure-generate", args=[village.code])
        assert client.get(url).status_code == generate
        for action in ("approve", "publish"):
            url = reverse(f"ledgers:disclosure-{action}", args=[draft_statement.pk])
            assert client.post(url).status_code == 403
    draft_statement.refresh_from_db()
    assert draft_statement.state == DisclosureState.DRAFT


def test_outsider_gets_404_on_writes(client, outsider, village, draft_statement):
    login(client, outsider)
    assert (
        client.post(
            reverse("ledgers:disclosure-approve", args=[draft_statement.pk]), {"confirm": "1"}
        ).status_code
        == 404
    )
    url = reverse("ledgers:disclosure-generate", args=[village.code])
    assert client.post(url, {"kind": "month", "year": 2026, "number": 1}).status_code == 404


def test_generate_approve_publish_through_the_pages(client, clerk, insider, village, quarter_books):
    login(client, clerk)
    url = reverse("ledgers:disclosure-generate", args=[village.code])
    bad = client.post(url, {"kind": "quarter", "year": 2026, "number": 7})
    assert bad.status_code == 200 and "季度" in bad.content.decode()
    response = client.post(url, {"kind": "quarter", "year": 2026, "number": 1})
    statement = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == statement.get_absolute_url()
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "土地流转费" in page and "12,000.00" in page and "村委办公楼" in page
    login(client, insider)
    client.post(reverse("ledgers:disclosure-approve", args=[statement.pk]), {"confirm": "1"})
    client.post(reverse("ledgers:disclosure-publish", args=[statement.pk]), {"confirm": "1"})
    statement.refresh_from_db()
    assert statement.state == DisclosureState.PUBLISHED and len(statement.sha256) == 64
    again = client.post(
        reverse("ledgers:disclosure-publish", args=[statement.pk]), {"confirm": "1"}, follow=True
    )
    assert "只有已审核的公开表才能发布" in again.content.decode()


# ------------------------------------------------------------------ public pages


def test_public_village_page_lists_only_its_published_statements(
    client, village, other_village, published
):
    bare_statements(village, 2)  # drafts
    bare_statements(other_village, 1, state=DisclosureState.PUBLISHED)
    response = client.get(reverse("public:village", args=[village.code]))
    assert response.status_code == 200
    assert [d.pk for d in response.context["statements"]] == [published.pk]
    assert reverse("public:statement", args=[published.pk]) in response.content.decode()
    other = client.get(reverse("public:village", args=[other_village.code]))
    assert len(other.context["statements"]) == 1
    assert client.get(reverse("public:village", args=["370830102999"])).status_code == 404


def test_a_village_without_statements_shows_an_empty_list(client, village):
    response = client.get(reverse("public:village", args=[village.code]))
    assert response.status_code == 200 and response.context["statements"] == []
    assert "尚未发布" in response.content.decode()


def test_drafts_and_approved_statements_are_not_public(client, draft_statement, insider):
    for _ in range(2):
        assert client.get(reverse("public:statement", args=[draft_statement.pk])).status_code == 404
        url = reverse("public:statement-json", args=[draft_statement.pk])
        assert client.get(url).status_code == 404
        services.disclosure_approve(actor=insider, disclosure=draft_statement) if _ == 0 else None


def test_the_published_json_is_byte_identical_and_matches_its_sha256(client, published):
    url = reverse("public:statement-json", args=[published.pk])
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first["Content-Type"].startswith("application/json")
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == published.sha256
    assert first["X-Content-SHA256"] == published.sha256
    assert "土地流转费".encode() in first.content  # UTF-8, not \\u escapes
    page = client.get(reverse("public:statement", args=[published.pk])).content.decode()
    assert published.sha256 in page and "12,000.00" in page


def ask(client, statement, meta=None, **data):
    """Post a public question; `meta`: the request's headers (through_nginx())."""
    body = {"name": "", "phone": "", "question": "为何支出300元？", "website": "", **data}
    return client.post(reverse("public:statement", args=[statement.pk]), body, **(meta or {}))


def test_anyone_asks_a_question_and_the_answer_appears_publicly(client, published, contact):
    response = ask(client, published, name="赵六", phone="13800001234")
    assert response.status_code == 302
    question = DisclosureQuestion.objects.get()
    # the thanks and the receipt number are on the question's own short page, not at the
    # foot of a long statement
    assert response.url == reverse("public:question", args=[question.receipt])
    assert (question.name, question.phone) == ("赵六", "13800001234")
    url = reverse("public:statement", args=[published.pk])
    assert "为何支出300元" not in client.get(url).content.decode()  # not answered yet
    login(client, contact)
    client.post(
        reverse("ledgers:question-answer", args=[question.pk]), {"answer": "购买办公用品。"}
    )
    client.logout()
    page = client.get(url).content.decode()
    assert "为何支出300元" in page and "购买办公用品。" in page
    # the asker's name and phone are for the township: a public page names no villager
    assert "赵六" not in page
    assert (
        "13800001234" not in page and "1234" not in page.split('data-testid="answered-question"')[1]
    )


@pytest.mark.parametrize(
    "field,value",
    [
        ("question", "修路\x00的钱"),
        ("question", "修路\x1b[2J"),
        ("name", "赵\n六"),
        ("name", "赵\x85六"),
    ],
)
def test_a_question_with_control_characters_is_refused(client, published, field, value):
    response = ask(client, published, **{field: value})
    assert response.status_code == 200
    assert "控制字符" in response.content.decode() or "空字符" in response.content.decode()
    assert not DisclosureQuestion.objects.exists()
    # A question on several lines is what a textarea sends.
    assert ask(client, published, question="第一，\r\n第二。").status_code == 302


def test_a_question_without_a_name_shows_no_name(client, published, insider):
    ask(client, published, question="合同到期后如何处理？")
    services.question_answer(
        actor=insider, question=DisclosureQuestion.objects.get(), answer="重新公开招标。"
    )
    page = client.get(reverse("public:statement", args=[published.pk])).content.decode()
    assert "重新公开招标" in page and "匿名" not in page


def test_questions_are_throttled_per_address(client, published):
    for _ in range(QUESTION_LIMIT):
        assert ask(client, published).status_code == 302
    refused = ask(client, published)
    assert refused.status_code == 429 and "提问过多" in refused.content.decode()
    assert DisclosureQuestion.objects.count() == QUESTION_LIMIT
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert ask(other, published).status_code == 302


def test_behind_the_shipped_nginx_each_visitor_has_their_own_limit(client, published, settings):
    settings.CLIENT_PROXY_COUNT = 1  # production
    for _ in range(QUESTION_LIMIT):
        assert ask(client, published, meta=through_nginx("203.0.113.9")).status_code == 302
    assert ask(client, published, meta=through_nginx("203.0.113.9")).status_code == 429
    # another villager behind the same nginx is not silenced
    assert ask(Client(), published, meta=through_nginx("198.51.100.20")).status_code == 302


def test_a_visitor_who_forges_the_header_is_counted_under_their_real_address(
    client, published, settings
):
    settings.CLIENT_PROXY_COUNT = 1
    forged = [f"192.0.2.{i}" for i in range(QUESTION_LIMIT + 2)]
    codes = [
        ask(client, published, meta=through_nginx("203.0.113.66", f)).status_code for f in forged
    ]
    assert codes == [302] * QUESTION_LIMIT + [429, 429]
    assert DisclosureQuestion.objects.count() == QUESTION_LIMIT
    # claiming a neighbour's address spent none of the neighbour's questions
    assert ask(Client(), published, meta=through_nginx("192.0.2.1")).status_code == 302


def test_bad_input_and_the_honeypot(client, published):
    empty = ask(client, published, question="  ")
    assert empty.status_code == 200 and "该字段是必填项" in empty.content.decode()
    bad_phone = ask(client, published, phone="电话号码")
    assert bad_phone.status_code == 200 and "电话" in bad_phone.content.decode()
    robot = ask(client, published, website="http://spam.example")
    assert robot.status_code == 302
    assert not DisclosureQuestion.objects.exists()


def test_the_question_form_is_csrf_protected(published):
    strict = Client(enforce_csrf_checks=True)
    assert ask(strict, published).status_code == 403
    page = strict.get(reverse("public:statement", args=[published.pk]))
    token = page.cookies["csrftoken"].value
    assert ask(strict, published, csrfmiddlewaretoken=token).status_code == 302


# ------------------------------------------------------------------ questions inbox


def test_the_inbox_shows_unanswered_first_and_answer_forms_to_who_may(
    client, published, insider, clerk, contact
):
    first = services.question_ask(disclosure=published, question="第一个问题")
    services.question_answer(actor=insider, question=first, answer="已答复")
    services.question_ask(disclosure=published, question="第二个问题", phone="13912345678")
    for who, form in ((contact, True), (insider, True), (clerk, False)):
        login(client, who)
        response = client.get(reverse("ledgers:question-list"))
        texts = [q.question for q in response.context["object_list"]]
        assert texts == ["第二个问题", "第一个问题"]
        page = response.content.decode()
        assert "139****5678" in page and "13912345678" not in page
        assert ('name="answer"' in page) == form
    login(client, clerk)
    second = DisclosureQuestion.objects.get(question="第二个问题")
    assert (
        client.post(
            reverse("ledgers:question-answer", args=[second.pk]), {"answer": "x"}
        ).status_code
        == 403
    )


# ------------------------------------------------------------------ query counts


def test_list_pages_query_count_is_the_same_for_2_and_50(client, insider, village, count_queries):
    login(client, insider)
    bare_statements(village, 2, state=DisclosureState.PUBLISHED)
    statement = Disclosure.objects.first()
    for i in range(2):
        services.question_ask(disclosure=statement, question=f"问题{i}", phone="13800001234")
    small = {
        "disclosures": count_queries(reverse("ledgers:disclosure-list")),
        "questions": count_queries(reverse("ledgers:question-list")),
        "public": count_queries(reverse("public:village", args=[village.code])),
    }
    bare_statements(village, 48, state=DisclosureState.PUBLISHED, start_year=2010)
    for i in range(48):
        services.question_ask(disclosure=statement, question=f"更多问题{i}")
    large = {
        "disclosures": count_queries(reverse("ledgers:disclosure-list")),
        "questions": count_queries(reverse("ledgers:question-list")),
        "public": count_queries(reverse("public:village", args=[village.code])),
    }
    assert small == large
    assert Disclosure.objects.count() == 50 and DisclosureQuestion.objects.count() == 50


def test_the_village_ledger_links_to_its_statements(client, insider, village):
    login(client, insider)
    page = client.get(reverse("ledgers:village-ledger", args=[village.code])).content.decode()
    assert f"{reverse('ledgers:disclosure-list')}?village={village.code}" in page
    assert DisclosureKind.QUARTER  # the kinds exist for the generate form
