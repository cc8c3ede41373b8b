"""后备干部 on a phone (390×844): the township's staff open the bench from the township page, see
a backward village short of reserve secretaries (1∶2), name two new candidates from the phone's
form, and the village leaves the "below the norm" list."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from cadres import services
from cadres.choices import PostKind
from cadres.models import ReserveCadre
from cadres.tests.factories import CadreFactory, make_id_number
from villages.models import Village
from villages.tests.factories import VillageFactory
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def name_candidate(page, name, number, phone, *, another):
    page.locator("#id_name").fill(name)
    page.locator("#id_id_number").fill(number)
    page.locator("#id_phone").fill(phone)
    button = "reserve-save-another" if another else "reserve-save"
    with page.expect_navigation():
        page.get_by_test_id(button).click()


def test_the_township_names_two_reserve_secretaries_and_the_village_meets_the_norm(
    page, township, village, insider
):
    weak = VillageFactory(township=township, code="370830102202", name="后屯村")
    Village.objects.filter(pk=weak.pk).update(is_backward=True)
    weak.refresh_from_db()
    for i in range(2):  # the chair's two candidates are already named
        services.reserve_add(
            actor=insider,
            village=weak,
            post=PostKind.CHAIR,
            since=dt.date(2026, 1, 5),
            cadre=CadreFactory(village=weak, name=f"主任备{i}"),
        )

    browser_login(page, "insider")
    page.goto(f"{page.base_url}/regions/{township.code}/")
    page.get_by_test_id("area-bench").click()
    short = page.get_by_test_id("below-norm").locator(f"[data-village='{weak.code}']")
    expect(short).to_have_count(1)
    expect(page.get_by_test_id("bench-below")).to_have_text("1")
    with page.expect_navigation():
        short.get_by_test_id("name-reserve").click()
    expect(page.locator("#id_post")).to_have_value(PostKind.SECRETARY)

    name_candidate(
        page, "孔后一", make_id_number(dt.date(1991, 2, 3), serial=71), "13800007101", another=True
    )
    # The form comes back for the same village and post, with the first one saved.
    expect(page.locator("#id_post")).to_have_value(PostKind.SECRETARY)
    name_candidate(
        page, "孔后二", make_id_number(dt.date(1994, 5, 6), serial=72), "13800007202", another=False
    )
    expect(page.get_by_test_id("id-number")).to_contain_text("****")
    assert ReserveCadre.objects.active().filter(village=weak, post=PostKind.SECRETARY).count() == 2

    page.goto(f"{page.base_url}/regions/{township.code}/")
    page.get_by_test_id("area-bench").click()
    expect(
        page.get_by_test_id("below-norm").locator(f"[data-village='{weak.code}']")
    ).to_have_count(0)
    expect(page.get_by_test_id("bench-below")).to_have_text("0")
    expect(page.get_by_test_id("bench-reserves")).to_have_text("4")
