"""双联一带 on a phone (390×844): the county links a county leader to a model village and a
backward village from the phone's form; the leader, who holds no area role, records a visit from
the link's page, and the link's page shows the visit and a matter solved (一事一记账)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.dates import today
from supervision.models import LeaderLink, PresenceVisit
from villages.models import Village
from villages.tests.factories import UserFactory, VillageFactory
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link(page, village, kind, start):
    page.goto(page.base_url + "/supervision/links/")
    page.get_by_test_id("link-create").click()
    form = page.get_by_test_id("link-form")
    form.locator("#id_leader").fill("leader")
    form.locator("#id_level").select_option("county")
    form.locator("#id_post").fill("县委副书记")
    form.locator("#id_village").select_option(label=f"{village.name} ({village.code})")
    form.locator("#id_kind").select_option(kind)
    form.locator("#id_start_date").fill(start.isoformat())
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_the_county_links_a_leader_who_records_a_visit_and_a_matter_from_the_phone(
    page, township, village, supervisor
):
    leader = UserFactory(username="leader", last_name="赵", first_name="立新")
    backward = VillageFactory(township=township, code="370830102202", name="后屯村")
    Village.objects.filter(pk=backward.pk).update(is_backward=True)
    start = today() - dt.timedelta(days=20)

    browser_login(page, "supervisor")
    link(page, village, "model", start)
    link(page, backward, "backward", start)
    assert LeaderLink.objects.filter(leader=leader).count() == 2
    expect(page.get_by_role("heading", level=1)).to_contain_text(backward.name)

    browser_login(page, "leader")
    page.goto(page.base_url + "/supervision/links/")
    rows = page.get_by_test_id("link-row")
    expect(rows).to_have_count(2)
    rows.filter(has_text=backward.name).get_by_role("link", name=backward.name).click()
    page.get_by_test_id("record-visit").click()
    form = page.get_by_test_id("visit-form")
    expect(form.locator("#id_village")).to_have_value(str(backward.pk))
    form.locator("#id_half_days_1").check()  # a whole day
    form.locator("#id_work_done").fill("召开支部会议，研究整顿措施")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert PresenceVisit.objects.get(person=leader).village_id == backward.pk
    expect(page.get_by_test_id("visits")).to_contain_text("召开支部会议，研究整顿措施")
    expect(page.get_by_test_id("visit-figures")).to_contain_text("1")

    matter = page.get_by_test_id("matter-form")
    matter.locator("#id_matter").fill("村内主干道坑洼")
    matter.locator("#id_result").fill("协调交通局硬化道路800米")
    with page.expect_navigation():
        matter.locator("button[type=submit]").click()
    expect(page.get_by_test_id("matters")).to_contain_text("村内主干道坑洼")
    # The phone's layout: the matters table shows as cards, no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
