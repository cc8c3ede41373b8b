"""四述双评 on a phone (390×844): the township's clerk opens the quarter sheet, sees the
secretary has not reported, records the report heard with the leader's on-the-spot comment and
the score in one form; the year-end page then shows the quarter's score and the grade."""

import pytest
from playwright.sync_api import expect

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from core.dates import today
from supervision.models import QuarterlyReport
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_records_a_quarterly_report_and_the_year_rolls_it_up(
    page, township, village, insider
):
    secretary = CadreFactory(village=village, name="李书记")
    PostFactory(cadre=secretary, village=village, kind=PostKind.SECRETARY)

    browser_login(page, "insider")
    page.goto(f"{page.base_url}/regions/{township.code}/")
    page.get_by_test_id("township-quarterly").click()
    missing = page.get_by_test_id("missing-report")
    expect(missing).to_contain_text("李书记")
    expect(page.get_by_test_id("missing-count")).to_have_text("1")

    page.get_by_test_id("record-report").click()
    form = page.get_by_test_id("report-form")
    form.locator("#id_reporter").select_option(index=1)
    form.locator("#id_duties").fill("完成村内道路硬化，组织党员冬训")
    form.locator("#id_integrity").fill("严守廉洁纪律")
    form.locator("#id_law").fill("依法调解纠纷三起")
    form.locator("#id_ethics").fill("带头移风易俗")
    form.locator("#id_commented_by").fill("王书记")
    form.locator("#id_comment").fill("工作扎实，群众认可")
    form.locator("#id_score").fill("92.5")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("report-score")).to_have_text("92.5")
    expect(page.get_by_test_id("report-state")).to_have_text("已点评评分")
    report = QuarterlyReport.objects.get()
    assert (report.cadre, report.year) == (secretary, today().year)

    page.goto(f"{page.base_url}/supervision/quarterly/townships/{township.code}/")
    expect(page.get_by_test_id("missing-count")).to_have_text("0")
    page.get_by_test_id("year-link").click()
    row = page.get_by_test_id("rollup-row")
    expect(row).to_contain_text("李书记")
    expect(row).to_contain_text("92.5")
    # the year so far: the quarters the secretary held the post and has not reported are missing
    expect(row.get_by_test_id("grade")).to_be_visible()
    # a phone: the table reads as cards, nothing wider than the screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
