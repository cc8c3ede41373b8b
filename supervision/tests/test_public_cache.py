# ruff: noqa: F811 -- pytest fixtures are imported from the ledger's test modules
"""The public pages' cache (issue #20, item 5; core/public_cache.py): a village's page and a
receipt page are served from the cache without a query, and renewed when the village publishes
something they show; a signed-in user or a visitor with a message never gets a cached page."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.public_cache import CSRF_PLACEHOLDER, clear_local
from ledgers import services as ledger_services
from ledgers.tests.conftest import chart, clerk, open_books  # noqa: F401 (fixtures)
from ledgers.tests.disclosure_fixtures import (  # noqa: F401 (fixtures)
    draft_statement,
    published,
    quarter_books,
)
from supervision import services
from supervision.models import Problem
from villages import services as village_services
from villages.tests.helpers import login

from .test_public_village import supervised

pytestmark = pytest.mark.django_db


def without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.fixture
def cached(settings):
    settings.PUBLIC_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def test_the_village_page_is_served_from_the_cache_then_renewed_on_publication(
    cached, django_assert_num_queries, django_capture_on_commit_callbacks, contact, insider, village
):
    supervised(insider, village, questions=1)
    url = reverse("public:village", args=[village.code])
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert without_token(second) == without_token(first)
    problem = Problem.objects.get(village=village)
    assert "公开栏照片" not in first.content.decode()
    # the problem is struck off: once that commits, the next visitor sees it closed
    with django_capture_on_commit_callbacks(execute=True):
        problem = services.problem_start(actor=contact, problem=problem)
        problem = services.problem_submit(actor=contact, problem=problem, rectification="已公开")
        problem = services.problem_close(actor=insider, problem=problem, evidence="公开栏照片")
    renewed = client.get(url).content.decode()
    problems = renewed.split('data-testid="public-problems"')[1]
    assert problem.get_state_display() in problems
    assert renewed != first.content.decode()


def test_a_new_supervision_phone_shows_at_once(
    cached, django_capture_on_commit_callbacks, insider, village
):
    url = reverse("public:village", args=[village.code])
    assert "0537-7201234" not in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        village_services.village_update(
            actor=insider, village=village, supervision_phone="0537-7201234"
        )
    assert "0537-7201234" in Client().get(url).content.decode()


def test_the_receipt_page_is_cached_and_shows_the_answer_once_given(
    cached, django_assert_num_queries, django_capture_on_commit_callbacks, insider, published
):
    question = ledger_services.question_ask(disclosure=published, question="东洼地租给谁了？")
    url = reverse("public:question", args=[question.receipt])
    client = Client()
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert 'data-testid="question-answer"' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ledger_services.question_answer(actor=insider, question=question, answer="租给了合作社。")
    assert "租给了合作社。" in client.get(url).content.decode()


def test_each_visitor_gets_a_token_of_their_own(cached, village):
    url = reverse("public:village", args=[village.code])
    Client().get(url)
    client = Client()
    response = client.get(url)  # from the cache
    body = response.content.decode()
    assert CSRF_PLACEHOLDER not in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert settings.CSRF_COOKIE_NAME in response.cookies
    # the language switch of a cached page works
    switched = client.post(
        reverse("set_language"), {"language": "en", "next": url}, HTTP_REFERER=url
    )
    assert switched.status_code == 302


def test_a_signed_in_user_never_gets_the_anonymous_copy(cached, client, insider, village):
    url = reverse("public:village", args=[village.code])
    Client().get(url)  # kept in the cache
    login(client, insider)
    assert 'data-testid="user-menu"' in client.get(url).content.decode()
    # and the copy kept for anonymous visitors has no user in it
    assert 'data-testid="user-menu"' not in Client().get(url).content.decode()


def test_an_unknown_village_is_a_404_and_nothing_is_kept(cached, django_assert_num_queries):
    url = reverse("public:village", args=["999999999999"])
    assert Client().get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_worker_keeps_its_copy_seconds_and_forgets_it_on_publication(
    cached,
    settings,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    insider,
    village,
):
    settings.PUBLIC_LOCAL_SECONDS = 60
    clear_local()
    url = reverse("public:village", args=[village.code])
    Client().get(url)
    cache.clear()  # the shared cache forgets: this process still serves its own copy
    with django_assert_num_queries(0):
        assert Client().get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        village_services.village_update(
            actor=insider, village=village, supervision_phone="0537-7209999"
        )
    # the publication cleared this process's copy at once
    assert "0537-7209999" in Client().get(url).content.decode()
    clear_local()
