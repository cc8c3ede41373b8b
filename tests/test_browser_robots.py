"""On a phone (390 px), township staff add their office group's robot and send it a test
message; the page says it arrived and never shows the address back in full."""

import pytest
from playwright.sync_api import expect

from villages.tests.helpers import browser_login
from work.tests.robot_server import robot_server  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_staff_set_up_their_groups_robot(page, township, insider, robot_server):  # noqa: F811
    browser_login(page, "insider")
    # the menu is folded on a phone: open it, then the user's menu
    page.locator(".navbar-toggler").click()
    # a click during the unfolding animation can land on a moving menu: wait until it is open
    expect(page.locator(".navbar-collapse.show")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="群机器人").click()
    page.wait_for_url("**/work/robots/")
    page.locator("#id_kind").select_option("dingtalk")
    page.locator("#id_name").fill("南旺镇党政办群")
    page.locator("#id_webhook_url").fill(robot_server.url + "/robot/send?access_token=tok123456")
    page.locator("#id_secret").fill("SECabcdef")
    page.get_by_role("button", name="保存").click()
    channel = page.get_by_test_id("channel")
    expect(channel).to_contain_text("南旺镇党政办群")
    expect(channel.get_by_test_id("masked-url")).to_contain_text("127.0.0.1")
    assert "tok123456" not in page.content() and "SECabcdef" not in page.content()

    channel.get_by_test_id("robot-test").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("delivery").first.get_by_test_id("delivery-state")).to_have_class(
        "badge text-bg-success"
    )
    (got,) = robot_server.received
    assert "sign" in got.query and got.query["access_token"] == "tok123456"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
