"""Writes of the registers: collective assets with their movements, resources with their
contracts and the fees received under them.

The village's clerk and the township staff keep the registers (`Right.KEEP_BOOKS`). An
asset's movements and a contract's payments are append-only (the database refuses UPDATE and
DELETE): a wrong payment is corrected by a new, negative one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.dates import today
from core.rights import Right, require
from core.types import Actor
from villages.models import Village

from ..choices import AssetMovementKind as Kind
from ..choices import AssetStatus, DecisionKind, PaymentSchedule, ResourceStatus
from ..models import (
    Asset,
    AssetMovement,
    ContractPayment,
    Decision,
    Resource,
    ResourceContract,
    Voucher,
)
from .decisions import require_register_decision

__all__ = [
    "ASSET_TRANSITIONS",
    "RESOURCE_FACTS",
    "asset_move",
    "asset_register",
    "contract_sign",
    "contract_value",
    "movement_value",
    "contract_terminate",
    "payment_record",
    "resource_register",
    "resource_update",
]

MOVABLE = (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.LEASED)

#: movement kind -> (statuses it may start from, status after; None keeps the status)
ASSET_TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    Kind.LEASE: ((AssetStatus.IN_USE, AssetStatus.IDLE), AssetStatus.LEASED),
    Kind.RETURN: ((AssetStatus.LEASED, AssetStatus.IDLE), AssetStatus.IN_USE),
    Kind.IDLE: ((AssetStatus.IN_USE,), AssetStatus.IDLE),
    Kind.TRANSFER: (MOVABLE, None),
    Kind.DISPOSAL: (MOVABLE, AssetStatus.DISPOSED),
    Kind.WRITE_OFF: (MOVABLE, AssetStatus.DISPOSED),
}

#: the facts of a resource a correction may change (its status follows its contracts)
RESOURCE_FACTS = ("land_kind", "name", "area_mu", "location", "east", "south", "west", "north")
RESOURCE_OPTIONAL = ("location", "east", "south", "west", "north", "notes")


#: the movements of an asset that a county's policy may require a decision for
DECIDED_MOVEMENTS = (Kind.DISPOSAL, Kind.WRITE_OFF, Kind.LEASE)


def movement_value(asset: Asset, kind: str, amount: Decimal) -> Decimal:
    """What a disposal or lease puts at stake: the lease's amount; for a disposal or write-off,
    the price or the asset's original value, whichever is more (selling a building for one
    yuan is still disposing of the building)."""
    if kind == Kind.LEASE:
        return amount
    return max(amount, asset.original_value)


def contract_value(start_date: dt.date, end_date: dt.date, annual_fee: Decimal) -> Decimal:
    """A contract's worth over its term: the annual fee times the years, counted to the
    nearest whole year and at least one."""
    years = max(1, round((end_date - start_date).days / 365.25))
    return annual_fee * years


def _not_future(field: str, date: dt.date) -> None:
    if date > today():
        raise ValidationError({field: _("The date cannot be in the future.")})


# ------------------------------------------------------------------ assets


@transaction.atomic
def asset_register(
    *,
    actor: Actor,
    village: Village,
    category: str,
    name: str,
    original_value: Decimal,
    acquired_on: dt.date,
    funding_source: str,
    quantity: Decimal = Decimal(1),
    unit: str = "项",
    location: str = "",
    custodian: str = "",
    notes: str = "",
) -> Asset:
    """Enter an asset in the village's register, with its "acquisition" movement."""
    require(actor, Right.KEEP_BOOKS, village.code)
    _not_future("acquired_on", acquired_on)
    asset = Asset(
        village=village,
        category=category,
        name=name,
        quantity=quantity,
        unit=unit or "项",
        original_value=original_value,
        acquired_on=acquired_on,
        funding_source=funding_source,
        location=location,
        custodian=custodian,
        notes=notes,
        status=AssetStatus.IN_USE,
        area_code=village.code,
    )
    asset.full_clean()  # includes the value and quantity check constraint
    asset.save()
    AssetMovement.objects.create(
        asset=asset,
        kind=Kind.ACQUISITION,
        date=acquired_on,
        amount=original_value,
        status_after=asset.status,
        recorded_by=actor,
        area_code=asset.area_code,
    )
    return asset


