"""A small ledger for the disclosure tests: a first quarter of 2026 with a large item, an
asset leased out and a contract fee received (imported by the test modules' conftest-free
fixtures below)."""

import datetime as dt
from decimal import Decimal

import pytest

from ledgers import services
from ledgers.choices import DisclosureKind, DisclosureState
from ledgers.models import (
    Asset,
    AssetMovement,
    ContractPayment,
    Disclosure,
    Resource,
    ResourceContract,
)
from ledgers.tests.conftest import lines

D = dt.date


def posted(chart, village, clerk, insider, day, debit, credit, amount, summary):
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=day,
        summary=summary,
        lines=lines(chart, debit, credit, amount, "张三"),
    )
    return services.voucher_post(actor=insider, voucher=voucher)


@pytest.fixture
def quarter_books(chart, village, clerk, insider, open_books):
    """Q1 2026, its three months closed: 500 and 12,000 of income, 300 of expense; a Q2 income
    and a Q2 draft that the statement leaves out; an asset leased in February, a contract paid
    in March."""
    posted(chart, village, clerk, insider, D(2026, 1, 10), "cash", "income", "500", "收取租金")
    big = posted(
        chart, village, clerk, insider, D(2026, 2, 15), "bank", "income", "12000", "土地流转费"
    )
    posted(chart, village, clerk, insider, D(2026, 3, 1), "expense", "cash", "300", "办公用品")
    posted(chart, village, clerk, insider, D(2026, 4, 2), "cash", "income", "100", "四月收入")
    services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 4, 20),
        summary="未记账草稿",
        lines=lines(chart, "cash", "income", "20000"),
    )
    asset = Asset.objects.create(
        village=village,
        category="building",
        name="村委办公楼",
        original_value=Decimal("500000"),
        acquired_on=D(2020, 1, 1),
        funding_source="collective",
        area_code=village.code,
    )
    AssetMovement.objects.create(
        asset=asset,
        kind="lease",
        date=D(2026, 2, 1),
        counterparty="李四",
        amount=Decimal("3000"),
        status_after="leased",
        recorded_by=insider,
        area_code=village.code,
    )
    resource = Resource.objects.create(
        village=village,
        land_kind="0103",
        name="东洼地",
        area_mu=Decimal("35.5"),
        area_code=village.code,
    )
    contract = ResourceContract.objects.create(
        resource=resource,
        party="王五",
        start_date=D(2025, 1, 1),
        end_date=D(2029, 12, 31),
        annual_fee=Decimal("8000"),
        area_code=village.code,
    )
    ContractPayment.objects.create(
        contract=contract,
        received_on=D(2026, 3, 5),
        amount=Decimal("2000"),
        recorded_by=insider,
        area_code=village.code,
    )
    for month in (1, 2, 3):
        services.period_close(actor=insider, village=village, year=2026, month=month)
    return big


@pytest.fixture
def draft_statement(quarter_books, village, clerk):
    return services.disclosure_generate(
        actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=1
    )


@pytest.fixture
def published(draft_statement, insider):
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    return services.disclosure_publish(actor=insider, disclosure=draft_statement)


def bare_statements(village, n, state=DisclosureState.DRAFT, start_year=2001):
    """`n` monthly statements of `village` without content (for list sizes)."""
    rows = []
    for i in range(n):
        year, month = start_year + i // 12, i % 12 + 1
        start, end = services.period_bounds(DisclosureKind.MONTH, year, month)
        rows.append(
            Disclosure(
                village=village,
                kind=DisclosureKind.MONTH,
                year=year,
                number=month,
                start=start,
                end=end,
                state=state,
                area_code=village.code,
            )
        )
    return Disclosure.objects.bulk_create(rows)
