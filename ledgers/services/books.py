"""Writes of the ledger: sub-accounts, the verification (清理认定), vouchers, posting into the
village's hash chain, reversals and closed periods.

The village's clerk and the township staff keep the books (`Right.KEEP_BOOKS`); only the
township (or county) confirms a verification, posts a voucher and closes a month, and the one who
posts is never the one who made the voucher.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Required, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rights import Right, require
from core.types import Actor
from core.validators import check_reason
from villages.models import Region, Village

from ..chain import CHAIN_VERSION, GENESIS, chain_hash
from ..choices import VerificationState, VoucherState
from ..models import (
    Account,
    ClosedPeriod,
    Decision,
    OpeningBalance,
    Verification,
    Voucher,
    VoucherLine,
)
from .decisions import check_cited_decision, require_voucher_decision
from .signing import require_unsigned, require_voucher_signed

ZERO = Decimal("0.00")
LINE_FIELDS = ("account", "debit", "credit", "counterparty")

#: an amount as forms, the API and imports give it (empty is zero)
Amount = Decimal | int | str | None


class LineInput(TypedDict, total=False):
    """One line of a voucher to write (LINE_FIELDS); one side has an amount."""

    account: Required[Account]
    debit: Amount
    credit: Amount
    counterparty: str


class BalanceInput(TypedDict, total=False):
    """One account's opening balance, on one side."""

    account: Required[Account]
    debit: Amount
    credit: Amount


class OpeningRegisters(TypedDict):
    """The registers frozen with a confirmed verification (`opening_registers_snapshot`)."""

    assets: list[dict[str, object]]
    assets_value: str
    resources: list[dict[str, object]]
    resources_area_mu: str


# ------------------------------------------------------------------ chart of accounts


@transaction.atomic
def account_add_sub(
    *, actor: Actor, county: Region, parent: Account, code: str, name: str
) -> Account:
    """A county's sub-account under an account of the chart: parent's code plus two digits,
    same class and side; the official accounts themselves never change."""
    require(actor, Right.EDIT, county.code)
    if parent.area_code not in ("", county.code):
        raise ValidationError({"parent": _("Choose an account of the official chart or yours.")})
    if not (code.isdigit() and len(code) == len(parent.code) + 2 and code.startswith(parent.code)):
        raise ValidationError(
            {
                "code": _("A sub-account's code is its parent's code %(p)s and two digits.")
                % {"p": parent.code}
            }
        )
    if Account.objects.filter(code=code, area_code__in=["", county.code]).exists():
        raise ValidationError({"code": _("This account code is already in use.")})
    account = Account(
        code=code,
        name=name,
        account_class=parent.account_class,
        normal_side=parent.normal_side,
        parent=parent,
        area_code=county.code,
    )
    account.full_clean()
    account.save()
    return account


def _usable_accounts(village: Village) -> QuerySet[Account]:
    return Account.objects.usable_in(village.code[:6])


# ------------------------------------------------------------------ verification (清理认定)


@transaction.atomic
def verification_start(
    *, actor: Actor, village: Village, as_of: dt.date, notes: str = ""
) -> Verification:
    """Start the village's verification: the opening position its books start from."""
    require(actor, Right.KEEP_BOOKS, village.code)
    if Verification.objects.filter(village=village).exists():
        raise ValidationError(_("This village's books already have a verification."))
    verification = Verification(
        village=village, as_of=as_of, notes=notes, prepared_by=actor, area_code=village.code
    )
    verification.full_clean()
    verification.save()
    return verification


@transaction.atomic
def verification_set_balances(
    *, actor: Actor, verification: Verification, balances: Sequence[BalanceInput]
) -> Verification:
    """Replace the opening balances of a verification that is still being prepared."""
    require(actor, Right.KEEP_BOOKS, verification.area_code)
    verification = Verification.objects.select_for_update().get(pk=verification.pk)
    if verification.state != VerificationState.DRAFT:
        raise ValidationError(_("The verification is confirmed: its balances are final."))
    usable = set(_usable_accounts(verification.village).values_list("pk", flat=True))
    rows, seen = [], set()
    for item in balances:
        account = item["account"]
        if account.pk not in usable:
            raise ValidationError(
                _("Account %(a)s is not in this county's chart.") % {"a": account}
            )
        if account.pk in seen:
            raise ValidationError(_("Account %(a)s is listed twice.") % {"a": account})
        seen.add(account.pk)
        row = OpeningBalance(
            verification=verification,
            account=account,
            debit=Decimal(str(item.get("debit") or 0)).quantize(ZERO),
            credit=Decimal(str(item.get("credit") or 0)).quantize(ZERO),
            area_code=verification.area_code,
        )
        if row.debit < 0 or row.credit < 0 or (row.debit and row.credit):
            raise ValidationError(
                _("Account %(a)s: give the balance on one side, debit or credit.") % {"a": account}
            )
        if row.debit or row.credit:
            rows.append(row)
    verification.balances.all().delete()
    OpeningBalance.objects.bulk_create(rows)
    return verification


