"""Shared fixtures: a small county and the four personas every view is tried as.

anonymous · `outsider` (staff of another township) · `insider` (staff of this township) ·
`supervisor` (county supervisor), plus the village's `contact` cadre and `clerk` where a test
needs them. The helpers that log a test client in as one of them are in villages/tests/helpers.py.
"""

import importlib
import uuid

import pytest

from villages.choices import RoleKind
from villages.tests.factories import (
    ContactAssignmentFactory,
    CountyFactory,
    StaffRoleFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)


@pytest.fixture
def county(db):
    return CountyFactory()


@pytest.fixture
def township(county):
    return TownshipFactory(parent=county, code="370830102", name="南旺镇")


@pytest.fixture
def other_township(county):
    return TownshipFactory(parent=county, code="370830105", name="郭楼镇")


@pytest.fixture
def village(township):
    return VillageFactory(township=township, code="370830102201", name="南旺村")


@pytest.fixture
def other_village(other_township):
    return VillageFactory(township=other_township, code="370830105201", name="郭楼村")


@pytest.fixture
def insider(township):
    user = UserFactory(username="insider")
    StaffRoleFactory(user=user, kind=RoleKind.TOWNSHIP_STAFF, region=township)
    return user


@pytest.fixture
def outsider(other_township):
    user = UserFactory(username="outsider")
    StaffRoleFactory(user=user, kind=RoleKind.TOWNSHIP_STAFF, region=other_township)
    return user


@pytest.fixture
def supervisor(county):
    user = UserFactory(username="supervisor")
    StaffRoleFactory(user=user, kind=RoleKind.COUNTY_SUPERVISOR, region=county)
    return user


@pytest.fixture
def contact(township, village):
    """The village's contact cadre (包村干部): a contact cadre of `township` assigned to
    `village`; reads the village, changes nothing."""
    user = UserFactory(username="contact")
    StaffRoleFactory(user=user, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=user, village=village)
    return user


@pytest.fixture
def clerk(village):
    """The village's clerk (村级文书)."""
    user = UserFactory(username="clerk")
    StaffRoleFactory(user=user, kind=RoleKind.VILLAGE_CLERK, village=village)
    return user


@pytest.fixture
def personas(insider, outsider, supervisor):
    """The three logged-in personas by name; anonymous is `None`."""
    return {"anonymous": None, "outsider": outsider, "insider": insider, "supervisor": supervisor}


