"""/api/v1/ assets, resources, contracts: personas, actions, append-only rows, query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgers.models import Asset, ContractPayment
from ledgers.tests.test_registers_services import make_asset, make_resource, sign
from villages.tests.helpers import api_login

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1"


@pytest.fixture
def registers(clerk, village):
    asset = make_asset(clerk, village)
    resource = make_resource(clerk, village)
    contract = sign(clerk, resource, D(2024, 1, 1), D(2030, 12, 31))
    return {"asset": asset, "resource": resource, "contract": contract}


@pytest.fixture
def everyone(personas, clerk, contact):
    return {**personas, "clerk": clerk, "contact": contact}


READ = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200, "clerk": 200}
READ["contact"] = 200


@pytest.mark.parametrize("persona", list(READ))
def test_detail_by_persona(api, everyone, persona, registers):
    api_login(api, everyone[persona])
    for path in (
        f"assets/{registers['asset'].pk}/",
        f"resources/{registers['resource'].pk}/",
        f"contracts/{registers['contract'].pk}/",
    ):
        assert api.get(f"{API}/{path}").status_code == READ[persona], path


@pytest.mark.parametrize("persona", list(READ))
def test_lists_are_scoped(api, everyone, persona, registers):
    api_login(api, everyone[persona])
    for path in ("assets", "resources", "contracts"):
        response = api.get(f"{API}/{path}/")
        if persona == "anonymous":
            assert response.status_code == 403
        else:
            expected = 0 if persona == "outsider" else 1
            assert response.json()["count"] == expected, (persona, path)


WRITE = {"anonymous": 403, "outsider": 404, "contact": 403, "insider": 200, "clerk": 200}


@pytest.mark.parametrize("persona", list(WRITE))
def test_actions_by_persona(api, everyone, persona, registers):
    api_login(api, everyone[persona])
    asset, contract = registers["asset"], registers["contract"]
    moved = api.post(
        f"{API}/assets/{asset.pk}/move/",
        {"kind": "lease", "date": "2024-01-01", "counterparty": "李四"},
        format="json",
    )
    assert moved.status_code == WRITE[persona]
    paid = api.post(
        f"{API}/contracts/{contract.pk}/pay/",
        {"amount": "1200", "received_on": "2024-01-02"},
        format="json",
    )
    assert paid.status_code == (201 if WRITE[persona] == 200 else WRITE[persona])
    if WRITE[persona] == 200:
        assert moved.json()["status"] == "leased"
        assert [m["kind"] for m in moved.json()["movements"]] == ["acquisition", "lease"]
        assert paid.json()["paid"] == "1200.00"
    else:
        assert ContractPayment.objects.count() == 0


def test_create_terminate_and_refusals(api, clerk, contact, village):
    api_login(api, contact)
    body = {
        "village": village.code,
        "category": "water",
        "name": "机井",
        "original_value": "12000",
        "acquired_on": "2022-04-01",
        "funding_source": "grant",
    }
    assert api.post(f"{API}/assets/", body, format="json").status_code == 403
    api_login(api, clerk)
    created = api.post(f"{API}/assets/", body, format="json")
    assert created.status_code == 201, created.json()
    assert Asset.objects.get(name="机井").movements.count() == 1
    resource = api.post(
        f"{API}/resources/",
        {"village": village.code, "land_kind": "0301", "name": "北山林地", "area_mu": "80"},
        format="json",
    )
    assert resource.status_code == 201, resource.json()
    rid = resource.json()["id"]
    assert (
        api.post(
            f"{API}/resources/",
            {"village": village.code, "land_kind": "0301", "name": "x", "area_mu": "0"},
            format="json",
        ).status_code
        == 400
    )
    patched = api.patch(f"{API}/resources/{rid}/", {"area_mu": "81.5"}, format="json")
    assert patched.status_code == 200 and patched.json()["area_mu"] == "81.50"
    contract = {
        "resource": rid,
        "kind": "leased",
        "party": "林场",
        "start_date": "2024-01-01",
        "end_date": "2028-12-31",
        "annual_fee": "3000",
        "schedule": "half_yearly",
    }
    signed = api.post(f"{API}/contracts/", contract, format="json")
    assert signed.status_code == 201, signed.json()
    assert api.post(f"{API}/contracts/", contract, format="json").status_code == 400
    cid = signed.json()["id"]
    ended = api.post(f"{API}/contracts/{cid}/terminate/", {"date": "2025-06-30"}, format="json")
    assert ended.status_code == 200 and ended.json()["terminated_on"] == "2025-06-30"
    assert ended.json()["due"] == "4500.00"
    again = api.post(f"{API}/contracts/{cid}/terminate/", {"date": "2025-06-30"}, format="json")
    assert again.status_code == 400


@pytest.mark.parametrize("path", ["assets", "resources", "contracts"])
def test_list_query_count_is_the_same_for_2_and_50(api, supervisor, clerk, village, path):
    api_login(api, supervisor)

    def add(n, start):
        for i in range(start, start + n):
            make_asset(clerk, village, name=f"资产{i}")
            resource = make_resource(clerk, village, name=f"地块{i}")
            contract = sign(clerk, resource, D(2024, 1, 1), D(2030, 12, 31))
            ContractPayment.objects.create(
                contract=contract,
                amount=Decimal("5"),
                received_on=D(2024, 1, 2),
                recorded_by=clerk,
                area_code=village.code,
            )

    def count():
        api.get(f"{API}/{path}/")
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"{API}/{path}/").status_code == 200
        return len(ctx.captured_queries)

    add(2, 0)
    with_two = count()
    add(48, 100)
    assert count() == with_two
