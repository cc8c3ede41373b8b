"""述职评议 and 黄牌警告 on a phone (390×844): the township's staff record their secretaries'
year-end reports, grade two of five 差 and conclude them; the county's supervisor evaluates the
year and the township's page shows its yellow card."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cadres import services_appraisal
from cadres.choices import AppraisalGrade, PostKind
from cadres.models import SecretaryAppraisal, YellowCard
from cadres.tests.factories import CadreFactory, PostFactory
from villages.tests.factories import VillageFactory
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_township_grades_its_secretaries_and_gets_a_yellow_card(
    page, township, village, insider, supervisor
):
    villages = [village] + [
        VillageFactory(township=township, code=f"370830102{300 + i}", name=f"后{i}村")
        for i in range(4)
    ]
    posts = [
        PostFactory(cadre=CadreFactory(village=v, name=f"书记{i}"), kind=PostKind.SECRETARY)
        for i, v in enumerate(villages)
    ]
    for post in posts[1:4]:  # three already graded: one poor
        a = services_appraisal.appraisal_create(
            actor=insider,
            post=post,
            year=2025,
            report_date=dt.date(2025, 12, 20),
            report_summary="年度述职",
            appraised_on=dt.date(2025, 12, 26),
            grade=AppraisalGrade.POOR if post == posts[1] else AppraisalGrade.GOOD,
            score=60 if post == posts[1] else 92,
            appraisers="乡党委",
        )
        services_appraisal.appraisal_conclude(actor=insider, appraisal=a)

    browser_login(page, "insider")
    page.goto(f"{page.base_url}/cadres/appraisals/add/?village={village.code}")
    page.locator("#id_post").select_option(str(posts[0].pk))
    page.locator("#id_year").fill("2025")
    page.locator("#id_report_date").fill("2025-12-20")
    page.locator("#id_report_summary").fill("抓党建促发展，年度承诺大部分未兑现")
    with page.expect_navigation():
        page.get_by_test_id("appraisal-save").click()
    page.goto(page.url + "edit/")
    page.locator("#id_appraised_on").fill("2025-12-27")
    page.locator("#id_grade").select_option(AppraisalGrade.POOR)
    page.locator("#id_score").fill("55")
    page.locator("#id_appraisers").fill("乡党委书记\n组织委员")
    with page.expect_navigation():
        page.get_by_test_id("appraisal-save-conclude").click()
    expect(page.get_by_test_id("appraisal-state")).to_have_text(re.compile("已办结|Concluded"))
    assert SecretaryAppraisal.objects.get(post=posts[0]).is_concluded

    page.goto(f"{page.base_url}/cadres/appraisals/?grade=poor")
    expect(page.get_by_test_id("appraisal-list").locator("tbody tr")).to_have_count(2)

    browser_login(page, "supervisor")
    page.goto(f"{page.base_url}/cadres/yellow-cards/")
    page.locator("input[name=year]").first.fill("2025")
    with page.expect_navigation():
        page.get_by_test_id("yellow-card-evaluate").click()
    assert YellowCard.objects.filter(township=township, year=2025).exists()
    page.goto(f"{page.base_url}/regions/{township.code}/")
    expect(page.get_by_test_id("yellow-cards")).to_contain_text("2025")
