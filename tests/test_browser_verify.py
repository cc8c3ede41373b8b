"""A villager checks a printed pledge at 390 px (issue #20 item 2): the QR code on the paper
opens the verification page, without an account; it says the copy matches the text in force and
shows the cadre's promises with the last yearly redemption of each, to compare with the paper."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cadres.choices import PostKind
from reports.documents import DOCUMENTS, check_code, content_hash
from supervision import services
from supervision.choices import Fulfilment
from supervision.tests.bottomup_helpers import make_redemption
from supervision.tests.conftest import sitting_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"


def test_a_villager_reads_a_pledge_and_its_redemption_from_the_qr_code(page, insider, village):
    post = sitting_post(insider, village, PostKind.SECRETARY, "李书记")
    redemption = make_redemption(insider, village)
    results = list(redemption.results.select_related("promise").order_by("promise__position"))
    for n, row in enumerate(results):
        services.redemption_set_result(
            actor=insider,
            redemption=redemption,
            promise=row.promise,
            result=Fulfilment.PARTLY if n == 0 else Fulfilment.FULFILLED,
            appraisal="satisfied",
            evidence="现场查看",
        )
    services.redemption_complete(actor=insider, redemption=redemption)
    pledge = DOCUMENTS["pledge"].rows().get(post=post)
    code = check_code(DOCUMENTS["pledge"], pledge)

    # the QR code's address, as a phone's camera opens it: no account, no cookie
    response = page.goto(f"{page.base_url}/reports/documents/pledge/{pledge.pk}/verify/{code}/")
    assert "set-cookie" not in response.all_headers()
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_contain_text("与系统中的现行文本一致")
    expect(verdict).to_be_in_viewport()
    content = page.get_by_test_id("public-content")
    expect(content).to_contain_text("李书记")
    expect(content).to_contain_text("党支部书记")
    first = results[0].promise
    expect(content).to_contain_text(first.text)
    expect(content).to_contain_text("2026年度：部分兑现（群众评议：满意）")
    expect(content.get_by_text("2026年度：已兑现（群众评议：满意）")).to_have_count(
        len(results) - 1
    )
    expect(page.get_by_test_id("sha256")).to_contain_text(content_hash(DOCUMENTS["pledge"], pledge))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pledge-verify-390.png"), full_page=True)

    # the village's public page leads to the same page
    page.goto(f"{page.base_url}/public/villages/{village.code}/")
    page.get_by_test_id("verify-pledge").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("与系统中的现行文本一致")
