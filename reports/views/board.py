"""The 公开榜 of a village for a quarter, A4 or A3 PDF (issue #20, item 4), under /public/: anyone
may download it (it is the public page in summary); anonymous copies come from the public pages'
cache until the village publishes something (core/public_cache.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views import View

from core.dates import today
from core.public_cache import PublicCacheMixin
from supervision.choices import PeriodKind
from supervision.periods import Period
from villages.models import Village

from ..board import BOARD_SIZES, render_board


def board_period(code: str) -> Period:
    """The quarter of `code` (2026Q3), else a 404."""
    try:
        period = Period.parse(code)
    except ValidationError:
        raise Http404 from None
    if period.kind != PeriodKind.QUARTER or period.start > today():
        raise Http404
    return period


class PublicBoardView(PublicCacheMixin, View):
    """The 公开榜 PDF of a village for a quarter on A4 or A3."""

    def base_queryset(self):
        # Public on purpose: what the board shows is the public page's (nothing personal).
        return Village.objects.with_township()

    def get(self, request, code, period, size):
        if size not in BOARD_SIZES:
            raise Http404
        quarter = board_period(period)
        village = get_object_or_404(self.base_queryset(), code=code)
        pdf = render_board(village, quarter, size, request=request)
        response = HttpResponse(pdf.content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="board-{village.code}-{quarter}-{size}.pdf"'
        )
        return response


class PublicBoardCurrentView(View):
    """The 公开榜 of the quarter under way (the link printed on the pages)."""

    def get(self, request, code, size):
        if size not in BOARD_SIZES:
            raise Http404
        quarter = Period.containing(PeriodKind.QUARTER, today())
        return redirect("public:board", code, str(quarter), size)


#: mounted under /public/ by reports/public_urls.py
public_urlpatterns = [
    path(
        "villages/<str:code>/board/<str:period>/<str:size>.pdf",
        PublicBoardView.as_view(),
        name="board",
    ),
    path(
        "villages/<str:code>/board/<str:size>.pdf",
        PublicBoardCurrentView.as_view(),
        name="board-current",
    ),
]
