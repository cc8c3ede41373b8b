"""定期公开 end to end: the clerk enters a voucher, the township posts it, the quarter's
statement is generated, approved and published, and a villager reads it and asks a question
without an account."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ledgers import services
from ledgers.models import ClosedPeriod, Disclosure, DisclosureQuestion, Voucher
from ledgers.tests.conftest import chart, clerk, open_books  # noqa: F401 (fixtures)
from villages.tests.helpers import browser_login, browser_sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quarter_statement_from_voucher_to_villager(
    page,
    village,
    insider,
    chart,  # noqa: F811
    open_books,  # noqa: F811
):
    cache.clear()  # the question throttle counts per address, and the live server is local
    # the clerk enters a large receipt
    browser_login(page, "clerk")
    page.goto(f"{page.base_url}/ledgers/villages/{village.code}/vouchers/add/")
    page.get_by_label("日期").fill("2026-02-15")
    page.get_by_label("摘要").fill("土地流转费")
    page.locator("#id_lines-0-account").select_option(label="102 银行存款")
    page.locator("#id_lines-0-debit").fill("12000")
    page.locator("#id_lines-1-account").select_option(label="501 经营收入")
    page.locator("#id_lines-1-credit").fill("12000")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/ledgers/vouchers/*/")
    voucher = Voucher.objects.get()

    # township staff post it and generate the first quarter's statement from the ledger tab
    browser_login(page, "insider")
    page.goto(page.base_url + voucher.get_absolute_url())
    page.get_by_role("button", name="审核记账").click()
    page.get_by_test_id("confirm-dialog").get_by_role(
        "button", name="确认"
    ).click()  # it asks first
    expect(page.get_by_test_id("voucher-state")).to_have_text("已记账")
    # a statement covers closed months only: the township closes January to March
    for month in ("1", "2", "3"):
        page.goto(f"{page.base_url}/ledgers/villages/{village.code}/close/")
        page.locator("#id_year").fill("2026")
        page.locator("#id_month").fill(month)
        page.get_by_role("button", name="结账").click()
        with page.expect_navigation():
            page.get_by_test_id("confirm-dialog").get_by_role("button", name="确认").click()
    assert ClosedPeriod.objects.filter(village=village, year=2026).count() == 3
    page.goto(f"{page.base_url}/ledgers/villages/{village.code}/")
    page.get_by_role("main").get_by_role("link", name="定期公开").click()
    page.get_by_role("link", name="生成公开表").click()
    page.locator("#id_kind").select_option("quarter")
    page.locator("#id_year").fill("2026")
    page.locator("#id_number").fill("1")
    page.get_by_role("button", name="生成", exact=True).click()
    expect(page.get_by_test_id("disclosure-state")).to_have_text("已生成，待审核")
    expect(page.get_by_test_id("large-items")).to_contain_text("土地流转费")
    page.get_by_role("button", name="审核通过").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-dialog").get_by_role("button", name="确认").click()
    page.get_by_role("button", name="发布").click()
    page.get_by_test_id("confirm-dialog").get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("disclosure-state")).to_have_text("已公开")
    statement = Disclosure.objects.get()
    assert page.get_by_test_id("sha256").inner_text() == statement.sha256

    # earlier questions and their answers make the page long on a phone: the question form is
    # far below the top, where the messages are
    for n in range(12):
        earlier = services.question_ask(disclosure=statement, question=f"第{n}个问题：{'钱' * 80}")
        services.question_answer(actor=insider, question=earlier, answer="已答复。" * 20)

    # a villager, not logged in, reads it on the village's public page and asks a question
    browser_sign_out(page)
    page.goto(f"{page.base_url}/public/villages/{village.code}/")
    page.get_by_test_id("public-statements").get_by_role("link").first.click()
    expect(page.get_by_test_id("total-income")).to_contain_text("12,000.00")
    expect(page.get_by_test_id("large-items")).to_contain_text("土地流转费")
    assert page.get_by_test_id("sha256").inner_text() == statement.sha256
    page.get_by_label("您的姓名（选填，仅乡镇可见）").fill("赵六")
    page.get_by_label("您的问题").fill("土地流转费是哪块地的？")
    page.get_by_role("button", name="提交问题").click()
    expect(page.locator(".alert-success")).to_contain_text("您的问题已收到")
    # the thanks and the receipt number are in view at 390 px: the question's own page, short,
    # not the foot of the long statement where the form sits, so nobody asks twice
    page.wait_for_load_state("load")
    expect(page.locator("#messages .alert-success")).to_be_in_viewport()
    expect(page.get_by_test_id("receipt")).to_be_in_viewport()
    question = DisclosureQuestion.objects.get(answer="")
    assert (question.name, question.question) == ("赵六", "土地流转费是哪块地的？")
