"""两证年检, confirmed and corrected, on a phone (issue 16): township staff record a fail,
which asks first in a dialog; a county supervisor corrects it to a pass through the
correction page, confirming in the dialog; the certificate is valid again, the advised
resignation the fail opened is withdrawn and the correction is on the record."""

import pytest
from playwright.sync_api import expect

from cadres.choices import CertificateState
from cadres.models import ResignationAdvice
from supervision import services
from supervision.choices import TaskKind, Verdict
from supervision.models import CertificateInspection
from supervision.periods import Period
from supervision.tests.conftest import sitting  # noqa: F401 (fixture)
from tests.browser import confirm_in_dialog
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_county_supervisor_corrects_a_confirmed_verdict(
    page,
    insider,
    supervisor,
    village,
    sitting,  # noqa: F811
):
    task = services.task_for(village, TaskKind.ANNUAL_INSPECTION, Period.parse("2026"))
    certificate = sitting["secretary"].certificate
    record = services.annual_inspection_start(actor=insider, task=task, certificate=certificate)
    detail = f"{page.base_url}/supervision/annual-inspections/{record.pk}/"

    # the township records 不合格: the dialog says what will follow, and nothing happens before
    browser_login(page, "insider")
    page.goto(detail)
    page.locator("#id_verdict").select_option(Verdict.FAIL)
    page.locator("#id_reasons").fill("承诺兑现率低，群众不满意")
    page.get_by_test_id("decide").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("暂停证书")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_have_count(0)
    assert CertificateInspection.objects.get().verdict == ""
    page.get_by_test_id("decide").click()
    confirm_in_dialog(page, "暂停证书")
    expect(page.get_by_test_id("verdict")).to_have_text("不合格")
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.SUSPENDED
    assert ResignationAdvice.objects.count() == 1
    # the township may not correct it
    expect(page.get_by_test_id("correct-link")).to_have_count(0)

    # the county supervisor corrects it to 合格
    browser_login(page, "supervisor")
    page.goto(detail)
    page.get_by_test_id("correct-link").click()
    page.locator("#id_verdict").select_option(Verdict.PASS)
    page.locator("#id_reason").fill("经复核，兑现证据录入错误")
    page.get_by_test_id("correct").click()
    confirm_in_dialog(page, "恢复证书有效")
    expect(page.get_by_test_id("verdict")).to_have_text("合格")
    corrections = page.get_by_test_id("corrections")
    expect(corrections).to_contain_text("不合格 → 合格")
    expect(corrections).to_contain_text("经复核，兑现证据录入错误")
    expect(corrections).to_contain_text("劝辞已撤回")
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    assert not ResignationAdvice.objects.exists()
    # the page fits the phone: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
