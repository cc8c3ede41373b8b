"""Navigation that follows the work: the 一账 menu and its registers across villages, 报告 in
the menu with an area picker scoped to the user, the dashboards' link to their reports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ledgers.models import Asset, Resource
from supervision.tests.cycle_helpers import more_villages
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db

REGISTERS = ["ledgers:register-assets", "ledgers:register-resources"]


def asset(village, name="村委会办公楼"):
    return Asset.objects.create(
        village=village,
        category="building",
        name=name,
        original_value=Decimal("350000.00"),
        acquired_on=dt.date(2015, 6, 1),
        funding_source="collective",
        area_code=village.code,
    )


def resource(village, name="东洼鱼塘"):
    return Resource.objects.create(
        village=village,
        land_kind="1104",
        name=name,
        area_mu=Decimal("12.5"),
        area_code=village.code,
    )


def test_the_menu_leads_to_the_ledger_lists_and_the_reports(client, insider):
    html = login(client, insider).get(reverse("villages:village-list")).content.decode()
    for name in [
        "ledgers:voucher-list",
        "ledgers:disclosure-list",
        "ledgers:question-list",
        "ledgers:handover-list",
        "ledgers:audit-list",
        "reports:report-runs",
        *REGISTERS,
    ]:
        assert f'href="{reverse(name)}"' in html, name
    assert 'data-testid="nav-ledger"' in html and 'data-testid="nav-reports"' in html


@pytest.mark.parametrize("name", REGISTERS)
@pytest.mark.parametrize(
    "persona,shown",
    [("anonymous", None), ("outsider", False), ("insider", True), ("supervisor", True)],
)
def test_registers_across_villages_show_the_user_s_villages_only(
    client, personas, village, name, persona, shown
):
    made = [asset(village), resource(village)]
    response = login(client, personas[persona]).get(reverse(name))
    if shown is None:
        assert response.status_code == 302
        return
    html = response.content.decode()
    assert any(r.name in html for r in made) is shown


@pytest.mark.parametrize("user", ["clerk", "contact"])
def test_the_clerk_and_the_contact_cadre_see_their_village_s_registers(
    client, request, village, other_village, user
):
    asset(village)
    asset(other_village, "郭楼村仓库")
    html = login(client, request.getfixturevalue(user)).get(reverse(REGISTERS[0])).content.decode()
    assert "村委会办公楼" in html and "郭楼村仓库" not in html


def test_registers_filter_by_village_and_search(client, supervisor, village, other_village):
    asset(village)
    asset(other_village, "郭楼村仓库")
    login(client, supervisor)
    url = reverse(REGISTERS[0])
    only = client.get(url, {"village": other_village.code}).content.decode()
    assert "郭楼村仓库" in only and "村委会办公楼" not in only
    found = client.get(url, {"q": "办公"}).content.decode()
    assert "村委会办公楼" in found and "郭楼村仓库" not in found


@pytest.mark.parametrize("name", REGISTERS)
def test_registers_take_as_many_queries_with_50_villages_as_with_2(
    client, count_queries, township, village, supervisor, name
):
    login(client, supervisor)
    url = reverse(name)
    for v in more_villages(township, 2):
        asset(v), resource(v)
    few = count_queries(url)
    for v in more_villages(township, 48, start=400):
        asset(v), resource(v)
    assert count_queries(url) == few


# ------------------------------------------------------------------ reports


def test_the_report_form_offers_a_select_of_the_user_s_areas(
    client, insider, village, other_village
):
    html = login(client, insider).get(reverse("reports:report-runs")).content.decode()
    assert '<select name="area"' in html and 'list="areas"' not in html
    assert f'<option value="{village.code}"' in html
    assert f'<option value="{other_village.code}"' not in html


def test_an_area_outside_the_scope_is_no_choice(client, outsider, village):
    login(client, outsider)
    data = {"kind": "quarterly", "area": village.code, "period": "2026Q2"}
    response = client.post(reverse("reports:report-runs"), data)
    assert response.status_code == 400
    assert "您无权查看该地区的报告" in response.content.decode()


def test_a_dashboard_links_to_its_reports(client, insider, township, village):
    url = reverse("reports:township-dashboard", args=[township.code])
    html = login(client, insider).get(url, {"period": "2026Q2"}).content.decode()
    reports = reverse("reports:report-runs") + f"?area={township.code}&amp;period=2026Q2"
    assert reports in html
