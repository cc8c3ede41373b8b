"""A township clerk corrects a village's facts; the county supervisor finds it in the change log."""

import pytest
from playwright.sync_api import expect

from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_a_village_and_trace_it_in_the_history(
    browser, live_server, insider, supervisor, village
):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    browser_login(page, "insider")
    page.goto(page.base_url + f"/villages/{village.code}/")
    page.get_by_role("link", name="编辑", exact=True).click()

    # a bad value is refused with a Chinese message and the other input is kept
    page.get_by_label("户数").fill("-5")
    page.get_by_label("备注").fill("2026年村两委换届后更新")
    page.get_by_role("button", name="保存").click()
    assert page.locator(".invalid-feedback").first.inner_text() == "确保该值大于或等于0。"
    assert page.get_by_label("备注").input_value() == "2026年村两委换届后更新"

    page.get_by_label("户数").fill("412")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存修改。")

    page.get_by_role("link", name="历史记录").click()
    first_row = page.locator("table tbody tr").first
    assert "修改" in first_row.inner_text() and "412" in first_row.inner_text()
    page.locator("[data-testid=user-menu]").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")

    browser_login(page, "supervisor")
    page.goto(page.base_url + "/changelog/?action=update")
    log = page.locator("table").inner_text()
    assert insider.last_name + insider.first_name in log
    assert "412" in log

    # the same page in English after the language switch
    page.select_option("#language", "en")
    expect(page.locator("h1")).to_have_text("Change log")
    context.close()
