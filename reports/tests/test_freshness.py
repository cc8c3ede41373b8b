"""The dashboards' cache (reports/freshness.py): a dashboard is served from the cache until a
record of its county changes, by a save, a delete or a service's bulk write, and never across a
change of day, language or period."""

import datetime as dt
import io
import time
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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


class Worker:
    """Stands in for the Celery worker: keeps what is sent to it, runs it when told."""

    def __init__(self):
        self.sent: list[dict] = []

    def send_task(self, name, kwargs, countdown):
        assert name == freshness.REBUILD_TASK
        self.sent.append({**kwargs, "countdown": countdown})

    def run(self):
        from reports.tasks import rebuild_figures

        todo, self.sent = self.sent, []
        for order in todo:
            order = {k: v for k, v in order.items() if k != "countdown"}
            rebuild_figures(**order)
        return len(todo)


@pytest.fixture
def worker(monkeypatch):
    from config import celery_app

    stand_in = Worker()
    monkeypatch.setattr(celery_app, "send_task", stand_in.send_task)
    return stand_in


@pytest.fixture
def page(client, supervisor, village, other_village, insider, cached, worker):
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
    page, village, insider, worker, django_capture_on_commit_callbacks
):
    first, built = page()
    assert 'data-testid="renewing"' not in first
    with django_capture_on_commit_callbacks(execute=True):
        problem(village, insider, deadline=D(2026, 9, 30))
    # The next request does not build the figures: it serves the ones it has, says they are
    # being updated, and asks the worker, a moment later, to build them again.
    html, queries = page()
    assert _headline(html, "problems_opened") == "4" and queries < built
    assert 'data-testid="renewing"' in html
    assert [order["countdown"] for order in worker.sent] == [2.0]
    assert worker.run() == 1
    html, queries = page()
    assert _headline(html, "problems_opened") == "5" and queries < built
    assert 'data-testid="renewing"' not in html


def test_a_burst_of_writes_asks_for_one_build(
    page, village, insider, worker, django_capture_on_commit_callbacks
):
    page()
    for _n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            problem(village, insider, deadline=D(2026, 9, 30))
        page()
    assert len(worker.sent) == 1  # the writes after the first request wait for the same build
    worker.run()
    html, _q = page()
    assert _headline(html, "problems_opened") == "7"
    assert worker.sent == []


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
    page, village, worker, django_capture_on_commit_callbacks
):
    page()
    # Planning writes duties with bulk_create, which Django's post_save never sees.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.plan_period(period=Period.parse("2026H2"), area_prefix="370830")
    assert created and callbacks
    html, _q = page()
    assert 'data-testid="renewing"' in html and len(worker.sent) == 1


def test_a_change_that_is_rolled_back_renews_nothing(page, village, insider, worker):
    _html, built = page()
    _html, served = page()
    problem(village, insider, deadline=D(2026, 9, 30))  # never committed: the test rolls back
    html, queries = page()
    assert queries == served and worker.sent == []
    assert 'data-testid="renewing"' not in html


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


@pytest.fixture
def counter(monkeypatch):
    """A recipe that counts its builds: `counter.built` and the value it returns."""

    class Counter:
        built = 0

        def __call__(self, code, on, **params):
            self.built += 1
            return self.built

    recipe = Counter()
    monkeypatch.setitem(freshness.RECIPES, "count", recipe)
    return recipe


def figures(code="370830", on=dt.date(2026, 9, 30)):
    return freshness.cached_figures("count", code, on, period="2026Q3")


def change(code="370830"):
    """A committed write in the county of `code`."""
    freshness._renew({code[:6]})


def key_of_figures() -> str:
    """The cache key of what `figures()` asks for."""
    on = dt.date(2026, 9, 30)
    return freshness._Order("count", "370830", on, {"period": "2026Q3"}, "zh-hans").key


def test_a_new_day_builds_again(cached, counter, worker):
    on = dt.date(2026, 9, 30)
    assert figures(on=on).value == 1
    assert figures(on=on).value == 1
    # served for the new day while the worker builds it (an undone duty becomes overdue)
    assert figures(on=on + dt.timedelta(days=1)).renewing and len(worker.sent) == 1
    worker.run()
    assert figures(on=on + dt.timedelta(days=1)).value == 2


def test_a_lost_stamp_is_never_taken_for_the_old_one(cached, counter, worker):
    assert figures("370830102").value == 1
    cache.delete(freshness.STAMP_KEY.format("370830"))  # evicted
    assert figures("370830102").renewing
    worker.run()
    assert figures("370830102").value == 2
    assert figures("370830102").value == 2


def test_a_township_dashboard_follows_its_countys_stamp(
    cached, counter, worker, django_capture_on_commit_callbacks
):
    assert figures("370830102").value == 1
    with django_capture_on_commit_callbacks(execute=True):
        freshness.figures_changed(["370830105201"])  # a village of another township, same county
    assert figures("370830102").renewing
    worker.run()
    assert figures("370830102").value == 2
    with django_capture_on_commit_callbacks(execute=True):
        freshness.figures_changed(None)  # everywhere
    assert figures("370830102").renewing
    worker.run()
    assert figures("370830102").value == 3


def test_renew_dashboards_builds_every_one_again(cached, counter, worker):
    assert figures().value == 1
    call_command("renew_dashboards", stdout=io.StringIO())
    assert figures().renewing
    worker.run()
    assert figures().value == 2


