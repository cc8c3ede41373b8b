"""On a phone (390 px), township staff open 待办, see the badge, tap the clerk's voucher, post it,
and the count drops."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from ledgers import services
from ledgers.tests.conftest import chart, clerk, lines, open_books  # noqa: F401 (fixtures)
from tests.browser import confirm_in_dialog
from villages.tests.helpers import browser_login
from work.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_staff_post_a_voucher_from_the_inbox(
    page,
    village,
    chart,  # noqa: F811
    clerk,  # noqa: F811
    open_books,  # noqa: F811
):
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=dt.date(2026, 1, 15),
        summary="收取鱼塘承包费",
        lines=lines(chart, "cash", "income", "500", "张三"),
    )
    h.question(village)  # something else waits too: the badge counts both
    problems = []
    page.on(
        "console",
        lambda m: m.type == "error" and "favicon" not in m.location.get("url", "")
        and problems.append(f"{page.url}: {m.text[:70]}"),
    )  # fmt: skip

    browser_login(page, "insider")  # the inbox is the home page
    badge = page.get_by_test_id("inbox-badge")
    expect(badge).to_be_visible()  # in the bar, outside the collapsed menu
    expect(badge).to_have_text("2")
    card = page.get_by_test_id("inbox-vouchers_to_post")
    expect(card.get_by_test_id("count")).to_have_text("1")
    expect(card).to_contain_text("待审核记账的凭证")
    card.get_by_test_id("inbox-item").filter(has_text=voucher.display_number).click()
    page.wait_for_url(f"**{voucher.get_absolute_url()}")

    page.get_by_role("button", name="审核记账").click()
    confirm_in_dialog(page, "记账")
    expect(page.get_by_test_id("voucher-state")).to_have_text("已记账")
    expect(page.get_by_test_id("inbox-badge")).to_have_text("1")

    page.get_by_test_id("nav-inbox").click()
    page.wait_for_url(page.base_url + "/")
    expect(page.get_by_test_id("inbox-vouchers_to_post")).to_have_count(0)
    expect(page.get_by_test_id("inbox-questions_to_answer")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    assert not problems, problems
