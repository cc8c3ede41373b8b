"""On a phone, the township strikes a problem off and reopens it: the badge, the steps and the
history say 待核验, 已销号 and 已重新打开, and the history names people and dates in words."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from playwright.sync_api import expect

from core.dates import today
from supervision.tests.problems_helpers import make_problem, submitted
from tests.browser import confirm_in_dialog
from villages.templatetags.cunjian import person_name
from villages.tests.helpers import browser_login

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_problem_struck_off_and_reopened_on_a_phone(
    browser, live_server, insider, contact, village
):
    problem = submitted(make_problem(village, contact), contact)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    browser_login(page, "insider")
    page.goto(page.base_url + reverse("supervision:problem-detail", args=[problem.pk]))
    expect(page.get_by_test_id("state")).to_have_text("待核验")

    close = page.locator("form[data-action=close]")
    close.get_by_label("销号依据").fill("公开栏照片")
    close.get_by_role("button").click()
    confirm_in_dialog(page, "销号")
    expect(page.get_by_test_id("state")).to_have_text("已销号")
    expect(page.get_by_test_id("steps")).to_contain_text("待核验 → 已销号")
    history = page.locator("table").last.inner_text()
    assert "销号人" in history and person_name(insider) in history
    assert re.search(rf"销号日期:\s*—\s*→\s*{date_format(today())}", history)
    assert re.search(r"状态:\s*待核验\s*→\s*已销号", history)
    page.screenshot(path=str(ARTIFACTS / "problem-struck-off-390.png"), full_page=True)
    body = page.locator("body").inner_text()
    assert "已终止" not in body and "启动" not in body

    reopen = page.locator("form[data-action=reopen]")
    reopen.get_by_label("重新打开的原因").fill("群众再次反映")
    reopen.get_by_role("button").click()
    expect(page.get_by_test_id("state")).to_have_text("已重新打开")
    expect(page.locator("form[data-action=start]")).to_be_visible()
    context.close()
