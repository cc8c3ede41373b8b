"""Reads of the registers: fees due under a contract, contracts that expire soon or are in
arrears, and the totals of a village's registers. The callers pass querysets already limited
to what the user may see (`visible_to`)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr

from core.dates import today
from villages.models import Village

from ..choices import LAND_CLASSES, AssetCategory, AssetStatus, PaymentSchedule
from ..models import Asset, ContractPayment, Resource, ResourceContract

__all__ = [
    "ArrearsRow",
    "EXPIRY_WARNING_DAYS",
    "contracts_expiring",
    "contracts_in_arrears",
    "contracts_with_paid",
    "fees_due",
    "register_totals",
]

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
EXPIRY_WARNING_DAYS = 90
#: months covered by one instalment of each schedule
INSTALMENT_MONTHS = {
    PaymentSchedule.ANNUAL: 12,
    PaymentSchedule.HALF_YEARLY: 6,
    PaymentSchedule.QUARTERLY: 3,
}


def add_months(date: dt.date, months: int) -> dt.date:
    """`date` plus whole months, kept on the last day of a shorter month (31 Jan + 1 = 28 Feb)."""
    month = date.month - 1 + months
    year, month = date.year + month // 12, month % 12 + 1
    return date.replace(
        year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1])
    )


def fees_due(contract: ResourceContract, as_of: dt.date | None = None) -> Decimal:
    """Fees fallen due by `as_of`. The end date (or the termination date) is the contract's
    last day. Each instalment is due on the first day of the period it pays for, pro rata when
    the contract ends within that period; a one-off payment is the whole term's, due at the
    start."""
    as_of = as_of or today()
    if as_of < contract.start_date:
        return ZERO
    stop = (contract.terminated_on or contract.end_date) + dt.timedelta(days=1)
    if contract.schedule == PaymentSchedule.ONE_OFF:
        months, as_of = 12, stop
    else:
        months = INSTALMENT_MONTHS[contract.schedule]
    total, k = Decimal(0), 0
    while True:
        due = add_months(contract.start_date, k * months)
        if due >= stop or due > as_of:
            break
        following = add_months(contract.start_date, (k + 1) * months)
        share = Decimal((min(following, stop) - due).days) / Decimal((following - due).days)
        total += contract.annual_fee * months / 12 * share
        k += 1
    return total.quantize(CENT, ROUND_HALF_UP)


def contracts_with_paid(contracts):
    """The contracts with `paid`, the sum of their payments, in the same query."""
    paid = (
        ContractPayment.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    return contracts.annotate(
        paid=Coalesce(Subquery(paid, output_field=money), Value(ZERO), output_field=money)
    )


def contracts_expiring(contracts, as_of: dt.date | None = None, days: int = EXPIRY_WARNING_DAYS):
    """Contracts still running that end within `days` of `as_of` (nearest first)."""
    as_of = as_of or today()
    return (
        contracts.filter(
            terminated_on__isnull=True,
            end_date__gte=as_of,
            end_date__lte=as_of + dt.timedelta(days=days),
        )
        .select_related("resource", "resource__village")
        .order_by("end_date", "pk")
    )


@dataclass
class ArrearsRow:
    """A contract with the fees due to date, the payments received and what is still owed."""

    contract: ResourceContract
    due: Decimal
    paid: Decimal

    @property
    def arrears(self) -> Decimal:
        return self.due - self.paid


def contracts_in_arrears(contracts, as_of: dt.date | None = None) -> list[ArrearsRow]:
    """Contracts whose fees due to date exceed what was received: one query, computed here."""
    as_of = as_of or today()
    rows = []
    started = contracts_with_paid(contracts.filter(start_date__lte=as_of)).select_related(
        "resource", "resource__village"
    )
    for contract in started.order_by("area_code", "start_date", "pk"):
        row = ArrearsRow(contract, fees_due(contract, as_of), contract.paid)
        if row.arrears > 0:
            rows.append(row)
    return rows


def register_totals(village: Village) -> dict:
    """Per asset category: count and original value of the assets still held; per land class
    (GB/T 21010 first level): count and area in 亩 of the resources. Two queries."""
    labels = dict(AssetCategory.choices)
    assets = (
        Asset.objects.filter(village=village)
        .exclude(status=AssetStatus.DISPOSED)
        .order_by()
        .values("category")
        .annotate(count=Count("pk"), value=Sum("original_value"))
        .order_by("category")
    )
    asset_rows = [{**r, "label": labels.get(r["category"], r["category"])} for r in assets]
    classes = dict(LAND_CLASSES)
    resources = (
        Resource.objects.filter(village=village)
        .annotate(land_class=Substr("land_kind", 1, 2))
        .order_by()
        .values("land_class")
        .annotate(count=Count("pk"), area=Sum("area_mu"))
        .order_by("land_class")
    )
    resource_rows = [{**r, "label": classes.get(r["land_class"], "")} for r in resources]
    return {
        "assets": asset_rows,
        "asset_value": sum((r["value"] for r in asset_rows), ZERO),
        "asset_count": sum(r["count"] for r in asset_rows),
        "resources": resource_rows,
        "area_mu": sum((r["area"] for r in resource_rows), ZERO),
        "resource_count": sum(r["count"] for r in resource_rows),
    }
