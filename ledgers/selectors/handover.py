"""Reads of 换届交接: the handovers that are due."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, DateField, F, Q, Value, When

from cadres.choices import CERTIFIED_POSTS
from cadres.models import Post
from core.dates import today

__all__ = ["OVERDUE_AFTER_DAYS", "handovers_due"]

#: a handover not started this many days after the post ended is overdue
OVERDUE_AFTER_DAYS = 30


def handovers_due(user, on: dt.date | None = None):
    """Ended secretary's and chair's posts of the villages the user sees that have no handover
    yet, oldest first, each with `since_end` (a timedelta) and `overdue` (more than 30 days).
    One query, whatever the number of rows."""
    on = on or today()
    limit = on - dt.timedelta(days=OVERDUE_AFTER_DAYS)
    return (
        Post.objects.visible_to(user)
        .filter(kind__in=CERTIFIED_POSTS, end_date__isnull=False, end_date__lte=on)
        .filter(Q(handover__isnull=True))
        .select_related("cadre", "village__township")
        .annotate(
            since_end=Value(on, output_field=DateField()) - F("end_date"),
            overdue=Case(
                When(end_date__lt=limit, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("end_date", "area_code", "pk")
    )
