"""Decisions as the services leave them after the resolution, written straight to the table
(the warning's and the figures' tests look at the stored facts only)."""

import datetime as dt
from decimal import Decimal

from ledgers.choices import DecisionKind, DecisionState
from ledgers.models import Decision


def implemented(village, user, implemented_on: dt.date, result_on: dt.date | None = None, n=1):
    """A decision of `village` made public ten days before `implemented_on`, its implementation
    ended that day, its result made public on `result_on` (None: not yet)."""
    return Decision.objects.create(
        village=village,
        year=implemented_on.year,
        number=n,
        subject="村内道路硬化",
        kind=DecisionKind.PROJECT,
        amount=Decimal("80000.00"),
        state=DecisionState.DONE if result_on else DecisionState.PUBLISHED,
        resolution_published_on=implemented_on - dt.timedelta(days=10),
        resolution_text="决议张榜公布",
        implemented_on=implemented_on,
        result_published_on=result_on,
        result_text="已完工" if result_on else "",
        created_by=user,
        area_code=village.code,
    )
