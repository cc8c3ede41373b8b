"""The dashboards' API: the same figures and the same rule of access as the pages."""

import pytest

from villages.tests.helpers import api_login

from .dashboards_helpers import populate

pytestmark = pytest.mark.django_db
COUNTY = "/api/v1/dashboards/county/370830/"
TOWNSHIP = "/api/v1/dashboards/township/370830102/"


@pytest.fixture
def data(village, other_village, insider):
    populate(village, insider, on_time=True)
    populate(other_village, insider, on_time=False, red=True)


@pytest.mark.parametrize(
    "persona, county_status, township_status",
    [
        ("anonymous", 403, 403),
        ("outsider", 403, 404),
        ("insider", 403, 200),
        ("contact", 403, 403),
        ("supervisor", 200, 200),
    ],
)
def test_who_may_read_which_dashboard(
    api, personas, contact, data, persona, county_status, township_status
):
    user = contact if persona == "contact" else personas[persona]
    api_login(api, user)
    assert api.get(COUNTY, {"period": "2026Q3"}).status_code == county_status
    assert api.get(TOWNSHIP, {"period": "2026Q3"}).status_code == township_status


def test_the_county_figures_as_json(api, supervisor, data):
    body = api_login(api, supervisor).get(COUNTY, {"period": "2026Q3"}).json()
    assert (body["level"], body["code"], body["period"]) == ("county", "370830", "2026Q3")
    assert body["villages"] == 2 and body["headline"]["villages"] == 2
    nanwang, guolou = body["units"]
    assert nanwang["name"] == "南旺镇" and nanwang["activities"]["inspection"]["rate"] == 1.0
    assert guolou["activities"]["inspection"] == {
        "planned": 1,
        "on_time": 0,
        "overdue": 1,
        "rate": 0.0,
    }
    assert [w["level"] for w in body["warnings"]] == [3, 2, 1]
    assert [v["code"] for v in body["warnings"][0]["villages"]] == ["370830105201"]
    assert body["ageing"] == {"not_due": 2, "d1_30": 0, "d31_90": 2, "over_90": 0}
    assert body["satisfaction"]["none"] == 2
    assert [r["code"] for r in body["ranking"]] == ["370830102", "370830105"]
    assert len(body["trend"]) == 8 and body["trend"][-1]["period"] == "2026Q3"
    assert body["ranking_weights"] == {"on_time": 50, "satisfaction": 30, "no_warning": 20}


def test_the_township_figures_list_its_villages(api, insider, data):
    body = api_login(api, insider).get(TOWNSHIP, {"period": "2026Q3"}).json()
    assert [u["code"] for u in body["units"]] == ["370830102201"]


def test_unknown_codes_are_not_found(api, supervisor, data):
    api_login(api, supervisor)
    assert api.get("/api/v1/dashboards/county/370831/").status_code == 404
    assert api.get("/api/v1/dashboards/township/370830999/").status_code == 404


def test_the_openapi_schema_documents_the_dashboards(tmp_path):
    from django.core.management import call_command

    # villages' schema test fails on any warning; this one checks the dashboards are in it.
    call_command("spectacular", "--validate", "--file", str(tmp_path / "s.yml"))
    schema = (tmp_path / "s.yml").read_text()
    assert "/api/v1/dashboards/county/{code}/" in schema
    assert "/api/v1/dashboards/township/{code}/" in schema
