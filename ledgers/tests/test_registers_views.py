"""Register pages: every persona on every page and action, the forms, constant query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ledgers import services
from ledgers.models import Asset, ContractPayment, Resource
from ledgers.tests.test_registers_services import make_asset, make_resource, sign
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def registers(clerk, village):
    asset = make_asset(clerk, village)
    resource = make_resource(clerk, village)
    contract = sign(clerk, resource, D(2024, 1, 1), dt.date.today() + dt.timedelta(days=30))
    return {"asset": asset, "resource": resource, "contract": contract}


def read_urls(village, r):
    return [
        reverse("ledgers:asset-list", args=[village.code]),
        reverse("ledgers:asset-detail", args=[r["asset"].pk]),
        reverse("ledgers:resource-list", args=[village.code]),
        reverse("ledgers:resource-detail", args=[r["resource"].pk]),
    ]


def write_urls(village, r):
    return [
        reverse("ledgers:asset-add", args=[village.code]),
        reverse("ledgers:asset-move", args=[r["asset"].pk]),
        reverse("ledgers:resource-add", args=[village.code]),
        reverse("ledgers:resource-edit", args=[r["resource"].pk]),
        reverse("ledgers:contract-add", args=[r["resource"].pk]),
        reverse("ledgers:contract-pay", args=[r["contract"].pk]),
        reverse("ledgers:contract-terminate", args=[r["contract"].pk]),
    ]


EXPECTED = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_page_by_persona(client, personas, persona, village, registers):
    login(client, personas[persona])
    for url in read_urls(village, registers) + write_urls(village, registers):
        assert client.get(url).status_code == EXPECTED[persona], url
    for url in write_urls(village, registers):
        # An empty form comes back with its errors (200); nothing is written.
        assert client.post(url, {}).status_code == EXPECTED[persona], url
    attention = client.get(reverse("ledgers:contract-attention"))
    assert attention.status_code == (302 if persona == "anonymous" else 200)


def test_contact_cadre_reads_but_may_not_write(client, contact, village, registers):
    login(client, contact)
    for url in read_urls(village, registers):
        assert client.get(url).status_code == 200, url
    for url in write_urls(village, registers):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert Asset.objects.count() == 1


def test_clerk_registers_and_moves_an_asset(client, clerk, village):
    login(client, clerk)
    response = client.post(
        reverse("ledgers:asset-add", args=[village.code]),
        {
            "category": "machinery",
            "name": "抽水机",
            "quantity": "2",
            "unit": "台",
            "original_value": "8000",
            "acquired_on": "2023-03-01",
            "funding_source": "grant",
        },
    )
    asset = Asset.objects.get(name="抽水机")
    assert response.status_code == 302
    response = client.post(
        reverse("ledgers:asset-move", args=[asset.pk]),
        {"kind": "lease", "date": "2024-01-01", "counterparty": "李四", "amount": "500"},
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == "leased"
    # A refused transition comes back on the form, nothing recorded.
    response = client.post(
        reverse("ledgers:asset-move", args=[asset.pk]),
        {"kind": "idle", "date": "2024-02-01", "amount": "0"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert asset.movements.count() == 2
    page = client.get(reverse("ledgers:asset-list", args=[village.code]))
    assert page.context["totals"]["value"] == Decimal("8000.00")
    assert "8,000.00" in page.content.decode()


def test_clerk_registers_a_resource_signs_pays_and_terminates(client, clerk, village):
    login(client, clerk)
    response = client.post(
        reverse("ledgers:resource-add", args=[village.code]),
        {"land_kind": "0101", "name": "西洼水田", "area_mu": "12.5", "status": "idle"},
    )
    assert response.status_code == 302
    resource = Resource.objects.get(name="西洼水田")
    refused = client.post(
        reverse("ledgers:resource-add", args=[village.code]),
        {"land_kind": "0101", "name": "零", "area_mu": "0", "status": "idle"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    client.post(
        reverse("ledgers:contract-add", args=[resource.pk]),
        {
            "kind": "contracted",
            "party": "王五",
            "start_date": "2024-01-01",
            "end_date": "2033-12-31",
            "annual_fee": "1000",
            "schedule": "annual",
        },
    )
    contract = resource.contracts.get()
    overlap = client.post(
        reverse("ledgers:contract-add", args=[resource.pk]),
        {
            "kind": "leased",
            "party": "赵六",
            "start_date": "2025-01-01",
            "end_date": "2026-12-31",
            "annual_fee": "1000",
            "schedule": "annual",
        },
    )
    assert overlap.status_code == 200 and overlap.context["form"].non_field_errors()
    client.post(
        reverse("ledgers:contract-pay", args=[contract.pk]),
        {"amount": "1000", "received_on": "2024-01-03"},
    )
    assert ContractPayment.objects.get().amount == Decimal("1000.00")
    detail = client.get(reverse("ledgers:resource-detail", args=[resource.pk]))
    (shown,) = detail.context["contracts"]
    assert shown.paid == Decimal("1000.00") and shown.arrears > 0
    attention = client.get(reverse("ledgers:contract-attention"), {"show": "arrears"})
    assert [r.contract for r in attention.context["rows"]] == [contract]
    client.post(reverse("ledgers:contract-terminate", args=[contract.pk]), {"date": "2024-12-31"})
    contract.refresh_from_db()
    resource.refresh_from_db()
    assert contract.terminated_on == D(2024, 12, 31) and resource.status == "idle"


def test_outsider_sees_nothing_on_the_attention_page(client, outsider, registers):
    login(client, outsider)
    for show in ("expiring", "arrears"):
        response = client.get(reverse("ledgers:contract-attention"), {"show": show})
        assert list(response.context["rows"]) == []


def add_rows(clerk, village, n, start):
    for i in range(start, start + n):
        asset = make_asset(clerk, village, name=f"资产{i}")
        services.asset_move(actor=clerk, asset=asset, kind="idle", date=D(2021, 1, 1))
        resource = make_resource(clerk, village, name=f"地块{i}", land_kind=["0101", "0301"][i % 2])
        contract = sign(clerk, resource, D(2024, 1, 1), dt.date.today() + dt.timedelta(days=10))
        services.payment_record(
            actor=clerk, contract=contract, amount=Decimal("5"), received_on=D(2024, 1, 2)
        )


@pytest.mark.parametrize(
    "url_name,args,params",
    [
        ("ledgers:asset-list", True, {}),
        ("ledgers:resource-list", True, {}),
        ("ledgers:contract-attention", False, {"show": "expiring"}),
        ("ledgers:contract-attention", False, {"show": "arrears"}),
    ],
)
def test_list_query_count_is_the_same_for_2_and_50(
    client, supervisor, clerk, village, count_queries, url_name, args, params
):
    client.force_login(supervisor)
    url = reverse(url_name, args=[village.code] if args else [])
    add_rows(clerk, village, 2, 0)
    with_two = count_queries(url, **params)
    add_rows(clerk, village, 48, 100)
    assert count_queries(url, **params) == with_two
    assert with_two <= 12


def test_detail_query_counts_do_not_grow_with_movements_and_payments(
    client, supervisor, clerk, village, registers, count_queries
):
    client.force_login(supervisor)
    asset_url = reverse("ledgers:asset-detail", args=[registers["asset"].pk])
    resource_url = reverse("ledgers:resource-detail", args=[registers["resource"].pk])
    before = count_queries(asset_url), count_queries(resource_url)
    for i in range(5):
        services.asset_move(
            actor=clerk,
            asset=registers["asset"],
            kind="transfer",
            date=D(2021, 1, 1),
            counterparty=f"人{i}",
        )
        services.payment_record(
            actor=clerk,
            contract=registers["contract"],
            amount=Decimal("1"),
            received_on=D(2024, 2, 1),
        )
    assert (count_queries(asset_url), count_queries(resource_url)) == before