def test_zero_seconds_turns_the_cache_off(settings, counter):
    settings.DASHBOARD_CACHE_SECONDS = 0
    assert figures().value == 1
    assert figures().value == 2


def test_stale_figures_are_served_with_the_time_they_were_taken(cached, counter, worker):
    first = figures()
    change()
    stale = figures()
    assert (stale.value, stale.built_at, stale.renewing) == (1, first.built_at, True)
    worker.run()
    fresh = figures()
    assert (fresh.value, fresh.renewing) == (2, False) and fresh.built_at > first.built_at


def test_figures_stale_too_long_are_built_by_the_request(cached, counter, worker, settings):
    """No worker running (or one busy for minutes): past DASHBOARD_STALE_SECONDS the request
    builds them itself."""
    figures()
    change()
    settings.DASHBOARD_STALE_SECONDS = 0
    assert figures().value == 2 and worker.sent == []


def test_without_a_worker_the_request_builds_them(cached, counter, settings):
    """`make run` (eager tasks): nothing to wait for."""
    from config import celery_app

    figures()
    change()
    celery_app.conf.task_always_eager = True
    try:
        assert figures().value == 2
    finally:
        celery_app.conf.task_always_eager = False


def test_a_broker_down_serves_the_stale_figures_and_asks_again(cached, counter, monkeypatch):
    from config import celery_app

    calls = []

    def refused(name, **kwargs):
        calls.append(kwargs)
        raise ConnectionRefusedError

    monkeypatch.setattr(celery_app, "send_task", refused)
    figures()
    change()
    assert figures().renewing and figures().renewing
    assert len(calls) == 2  # the marker of the first refused send was taken back


def test_the_worker_builds_nothing_while_another_process_builds(cached, counter, worker):
    figures()
    change()
    figures()
    order = worker.sent[0]
    lock = freshness.LOCK_KEY.format(
        freshness._Order(
            "count", "370830", dt.date(2026, 9, 30), {"period": "2026Q3"}, "zh-hans"
        ).key
    )
    cache.set(lock, "another", timeout=60)
    assert (
        freshness.rebuild(
            "count", "370830", dt.date(2026, 9, 30), {"period": "2026Q3"}, order["language"]
        )
        is False
    )
    assert counter.built == 1


def test_a_request_waits_for_the_build_another_process_is_making(cached, counter):
    """The first requests after a cold start: one builds, the others wait for its figures."""
    import threading

    key = freshness._Order(
        "count", "370830", dt.date(2026, 9, 30), {"period": "2026Q3"}, "zh-hans"
    ).key
    cache.set(freshness.LOCK_KEY.format(key), "another", timeout=60)
    built_elsewhere = (
        freshness._stamps(
            [freshness.STAMP_KEY.format("all"), freshness.STAMP_KEY.format("370830")]
        ),
        dt.date(2026, 9, 30),
        timezone.now(),
        "from the other process",
    )
    timer = threading.Timer(
        0.3, lambda: cache.set(freshness.ENTRY_KEY.format(key), built_elsewhere, timeout=60)
    )
    timer.start()
    try:
        assert figures().value == "from the other process"
    finally:
        timer.join()
    assert counter.built == 0


def test_every_source_of_the_figures_renews_the_stamps():
    """Each model the figures read is connected to save, delete and bulk writes."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from reports.figures import SOURCES

    for label in SOURCES:
        model = apps.get_model(label)
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), label


# ------------------------------------------------------------------ for real: Redis and commits


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_on_redis_a_committed_change_is_counted_by_the_worker(
    client, supervisor, village, insider, settings, worker_queue
):
    """As deployed: the cache in Redis (shared by every web process and the worker), real commits
    (a transactional test) and a real Celery worker that builds the figures again."""
    settings.DASHBOARD_CACHE_SECONDS = 600
    settings.DASHBOARD_DEBOUNCE_SECONDS = 0.2
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
            stale = client.get(URL, PERIOD).content.decode()
        assert _headline(stale, "problems_opened") == "2" and 'data-testid="renewing"' in stale
        assert len(ctx.captured_queries) == served  # served, not built, by the request
        deadline = time.monotonic() + 30
        while 'data-testid="renewing"' in stale and time.monotonic() < deadline:
            time.sleep(0.2)
            stale = client.get(URL, PERIOD).content.decode()
        assert _headline(stale, "problems_opened") == "3"
    finally:
        cache.clear()


def test_the_api_is_served_from_the_same_cache(
    client, supervisor, village, insider, cached, worker, django_capture_on_commit_callbacks
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
    stale, _q = get()
    assert stale == first and len(worker.sent) == 1
    worker.run()
    renewed, _q = get()
    assert renewed["headline"]["problems_opened"] == first["headline"]["problems_opened"] + 1


def test_the_api_says_when_its_figures_were_taken(client, supervisor, village, cached):
    login(client, supervisor)
    response = client.get("/api/v1/dashboards/county/370830/", PERIOD)
    assert response.status_code == 200 and response["Last-Modified"].endswith(" GMT")


def test_the_warning_evaluation_renews_the_dashboard_it_changes(
    page, village, supervisor, worker, django_capture_on_commit_callbacks
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
    assert worker.sent == []
    page()
    worker.run()
    html, _queries = page()
    assert _headline(html, "warnings_red") == "2"
