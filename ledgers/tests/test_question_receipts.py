# ruff: noqa: F811 -- pytest fixtures are imported from disclosure_fixtures
"""Questions villagers can follow (issue #20): a receipt number, a public page per question, and
the township hiding an abusive question with a recorded reason."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ledgers import selectors, services
from ledgers.models import DisclosureQuestion
from ledgers.models.disclosure import RECEIPT_ALPHABET, RECEIPT_LENGTH
from ledgers.tests.disclosure_fixtures import (  # noqa: F401
    draft_statement,
    published,
    quarter_books,
)
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db

RECEIPT_RE = re.compile(rf"^[{RECEIPT_ALPHABET}]{{{RECEIPT_LENGTH}}}$")


def ask(client, statement, **data):
    body = {"name": "", "phone": "", "question": "为何支出300元？", "website": "", **data}
    return client.post(reverse("public:statement", args=[statement.pk]), body)


def page_of(question, client=None):
    return (client or Client()).get(reverse("public:question", args=[question.receipt]))


# ------------------------------------------------------------------ services


def test_each_question_gets_its_own_random_receipt(published):
    receipts = {
        services.question_ask(disclosure=published, question=f"问题{n}").receipt for n in range(20)
    }
    assert len(receipts) == 20
    assert all(RECEIPT_RE.match(r) for r in receipts)


def test_the_township_hides_a_question_with_a_reason_and_it_is_audited(published, insider):
    question = services.question_ask(disclosure=published, question="骂人的话")
    hidden = services.question_hide(actor=insider, question=question, reason="  辱骂他人  ")
    assert hidden.hidden_at is not None and hidden.hidden_by == insider
    assert hidden.hidden_reason == "辱骂他人"
    # the history keeps the act and the reason (pghistory's trigger)
    events = apps.get_model("ledgers", "DisclosureQuestionEvent").objects
    last = events.filter(pgh_obj_id=question.pk).latest("pgh_id")
    assert (last.hidden_reason, last.hidden_by_id) == ("辱骂他人", insider.pk)
    with pytest.raises(ValidationError):
        services.question_hide(actor=insider, question=hidden, reason="再次")
    # a hidden question is not answered in public
    with pytest.raises(ValidationError):
        services.question_answer(actor=insider, question=hidden, answer="答复")
    assert DisclosureQuestion.objects.shown().count() == 0


def test_hiding_needs_a_reason_and_the_township(published, insider, contact, outsider):
    question = services.question_ask(disclosure=published, question="问题")
    with pytest.raises(ValidationError):
        services.question_hide(actor=insider, question=question, reason="  ")
    with pytest.raises(ValidationError):
        services.question_hide(actor=insider, question=question, reason="理" * 301)
    for user in (contact, outsider):  # the contact cadre answers but does not hide
        with pytest.raises(PermissionDenied):
            services.question_hide(actor=user, question=question, reason="辱骂")
    question.refresh_from_db()
    assert question.hidden_at is None


def test_the_steps_of_a_question(published, insider):
    question = services.question_ask(disclosure=published, question="问题")
    assert [s["done"] for s in selectors.question_steps(question)] == [True, False]
    services.question_answer(actor=insider, question=question, answer="答复")
    question = selectors.public_question(question.receipt)
    assert [s["done"] for s in selectors.question_steps(question)] == [True, True]
    assert selectors.public_question("ABCDEFGHJK") is None


# ------------------------------------------------------------------ pages


def test_asking_lands_on_the_receipt_page_which_shows_the_answer_later(client, published, insider):
    response = ask(client, published, name="赵六", phone="13800001234")
    question = DisclosureQuestion.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("public:question", args=[question.receipt])
    page = client.get(response.url).content.decode()
    assert question.receipt in page  # in the thanks and on the page
    assert "为何支出300元" in page
    # never the name nor the phone on the receipt page
    assert "赵六" not in page and "13800001234" not in page and "1234" not in page
    services.question_answer(actor=insider, question=question, answer="购买办公用品。")
    page = page_of(question).content.decode()
    assert "购买办公用品。" in page
    # the receipt works typed in lower case too
    assert Client().get(f"/public/questions/{question.receipt.lower()}/").status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
def test_the_receipt_page_is_public_to_every_persona(client, personas, persona, published):
    question = services.question_ask(disclosure=published, question="问题甲")
    login(client, personas[persona])
    response = page_of(question, client)
    assert response.status_code == 200 and "问题甲" in response.content.decode()


def test_a_hidden_question_shows_hidden_without_its_text(client, published, insider):
    question = services.question_ask(disclosure=published, question="不堪入目的话")
    services.question_answer(actor=insider, question=question, answer="答复内容")
    services.question_hide(actor=insider, question=question, reason="辱骂他人")
    response = page_of(question)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="question-hidden"' in page
    assert "不堪入目" not in page and "答复内容" not in page and "辱骂他人" not in page
    statement = client.get(reverse("public:statement", args=[published.pk])).content.decode()
    assert "不堪入目" not in statement and "答复内容" not in statement


@pytest.mark.parametrize(
    "path,status",
    [
        ("/public/questions/ABCDEFGHJK/", 404),  # well formed, nobody's
        ("/public/questions/ABC-DEF/", 404),  # not a receipt at all
        ("/public/questions/%E4%B8%AD%E6%96%87/", 404),
        ("/public/questions/" + "A" * 40 + "/", 404),
        ("/public/questions/?receipt=", 400),
        ("/public/questions/?receipt=%27%20OR%201%3D1", 400),
        ("/public/questions/?receipt=" + "9" * 11, 400),
        ("/public/questions/?receipt=ABCDEFGHJK", 302),
        ("/public/questions/", 200),
    ],
)
def test_odd_receipts_are_refused(client, path, status):
    assert client.get(path).status_code == status


def test_the_finder_goes_to_the_question(client, published):
    question = services.question_ask(disclosure=published, question="问题")
    response = client.get(reverse("public:question-find"), {"receipt": f" {question.receipt} "})
    assert response.status_code == 302
    assert response.url == reverse("public:question", args=[question.receipt])


def test_hiding_through_the_inbox_by_persona(client, published, insider, contact, outsider):
    question = services.question_ask(disclosure=published, question="骂人的话")
    url = reverse("ledgers:question-hide", args=[question.pk])
    assert client.post(url, {"hidden_reason": "辱骂"}).status_code == 302  # to the login
    login(client, outsider)
    assert client.post(url, {"hidden_reason": "辱骂"}).status_code == 404
    login(client, contact)
    assert client.post(url, {"hidden_reason": "辱骂"}).status_code == 403
    question.refresh_from_db()
    assert question.hidden_at is None
    login(client, insider)
    inbox = client.get(reverse("ledgers:question-list")).content.decode()
    assert url in inbox and question.receipt in inbox
    response = client.post(url, {"hidden_reason": "辱骂", "next": "/ledgers/questions/"})
    assert response.status_code == 302 and response.url == "/ledgers/questions/"
    question.refresh_from_db()
    assert question.hidden_reason == "辱骂"
    inbox = client.get(reverse("ledgers:question-list")).content.decode()
    assert 'data-testid="hidden-badge"' in inbox and url not in inbox


def test_the_statement_page_of_the_township_shows_a_hidden_question_without_a_form(
    client, published, insider
):
    question = services.question_ask(disclosure=published, question="骂人的话")
    services.question_hide(actor=insider, question=question, reason="辱骂他人")
    login(client, insider)
    page = client.get(reverse("ledgers:disclosure-detail", args=[published.pk])).content.decode()
    assert 'data-testid="hidden-badge"' in page and "辱骂他人" in page
    assert f'id="answer-{question.pk}"' not in page
