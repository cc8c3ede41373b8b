"""Reads of 四议两公开: each decision with what posted vouchers spent under it and what is left,
in one query (the list, the pickers of the forms, the export)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from villages.models import Village

from ..choices import VoucherState
from ..models import Decision, Voucher

__all__ = ["decisions_with_remaining", "usable_decisions"]

MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


def decisions_with_remaining(qs: QuerySet[Decision]) -> QuerySet[Decision]:
    """`used` (posted vouchers citing the decision, reversed ones left out) and `remaining`
    (the amount less `used`) on every row; the same count as services.decision_used."""
    reversal = Voucher.objects.filter(reverses=OuterRef("pk"), state=VoucherState.POSTED)
    spent = (
        Voucher.objects.filter(decision=OuterRef("pk"), state=VoucherState.POSTED)
        .exclude(Exists(reversal))
        .order_by()
        .values("decision")
        .annotate(s=Sum("lines__debit"))
        .values("s")
    )
    return qs.annotate(
        used=Coalesce(Subquery(spent, output_field=MONEY_FIELD), Value(Decimal("0.00"))),
        remaining=F("amount") - F("used"),
    )


def usable_decisions(village: Village, kind: str | None = None) -> QuerySet[Decision]:
    """The decisions of `village` a record may cite (the forms' pickers): resolved and made
    public, with something left; of `kind` if given."""
    qs = Decision.objects.filter(village=village).usable()
    if kind:
        qs = qs.filter(kind=kind)
    return decisions_with_remaining(qs).filter(remaining__gt=0).order_by("-year", "-number")
