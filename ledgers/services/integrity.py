"""Writes of the chains' verification: the verdict of every village's chain, kept for the
county's integrity page (a machine's verdict: no user acts, no right is asked)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from villages.models import Village

from ..chain import verify_chain
from ..models import ChainCheck, Verification, Voucher

__all__ = ["chains_check"]


def chains_check(villages: QuerySet[Village] | None = None) -> dict[str, int]:
    """Verify the chain of every village that keeps books (or of `villages`) and store each
    verdict, replacing the previous one; each village in its own transaction, so a long run
    keeps what it has done. Returns how many chains were intact and broken."""
    villages = Village.objects.all() if villages is None else villages
    counts = {"intact": 0, "broken": 0}
    keeping_books = villages.filter(
        Exists(Verification.objects.filter(village=OuterRef("pk")))
        | Exists(Voucher.objects.filter(village=OuterRef("pk")))
    )
    for village in keeping_books.order_by("code").only("pk", "code", "name"):
        report = verify_chain(village)
        with transaction.atomic():
            ChainCheck.objects.update_or_create(
                village=village,
                defaults={
                    "checked_at": timezone.now(),
                    "intact": report.intact,
                    "vouchers": report.checked,
                    "anchors": report.anchors,
                    "broken_at": report.where,
                    "reason": report.reason,
                    "area_code": village.code,
                },
            )
        counts["intact" if report.intact else "broken"] += 1
    return counts
