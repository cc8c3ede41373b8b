"""The 公开榜 (issue #20, item 4): a village's public page in summary for one quarter, printed on
A4 or A3 for the village's notice board, with a QR code that leads to the public page. Everything
on it is what the public page shows anyone: names and posts, promises, figures, never an ID
number or a private phone."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone

from ledgers.models import Disclosure
from supervision.periods import Period
from supervision.selectors.public import public_village_record
from villages.models import Village

from .pdf import Pdf, qr_svg, render_document

__all__ = ["BOARD_SIZES", "board_context", "render_board"]

#: the paper sizes of the 公开榜 and the columns each lays its sections out in
BOARD_SIZES = {"a4": 2, "a3": 3}
TEMPLATE = "reports/board/board.html"


def board_context(village: Village, period: Period, size: str, public_url: str) -> dict[str, Any]:
    """What the 公开榜 of `village` for the quarter `period` shows, on paper `size`."""
    first, last = period.start, period.end
    statements = list(
        Disclosure.objects.published()
        .filter(village=village, start__range=(first, last))
        .annotate(
            chain_seq=KT("content__chain_head__seq"), chain_hash=KT("content__chain_head__hash")
        )
        .defer("content")
        .order_by("start", "kind")
    )
    decisions = list(
        village.decisions.filter(resolution_published_on__lte=last)
        .filter(Q(result_published_on__isnull=True) | Q(result_published_on__gte=first))
        .order_by("resolution_published_on", "pk")
    )
    return {
        **public_village_record(village, between=(first, last)),
        "village": village,
        "period": period,
        "size": size,
        "columns": BOARD_SIZES[size],
        "statements": statements,
        "decisions": decisions,
        "public_url": public_url,
        "public_qr": qr_svg(public_url, scale=4),
        "printed_on": timezone.localdate(),
    }


def render_board(village: Village, period: Period, size: str, *, request) -> Pdf:
    """The 公开榜 as a PDF; its QR code leads to the village's public page."""
    url = request.build_absolute_uri(reverse("public:village", args=[village.code]))
    return render_document(TEMPLATE, board_context(village, period, size, url), request=request)