@transaction.atomic
def asset_move(
    *,
    actor: Actor,
    asset: Asset,
    kind: str,
    date: dt.date,
    counterparty: str = "",
    amount: Decimal = Decimal(0),
    notes: str = "",
    decision: Decision | None = None,
) -> AssetMovement:
    """Record an event in the asset's life; the transition must be allowed from its status. A
    disposal or a lease above the county's threshold cites its decision (四议两公开)."""
    require(actor, Right.KEEP_BOOKS, asset.area_code)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if kind not in ASSET_TRANSITIONS:
        raise ValidationError({"kind": _("This movement cannot be recorded on an asset.")})
    sources, after = ASSET_TRANSITIONS[kind]
    if asset.status not in sources:
        raise ValidationError(
            {
                "kind": _("An asset that is “%(status)s” cannot be moved by “%(kind)s”.")
                % {"status": asset.get_status_display(), "kind": Kind(kind).label}
            }
        )
    _not_future("date", date)
    last = asset.movements.order_by("-date").values_list("date", flat=True).first()
    if date < max(asset.acquired_on, last or asset.acquired_on):
        raise ValidationError(
            {"date": _("The date cannot be earlier than the asset's last recorded movement.")}
        )
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    if kind in (Kind.LEASE, Kind.TRANSFER) and not counterparty.strip():
        raise ValidationError({"counterparty": _("Name who takes the asset.")})
    if kind in DECIDED_MOVEMENTS:
        require_register_decision(
            village_id=asset.village_id,
            area_code=asset.area_code,
            kind=DecisionKind.DISPOSAL,
            amount=movement_value(asset, kind, amount),
            decision=decision,
        )
    elif decision is not None:
        raise ValidationError(
            {"decision": _("Only a disposal or a lease of an asset cites a decision.")}
        )
    movement = AssetMovement(
        asset=asset,
        kind=kind,
        date=date,
        counterparty=counterparty,
        amount=amount,
        status_after=after or asset.status,
        notes=notes,
        decision=decision,
        recorded_by=actor,
        area_code=asset.area_code,
    )
    movement.full_clean()
    movement.save()
    update = ["status"]
    asset.status = movement.status_after
    if kind == Kind.TRANSFER:
        asset.custodian = counterparty[:50]
        update.append("custodian")
    asset.save(update_fields=update)
    return movement


# ------------------------------------------------------------------ resources


def _check_area(area_mu: Decimal | str | None) -> None:
    if area_mu is None or Decimal(area_mu) <= 0:
        raise ValidationError({"area_mu": _("The area in mu must be greater than zero.")})


@transaction.atomic
def resource_register(
    *,
    actor: Actor,
    village: Village,
    land_kind: str,
    name: str,
    area_mu: Decimal,
    status: str = ResourceStatus.IDLE,
    **optional: str,
) -> Resource:
    """Enter a resource (a parcel, in 亩) in the village's register, idle or self-operated."""
    require(actor, Right.KEEP_BOOKS, village.code)
    unknown = set(optional) - set(RESOURCE_OPTIONAL)
    if unknown:
        raise ValueError(f"not resource fields: {sorted(unknown)}")
    _check_area(area_mu)
    if status not in (ResourceStatus.IDLE, ResourceStatus.SELF_OPERATED):
        raise ValidationError({"status": _("A contract, once signed, puts a resource out.")})
    resource = Resource(
        village=village,
        land_kind=land_kind,
        name=name,
        area_mu=area_mu,
        status=status,
        area_code=village.code,
        **optional,
    )
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def resource_update(*, actor: Actor, resource: Resource, **facts: Any) -> Resource:
    """Correct the facts of a resource (kind, name, area, location, bounds, notes); its status
    follows its contracts and cannot be set here."""
    require(actor, Right.KEEP_BOOKS, resource.area_code)
    unknown = set(facts) - set(RESOURCE_FACTS) - {"notes"}
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(f)s") % {"f": sorted(unknown)}
        )
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if "area_mu" in facts:
        _check_area(facts["area_mu"])
    for field, value in facts.items():
        setattr(resource, field, value)
    resource.full_clean()
    resource.save(update_fields=list(facts) or None)
    return resource


# ------------------------------------------------------------------ contracts and payments


