"""Writes of 换届交接 (the handover of the books when a secretary's or chair's post ends).

The village's bookkeepers start a handover, which freezes the ledger's balances and the
registers as of the date, record what was counted, and collect the outgoing and incoming
cadres' signatures; the township signs as supervisor (`Right.EDIT`). Once all three have signed the
handover is final: the database refuses any change (the `signed_handover_is_final` trigger).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils.translation import gettext as _

from cadres.choices import CERTIFIED_POSTS
from cadres.models import Cadre, Post
from core.rights import Right, require
from core.types import Actor
from core.validators import check_not_before
from villages.models import Village

from .. import selectors
from ..choices import AssetMovementKind, HandoverState
from ..models import Asset, AssetMovement, Handover, Resource

__all__ = [
    "HANDOVER_SIGNERS",
    "book_amount",
    "handover_book_snapshot",
    "handover_sign",
    "handover_start",
    "handover_update",
]

ZERO = Decimal("0.00")
CASH, BANK = "101", "102"
#: who signs a handover → the field holding the date of that signature
HANDOVER_SIGNERS = {
    "outgoing": "outgoing_signed_on",
    "incoming": "incoming_signed_on",
    "supervisor": "supervisor_signed_on",
}
GONE = (AssetMovementKind.DISPOSAL, AssetMovementKind.WRITE_OFF)


def handover_book_snapshot(village: Village, as_of: dt.date) -> dict[str, Any]:
    """The books as of a date, as JSON: each account's balance ({code: "0.00"}) and the counts
    and totals of the asset and resource registers (assets acquired by then and not disposed
    of or written off by then; resources registered by then)."""
    accounts = {
        code: str(amount.quantize(ZERO))
        for code, amount in selectors.account_balances(village, on=as_of).items()
    }
    gone = AssetMovement.objects.filter(asset=OuterRef("pk"), kind__in=GONE, date__lte=as_of)
    assets = (
        Asset.objects.filter(area_code=village.code, acquired_on__lte=as_of)
        .exclude(Exists(gone))
        .order_by()
        .aggregate(n=Count("pk"), value=Sum("original_value"))
    )
    resources = (
        Resource.objects.filter(area_code=village.code, created_at__date__lte=as_of)
        .order_by()
        .aggregate(n=Count("pk"), area=Sum("area_mu"))
    )
    return {
        "accounts": accounts,
        "assets": {"count": assets["n"], "value": str((assets["value"] or ZERO).quantize(ZERO))},
        "resources": {
            "count": resources["n"],
            "area_mu": str((resources["area"] or ZERO).quantize(ZERO)),
        },
    }


def book_amount(balances: dict[str, Any], code: str) -> Decimal:
    """The frozen book balance of an account (101 cash, 102 bank); when the village posts to
    its sub-accounts only (10101, ...), their sum."""
    accounts = balances.get("accounts", {})
    if code in accounts:
        return Decimal(accounts[code])
    return sum(
        (Decimal(v) for c, v in accounts.items() if c.startswith(code) and len(c) == len(code) + 2),
        ZERO,
    )


def _check_counts(handover: Handover) -> None:
    """Counted cash and bank that differ from the books need an explanation in `differences`."""
    cash = book_amount(handover.book_balances, CASH)
    bank = book_amount(handover.book_balances, BANK)
    differ = handover.cash_counted != cash or handover.bank_counted != bank
    if differ and not handover.differences.strip():
        raise ValidationError(
            {
                "differences": _(
                    "Counted cash %(cc)s and bank %(bc)s differ from the books (cash %(c)s, "
                    "bank %(b)s): explain the differences."
                )
                % {"cc": handover.cash_counted, "bc": handover.bank_counted, "c": cash, "b": bank}
            }
        )


def _check_incoming(handover: Handover, incoming: Cadre | None) -> None:
    if incoming is not None and incoming.village_id != handover.village_id:
        raise ValidationError({"incoming": _("The incoming cadre must be of the same village.")})


def _locked_draft(handover: Handover) -> Handover:
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    if handover.state != HandoverState.DRAFT:
        raise ValidationError(_("The handover is signed by all three: it cannot change."))
    return handover


@transaction.atomic
def handover_start(
    *,
    actor: Actor,
    ended_post: Post,
    as_of: dt.date | None = None,
    incoming: Cadre | None = None,
) -> Handover:
    """Start the handover of an ended secretary's or chair's post: the books are frozen as of
    `as_of` (the post's end date unless given)."""
    require(actor, Right.KEEP_BOOKS, ended_post.area_code)
    if ended_post.kind not in CERTIFIED_POSTS:
        raise ValidationError(
            {"ended_post": _("Handovers are made when a secretary's or chair's post ends.")}
        )
    if ended_post.end_date is None:
        raise ValidationError({"ended_post": _("This post has not ended.")})
    if Handover.objects.filter(ended_post=ended_post).exists():
        raise ValidationError({"ended_post": _("This post's handover is already started.")})
    as_of = as_of or ended_post.end_date
    check_not_before(as_of, ended_post.start_date, field="as_of", what=_("the post's start"))
    handover = Handover(
        village=ended_post.village,
        ended_post=ended_post,
        incoming=incoming,
        as_of=as_of,
        area_code=ended_post.area_code,
    )
    _check_incoming(handover, incoming)
    handover.book_balances = handover_book_snapshot(ended_post.village, as_of)
    handover.full_clean()
    handover.save()
    return handover


@transaction.atomic
def handover_update(
    *,
    actor: Actor,
    handover: Handover,
    cash_counted: Decimal,
    bank_counted: Decimal,
    differences: str = "",
    documents: str = "",
    incoming: Cadre | None = None,
) -> Handover:
    """Record what was counted and handed over, while the handover is being prepared."""
    require(actor, Right.KEEP_BOOKS, handover.area_code)
    handover = _locked_draft(handover)
    _check_incoming(handover, incoming)
    if handover.incoming_signed_on and incoming != handover.incoming:
        raise ValidationError(
            {"incoming": _("The incoming cadre has signed: they cannot be replaced.")}
        )
    if any(getattr(handover, f) for f in HANDOVER_SIGNERS.values()) and (
        handover.cash_counted != cash_counted or handover.bank_counted != bank_counted
    ):
        raise ValidationError(_("Signatures are given: the counted amounts cannot change."))
    handover.cash_counted = cash_counted or ZERO
    handover.bank_counted = bank_counted or ZERO
    handover.differences = differences
    handover.documents = documents
    handover.incoming = incoming
    _check_counts(handover)
    handover.full_clean()
    handover.save()
    return handover


@transaction.atomic
def handover_sign(
    *, actor: Actor, handover: Handover, who: str, on: dt.date, supervisor: str = ""
) -> Handover:
    """One of the three signatures: the outgoing or the incoming cadre (recorded by the
    bookkeepers) or the township's supervisor (`Right.EDIT`, with their name). The third one
    makes the handover final."""
    if who not in HANDOVER_SIGNERS:
        raise ValidationError({"who": _("Unknown signer.")})
    if who == "supervisor":
        require(actor, Right.EDIT, handover.area_code)
    else:
        require(actor, Right.KEEP_BOOKS, handover.area_code)
    handover = _locked_draft(handover)
    field = HANDOVER_SIGNERS[who]
    if getattr(handover, field):
        raise ValidationError(_("This signature is already given."))
    if on < handover.as_of:
        raise ValidationError({"on": _("A handover is signed on or after its date.")})
    if who == "incoming" and handover.incoming is None:
        raise ValidationError({"incoming": _("Name the incoming cadre first.")})
    if who == "supervisor":
        if not supervisor.strip():
            raise ValidationError({"supervisor": _("Give the supervisor's name.")})
        handover.supervisor = supervisor.strip()
    _check_counts(handover)
    setattr(handover, field, on)
    if all(getattr(handover, f) for f in HANDOVER_SIGNERS.values()):
        handover.state = HandoverState.SIGNED
    handover.full_clean()
    handover.save()
    return handover
