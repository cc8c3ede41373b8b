"""The first administrator of an empty database, on a phone-sized screen: the first-run page,
the county created from its official code, the tree import reachable, the village list."""

import pytest
from playwright.sync_api import expect

from villages.models import Region
from villages.tests.factories import UserFactory
from villages.tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_superuser_sets_up_the_county_from_an_empty_database(page):
    assert not Region.objects.exists()
    UserFactory(username="root", is_staff=True, is_superuser=True)

    page.goto(page.base_url + "/")
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # The empty tree sends the administrator to the first-run page, not to a refusal.
    page.wait_for_url(page.base_url + "/setup/")
    expect(page.get_by_test_id("empty-tree")).to_be_visible()
    assert "无权" not in page.content()

    # The official 12-digit form of the county code, as the statistical list writes it.
    page.locator("#id_code").fill("370830000000")
    with page.expect_navigation():
        page.get_by_test_id("create-county").click()
    assert page.url == page.base_url + "/villages/import/?county=370830"
    assert page.locator("h1").count() == 1 and "无权" not in page.content()
    assert list(Region.objects.order_by("code").values_list("code", "name")) == [
        ("37", "山东省"),
        ("3708", "济宁市"),
        ("370830", "汶上县"),
    ]

    # The home page and the village list answer now; the county is in the breadcrumbs' tree.
    page.get_by_role("button", name="菜单").click()
    page.locator("#mainnav").get_by_role("link", name="村", exact=True).click()
    page.wait_for_url(page.base_url + "/villages/")
    assert "无权" not in page.content()
    page.goto(page.base_url + "/setup/")
    expect(page.get_by_test_id("counties")).to_contain_text("山东省 › 济宁市 › 汶上县")
