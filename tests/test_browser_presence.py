"""在岗/驻村 on a phone (390×844): a contact cadre records two visits in a week from the phone's
form, one to each of their villages; the township's page then shows the backward village short of
its norm (a day a week, one half day recorded) and the other one met; after the weekly evaluation
the warning board names the cadre on the short village's warning."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from core.dates import today
from supervision import services
from supervision.models import PresenceVisit
from supervision.periods import week_start
from villages.models import Village
from villages.templatetags.cunjian import person_name
from villages.tests.factories import ContactAssignmentFactory, VillageFactory
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record(page, village, day, work):
    # from one's own page (the form, a field form, answers with the visit's page)
    page.goto(page.base_url + "/supervision/presence/")
    page.get_by_test_id("record-visit").click()
    form = page.get_by_test_id("visit-form")
    form.locator("#id_village").select_option(label=village.name)
    form.locator("#id_date").fill(day.isoformat())
    form.locator("#id_half_days_0").check()  # one half day
    form.locator("#id_work_done").fill(work)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_contact_cadre_records_two_visits_and_the_township_sees_the_short_village(
    page, township, village, contact, insider
):
    backward = VillageFactory(township=township, code="370830102202", name="后屯村")
    Village.objects.filter(pk=backward.pk).update(is_backward=True)
    ContactAssignmentFactory(cadre=contact, village=backward)
    monday = week_start(today()) - dt.timedelta(days=7)  # last week, finished

    browser_login(page, "contact")
    page.goto(page.base_url + "/supervision/presence/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(person_name(contact) or "contact")
    record(page, village, monday + dt.timedelta(days=1), "入户走访困难群众")
    record(page, backward, monday + dt.timedelta(days=3), "参加整顿工作推进会")
    assert PresenceVisit.objects.filter(person=contact).count() == 2
    expect(page.locator("main")).to_contain_text("参加整顿工作推进会")  # the visit's page
    page.goto(page.base_url + "/supervision/presence/")
    last = page.get_by_test_id("person-week-last")
    expect(last).to_contain_text(village.name)
    expect(last.locator(".text-danger")).to_contain_text(backward.name)

    browser_login(page, "insider")
    page.goto(f"{page.base_url}/regions/{township.code}/")
    page.get_by_test_id("township-presence").click()
    week = page.get_by_test_id("week-last")
    expect(week.get_by_test_id("villages-short-last")).to_have_text("1")
    short = week.get_by_test_id("short-village")
    expect(short).to_have_count(1)
    expect(short).to_contain_text(backward.name)

    # Monday night's run, as Celery beat starts it.
    services.presence_weekly(on=today())
    page.goto(page.base_url + "/supervision/warnings/")
    row = page.get_by_test_id(f"warning-{backward.code}")
    expect(row).to_contain_text(backward.name)
    expect(row).to_contain_text(person_name(contact))
    other = page.get_by_test_id(f"warning-{village.code}")
    if other.count():
        expect(other).not_to_contain_text(person_name(contact))
