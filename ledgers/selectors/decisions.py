"""Reads of 四议两公开: each decision with what posted vouchers spent under it and what is left,
in one query (the list, the pickers of the forms, the export)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr

from villages.models import Village

from ..choices import VoucherState
from ..models import DEFAULT_RESULT_DUE_DAYS, Decision, DecisionPolicy, Voucher

__all__ = ["decisions_with_remaining", "usable_decisions", "with_result_due"]

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


def with_result_due(qs: QuerySet[Decision]) -> QuerySet[Decision]:
    """`result_due` on every row: the last day to make the result public, the county's number
    of days (DecisionPolicy.result_due_days, else DEFAULT_RESULT_DUE_DAYS) after the end of the
    implementation; NULL while it has not ended. The one definition the warning and the figures
    share: the result is late from the day after `result_due`."""
    days = Subquery(
        DecisionPolicy.objects.filter(area_code=Substr(OuterRef("area_code"), 1, 6)).values(
            "result_due_days"
        )[:1],
        output_field=IntegerField(),
    )
    return qs.annotate(
        result_due_days=Coalesce(days, Value(DEFAULT_RESULT_DUE_DAYS)),
        result_due=ExpressionWrapper(
            F("implemented_on") + F("result_due_days"), output_field=DateField()
        ),
    )
