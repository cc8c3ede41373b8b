"""The dashboards' cache (reports/freshness.py): a dashboard is served from the cache until a
record of its county changes, by a save, a delete or a service's bulk write, and never across a
change of day, language or period."""

import datetime as dt
import io
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import freshness
from supervision import services
from supervision.periods import Period
from villages.tests.factories import CountyFactory, TownshipFactory, VillageFactory
from villages.tests.helpers import login

from .dashboards_helpers import D, populate, problem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
URL = reverse("reports:county-dashboard", args=["370830"])
PERIOD = {"period": "2026Q3"}


@pytest.fixture
def cached(settings):
    settings.DASHBOARD_CACHE_SECONDS = 600


@pytest.fixture
def page(client, supervisor, village, other_village, insider, cached):
    populate(village, insider, on_time=True)
    populate(other_village, insider, on_time=False, red=True)
    login(client, supervisor)

    def get(**params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {**PERIOD, **params})
        assert response.status_code == 200
        return response.content.decode(), len(ctx.captured_queries)

    return get


def _headline(html: str, key: str) -> str:
    """The value of one headline figure of the page."""
    tail = html.split(f'data-figure="{key}"', 1)[1]
    return tail.split("data-value>", 1)[1].split("<", 1)[0]


def test_the_second_request_is_served_from_the_cache(page):
    first, built = page()
    second, served = page()
    assert served < built
    # the session, the user, their roles, the region and the inbox badge (one query): no figures
    assert served <= 5
    assert _headline(second, "problems_opened") == _headline(first, "problems_opened") == "4"


def test_a_saved_record_of_the_county_renews_its_dashboard(
    page, village, insider, django_capture_on_commit_callbacks
):
    page()
    with django_capture_on_commit_callbacks(execute=True):
        problem(village, insider, deadline=D(2026, 9, 30))
    html, _queries = page()
    assert _headline(html, "problems_opened") == "5"


def test_a_record_of_another_county_leaves_it_cached(
    page, insider, django_capture_on_commit_callbacks
):
    _html, built = page()
    _html, served = page()
    other = VillageFactory(
        township=TownshipFactory(
            parent=CountyFactory(code="370831", name="泗水县"), code="370831100"
        ),
        code="370831100201",
    )
    with django_capture_on_commit_callbacks(execute=True):
        problem(other, insider, deadline=D(2026, 9, 30))
    _html, again = page()
    assert again == served < built


def test_a_bulk_write_by_a_service_renews_the_dashboard(
    page, village, django_capture_on_commit_callbacks
):
    _html, built = page()
    _html, served = page()
    # Planning writes duties with bulk_create, which Django's post_save never sees.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.plan_period(period=Period.parse("2026H2"), area_prefix="370830")
    assert created and callbacks
    _html, queries = page()
    assert queries > served


def test_a_change_that_is_rolled_back_renews_nothing(page, village, insider):
    _html, built = page()
    _html, served = page()
    problem(village, insider, deadline=D(2026, 9, 30))  # never committed: the test rolls back
    _html, queries = page()
    assert queries == served


def test_language_and_period_are_cached_apart(page, client):
    zh, _q = page()
    client.cookies["django_language"] = "en"
    en, _q = page()
    assert "Headline figures" in en and "Headline figures" not in zh
    q2, _q = page(period="2026Q2")
    # The trend table ends with the period shown.
    assert 'data-period="2026Q3"' in zh and 'data-period="2026Q3"' not in q2


def test_the_page_says_when_its_figures_were_taken(page):
    html, _q = page()
    assert 'data-testid="built-at"' in html


# ------------------------------------------------------------------ cached_figures itself


def test_a_new_day_builds_again(cached):
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    on = dt.date(2026, 9, 30)
    assert freshness.cached_figures("k", "370830", on, build)[0] == 1
    assert freshness.cached_figures("k", "370830", on, build)[0] == 1
    assert freshness.cached_figures("k", "370830", on + dt.timedelta(days=1), build)[0] == 2


def test_a_lost_stamp_is_never_taken_for_the_old_one(cached):
    on = dt.date(2026, 9, 30)
    counter = iter(range(1, 10))
    assert freshness.cached_figures("k", "370830102", on, lambda: next(counter))[0] == 1
    cache.delete(freshness.STAMP_KEY.format("370830"))  # evicted
    assert freshness.cached_figures("k", "370830102", on, lambda: next(counter))[0] == 2
    assert freshness.cached_figures("k", "370830102", on, lambda: next(counter))[0] == 2