@pytest.fixture
def api():
    """A DRF test client; `villages.tests.helpers.api_login` switches its user."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def chinese():
    """Messages asserted in Chinese, the users' language: a module opts in with
    `pytest.mark.usefixtures("chinese")`."""
    from django.utils.translation import override

    with override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the process's memory in tests): nothing a test
    caches, such as a dashboard or a question limit, reaches the next one."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def count_queries(client):
    """Number of database queries of one GET (after a first, warming request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url, **params):
        client.get(url, params)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        return len(ctx.captured_queries)

    return count


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (which cannot download its own here)."""
    import os
    import shutil

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    # The service worker only in the tests about it (marker `offline`): elsewhere its background
    # fetches, in flight while a test clears the cookies to change users, could set a CSRF cookie
    # over the one of the sign-in form.
    workers = "allow" if request.node.get_closest_marker("offline") else "block"
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, service_workers=workers
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    # The CSP allows nothing inline: a refusal is something that breaks in production.
    refusals: list[str] = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and refusals.append(f"{page.url}: {m.text}"),
    )
    yield page
    context.close()
    assert not refusals, refusals


@pytest.fixture(scope="session", autouse=True)
def _files_of_this_test_process(tmp_path_factory):
    """Each test process (`make test` runs two, pytest-xdist) writes media, private reports and
    ledger digests under a directory of its own: two databases both have a report number 1."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("files")
    with override_settings(
        MEDIA_ROOT=str(root / "media"),
        PRIVATE_MEDIA_ROOT=str(root / "private"),
        LEDGER_DIGEST_DIR=str(root / "digests"),
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _ledger_tables_may_be_flushed():
    """The ledger refuses TRUNCATE (it is append-only, migration ledgers 0009); the test
    runner's flush between transactional tests is the one exception, made as the tables' owner
    can: the refusing triggers are disabled around the flush."""
    from unittest import mock

    from django.core.management.commands import flush
    from django.db import DEFAULT_DB_ALIAS, connections

    original = flush.Command.handle
    guards = [
        ("ledgers_voucher", "ledgers_voucher_no_truncate"),
        ("ledgers_voucherline", "ledgers_voucherline_no_truncate"),
    ]

    def alter(connection, action):
        with connection.cursor() as cursor:
            for table, trigger in guards:
                cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {trigger}")

    def handle(self, *args, **options):
        from core.testing import RUNTIME_ROLE

        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SET ROLE NONE")  # the owner flushes; the tests run as the runtime role
        alter(connection, "DISABLE")
        try:
            return original(self, *args, **options)
        finally:
            alter(connection, "ENABLE")
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {RUNTIME_ROLE}")

    with mock.patch.object(flush.Command, "handle", handle):
        yield


# ---------------------------------------------------------------- rows the migrations load


def load_migration_data():
    """Load again what data migrations load: the official chart of accounts (ledgers 0003), by
    the migration's own idempotent loader. The only data migration so far; a new one adds its
    loader here."""
    from django.apps import apps

    importlib.import_module("ledgers.migrations.0003_official_chart").load_chart(apps, None)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Every test database is a copy of one migrated template (core/test_template.py): seconds
    rather than minutes per database. `CUNJIAN_TEST_TEMPLATE=0` migrates each one instead."""
    import os

    from django.conf import settings

    from core.test_template import migrated_template

    if os.environ.get("CUNJIAN_TEST_TEMPLATE", "1") != "0":
        db = settings.DATABASES["default"]
        db.setdefault("TEST", {})["TEMPLATE"] = migrated_template(db)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, created or reused (`--reuse-db` in pyproject), with the migrations'
    rows: a reused database may come from a run stopped before a flush was followed by a
    reload. The tests then run as the runtime role (core.testing)."""
    from core.testing import runtime_role_for_tests

    with django_db_blocker.unblock():
        load_migration_data()
        runtime_role_for_tests()


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_migration_data():
    """The flush after each transactional test empties every table, the migrations' rows too:
    they are loaded again, so the tests after it (in this run or the next, on the reused
    database) find the database as migrated. Flush ends with the post_migrate signal, which
    Django uses the same way for content types and permissions."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    def reload(**kwargs):
        load_migration_data()

    ledgers = apps.get_app_config("ledgers")
    post_migrate.connect(reload, sender=ledgers, weak=False, dispatch_uid="reload_migration_data")
    yield
    post_migrate.disconnect(sender=ledgers, dispatch_uid="reload_migration_data")


# ---------------------------------------------------------------- a real Celery worker


@pytest.fixture
def worker_queue():
    """A real Celery worker in a thread, on the real Redis broker, consuming a queue of its own;
    the fixture's value is the queue's name. Tasks sent with `apply_async(queue=worker_queue)`,
    or with `.delay()` (the queue is also the default one meanwhile), reach it. The test needs
    `django_db(transaction=True)`: the worker thread sees committed rows only.

    A queue of its own (rather than the default one) keeps a developer's running worker, or a
    parallel test run, from taking this test's message.
    """
    from celery.contrib.testing.worker import start_worker

    from config import celery_app

    queue = f"cunjian-test-{uuid.uuid4().hex[:12]}"
    overrides = {
        "task_always_eager": False,
        "worker_hijack_root_logger": False,
        "task_default_queue": queue,
    }
    saved = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
        ):
            yield queue
    finally:
        celery_app.conf.update(saved)
        # Leave no trace in the broker: kombu keeps binding keys named after the queue.
        with celery_app.connection_for_write() as conn:
            redis = conn.default_channel.client
            for key in redis.scan_iter(match=f"*{queue}*"):
                redis.delete(key)
