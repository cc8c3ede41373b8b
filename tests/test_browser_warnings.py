"""The warning board (预警) in a real browser: township staff find it in the menu, see their red
village with the reason in words, narrow the board to red warnings and acknowledge the one they
have taken up; the board then says who acknowledged it and nothing is left unacknowledged."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from cadres import services as cadres_services
from cadres.choices import CertificateState
from cadres.tests.factories import CadreFactory, PostFactory
from supervision import services
from supervision.choices import WarningLevel
from supervision.models import VillageWarning
from villages.templatetags.cunjian import person_name
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_township_staff_acknowledge_a_red_warning_on_the_board(page, village, insider, supervisor):
    post = PostFactory(cadre=CadreFactory(village=village, name="钱书记"))
    certificate = cadres_services.certificate_issue(
        actor=supervisor, post=post, issued_on=dt.date(2024, 1, 10)
    )
    type(certificate).objects.filter(pk=certificate.pk).update(
        state=CertificateState.SUSPENDED, state_changed_on=dt.date(2026, 3, 1)
    )
    services.warnings_evaluate(village_codes=[village.code])
    assert VillageWarning.objects.get(village=village).level == WarningLevel.RED

    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, "insider")
    page.get_by_test_id("nav-supervision").click()
    page.get_by_role("link", name="预警", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("预警看板")
    expect(page.locator(f'[data-count-level="{WarningLevel.RED}"]')).to_have_text("1")
    expect(page.locator('[data-count="unacknowledged"]')).to_have_text("1")

    row = page.get_by_test_id(f"warning-{village.code}")
    expect(row).to_contain_text(village.name)
    expect(row).to_contain_text("任职资格证书被暂停")

    page.locator("#id_level").select_option(str(WarningLevel.RED))
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(f"level={WarningLevel.RED}"))
    acknowledge = row.locator("td").last  # the phone layout repeats the form, hidden here
    acknowledge.get_by_placeholder("备注（可不填）").fill("已约谈钱书记，限期整改")
    acknowledge.get_by_role("button", name="确认").click()

    expect(row.locator("td").last.get_by_test_id("acknowledged")).to_contain_text(
        person_name(insider)
    )
    expect(row).to_contain_text("已约谈钱书记，限期整改")
    expect(page.locator('[data-count="unacknowledged"]')).to_have_text("0")
    warning = VillageWarning.objects.get(village=village)
    assert warning.acknowledged_by == insider and warning.acknowledgement_note
