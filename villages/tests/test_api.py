"""/api/v1/regions/ and /api/v1/villages/ for the four personas."""

import pytest
from rest_framework.authtoken.models import Token

from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("anonymous", None),
        ("outsider", {"370830105201"}),
        ("insider", {"370830102201"}),
        ("supervisor", {"370830102201", "370830105201"}),
    ],
)
def test_village_list_is_scoped(api, personas, village, other_village, persona, expected):
    response = api_login(api, personas[persona]).get("/api/v1/villages/")
    if expected is None:
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200
    assert {v["code"] for v in response.json()["results"]} == expected


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 403), ("outsider", 404), ("insider", 200), ("supervisor", 200)],
)
def test_village_detail_access_matrix(api, personas, village, persona, status):
    response = api_login(api, personas[persona]).get(f"/api/v1/villages/{village.code}/")
    assert response.status_code == status


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 403), ("outsider", 404), ("insider", 200), ("supervisor", 200)],
)
def test_village_update_access_matrix(api, personas, village, persona, status):
    response = api_login(api, personas[persona]).patch(
        f"/api/v1/villages/{village.code}/", {"households": 999}, format="json"
    )
    assert response.status_code == status
    village.refresh_from_db()
    assert (village.households == 999) == (status == 200)


def test_village_update_rejects_bad_values(api, insider, village):
    response = api_login(api, insider).patch(
        f"/api/v1/villages/{village.code}/", {"households": -1, "code": "999"}, format="json"
    )
    assert response.status_code == 400
    village.refresh_from_db()
    assert village.households == 320 and village.code == "370830102201"


def test_village_filters(api, supervisor, township, village, other_village):
    VillageFactory(township=township, code="370830102209", name="后进村", is_backward=True)
    client = api_login(api, supervisor)
    codes = lambda r: {v["code"] for v in r.json()["results"]}  # noqa: E731
    assert codes(client.get("/api/v1/villages/", {"township": "370830105"})) == {"370830105201"}
    assert codes(client.get("/api/v1/villages/", {"is_backward": "true"})) == {"370830102209"}
    assert codes(client.get("/api/v1/villages/", {"q": "南旺村"})) == {"370830102201"}
    ordered = client.get("/api/v1/villages/", {"ordering": "-code"}).json()["results"]
    assert ordered[0]["code"] == "370830105201"


@pytest.mark.parametrize(
    "persona,expected",
    [
        # the province and city above the county are shown too (breadcrumbs)
        ("outsider", {"37", "3708", "370830", "370830105"}),
        ("insider", {"37", "3708", "370830", "370830102"}),
        ("supervisor", {"37", "3708", "370830", "370830102", "370830105"}),
    ],
)
def test_region_list_is_scoped(api, personas, village, other_village, persona, expected):
    response = api_login(api, personas[persona]).get("/api/v1/regions/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["code"] for r in rows} == expected
    county = next(r for r in rows if r["code"] == "370830")
    # a township user counts only the villages they may see, even on the county row
    assert county["village_count"] == (2 if persona == "supervisor" else 1)


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 403), ("outsider", 404), ("insider", 200), ("supervisor", 200)],
)
def test_region_detail_access_matrix(api, personas, township, persona, status):
    response = api_login(api, personas[persona]).get(f"/api/v1/regions/{township.code}/")
    assert response.status_code == status


def test_token_authentication(api, insider, village):
    token = Token.objects.create(user=insider)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/villages/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("path", ["/api/v1/villages/", "/api/v1/regions/"])
def test_list_endpoints_query_count_is_the_same_for_2_and_50(api, supervisor, township, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_login(api, supervisor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        VillageFactory(township=township, code=f"370830102{300 + i}")
    count()  # the first request computes and caches the user's scope
    with_two = count()
    for i in range(48):
        VillageFactory(township=township, code=f"370830102{400 + i}")
    assert count() == with_two


def test_openapi_schema_and_docs(client, insider):
    assert client.get("/api/schema/").status_code == 403
    client.force_login(insider)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/villages/" in schema.content
    client.force_login(insider)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"/static/vendor/swagger-ui" in docs.content


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    # --fail-on-warn: a name collision or an unresolvable field would fail here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/vouchers/" in (tmp_path / "s.yml").read_text()