@transaction.atomic
def verification_confirm(*, actor: Actor, verification: Verification) -> Verification:
    """The township confirms the opening position; from now on vouchers may post."""
    require(actor, Right.EDIT, verification.area_code)
    verification = Verification.objects.select_for_update().get(pk=verification.pk)
    if verification.state != VerificationState.DRAFT:
        raise ValidationError(_("The verification is already confirmed."))
    totals = verification.balances.aggregate(d=Sum("debit"), c=Sum("credit"))
    debit, credit = totals["d"] or ZERO, totals["c"] or ZERO
    if debit != credit:
        raise ValidationError(
            _("The opening balances do not balance: debits %(d)s, credits %(c)s.")
            % {"d": debit, "c": credit}
        )
    verification.state = VerificationState.CONFIRMED
    verification.confirmed_by = actor
    verification.confirmed_at = timezone.now()
    verification.opening_registers = opening_registers_snapshot(
        verification.village, verification.as_of
    )
    verification.save(update_fields=["state", "confirmed_by", "confirmed_at", "opening_registers"])
    return verification


def opening_registers_snapshot(village: Village, as_of: dt.date) -> OpeningRegisters:
    """The asset register as of the verification date (acquired by then and not disposed of or
    written off by then) and the resource register as it stands, item by item, as JSON."""
    from ..choices import AssetMovementKind
    from ..models import Asset, AssetMovement, Resource

    gone = AssetMovement.objects.filter(
        asset=OuterRef("pk"),
        kind__in=(AssetMovementKind.DISPOSAL, AssetMovementKind.WRITE_OFF),
        date__lte=as_of,
    )
    asset_rows = list(
        Asset.objects.filter(village=village, acquired_on__lte=as_of)
        .exclude(Exists(gone))
        .order_by("category", "pk")
    )
    resource_rows = list(Resource.objects.filter(village=village).order_by("land_kind", "pk"))
    assets: list[dict[str, object]] = [
        {
            "id": a.pk,
            "category": a.get_category_display(),
            "name": a.name,
            "quantity": str(a.quantity),
            "unit": a.unit,
            "original_value": str(a.original_value),
            "acquired_on": a.acquired_on.isoformat(),
            "status": a.get_status_display(),
        }
        for a in asset_rows
    ]
    resources: list[dict[str, object]] = [
        {
            "id": r.pk,
            "land_kind": r.get_land_kind_display(),
            "name": r.name,
            "area_mu": str(r.area_mu),
            "location": r.location,
            "status": r.get_status_display(),
        }
        for r in resource_rows
    ]
    return {
        "assets": assets,
        "assets_value": str(sum((a.original_value for a in asset_rows), ZERO)),
        "resources": resources,
        "resources_area_mu": str(sum((r.area_mu for r in resource_rows), Decimal("0"))),
    }


# ------------------------------------------------------------------ vouchers


