"""Reads of the signing day (联签): who sat on the two committees and the supervision committee
on a date, the signing day of a village's month, and the vouchers still waiting for theirs."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Left

from cadres.models import Post
from villages.models import Village

from ..choices import VoucherState
from ..models import DecisionPolicy, SignedVoucher, Voucher

__all__ = [
    "committee_members_on",
    "committee_posts_on",
    "signing_date_in",
    "signing_months",
    "signing_day_for",
    "signing_required",
    "unsigned_drafts",
]


def committee_posts_on(village: Village, on: dt.date) -> QuerySet[Post]:
    """The two committees' posts of the village held on the date (the supervision committee
    is not one of them)."""
    return (
        Post.objects.two_committees()
        .sitting_on(on)
        .filter(village=village)
        .select_related("cadre")
        .order_by("kind", "pk")
    )


def committee_members_on(village: Village, on: dt.date) -> int:
    """How many people sat on the two committees that day (one person in two posts counts
    once): the base of the signing's majority."""
    return committee_posts_on(village, on).values("cadre").distinct().count()


def _policy(area_code: str) -> DecisionPolicy | None:
    return DecisionPolicy.objects.filter(area_code=area_code[:6]).first()


def signing_day_for(village: Village, policy: DecisionPolicy | None = None) -> int | None:
    """The village's day of the month for signing: its own, else its county's (None: none)."""
    if village.signing_day:
        return village.signing_day
    policy = policy if policy is not None else _policy(village.code)
    return policy.signing_day if policy else None


def signing_date_in(day: int | None, year: int, month: int) -> dt.date | None:
    """The signing date of a month: the day, or the month's last day when it is shorter."""
    if not day:
        return None
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def signing_required(area_code: str) -> bool:
    """The county's switch: posting waits for the signing day (off by default)."""
    policy = _policy(area_code)
    return policy is not None and policy.posting_needs_signing


def unsigned_drafts(qs: QuerySet[Voucher] | None = None) -> QuerySet[Voucher]:
    """Draft vouchers not yet signed on a signing day (reversals need no signing)."""
    qs = Voucher.objects.all() if qs is None else qs
    return qs.filter(state=VoucherState.DRAFT, reverses__isnull=True).exclude(
        Exists(SignedVoucher.objects.filter(voucher=OuterRef("pk")))
    )


def signing_months() -> Q:
    """A condition on rows with an `area_code` (vouchers): their village signs on a day of
    the month, its own or its county's (the warnings look only there)."""
    county_day = DecisionPolicy.objects.filter(
        area_code=Left(OuterRef("area_code"), 6), signing_day__isnull=False
    )
    return Q(village__signing_day__isnull=False) | Q(Exists(county_day))
