"""一季一巡查 end to end on a phone: township staff open the planned inspection from the
village's supervision tab, score the checklist, record a participant and a finding, complete
it, and find the finding registered in the problem ledger."""

import pytest
from playwright.sync_api import expect

from supervision import services
from supervision.choices import RecordState, TaskKind, TaskState
from supervision.models import Inspection, Problem
from supervision.periods import Period
from supervision.tests.conftest import checklist  # noqa: F401 (fixture)
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_township_official_records_a_quarterly_inspection(
    page,
    insider,
    village,
    checklist,  # noqa: F811
):
    task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))
    browser_login(page, "insider")

    # the planned inspection, from the village's supervision tab
    page.goto(f"{page.base_url}/supervision/villages/{village.code}/?year=2026")
    cell = page.locator('tr[data-kind="inspection"] td[data-period="2026Q3"]')
    cell.get_by_role("link").click()
    page.get_by_test_id("start-record").click()
    page.wait_for_url(f"**/duties/{task.pk}/inspection/")
    expect(page.get_by_text("季度巡查清单 v1")).to_be_visible()
    page.get_by_label("巡查日期").fill("2026-08-03")
    page.get_by_role("button", name="开始巡查").click()
    page.wait_for_url("**/supervision/inspections/*/")
    inspection = Inspection.objects.get()

    # score the checklist
    items = list(checklist.items.order_by("position"))
    for item, score in zip(items, ("38", "30", "24"), strict=True):
        page.locator(f"#id_score_{item.pk}").fill(score)
    page.locator(f"#id_note_{items[2].pk}").fill("两起纠纷未按时调处")
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_test_id("inspection-score")).to_contain_text("92")

    # a participant (the form is open while there is none)
    page.locator("#id_participants-0-name").fill("王镇长")
    page.locator("#id_participants-0-kind").select_option("township_official")
    page.locator("#id_participants-0-organization").fill("南旺镇党委")
    page.get_by_role("button", name="保存参加人员").click()
    expect(page.get_by_test_id("participants")).to_contain_text("王镇长")

    # a finding
    page.get_by_text("添加发现的问题").click()
    page.get_by_label("发现的问题").fill("矛盾纠纷调处台账不完整")
    page.get_by_label("类别").select_option("stability")
    page.get_by_label("责任人").fill("赵主任")
    page.get_by_label("整改期限").fill("2026-12-31")
    page.get_by_role("button", name="添加问题").click()
    expect(page.get_by_test_id("findings")).to_contain_text("矛盾纠纷调处台账不完整")

    # complete: the record is final and the finding is in the problem ledger
    page.get_by_role("button", name="完成巡查").click()
    page.get_by_test_id("confirm-dialog").get_by_role(
        "button", name="确认"
    ).click()  # it asks first
    expect(page.get_by_test_id("record-state")).to_have_text("已完成")
    expect(page.get_by_test_id("inspection-score")).to_have_text("92.0")
    findings = page.get_by_test_id("findings")
    expect(findings).to_contain_text("矛盾纠纷调处台账不完整")
    expect(findings).to_contain_text("已入问题台账")
    expect(page.get_by_role("button", name="完成巡查")).to_have_count(0)

    inspection.refresh_from_db()
    task.refresh_from_db()
    assert inspection.state == RecordState.COMPLETED
    assert task.state == TaskState.DONE
    problem = Problem.objects.get()
    assert problem.inspection_finding.inspection == inspection
    assert problem.title == "矛盾纠纷调处台账不完整"