def _build_lines(voucher: Voucher, lines: Sequence[LineInput]) -> list[VoucherLine]:
    if len(lines) < 2:
        raise ValidationError(_("A voucher has at least two lines: a debit and a credit."))
    usable = set(_usable_accounts(voucher.village).values_list("pk", flat=True))
    built = []
    for position, data in enumerate(lines, start=1):
        unknown = set(data) - set(LINE_FIELDS)
        if unknown:
            raise ValueError(f"not voucher line fields: {sorted(unknown)}")
        debit = Decimal(str(data.get("debit") or 0)).quantize(ZERO)
        credit = Decimal(str(data.get("credit") or 0)).quantize(ZERO)
        if data["account"].pk not in usable:
            raise ValidationError(
                _("Line %(n)d: the account is not in this county's chart.") % {"n": position}
            )
        if debit < 0 or credit < 0 or (debit > 0) == (credit > 0):
            raise ValidationError(
                _("Line %(n)d: enter an amount on one side only, debit or credit.")
                % {"n": position}
            )
        built.append(
            VoucherLine(
                voucher=voucher,
                position=position,
                account=data["account"],
                debit=debit,
                credit=credit,
                counterparty=data.get("counterparty", ""),
                date=voucher.date,
                area_code=voucher.area_code,
            )
        )
    debits = sum(line.debit for line in built)
    credits = sum(line.credit for line in built)
    if debits != credits:
        raise ValidationError(
            _("Debits (%(d)s) and credits (%(c)s) differ: the voucher does not balance.")
            % {"d": debits, "c": credits}
        )
    return built


@transaction.atomic
def voucher_create(
    *,
    actor: Actor,
    village: Village,
    date: dt.date,
    summary: str,
    lines: Sequence[LineInput],
    attachments: int = 0,
    reverses: Voucher | None = None,
    decision: Decision | None = None,
) -> Voucher:
    """Make a draft voucher, numbered per village and year (记-2026-0001); above the county's
    threshold it cites the decision (四议两公开) it spends under."""
    require(actor, Right.KEEP_BOOKS, village.code)
    check_cited_decision(decision, village.pk)
    Village.objects.select_for_update().filter(pk=village.pk).first()
    last = Voucher.objects.filter(village=village, year=date.year).aggregate(n=Max("number"))["n"]
    voucher = Voucher(
        village=village,
        year=date.year,
        number=(last or 0) + 1,
        date=date,
        summary=summary,
        attachments=attachments,
        made_by=actor,
        reverses=reverses,
        decision=decision,
        area_code=village.code,
    )
    voucher.full_clean(exclude=["reverses"])
    built = _build_lines(voucher, lines)
    voucher.save()
    VoucherLine.objects.bulk_create(built)
    return voucher


def _require_draft(voucher: Voucher) -> None:
    if voucher.state != VoucherState.DRAFT:
        raise ValidationError(
            _("Voucher %(n)s is posted: it cannot change. Correct it with a reversing voucher.")
            % {"n": voucher.display_number}
        )


@transaction.atomic
def voucher_update_draft(
    *,
    actor: Actor,
    voucher: Voucher,
    date: dt.date,
    summary: str,
    lines: Sequence[LineInput],
    attachments: int = 0,
    decision: Decision | None = None,
) -> Voucher:
    """Change a draft voucher (its number stays; a new year is not allowed)."""
    require(actor, Right.KEEP_BOOKS, voucher.area_code)
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    _require_draft(voucher)
    require_unsigned(voucher)
    if date.year != voucher.year:
        raise ValidationError({"date": _("A voucher stays in the year of its number.")})
    check_cited_decision(decision, voucher.village_id)
    voucher.date, voucher.summary, voucher.attachments = date, summary, attachments
    voucher.decision = decision
    voucher.full_clean(exclude=["reverses"])
    built = _build_lines(voucher, lines)
    voucher.save(update_fields=["date", "summary", "attachments", "decision"])
    voucher.lines.all().delete()
    VoucherLine.objects.bulk_create(built)
    return voucher


@transaction.atomic
def voucher_discard_draft(*, actor: Actor, voucher: Voucher) -> None:
    """Throw away a draft that was never posted (the change log keeps it)."""
    require(actor, Right.KEEP_BOOKS, voucher.area_code)
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    _require_draft(voucher)
    require_unsigned(voucher)
    voucher.delete()


def is_period_closed(village: Village, day: dt.date) -> bool:
    return ClosedPeriod.objects.filter(village=village, year=day.year, month=day.month).exists()


