"""Township staff draft a new chair's pledge on a phone, record its three signatures, and see it
in force on the pledge and on the village's committees page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from cadres.choices import PledgeState, PostKind
from cadres.models import Pledge
from cadres.tests.factories import CadreFactory, PostFactory
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROMISES = [
    ("villagers", "public_services", "硬化村内主干道", "2.3公里", "2027-10-31"),
    ("villagers", "development", "发展大棚蔬菜", "新建大棚40个", "2028-06-30"),
    ("organization", "integrity", "严守廉洁纪律", "零违纪", "2029-01-31"),
]


def fill_promise(page, i, audience, category, text, target, due):
    page.locator(f"select[name=promises-{i}-audience]").select_option(audience)
    page.locator(f"select[name=promises-{i}-category]").select_option(category)
    page.locator(f"textarea[name=promises-{i}-text]").fill(text)
    page.locator(f"input[name=promises-{i}-target]").fill(target)
    page.locator(f"input[name=promises-{i}-due_date]").fill(due)


def test_draft_sign_and_countersign_a_new_chairs_pledge(page, insider, village):
    today = dt.date.today()
    chair = PostFactory(
        cadre=CadreFactory(village=village, name="刘新"),
        kind=PostKind.CHAIR,
        start_date=today - dt.timedelta(days=3),
        term_ends=today.replace(year=today.year + 5),
    )
    browser_login(page, "insider")

    # the draft page shows three empty promise rows; a fourth can be added, input kept
    page.goto(page.base_url + f"/cadres/posts/{chair.pk}/pledge/add/")
    expect(page.locator("h1")).to_have_text("起草任职保证书")
    expect(page.get_by_test_id("promise-row")).to_have_count(3)
    fill_promise(page, 0, *PROMISES[0])
    page.get_by_role("button", name="增加一行").click()
    expect(page.get_by_test_id("promise-row")).to_have_count(4)
    assert page.locator("textarea[name=promises-0-text]").input_value() == "硬化村内主干道"
    for i, promise in enumerate(PROMISES[1:], start=1):
        fill_promise(page, i, *promise)
    page.get_by_role("button", name="保存草稿").click()

    expect(page.locator(".alert-success")).to_contain_text("保证书草稿已保存")
    pledge = Pledge.objects.get(post=chair)
    assert page.url == page.base_url + f"/cadres/pledges/{pledge.pk}/"
    document = page.locator("article")
    expect(document).to_contain_text("对群众的许诺")
    expect(document).to_contain_text("发展大棚蔬菜")
    expect(document).to_contain_text("严守廉洁纪律")
    expect(page.get_by_test_id("signature").filter(has_text="待签字")).to_have_count(3)

    # 1. the cadre signs: the text freezes and the edit button disappears
    page.get_by_role("link", name="登记本人签字").click()
    page.get_by_role("button", name="登记签字").click()
    page.get_by_test_id("confirm-dialog").get_by_role(
        "button", name="确认"
    ).click()  # it asks first
    expect(page.get_by_test_id("state")).to_have_text("本人已签字")
    expect(page.get_by_role("link", name="修改草稿")).to_have_count(0)

    # 2. and 3. the township party committee and government countersign
    for link, signer in (("登记乡镇党委签字", "赵建国"), ("登记乡镇政府签字", "孙立民")):
        page.get_by_role("link", name=link).click()
        page.get_by_label("签字人").fill(signer)
        page.get_by_role("button", name="登记签字").click()
        expect(page.locator(".alert-success")).to_contain_text("已登记签字")

    expect(page.locator(".alert-success")).to_contain_text("保证书已生效")
    expect(page.get_by_test_id("state")).to_have_text("生效")
    expect(page.get_by_test_id("signature").filter(has_text="待签字")).to_have_count(0)
    expect(document).to_contain_text("孙立民")
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.IN_FORCE

    # the village's committees page (built with the people pages) shows the pledge in force
    page.goto(page.base_url + f"/cadres/villages/{village.code}/committees/")
    expect(page.locator("main")).to_contain_text("刘新")
    expect(page.locator("main")).to_contain_text("生效")
