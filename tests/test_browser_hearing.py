"""村务听证质询会 end to end: the contact cadre records a hearing on a phone (390 px) and types
both questions, one unsatisfied, on the one-page form (a third row added by 增加一行) and
completes it in one submit; the township then finds the problem in its ledger."""

import pytest
from playwright.sync_api import expect

from supervision.choices import TaskKind
from supervision.models import Problem
from supervision.tests.bottomup_helpers import duty
from supervision.tests.conftest import sitting_post
from tests.browser import confirm_in_dialog
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_question(row, question, answered_by, satisfied):
    row.get_by_label("提问人身份").select_option("representative")
    row.get_by_label("类别").select_option("finance")
    row.get_by_label("质询问题").fill(question)
    row.get_by_label("答复干部").select_option(label=answered_by)
    row.get_by_label("答复", exact=True).fill("已按预算支出")
    row.get_by_label("提问人是否满意？").select_option("yes" if satisfied else "no")


def test_a_hearing_question_left_unsatisfied_reaches_the_township_ledger(
    page, village, insider, contact
):
    sitting_post(insider, village, "secretary", "李书记")
    task = duty(village, TaskKind.HEARING, "2026Q4")

    browser_login(page, "contact")
    page.goto(f"{page.base_url}/supervision/hearings/start/{task.pk}/")
    page.locator("#id_date").fill("2026-11-20")
    page.locator("#id_place").fill("村委会议室")
    page.locator("#id_party_members_present").fill("12")
    page.locator("#id_representatives_present").fill("18")
    page.locator("#id_agenda").fill("村级财务收支情况")
    page.locator("main").get_by_role("button", name="保存").click()
    page.wait_for_url("**/supervision/hearings/*/")
    expect(page.get_by_test_id("attendance")).to_contain_text("30")

    posts: list[str] = []
    page.on(
        "request", lambda r: r.method == "POST" and "/hearings/" in r.url and posts.append(r.url)
    )
    rows = page.get_by_test_id("question-row")
    expect(rows).to_have_count(3)  # blank rows for new questions
    page.get_by_test_id("add-row").click()
    expect(rows).to_have_count(4)
    type_question(rows.nth(0), "道路硬化花了多少钱？", "李书记", satisfied=True)
    type_question(rows.nth(3), "低保名单为什么不公开？", "李书记", satisfied=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    page.get_by_role("button", name="完成听证会").click()
    confirm_in_dialog(page, "问题台账")  # what completing does, asked once
    assert len(posts) == 1  # the questions and the completion in one submit
    expect(page.get_by_test_id("record-state")).to_have_text("已完成")
    expect(page.get_by_test_id("question-problem")).to_contain_text("低保名单为什么不公开？")
    problem = Problem.objects.get()
    assert (problem.source, problem.owner_name) == ("question", "李书记")

    browser_login(page, "insider")
    page.goto(page.base_url + "/supervision/problems/")
    expect(page.locator("main")).to_contain_text("低保名单为什么不公开？")
