"""A county supervisor, on a phone, finds the village whose chain is broken from the menu."""

# ruff: noqa: F811 -- fixtures imported from the ledger tests' conftest

import pytest
from playwright.sync_api import expect

from ledgers import digests, services
from ledgers.tests.conftest import as_superuser_with_triggers_off, chart, clerk, open_books, posted  # noqa: F401
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supervisor_finds_the_broken_chain(
    settings,
    tmp_path,
    page,
    village,
    other_village,
    chart,
    clerk,
    insider,
    supervisor,
    open_books,  # noqa: F811
):
    first = posted(clerk, insider, village, chart, "cash", "income", "100")
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute("UPDATE ledgers_voucher SET summary = '改' WHERE id = %s", [first.pk])
    services.chains_check()
    settings.LEDGER_DIGEST_DIR = str(tmp_path)
    private, public = digests.generate_key()
    settings.LEDGER_SIGNING_KEY = private
    written = digests.write_digest()

    browser_login(page, supervisor.username)
    page.get_by_role("button", name="菜单").click()
    page.get_by_test_id("nav-integrity").click()
    expect(page.get_by_test_id("broken-count")).to_contain_text("1 个村的凭证链已断裂")
    # the signed digests, with the key to check them, one tap away
    page.get_by_test_id("digests-link").click()
    expect(page.get_by_test_id("public-key")).to_have_text(public)
    expect(page.get_by_test_id("digests")).to_contain_text(written)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    page.go_back()
    page.locator("#id_intact").select_option("false")
    table = page.get_by_test_id("chain-checks")
    expect(table).to_contain_text("南旺村")
    expect(table).to_contain_text("在 记-2026-0001 处断裂")
    table.get_by_role("link", name="南旺村").click()
    expect(page.get_by_test_id("chain-status")).to_contain_text("断裂")
