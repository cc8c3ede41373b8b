"""五好 on a phone (390×844): a township clerk opens the ratings, proposes a village's rating of
the year over the evidence (one 好 first marked not met, then met after all), and the county's
supervisor confirms it; the county dashboard shows the 五好率."""

import pytest
from playwright.sync_api import expect

from core.dates import today
from supervision.choices import RatingState
from supervision.models import FiveGoodRating
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_township_clerk_proposes_and_the_county_confirms(
    page, county, village, insider, supervisor
):
    year = today().year
    browser_login(page, "insider")
    page.goto(f"{page.base_url}/supervision/five-good/")
    with page.expect_navigation():
        page.locator("a[href$='/five-good/propose/']").click()
    page.locator("#id_village").select_option(village.code)
    page.locator("#id_year").fill(str(year))
    with page.expect_navigation():
        page.get_by_test_id("choose").locator("button[type=submit]").click()
    expect(page.get_by_test_id("evidence").locator("[data-good]")).to_have_count(5)

    form = page.get_by_test_id("propose-form")
    for good in ("team", "leader", "system", "results", "reputation"):
        form.locator(f"label[for='id_{good}_met_0']").click()  # 达标
    form.locator("label[for='id_results_met_1']").click()  # 好业绩: not met, without a note
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#id_results_note")).to_have_class(
        "form-control form-control-sm is-invalid"
    )
    form = page.get_by_test_id("propose-form")
    form.locator("label[for='id_results_met_0']").click()
    page.locator("#id_results_note").fill("问题已全部销号")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    rating = FiveGoodRating.objects.get()
    assert rating.state == RatingState.PROPOSED and rating.is_five_good
    expect(page.get_by_test_id("state")).to_be_visible()
    expect(page.locator("form[data-step='confirm']")).to_have_count(0)

    browser_login(page, "supervisor")
    page.goto(f"{page.base_url}/supervision/five-good/{rating.pk}/")
    confirm = page.locator("form[data-step='confirm']")
    confirm.locator("textarea").fill("同意乡镇初评意见")
    with page.expect_navigation():
        confirm.locator("button[type=submit]").click()
    expect(page.locator("form[data-step='correct']")).to_have_count(1)
    rating.refresh_from_db()
    assert rating.state == RatingState.CONFIRMED and rating.county_note == "同意乡镇初评意见"

    page.goto(f"{page.base_url}/reports/dashboards/county/{county.code}/?period={year}Q4")
    figure = page.locator("[data-figure='five_good'] [data-value]")
    expect(figure).to_have_text("100.0%")
