# ruff: noqa: F811 -- pytest fixtures are imported from the ledger's test modules
"""A villager follows a question at 390 px (issue #20): asks on a published statement without an
account, keeps the receipt number, the township answers, and later the villager finds the
answer by the receipt number, on the village's public page too; and the done-when journey from
the printed 公开榜's address through the pledges to the answered receipt."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ledgers import services as ledger_services
from ledgers.models import DisclosureQuestion
from ledgers.tests.conftest import chart, clerk, open_books  # noqa: F401 (fixtures)
from ledgers.tests.disclosure_fixtures import (  # noqa: F401 (fixtures)
    draft_statement,
    published,
    quarter_books,
)
from reports.tests.runs_helpers import pdftotext
from supervision.tests.test_public_village import supervised
from villages.tests.helpers import browser_sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_villager_asks_keeps_the_receipt_and_finds_the_answer(page, village, published):
    cache.clear()  # the question throttle counts per address, and the live server is local
    # the villager opens the statement from the village's public page and asks
    page.goto(f"{page.base_url}/public/villages/{village.code}/")
    page.get_by_test_id("public-statements").get_by_role("link").first.click()
    page.get_by_label("您的问题").fill("土地流转费是哪块地的？")
    page.get_by_role("button", name="提交问题").click()
    # the receipt page: the number is in view at once, on a phone
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_in_viewport()
    number = receipt.inner_text().strip()
    question = DisclosureQuestion.objects.get()
    assert number == question.receipt
    expect(page.locator("#messages .alert-success")).to_contain_text(number)
    expect(page.get_by_test_id("question-text")).to_contain_text("土地流转费是哪块地的？")
    expect(page.get_by_test_id("question-answer")).to_have_count(0)

    # the township answers from its inbox
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("insider")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/ledgers/questions/")
    page.locator(f"#answer-{question.pk}").fill("是东洼地，35.5亩。")
    page.get_by_role("button", name="发布答复").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    # later, the villager types the receipt number in and sees the answer
    browser_sign_out(page)
    page.goto(f"{page.base_url}/public/villages/{village.code}/")
    page.get_by_test_id("follow-question").click()
    page.locator("#id_receipt").fill(number.lower())
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("receipt")).to_have_text(number)
    expect(page.get_by_test_id("question-answer")).to_contain_text("是东洼地，35.5亩。")
    expect(page.get_by_test_id("question-steps")).to_contain_text("已答复")


def test_from_the_printed_board_a_villager_reads_the_pledges_asks_and_finds_the_answer(
    page, settings, insider, village, published
):
    """The done-when journey of issue #20, with the public pages' cache on: the QR address
    printed on the 公开榜 opens the village page, the pledge's promises and the year's redemption
    are there, the villager asks and keeps the receipt, and once the township has answered (its
    service, committed) the receipt page shows the answer."""
    settings.PUBLIC_CACHE_SECONDS = 600
    cache.clear()
    posts = supervised(insider, village)
    promise = posts[0].pledges.get().promises.order_by("position").first()
    # the notice board as printed: its QR code and its text hold the public page's address
    board = page.request.get(f"{page.base_url}/public/villages/{village.code}/board/a4.pdf")
    assert board.ok and board.headers["content-type"] == "application/pdf"
    printed = "".join(pdftotext(board.body()).split())
    address = re.search(r"https?://\S*?/public/villages/\d{12}/", printed)[0]
    assert address == f"{page.base_url}/public/villages/{village.code}/"

    # scanning it opens the village page on the phone
    page.goto(address)
    pledges = page.get_by_test_id("public-pledges")
    first = pledges.get_by_test_id("public-promise").first
    expect(first).to_contain_text(promise.text)
    expect(first).to_contain_text("2026")  # the year's redemption before the villagers
    expect(first).to_contain_text("已兑现")
    first.scroll_into_view_if_needed()
    expect(first).to_be_in_viewport()

    # the villager asks about a statement and keeps the receipt
    page.get_by_test_id("public-statements").get_by_role("link").first.click()
    page.get_by_label("您的问题").fill("修路的承诺什么时候兑现？")
    page.get_by_role("button", name="提交问题").click()
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_in_viewport()
    number = receipt.inner_text().strip()
    receipt_url = page.url.split("#")[0]  # the page itself, not its anchor: a real reload
    # opened again before any answer: the page (now cached) shows none
    browser_sign_out(page)
    page.goto(receipt_url)
    expect(page.get_by_test_id("question-answer")).to_have_count(0)

    # the township answers through its service; the commit renews the village's public pages
    question = DisclosureQuestion.objects.get(receipt=number)
    ledger_services.question_answer(actor=insider, question=question, answer="明年三月底前完工。")

    # later, from the receipt kept, the villager finds it answered
    page.goto(receipt_url)
    expect(page.get_by_test_id("receipt")).to_have_text(number)
    expect(page.get_by_test_id("question-answer")).to_contain_text("明年三月底前完工。")
    expect(page.get_by_test_id("question-steps")).to_contain_text("已答复")
