"""On a phone (390 px): a villager asks a question on the public page; township staff see the
bell's count, open the notification, answer the question, and the notification is read."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ledgers.models import DisclosureQuestion
from supervision.models import Notification
from villages.tests.helpers import browser_login
from work.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_villagers_question_is_notified_and_answered(page, village, insider):
    cache.clear()  # the question throttle counts per address, and the live server is local
    statement = h.statement(village, "published")
    problems = []
    page.on(
        "console",
        lambda m: m.type == "error" and "favicon" not in m.location.get("url", "")
        and problems.append(f"{page.url}: {m.text[:70]}"),
    )  # fmt: skip

    # a villager, without an account, asks on the statement's public page
    page.goto(f"{page.base_url}/public/statements/{statement.pk}/")
    page.get_by_label("您的问题").fill("修路的钱花到哪里去了？")
    page.get_by_role("button", name="提交问题").click()
    expect(page.locator(".alert-success")).to_be_visible()
    question = DisclosureQuestion.objects.get()

    # township staff see the bell's count in the bar, outside the collapsed menu
    browser_login(page, "insider")
    bell = page.get_by_test_id("bell-badge")
    expect(bell).to_be_visible()
    expect(bell).to_have_text("1")
    page.get_by_test_id("nav-bell").click()
    page.wait_for_url("**/work/notifications/?unread=1")
    item = page.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("南旺村")
    expect(item.get_by_test_id("unread-mark")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # opening it leads to the answer box; the bell is quiet once it is read
    item.get_by_test_id("notification-open").click()
    page.wait_for_url(f"**/ledgers/disclosures/{statement.pk}/#answer-{question.pk}")
    expect(page.get_by_test_id("bell-badge")).to_have_count(0)
    page.locator(f"#answer-{question.pk}").fill("用于村东路硬化, 明细见第3项。")
    page.get_by_role("button", name="发布答复").click()
    dialog = page.get_by_test_id("confirm-dialog")
    if dialog.is_visible():
        with page.expect_navigation():
            dialog.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    question.refresh_from_db()
    assert question.answered_by == insider
    note = Notification.objects.get(user=insider)
    assert note.read_at is not None

    page.get_by_test_id("nav-bell").click()
    page.wait_for_url("**/work/notifications/")
    expect(page.get_by_test_id("notification")).to_have_count(1)
    expect(page.get_by_test_id("unread-mark")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    assert not problems, problems
