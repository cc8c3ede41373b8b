"""Reads of 后进村整顿: the list's joins and one rectification with its months and visits."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from ..models import FollowUpVisit, Rectification, RectificationProgress

__all__ = ["rectification_ledger", "rectification_with_details"]


def rectification_ledger():
    """Rectifications with their village and township and the number of months reported,
    unscoped: the caller scopes it with `visible_to`."""
    return Rectification.objects.select_related("village__township").annotate(
        months_reported=Count("progress", distinct=True)
    )


def rectification_with_details():
    """Rectifications with the monthly progress and the visits, each with who recorded it."""
    return Rectification.objects.select_related(
        "village__township__parent", "designated_by"
    ).prefetch_related(
        Prefetch(
            "progress",
            queryset=RectificationProgress.objects.select_related("recorded_by").order_by("month"),
        ),
        Prefetch(
            "visits", queryset=FollowUpVisit.objects.select_related("recorded_by").order_by("date")
        ),
    )
