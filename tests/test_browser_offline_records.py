"""A hearing and an inspection's scores recorded on a phone without signal (issue 21), against
h21-server's field forms. The hearing:
the contact cadre opens the hearing's page once with signal, loses it, types a question left
unsatisfied and completes the hearing (confirmed in the dialog): kept on the phone; the page
reloaded offline still opens; with the signal back the hearing is completed once, its problem in
the ledger once. A second hearing completed meanwhile by someone else comes back as the
`completed` conflict with what was typed. The inspection: the checklist scored offline, the page
reloaded offline, the scores saved once when the signal returns."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from supervision import services
from supervision.choices import TaskKind
from supervision.models import Hearing, Inspection, Problem
from supervision.periods import Period
from supervision.tests.bottomup_helpers import duty
from supervision.tests.conftest import (
    checklist,  # noqa: F401 (fixture)
    sitting_post,
)
from tests.test_browser_hearing import type_question
from tests.test_browser_offline import QUEUE, wait_kept
from villages.tests.helpers import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.offline,
    pytest.mark.django_db(transaction=True),
]


def zh(msgid):
    with translation.override("zh-hans"):
        return gettext(msgid)


def start(page, task):
    page.goto(f"{page.base_url}/supervision/hearings/start/{task.pk}/")
    page.locator("#id_date").fill("2026-11-20")
    page.locator("#id_place").fill("村委会议室")
    page.locator("#id_party_members_present").fill("12")
    page.locator("#id_representatives_present").fill("18")
    page.locator("#id_agenda").fill("村级财务收支情况")
    page.locator("main").get_by_role("button", name="保存").click()
    page.wait_for_url("**/supervision/hearings/*/")
    return page.url.removeprefix(page.base_url)


def complete_offline(page, question):
    rows = page.get_by_test_id("question-row")
    type_question(rows.nth(0), question, "李书记", satisfied=False)
    page.get_by_role("button", name="完成听证会").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("saved-offline")).to_be_visible()


def test_a_hearing_completed_without_signal_is_completed_once(page, village, insider, contact):
    sitting_post(insider, village, "secretary", "李书记")
    task = duty(village, TaskKind.HEARING, "2026Q4")
    browser_login(page, "contact")
    path = start(page, task)
    wait_kept(page, path)
    wait_kept(page, "/field/queue/")

    page.context.set_offline(True)
    complete_offline(page, "低保名单为什么不公开？")
    expect(page.get_by_test_id("offline-badge")).to_have_text(f"{zh('To sync')} 1")
    page.reload()  # still offline: from the phone
    expect(page.get_by_test_id("question-row").first).to_be_visible()
    expect(page.get_by_test_id("offline-badge")).to_have_text(f"{zh('To sync')} 1")
    assert not Problem.objects.exists()

    page.context.set_offline(False)
    expect(page.get_by_test_id("synced")).to_be_visible()
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    problem = Problem.objects.get()
    assert (problem.source, problem.owner_name) == ("question", "李书记")
    page.reload()
    expect(page.get_by_test_id("record-state")).to_have_text("已完成")
    assert Problem.objects.count() == 1


def test_a_hearing_completed_meanwhile_comes_back_as_a_conflict(page, village, insider, contact):
    sitting_post(insider, village, "secretary", "李书记")
    task = duty(village, TaskKind.HEARING, "2026Q4")
    browser_login(page, "contact")
    path = start(page, task)
    wait_kept(page, path)
    wait_kept(page, "/field/queue/")
    page.context.set_offline(True)
    complete_offline(page, "道路硬化花了多少钱？")

    # Meanwhile the hearing is completed from another phone (with no question).
    services.hearing_complete(actor=contact, hearing=Hearing.objects.get())
    page.context.set_offline(False)
    expect(page.get_by_test_id("sync-attention")).to_be_visible()  # sent, and refused
    page.goto(page.base_url + "/field/queue/")
    item = page.get_by_test_id("queue-item")
    expect(item.get_by_test_id("queue-status")).to_have_text(zh("Conflict"))
    expect(item.get_by_test_id("queue-conflict")).not_to_be_empty()
    expect(item.get_by_test_id("queue-typed")).to_contain_text("道路硬化花了多少钱？")
    assert not Problem.objects.exists()


def test_an_inspection_scored_without_signal_is_saved_once(
    page,
    insider,
    village,
    checklist,  # noqa: F811
):
    task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))
    browser_login(page, "insider")
    page.goto(f"{page.base_url}/supervision/duties/{task.pk}/inspection/")
    page.get_by_label("巡查日期").fill("2026-08-03")
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_url("**/supervision/inspections/*/")
    path = page.url.removeprefix(page.base_url)
    wait_kept(page, path)
    wait_kept(page, QUEUE)

    page.context.set_offline(True)
    items = list(checklist.items.order_by("position"))
    for item, score in zip(items, ("38", "30", "24"), strict=True):
        page.locator(f"#id_score_{item.pk}").fill(score)
    page.locator(f"#id_note_{items[2].pk}").fill("两起纠纷未按时调处")
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_test_id("saved-offline")).to_be_visible()
    page.reload()  # still offline: from the phone
    expect(page.get_by_test_id("offline-badge")).to_have_text(f"{zh('To sync')} 1")

    page.context.set_offline(False)
    expect(page.get_by_test_id("synced")).to_be_visible()
    expect(page.get_by_test_id("nav-offline")).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("inspection-score")).to_contain_text("92")
    inspection = Inspection.objects.get()
    assert inspection.scores.count() == len(items)
