"""The done-when journey of issue #18 on a phone (390 px): the county requires a decision above
5万元 and makes posting wait for the signing day (联签). The 85,000-yuan voucher is refused
without a decision; the decision goes through its four steps and its first publication; the
voucher, citing it, is still refused until it is co-signed on the signing day by more than half
of the two committees and reviewed by the supervision committee; then it posts, and the result
of the implementation is made public on the village's public page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ledgers import services
from ledgers.choices import DecisionState, VoucherState
from ledgers.models import Decision, SigningSession
from ledgers.tests.conftest import chart, clerk, lines, open_books  # noqa: F401 (fixtures)
from ledgers.tests.signing_fixtures import committees, supervision
from tests.browser import confirm_in_dialog
from tests.test_browser_decisions import MEETINGS, browser_login
from villages.tests.helpers import browser_sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_voucher(page, voucher):
    browser_login(page, "insider")
    page.goto(page.base_url + voucher.get_absolute_url())
    page.get_by_role("button", name="审核记账").click()
    confirm_in_dialog(page, "记账")


def test_the_85000_yuan_voucher_from_refusal_to_the_public_page(
    page,
    supervisor,
    county,
    insider,
    clerk,  # noqa: F811
    village,
    chart,  # noqa: F811
    open_books,  # noqa: F811
):
    services.decision_policy_update(
        actor=supervisor,
        county_code=county.code,
        enabled=True,
        threshold=Decimal("50000"),
        kinds=["funds", "contract", "disposal"],
        signing_day=21,
        posting_needs_signing=True,
    )
    members = committees(village, 7)
    reviewer = supervision(village)
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=dt.date(2026, 2, 10),
        summary="村内道路硬化工程款",
        lines=lines(chart, "expense", "bank", "85000", "某建筑公司"),
    )

    # Refused: no decision behind it.
    post_voucher(page, voucher)
    expect(page.locator(".alert").first).to_contain_text("85,000.00")
    expect(page.get_by_test_id("voucher-state")).to_have_text("草稿")

    # The decision, its four steps and its first publication (决议公开).
    browser_login(page, "clerk")
    page.goto(f"{page.base_url}/ledgers/decisions/?village={village.code}")
    page.get_by_test_id("decision-add").click()
    page.locator("#id_subject").fill("村内道路硬化工程")
    page.locator("#id_kind").select_option("project")
    page.locator("#id_amount").fill("85000")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url("**/ledgers/decisions/*/")
    decision = Decision.objects.get()
    for held_on, entitled, present, votes_for, assembly in MEETINGS:
        form = page.get_by_test_id("step-form")
        form.locator("#id_held_on").fill(held_on)
        if assembly:
            form.locator("#id_assembly").select_option(assembly)
        form.locator("#id_entitled").fill(entitled)
        form.locator("#id_present").fill(present)
        form.locator("#id_votes_for").fill(votes_for)
        form.locator("#id_votes_against").fill("0")
        form.locator("#id_minutes").fill("与会人员充分讨论后表决。")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    form = page.get_by_test_id("publication-form")
    form.locator("#id_published_on").fill("2026-02-07")
    form.locator("#id_text").fill("经村民代表会议决议，硬化村内道路，预算85,000元。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    decision.refresh_from_db()
    assert decision.state == DecisionState.PUBLISHED

    # The voucher cites it, and still waits: it has not been co-signed.
    page.goto(page.base_url + voucher.get_absolute_url())
    page.locator(f"a[href$='/vouchers/{voucher.pk}/edit/']").click()
    page.locator("#id_decision").select_option(str(decision.pk))
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/ledgers/vouchers/{voucher.pk}/")
    post_voucher(page, voucher)
    expect(page.locator(".alert").first).to_contain_text("尚未联签")
    expect(page.get_by_test_id("voucher-state")).to_have_text("草稿")

    # The township's inbox lists it among the vouchers waiting for signatures.
    page.goto(page.base_url + reverse("home"))
    expect(page.get_by_test_id("inbox-vouchers_to_sign")).to_contain_text(voucher.display_number)

    # On the signing day, 4 of the 7 members sign and the supervision committee reviews.
    browser_login(page, "clerk")
    page.goto(f"{page.base_url}/ledgers/signings/?village={village.code}")
    page.get_by_test_id("signing-add").click()
    page.locator("#id_on").fill("2026-02-21")
    page.locator("main form[method=get] button[type=submit]").click()
    page.wait_for_url("**on=2026-02-21")
    form = page.get_by_test_id("signing-form")
    expect(form.locator("#id_signed_on")).to_have_value("2026-02-21")
    for post in members[:4]:
        form.locator(f"input[name=posts][value='{post.pk}']").check()
    form.locator(f"input[name=vouchers][value='{voucher.pk}']").check()
    form.locator("#id_reviewer").select_option(str(reviewer.pk))
    form.locator("#id_review_opinion").fill("票据真实齐全，符合决议，同意报账。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("signing-count")).to_contain_text("两委在任 7 名成员中的 4 人")
    expect(page.get_by_test_id("signed-vouchers")).to_contain_text(voucher.display_number)
    session = SigningSession.objects.get()
    assert session.members == 7 and session.recorded_by == clerk

    # Now the township posts it.
    post_voucher(page, voucher)
    expect(page.get_by_test_id("voucher-state")).to_have_text("已记账")
    expect(page.get_by_test_id("voucher-signing")).to_contain_text("2026年2月21日")
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.POSTED and voucher.decision == decision

    # 实施结果公开, read on the village's public page.
    browser_login(page, "clerk")
    page.goto(page.base_url + decision.get_absolute_url())
    form = page.get_by_test_id("publication-form")
    form.locator("#id_published_on").fill("2026-03-01")
    form.locator("#id_text").fill("道路硬化已完工验收，实际支出85,000元。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    decision.refresh_from_db()
    assert decision.state == DecisionState.DONE
    browser_sign_out(page)
    page.goto(page.base_url + reverse("public:village", args=[village.code]))
    expect(page.get_by_test_id("public-decisions")).to_contain_text("道路硬化已完工验收")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