@transaction.atomic
def voucher_post(*, actor: Actor, voucher: Voucher) -> Voucher:
    """The township approves and posts a balanced draft: it joins the village's hash chain and
    can never change again."""
    require(actor, Right.EDIT, voucher.area_code)
    village = Village.objects.select_for_update().get(pk=voucher.village_id)
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    _require_draft(voucher)
    if voucher.made_by_id == actor.pk:
        raise ValidationError(_("The one who made a voucher does not approve it."))
    verification = Verification.objects.filter(village=village).first()
    if verification is None or verification.state != VerificationState.CONFIRMED:
        raise ValidationError(
            _("The village's verification (清理认定) is not confirmed: nothing posts yet.")
        )
    if voucher.date <= verification.as_of:
        raise ValidationError(
            _("The voucher's date is not after the verification date %(d)s.")
            % {"d": verification.as_of.isoformat()}
        )
    if is_period_closed(village, voucher.date):
        raise ValidationError(
            _("%(y)d-%(m)02d is closed: nothing posts into it.")
            % {"y": voucher.date.year, "m": voucher.date.month}
        )
    lines = list(voucher.lines.all())
    if sum(x.debit for x in lines) != sum(x.credit for x in lines) or len(lines) < 2:
        raise ValidationError(_("The voucher does not balance."))
    require_voucher_decision(voucher, sum((x.debit for x in lines), ZERO))
    require_voucher_signed(voucher)
    last = (
        Voucher.objects.filter(village=village, state=VoucherState.POSTED)
        .order_by("-chain_seq")
        .only("chain_seq", "hash")
        .first()
    )
    if last is None:
        voucher.chain_seq, voucher.prev_hash = 1, GENESIS
    else:
        assert last.chain_seq is not None  # posted, hence chained
        voucher.chain_seq, voucher.prev_hash = last.chain_seq + 1, last.hash
    voucher.approved_by = actor
    voucher.posted_at = timezone.now()
    voucher.chain_version = CHAIN_VERSION
    # The lines keep the account's code and name as posted (the chain never reads the chart),
    # and are marked posted while the voucher is still a draft: the database refuses any change
    # to a line of a posted voucher, and checks at commit that lines and voucher agree.
    accounts = Account.objects.in_bulk({x.account_id for x in lines})
    for line in lines:
        line.account_code = accounts[line.account_id].code
        line.account_name = accounts[line.account_id].name
        line.posted = True
    VoucherLine.objects.bulk_update(lines, ["account_code", "account_name", "posted"])
    reversed_hash = voucher.reverses.hash if voucher.reverses is not None else None
    voucher.hash = chain_hash(voucher, lines, reversed_hash)
    voucher.state = VoucherState.POSTED
    voucher.save(
        update_fields=[
            "chain_seq",
            "prev_hash",
            "hash",
            "state",
            "approved_by",
            "posted_at",
            "chain_version",
        ]
    )
    return voucher


@transaction.atomic
def voucher_reverse(*, actor: Actor, voucher: Voucher, date: dt.date, reason: str) -> Voucher:
    """Draft the reversing voucher of a posted one (its lines with debit and credit swapped);
    it posts like any voucher, and a voucher is reversed once."""
    require(actor, Right.KEEP_BOOKS, voucher.area_code)
    if voucher.state != VoucherState.POSTED:
        raise ValidationError(_("Only a posted voucher is reversed; a draft is simply changed."))
    if Voucher.objects.filter(reverses=voucher).exists():
        raise ValidationError(_("This voucher has already been reversed."))
    reason = check_reason(reason)
    lines = [
        LineInput(account=x.account, debit=x.credit, credit=x.debit, counterparty=x.counterparty)
        for x in voucher.lines.select_related("account").order_by("position")
    ]
    return voucher_create(
        actor=actor,
        village=voucher.village,
        date=date,
        summary=_("Reversal of %(n)s: %(r)s") % {"n": voucher.display_number, "r": reason},
        lines=lines,
        reverses=voucher,
    )


@transaction.atomic
def period_close(*, actor: Actor, village: Village, year: int, month: int) -> ClosedPeriod:
    """The township confirms a month of the village's books; nothing posts into it afterwards."""
    require(actor, Right.EDIT, village.code)
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("Choose a month.")})
    drafts = Voucher.objects.filter(
        village=village, state=VoucherState.DRAFT, date__year=year, date__month=month
    )
    if drafts.exists():
        raise ValidationError(
            _("%(n)d draft vouchers of this month are not posted yet.") % {"n": drafts.count()}
        )
    if is_period_closed(village, dt.date(year, month, 1)):
        raise ValidationError(_("This month is already closed."))
    period = ClosedPeriod(
        village=village, year=year, month=month, closed_by=actor, area_code=village.code
    )
    period.full_clean()
    period.save()
    return period
