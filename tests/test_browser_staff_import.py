"""A county supervisor creates the county's staff accounts from Excel on a phone-sized screen;
a new contact cadre signs in with the initial password and must choose a new one first."""

import pytest
from playwright.sync_api import expect

from villages.tests.helpers import browser_login, browser_sign_out
from villages.tests.test_staff import staff_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_accounts_from_excel_then_the_first_login(page, supervisor, village, tmp_path):
    browser_login(page, "supervisor")
    page.get_by_role("button", name="菜单").click()
    page.locator("#mainnav").get_by_role("link", name="村", exact=True).click()
    page.get_by_test_id("staff-import").click()

    upload = tmp_path / "staff.xlsx"
    upload.write_bytes(
        staff_file(
            ("李红梅", "0537-7212345", "li_hm", "乡镇工作人员", "370830102000", ""),
            ("王志强", "13905370001", "wang_zq", "包村干部", "370830102", village.code),
        )
    )
    page.locator("input[type=file]").set_input_files(str(upload))
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()
    expect(page.get_by_test_id("initial-passwords")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    password = rows.filter(has_text="wang_zq").locator("code").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("download-passwords").click()
    assert download.value.suggested_filename == "initial-passwords.xlsx"

    # The new contact cadre signs in and is held at the password form until it is changed.
    browser_sign_out(page)
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("wang_zq")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/accounts/password/")
    page.goto(page.base_url + "/villages/")
    assert page.url == page.base_url + "/accounts/password/"
    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill("Wenshang-2026-new")
    page.locator("#id_new_password2").fill("Wenshang-2026-new")
    with page.expect_navigation():
        page.locator("form[method=post] #id_new_password2").press("Enter")
    page.goto(page.base_url + "/villages/")
    assert page.url == page.base_url + "/villages/"
    expect(page.locator("table")).to_contain_text(village.name)
