"""Every rate users see, defined once: the pure function that computes it from counts, the ORM
expression that computes the same in PostgreSQL where it is aggregated there, and the one way a
rate is shown as a percentage (pages, PDFs, charts, Excel).

The rules, the same for every rate:
- A rate is a `Decimal` between 0 and 1 with three places (87.5% is `Decimal("0.875")`).
- Rounding is half up (四舍五入): 1/16 = 0.0625 → 0.063. PostgreSQL's `round(numeric, 3)` rounds
  half away from zero, which is the same for rates, so SQL and Python agree to the last place.
- An empty denominator (0 ballots, no promise due, nothing planned) gives None, shown as "—": a
  village without a vote has no satisfaction rate, not 0%.
- A count that is None (a SQL SUM over no rows) counts as 0.

The functions take counts (or expressions of them), never models: `core` imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeAlias

from django.db.models import DecimalField, Expression, F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, NullIf, Round

__all__ = [
    "EXCEL_PERCENT_FORMAT",
    "PLACES",
    "format_percent",
    "fulfilment_points",
    "fulfilment_rate",
    "promises_due",
    "on_time_rate",
    "percent_number",
    "percent_of",
    "presence_rate",
    "satisfaction_expression",
    "satisfaction_rate",
    "satisfied_ballots",
    "share",
    "share_expression",
    "weighted_score",
]

#: a rate's places: three, so that a percentage has one (87.5%)
PLACES = Decimal("0.001")
TENTH = Decimal("0.1")
#: how Excel shows a rate cell (the cell holds the number 0.875)
EXCEL_PERCENT_FORMAT = "0.0%"

#: a count: a number of rows or ballots, a sum of points; None from a SQL SUM over no rows
Tally: TypeAlias = int | Decimal | None
#: a rate to show: a Decimal (or float) from Python or SQL, a str from stored evidence, None
ShownRate: TypeAlias = Decimal | float | str | None
#: an operand of a rate in SQL: a field name, a number or an expression (F, Sum, Count, ...)
Operand: TypeAlias = str | int | Decimal | Combinable

# ------------------------------------------------------------------ in Python


def _count(value: Tally) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)


def share(part: Tally, whole: Tally) -> Decimal | None:
    """part / whole to three places, half up; None when `whole` is 0 or None."""
    whole = _count(whole)
    if not whole:
        return None
    return (_count(part) / whole).quantize(PLACES, rounding=ROUND_HALF_UP)


def satisfied_ballots(satisfied: Tally, basic: Tally) -> int:
    """The ballots that count as satisfied: 满意 and 基本满意 (not 不满意)."""
    return int(_count(satisfied) + _count(basic))


def satisfaction_rate(*, satisfied: Tally, basic: Tally, returned: Tally) -> Decimal | None:
    """满意率: (满意 + 基本满意) / the ballots returned (or the questions answered)."""
    return share(satisfied_ballots(satisfied, basic), returned)


def fulfilment_points(fulfilled: Tally, partly: Tally) -> Decimal:
    """The promises kept: each 兑现 counts 1, each 部分兑现 ½, each 未兑现 0."""
    return _count(fulfilled) + _count(partly) / 2


def promises_due(fulfilled: Tally, partly: Tally, not_fulfilled: Tally) -> int:
    """The promises a fulfilment rate counts: those judged 兑现, 部分兑现 or 未兑现, i.e. due by
    the redemption's year, or kept early. A promise of a later year still running (按计划推进)
    or not yet due (未到期) is not judged, so a five-year promise does not drag down its first
    year."""
    return int(_count(fulfilled) + _count(partly) + _count(not_fulfilled))


def fulfilment_rate(*, fulfilled: Tally, partly: Tally, not_fulfilled: Tally) -> Decimal | None:
    """兑现率: (兑现 + ½ 部分兑现) / the promises due; None when no promise is due (not 0%,
    not 100%)."""
    return share(
        fulfilment_points(fulfilled, partly), promises_due(fulfilled, partly, not_fulfilled)
    )


def on_time_rate(*, on_time: Tally, planned: Tally) -> Decimal | None:
    """The duties done by their due date over the duties planned."""
    return share(on_time, planned)


def presence_rate(*, met: Tally, due: Tally) -> Decimal | None:
    """在岗率: the duties of a week (a contact cadre in a village) whose half days reached the
    county's norm, over the duties of that week; None when nobody owed presence."""
    return share(met, due)


def percent_of(part: Tally, whole: Tally) -> Decimal | None:
    """100 × part / whole to one place, half up (a score on 0-100); None when `whole` is 0."""
    whole = _count(whole)
    if not whole:
        return None
    return (100 * _count(part) / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def weighted_score(parts: Iterable[tuple[int | Decimal, Decimal | None]]) -> Decimal | None:
    """The weighted mean of (weight, rate) pairs on 0-100, to one place, half up; a rate that
    is None is left out and the other weights scaled up; None when no rate is left."""
    weighed = [(Decimal(w), Decimal(r)) for w, r in parts if r is not None]
    weights = sum((w for w, _r in weighed), Decimal(0))
    if not weights:
        return None
    return percent_of(sum((w * r for w, r in weighed), Decimal(0)), weights)


# ------------------------------------------------------------------ in PostgreSQL

#: what a rate is in SQL: numeric(4, 3), read back as a Decimal with three places
RATE_FIELD = DecimalField(max_digits=4, decimal_places=3)
_NUMERIC = DecimalField(max_digits=20, decimal_places=6)


def _expression(value: Operand) -> Combinable:
    """A field name, a number or an expression (F, Sum, Count, ...) as an expression."""
    if isinstance(value, str):
        return F(value)
    if isinstance(value, int | Decimal):
        return Value(value)
    return value


def share_expression(part: Operand, whole: Operand) -> Expression:
    """`share(part, whole)` in SQL: round(part::numeric / NULLIF(whole, 0), 3), NULL when the
    denominator is 0 or NULL; a NULL part counts as 0."""
    part = Cast(Coalesce(_expression(part), Value(0), output_field=_NUMERIC), _NUMERIC)
    return Round(part / NullIf(_expression(whole), Value(0)), 3, output_field=RATE_FIELD)


def satisfaction_expression(*, satisfied: Operand, basic: Operand, returned: Operand) -> Expression:
    """`satisfaction_rate` in SQL, e.g. per vote:
    `satisfaction_expression(satisfied="satisfied", basic="basically_satisfied",
    returned=F("satisfied") + F("basically_satisfied") + F("dissatisfied"))`."""
    return share_expression(_expression(satisfied) + _expression(basic), returned)


# ------------------------------------------------------------------ shown to users


def _percent(rate: Decimal | float | str) -> Decimal:
    return (Decimal(str(rate)) * 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def format_percent(rate: ShownRate, *, empty: str = "—", trim: bool = False) -> str:
    """A rate (0.875, "0.875" from stored evidence) as 87.5%; None or "" as `empty`. `trim`
    drops a zero tenth (a threshold 0.800 as 80%)."""
    if rate is None or rate == "":
        return empty
    value = _percent(rate)
    if trim and value == value.to_integral_value():
        return f"{value:.0f}%"
    return f"{value}%"


def percent_number(rate: ShownRate) -> float | None:
    """A rate as the number of a chart's percent axis (0.875 → 87.5); None stays None."""
    if rate is None or rate == "":
        return None
    return float(_percent(rate))
