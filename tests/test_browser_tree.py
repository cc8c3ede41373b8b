"""A township clerk logs in on a phone-sized screen and browses to a village."""

import pytest

from villages.tests.factories import VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_staff_logs_in_and_browses_to_a_village(page, insider, village, other_village):
    VillageFactory(township=village.township, code="370830102202", name="东赵村")
    page.goto(page.base_url + "/")
    # the login page speaks Chinese
    assert page.locator("h1").inner_text() == "村监"
    page.get_by_label("用户名").fill("insider")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
    assert "乡镇工作人员 · 南旺镇" in page.get_by_test_id("role").inner_text()

    # the navigation collapses on a phone; open it and go to the village list
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="村", exact=True).click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert "郭楼村" not in page.locator("table").inner_text()

    page.get_by_label("搜索").fill("南旺")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="南旺村").click()
    assert page.locator("h1").inner_text().startswith("南旺村")
    assert "370830102201" in page.content()
    breadcrumbs = page.locator("nav[aria-label=breadcrumb]").inner_text()
    assert "汶上县" in breadcrumbs and "南旺镇" in breadcrumbs

    # a village of another township does not exist for this user
    response = page.goto(page.base_url + f"/villages/{other_village.code}/")
    assert response.status == 404
