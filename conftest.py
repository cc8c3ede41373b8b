"""Shared fixtures: a small county and the four personas every view is tried as.

anonymous · `outsider` (staff of another township) · `insider` (staff of this township) ·
`supervisor` (county supervisor), plus the village's `contact` cadre and `clerk` where a test
needs them. The helpers that log a test client in as one of them are in villages/tests/helpers.py.
"""

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
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _ledger_tables_may_be_flushed():
    """The ledger refuses TRUNCATE (it is append-only); the test runner's flush between
    transactional tests is the one exception."""
    from unittest import mock

    import pgtrigger
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **options):
        with pgtrigger.ignore(
            "ledgers.Voucher:no_truncate_vouchers", "ledgers.VoucherLine:no_truncate_voucher_lines"
        ):
            return original(self, *args, **options)

    with mock.patch.object(flush.Command, "handle", handle):
        yield