def test_a_township_dashboard_follows_its_countys_stamp(cached, django_capture_on_commit_callbacks):
    on = dt.date(2026, 9, 30)
    counter = iter(range(1, 10))
    assert freshness.cached_figures("t", "370830102", on, lambda: next(counter))[0] == 1
    with django_capture_on_commit_callbacks(execute=True):
        freshness.figures_changed(["370830105201"])  # a village of another township, same county
    assert freshness.cached_figures("t", "370830102", on, lambda: next(counter))[0] == 2
    with django_capture_on_commit_callbacks(execute=True):
        freshness.figures_changed(None)  # everywhere
    assert freshness.cached_figures("t", "370830102", on, lambda: next(counter))[0] == 3


def test_renew_dashboards_builds_every_one_again(cached):
    on = dt.date(2026, 9, 30)
    counter = iter(range(1, 10))
    assert freshness.cached_figures("k", "370830", on, lambda: next(counter))[0] == 1
    call_command("renew_dashboards", stdout=io.StringIO())
    assert freshness.cached_figures("k", "370830", on, lambda: next(counter))[0] == 2


def test_zero_seconds_turns_the_cache_off(settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    counter = iter(range(1, 10))
    on = dt.date(2026, 9, 30)
    assert freshness.cached_figures("k", "370830", on, lambda: next(counter))[0] == 1
    assert freshness.cached_figures("k", "370830", on, lambda: next(counter))[0] == 2


def test_every_source_of_the_figures_renews_the_stamps():
    """Each model the figures read is connected to save, delete and bulk writes."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from reports.figures import SOURCES

    for label in SOURCES:
        model = apps.get_model(label)
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), label


# ------------------------------------------------------------------ for real: Redis and commits


@pytest.mark.django_db(transaction=True)
def test_on_redis_a_committed_change_renews_the_dashboard(
    client, supervisor, village, insider, settings
):
    """As deployed: the cache in Redis (shared by every web process and the worker) and real
    commits (a transactional test)."""
    settings.DASHBOARD_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",  # this test's own database
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    try:
        populate(village, insider, on_time=True)
        login(client, supervisor)
        first = client.get(URL, PERIOD).content.decode()
        with CaptureQueriesContext(connection) as ctx:
            again = client.get(URL, PERIOD).content.decode()
        served = len(ctx.captured_queries)
        assert _headline(again, "problems_opened") == _headline(first, "problems_opened") == "2"
        problem(village, insider, deadline=D(2026, 9, 30))  # commits at once: autocommit
        with CaptureQueriesContext(connection) as ctx:
            renewed = client.get(URL, PERIOD).content.decode()
        assert _headline(renewed, "problems_opened") == "3"
        assert len(ctx.captured_queries) > served
    finally:
        cache.clear()


def test_the_api_is_served_from_the_same_cache(
    client, supervisor, village, insider, cached, django_capture_on_commit_callbacks
):
    populate(village, insider, on_time=True)
    login(client, supervisor)
    url = "/api/v1/dashboards/county/370830/"

    def get():
        with CaptureQueriesContext(connection) as ctx:
            data = client.get(url, PERIOD).json()
        return data, len(ctx.captured_queries)

    first, built = get()
    again, served = get()
    assert again == first and served < built
    with django_capture_on_commit_callbacks(execute=True):
        problem(village, insider, deadline=D(2026, 9, 30))
    renewed, _q = get()
    assert renewed["headline"]["problems_opened"] == first["headline"]["problems_opened"] + 1


def test_the_warning_evaluation_renews_the_dashboard_it_changes(
    page, village, supervisor, django_capture_on_commit_callbacks
):
    """The daily evaluation upserts warnings in bulk: the red one it raises shows at once."""
    from cadres import services as cadres_services
    from cadres.choices import CertificateState
    from cadres.tests.factories import CadreFactory, PostFactory

    html, _q = page()
    assert _headline(html, "warnings_red") == "1"  # 郭楼村, stored by the helpers
    certificate = cadres_services.certificate_issue(
        actor=supervisor,
        post=PostFactory(cadre=CadreFactory(village=village)),
        issued_on=dt.date(2024, 1, 10),
    )
    type(certificate).objects.filter(pk=certificate.pk).update(state=CertificateState.SUSPENDED)
    _html, served = page()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warnings_evaluate(village_codes=[village.code]) == 1
    html, queries = page()
    assert _headline(html, "warnings_red") == "2" and queries > served
