"""The village clerk enters a voucher on a phone; township staff post it and see the balance."""

import pytest

from ledgers.models import Voucher
from ledgers.tests.conftest import chart, clerk, open_books  # noqa: F401 (fixtures)
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cash_row(page):
    return page.get_by_test_id("trial-balance").locator("tr", has_text="101 库存现金").inner_text()


def test_clerk_enters_a_voucher_and_the_township_posts_it(page, village, chart, open_books):  # noqa: F811
    ledger = f"{page.base_url}/ledgers/villages/{village.code}/?start=2026-01-01&end=2026-12-31"

    # the clerk enters a draft through the form
    browser_login(page, "clerk")
    page.goto(ledger)
    assert "10,000.00" in cash_row(page)
    page.get_by_role("link", name="新增凭证").click()
    assert page.get_by_test_id("line-row").count() >= 4
    page.get_by_label("日期").fill("2026-01-15")
    page.get_by_label("摘要").fill("收取鱼塘承包费")
    page.locator("#id_lines-0-account").select_option(label="101 库存现金")
    page.locator("#id_lines-0-debit").fill("500")
    page.locator("#id_lines-0-counterparty").fill("张三")
    page.locator("#id_lines-1-account").select_option(label="501 经营收入")
    page.locator("#id_lines-1-credit").fill("500")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/ledgers/vouchers/*/")
    assert page.get_by_test_id("voucher-state").inner_text() == "草稿"
    # the clerk may not post
    assert page.get_by_role("button", name="审核记账").count() == 0
    voucher = Voucher.objects.get()

    # township staff post it; the trial balance moves
    browser_login(page, "insider")
    page.goto(ledger)
    assert "10,000.00" in cash_row(page)
    page.goto(page.base_url + voucher.get_absolute_url())
    page.get_by_role("button", name="审核记账").click()
    with page.expect_navigation():  # it asks first
        page.get_by_test_id("confirm-dialog").get_by_role("button", name="确认").click()
    assert page.get_by_test_id("voucher-state").inner_text() == "已记账"
    assert len(page.get_by_test_id("hash").inner_text().strip()) == 64
    page.goto(ledger)
    assert "10,500.00" in cash_row(page)
    assert "完好" in page.get_by_test_id("chain-status").inner_text()
