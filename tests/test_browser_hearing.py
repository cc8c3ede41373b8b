"""村务听证质询会 end to end: the contact cadre records a hearing on a phone with two questions,
one unsatisfied, and completes it; the township then finds the problem in its ledger."""

import pytest
from playwright.sync_api import expect

from supervision.choices import TaskKind
from supervision.models import Hearing, Problem
from supervision.tests.bottomup_helpers import duty
from supervision.tests.conftest import sitting_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")


def add_question(page, question, answered_by, satisfied):
    form = page.get_by_test_id("question-form")
    form.locator("#id_q-asker_kind").select_option("representative")
    form.locator("#id_q-category").select_option("finance")
    form.locator("#id_q-question").fill(question)
    form.locator("#id_q-answered_by").select_option(label=answered_by)
    form.locator("#id_q-answer").fill("已按预算支出")
    form.locator("#id_q-satisfied").select_option("yes" if satisfied else "no")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("questions")).to_contain_text(question)


def test_a_hearing_question_left_unsatisfied_reaches_the_township_ledger(
    page, village, insider, contact
):
    sitting_post(insider, village, "secretary", "李书记")
    task = duty(village, TaskKind.HEARING, "2026Q4")

    log_in(page, "contact")
    page.goto(f"{page.base_url}/supervision/hearings/start/{task.pk}/")
    page.locator("#id_date").fill("2026-11-20")
    page.locator("#id_place").fill("村委会议室")
    page.locator("#id_party_members_present").fill("12")
    page.locator("#id_representatives_present").fill("18")
    page.locator("#id_agenda").fill("村级财务收支情况")
    page.locator("main").get_by_role("button", name="保存").click()
    page.wait_for_url("**/supervision/hearings/*/")
    expect(page.get_by_test_id("attendance")).to_contain_text("30")

    add_question(page, "道路硬化花了多少钱？", "李书记", satisfied=True)
    add_question(page, "低保名单为什么不公开？", "李书记", satisfied=False)
    page.locator(f"form[action$='/hearings/{Hearing.objects.get().pk}/complete/'] button").click()
    page.get_by_test_id("confirm-dialog").get_by_role(
        "button", name="确认"
    ).click()  # it asks first
    expect(page.get_by_test_id("record-state")).to_have_text("已完成")
    expect(page.get_by_test_id("question-problem")).to_contain_text("低保名单为什么不公开？")
    problem = Problem.objects.get()
    assert (problem.source, problem.owner_name) == ("question", "李书记")

    log_in(page, "insider")
    page.goto(page.base_url + "/supervision/problems/")
    expect(page.locator("main")).to_contain_text("低保名单为什么不公开？")
