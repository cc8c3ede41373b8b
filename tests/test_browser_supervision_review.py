"""村务监督委员会 on a phone (390 px): the township appoints the committee's chair and members and
sets its phone, the county requires its review, publishing waits for it; the township records
the committee's opinion and signatures, publishes, and a villager reads the opinion and the
phone on the public page."""

import pytest
from playwright.sync_api import expect

from cadres.models import Post
from cadres.tests.factories import CadreFactory
from ledgers.models import DecisionPolicy, Disclosure
from ledgers.tests.conftest import chart, clerk, open_books  # noqa: F401 (fixtures)
from ledgers.tests.disclosure_fixtures import draft_statement, quarter_books  # noqa: F401
from villages.tests.helpers import browser_login, browser_sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page):
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()


def test_the_committee_reviews_and_signs_a_statement_before_it_is_published(
    page,
    village,
    insider,
    draft_statement,  # noqa: F811
):
    DecisionPolicy.objects.create(
        area_code=village.code[:6], enabled=False, statements_need_review=True
    )
    people = [CadreFactory(village=village, name=n) for n in ("王监督", "李监督", "赵监督")]
    assert page.viewport_size["width"] == 390

    # the township appoints the chair and two members on the phone
    browser_login(page, "insider")
    for person, kind in zip(
        people, ["supervision_chair", "supervision_member", "supervision_member"], strict=True
    ):
        page.goto(f"{page.base_url}/cadres/posts/add/?village={village.code}&cadre={person.pk}")
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_start_date").fill("2024-01-10")
        submit(page)
    assert Post.objects.supervision().filter(village=village).count() == 3
    page.goto(f"{page.base_url}/cadres/villages/{village.code}/committees/")
    expect(page.get_by_test_id("supervision-committee")).to_contain_text("王监督")

    # and the committee's public phone on the village
    page.goto(f"{page.base_url}/villages/{village.code}/edit/")
    page.locator("#id_supervision_phone").fill("0537-7123456")
    submit(page)
    expect(page.get_by_test_id("supervision-phone")).to_have_text("0537-7123456")

    # the statement is approved; publishing waits for the committee's review
    page.goto(page.base_url + draft_statement.get_absolute_url())
    page.get_by_role("button", name="审核通过").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-dialog").get_by_role("button", name="确认").click()
    page.get_by_role("button", name="发布").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-dialog").get_by_role("button", name="确认").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.get_by_test_id("disclosure-state")).to_have_text("乡镇已审核")
    expect(page.get_by_test_id("review-missing")).to_be_visible()

    # the township records the opinion and two of the three signatures
    page.get_by_test_id("record-review").click()
    page.locator("#id_opinion").fill("经审核，本季度收支真实，同意公开。")
    page.locator("#id_reviewed_on").fill("2026-04-10")
    posts = page.get_by_test_id("review-posts")
    posts.get_by_text("王监督").click()
    submit(page)
    expect(page.locator(".invalid-feedback")).to_be_visible()  # one of three is no majority
    page.get_by_test_id("review-posts").get_by_text("李监督").click()
    submit(page)
    expect(page.get_by_test_id("review-opinion")).to_have_text("经审核，本季度收支真实，同意公开。")
    expect(page.get_by_test_id("review-signers")).to_contain_text("李监督")

    page.get_by_role("button", name="发布").click()
    with page.expect_navigation():
        page.get_by_test_id("confirm-dialog").get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("disclosure-state")).to_have_text("已公开")
    statement = Disclosure.objects.get()
    assert statement.content["supervision"]["phone"] == "0537-7123456"

    # a villager, without an account, reads the opinion and can call the committee
    browser_sign_out(page)
    page.goto(f"{page.base_url}/public/villages/{village.code}/")
    page.get_by_test_id("public-statements").get_by_role("link").first.click()
    expect(page.get_by_test_id("review-opinion")).to_have_text("经审核，本季度收支真实，同意公开。")
    expect(page.get_by_test_id("review-signers")).to_contain_text("王监督")
    phone = page.get_by_test_id("review-phone")
    expect(phone).to_have_text("0537-7123456")
    expect(phone).to_have_attribute("href", "tel:0537-7123456")
    phone.scroll_into_view_if_needed()
    box = phone.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390  # readable and tappable at 390 px
