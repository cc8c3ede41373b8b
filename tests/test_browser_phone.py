"""Phone first (issue #16), at 390 px: township staff read the problem ledger as cards (each
problem's title across the card, every other cell under its column's name, nothing squeezed),
the township dashboard's chart of its villages as horizontal bars, the 10 furthest behind with
a link to all of them, and after a POST the message is in view."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.tests.dashboards_helpers import populate, problem
from supervision.tests.cycle_helpers import more_villages
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
LONG_TITLE = "村务公开栏连续两个季度未更新财务收支明细，群众反映强烈"


def test_the_problem_ledger_reads_as_cards_on_a_phone(page, village, insider):
    for n in range(3):
        problem(village, insider, deadline=dt.date(2026, 12, 31), title=f"{LONG_TITLE}{n}")
    browser_login(page, "insider")
    page.goto(page.base_url + "/supervision/problems/")
    table = page.locator("table.table-cards")
    expect(table.locator("thead")).to_be_hidden()  # the header's names are on each cell
    rows = table.locator("tbody > tr")
    expect(rows).to_have_count(3)
    card = rows.first
    title = card.locator("td.card-title")
    expect(title).to_contain_text(LONG_TITLE)
    # the title runs across the card (it was two characters a line), and comes first
    box, card_box = title.bounding_box(), card.bounding_box()
    assert box["width"] > 300 and box["y"] - card_box["y"] < 12
    expect(card.locator('td[data-label="整改期限"]')).to_contain_text("2026年12月31日")
    expect(card.locator('td[data-label="状态"]').locator(".badge")).to_be_visible()
    expect(card.locator('td[data-label="村"]')).to_contain_text(village.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "problem-ledger-390.png"), full_page=True)

    # at a desk the same page is a table again
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(table.locator("thead")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})


def test_the_dashboard_chart_is_horizontal_with_the_top_ten_on_a_phone(
    page, village, township, insider
):
    villages = [village, *more_villages(township, 11)]
    for i, v in enumerate(villages):
        populate(v, insider, on_time=i % 2 == 0)
    browser_login(page, "insider")
    page.goto(f"{page.base_url}/reports/dashboards/township/{township.code}/?period=2026Q3")
    chart = page.locator('[data-chart="matrix"]')
    expect(chart).to_have_attribute("data-ready", "true")
    expect(chart).to_have_attribute("data-layout", "horizontal")
    axis = page.evaluate(
        """() => {
            const option = echarts.getInstanceByDom(
                document.querySelector('[data-chart="matrix"]')).getOption();
            return {y: option.yAxis[0].type, n: option.yAxis[0].data.length};
        }"""
    )
    assert axis == {"y": "category", "n": 10}  # one bar row per village, the first ten
    top = page.get_by_test_id("matrix-top")
    expect(top).to_be_visible()
    chart.screenshot(path=str(ARTIFACTS / "township-dashboard-chart-390.png"))
    top.get_by_role("link").click()  # to the table of all twelve
    expect(page.get_by_test_id("matrix").locator("tbody > tr")).to_have_count(12)
    expect(page.get_by_test_id("matrix")).to_be_in_viewport()
