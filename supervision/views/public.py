"""The village's public page with its supervision (阳光村务, issue #20): the ledger's public page
(statements, 四议两公开 decisions) and what villagers may see of the two certificates, the
public reports, the hearings and the problems they raised. No login, nothing personal."""

from __future__ import annotations

from django.urls import path

from core.dates import today
from core.public_cache import PublicCacheMixin
from ledgers.views.disclosure import PublicVillageView as LedgerPublicVillageView
from ledgers.views.disclosure import public_urlpatterns as ledger_public_urlpatterns

from ..choices import PeriodKind
from ..periods import Period
from ..selectors.public import public_village_record


class PublicVillageView(PublicCacheMixin, LedgerPublicVillageView):
    """A village's public page: its statements and decisions, and its supervision; cached until
    the village publishes something (core/public_cache.py)."""

    template_name = "supervision/public_village.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        quarter = Period.containing(PeriodKind.QUARTER, today())
        # The printable 公开榜 (reports.views.board) of this quarter and the last.
        boards = [quarter, quarter.previous()]
        return {**ctx, **public_village_record(ctx["village"]), "board_quarters": boards}


#: /public/: the ledger's public pages, with the village page that adds the supervision
public_urlpatterns = [
    path("villages/<str:code>/", PublicVillageView.as_view(), name="village"),
    *(p for p in ledger_public_urlpatterns if p.name != "village"),
]
