"""四议两公开 on a phone (390 px): an 85,000-yuan voucher is refused without a decision; the
clerk records the decision's four steps and makes the resolution public; the voucher, citing
it, posts."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from ledgers import services
from ledgers.choices import DecisionState, VoucherState
from ledgers.models import Decision, Voucher
from ledgers.tests.conftest import chart, clerk, lines, open_books  # noqa: F401 (fixtures)
from ledgers.tests.decision_fixtures import policy
from tests.browser import confirm_in_dialog
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


MEETINGS = [
    # held on, entitled, present, for, (assembly)
    ("2026-02-01", "5", "5", "5", None),
    ("2026-02-02", "7", "6", "6", None),
    ("2026-02-04", "30", "24", "21", None),
    ("2026-02-06", "40", "31", "28", "representatives"),
]


def test_a_large_voucher_waits_for_its_decision(
    page,
    supervisor,
    county,
    insider,
    clerk,  # noqa: F811
    village,
    chart,  # noqa: F811
    open_books,  # noqa: F811
):
    policy(supervisor, county, threshold="50000")
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=dt.date(2026, 2, 10),
        summary="村内道路硬化工程款",
        lines=lines(chart, "expense", "bank", "85000", "某建筑公司"),
    )

    # The township cannot post it: no decision behind it.
    browser_login(page, "insider")
    page.goto(page.base_url + voucher.get_absolute_url())
    page.get_by_role("button", name="审核记账").click()
    confirm_in_dialog(page, "记账")
    expect(page.locator(".alert-danger, .alert-warning, .alert").first).to_contain_text("85,000.00")
    expect(page.get_by_test_id("voucher-state")).to_have_text("草稿")

    # The clerk records the decision and its four steps.
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
    expect(page.get_by_test_id("decision-step")).to_have_count(4)
    decision.refresh_from_db()
    assert decision.state == DecisionState.RESOLVED

    # 决议公开
    form = page.get_by_test_id("publication-form")
    form.locator("#id_published_on").fill("2026-02-07")
    form.locator("#id_text").fill("经村民代表会议决议，硬化村内道路，预算85,000元。")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("resolution-published")).not_to_have_text("—")
    decision.refresh_from_db()
    assert decision.state == DecisionState.PUBLISHED

    # The clerk cites it on the voucher (the picker offers it with what is left).
    page.goto(page.base_url + voucher.get_absolute_url())
    page.locator(f"a[href$='/vouchers/{voucher.pk}/edit/']").click()
    page.locator("#id_decision").select_option(str(decision.pk))
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/ledgers/vouchers/{voucher.pk}/")
    expect(page.get_by_test_id("voucher-decision")).to_contain_text(decision.display_number)

    # Now it posts.
    browser_login(page, "insider")
    page.goto(page.base_url + voucher.get_absolute_url())
    page.get_by_role("button", name="审核记账").click()
    confirm_in_dialog(page, "记账")
    expect(page.get_by_test_id("voucher-state")).to_have_text("已记账")
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.POSTED and voucher.decision == decision
    page.goto(page.base_url + decision.get_absolute_url())
    expect(page.get_by_test_id("decision-remaining")).to_contain_text("0.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing off-screen
    assert Voucher.objects.count() == 1
