# ruff: noqa: F811 -- pytest fixtures are imported from the ledger's test modules
"""A villager follows a question at 390 px (issue #20): asks on a published statement without an
account, keeps the receipt number, the township answers, and later the villager finds the
answer by the receipt number, on the village's public page too."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from ledgers.models import DisclosureQuestion
from ledgers.tests.conftest import chart, clerk, open_books  # noqa: F401 (fixtures)
from ledgers.tests.disclosure_fixtures import (  # noqa: F401 (fixtures)
    draft_statement,
    published,
    quarter_books,
)

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
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/public/villages/{village.code}/")
    page.get_by_test_id("follow-question").click()
    page.locator("#id_receipt").fill(number.lower())
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("receipt")).to_have_text(number)
    expect(page.get_by_test_id("question-answer")).to_contain_text("是东洼地，35.5亩。")
    expect(page.get_by_test_id("question-steps")).to_contain_text("已答复")