@transaction.atomic
def contract_sign(
    *,
    actor: Actor,
    resource: Resource,
    party: str,
    start_date: dt.date,
    end_date: dt.date,
    annual_fee: Decimal,
    schedule: str = PaymentSchedule.ANNUAL,
    kind: str = ResourceStatus.CONTRACTED,
    notes: str = "",
    decision: Decision | None = None,
) -> ResourceContract:
    """Contract out (发包) or lease a resource; refused while another contract holds it for any
    part of the same dates, and, above the county's threshold, without its decision
    (四议两公开)."""
    require(actor, Right.KEEP_BOOKS, resource.area_code)
    # The lock serializes two signings of the same resource, so the overlap check holds.
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if kind not in (ResourceStatus.CONTRACTED, ResourceStatus.LEASED):
        raise ValidationError({"kind": _("Choose contracted out or leased.")})
    if end_date <= start_date:
        raise ValidationError({"end_date": _("The end date must come after the start date.")})
    if annual_fee is None or annual_fee < 0:
        raise ValidationError({"annual_fee": _("The fee cannot be negative.")})
    # Dates are inclusive: another contract overlaps if it starts on or before our last day
    # and its last day (the termination date, if terminated) is on or after our first.
    overlapping = (
        ResourceContract.objects.filter(resource=resource, start_date__lte=end_date)
        .filter(
            Q(terminated_on__isnull=True, end_date__gte=start_date)
            | Q(terminated_on__gte=start_date)
        )
        .first()
    )
    require_register_decision(
        village_id=resource.village_id,
        area_code=resource.area_code,
        kind=DecisionKind.CONTRACT,
        amount=contract_value(start_date, end_date, annual_fee),
        decision=decision,
    )
    if overlapping:
        raise ValidationError(
            _("This resource is already under contract with %(party)s until %(end)s.")
            % {
                "party": overlapping.party,
                "end": (overlapping.terminated_on or overlapping.end_date).isoformat(),
            }
        )
    contract = ResourceContract(
        resource=resource,
        party=party,
        start_date=start_date,
        end_date=end_date,
        annual_fee=annual_fee,
        schedule=schedule,
        notes=notes,
        decision=decision,
        area_code=resource.area_code,
    )
    contract.full_clean()
    contract.save()
    resource.status = kind
    resource.save(update_fields=["status"])
    return contract


@transaction.atomic
def contract_terminate(
    *, actor: Actor, contract: ResourceContract, date: dt.date, notes: str = ""
) -> ResourceContract:
    """End a contract early: `date` becomes its last day; the resource falls idle."""
    require(actor, Right.KEEP_BOOKS, contract.area_code)
    contract = ResourceContract.objects.select_for_update().get(pk=contract.pk)
    if contract.terminated_on:
        raise ValidationError(_("This contract is already terminated."))
    # The termination date becomes the contract's last day.
    if not contract.start_date <= date < contract.end_date:
        raise ValidationError(
            {"date": _("The contract can only be terminated between its start and its end.")}
        )
    contract.terminated_on = date
    update = ["terminated_on"]
    if notes:
        contract.notes = f"{contract.notes}\n{notes}".strip()
        update.append("notes")
    contract.save(update_fields=update)
    Resource.objects.filter(pk=contract.resource_id).update(status=ResourceStatus.IDLE)
    return contract


@transaction.atomic
def payment_record(
    *,
    actor: Actor,
    contract: ResourceContract,
    amount: Decimal,
    received_on: dt.date,
    voucher: Voucher | None = None,
    notes: str = "",
) -> ContractPayment:
    """A fee received under the contract; a negative amount corrects an earlier payment."""
    require(actor, Right.KEEP_BOOKS, contract.area_code)
    if amount is None or amount == 0:
        raise ValidationError({"amount": _("Enter the amount received (negative to correct).")})
    if amount < 0 and not notes.strip():
        raise ValidationError({"notes": _("Say which payment a correction corrects.")})
    _not_future("received_on", received_on)
    if voucher is not None and voucher.area_code != contract.area_code:
        raise ValidationError({"voucher": _("The voucher must be one of the same village.")})
    payment = ContractPayment(
        contract=contract,
        amount=amount,
        received_on=received_on,
        voucher=voucher,
        notes=notes,
        recorded_by=actor,
        area_code=contract.area_code,
    )
    payment.full_clean()
    payment.save()
    return payment
