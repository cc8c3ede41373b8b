"""The integrity page: every village's chain as the nightly check last found it, broken ones
first, for the county and the townships (scoped like every list)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path

from core.querysets import ScopedQuerySet
from core.views import ScopedListView
from villages.models import Region

from ..filtersets import ChainCheckFilterSet
from ..models import ChainCheck


class ChainCheckListView(ScopedListView):
    model = ChainCheck
    filterset_class = ChainCheckFilterSet
    template_name = "ledgers/chain_check_list.html"
    default_ordering = ("intact", "area_code")
    paginate_by = 50

    def base_queryset(self) -> ScopedQuerySet[Any]:
        return ChainCheck.objects.select_related("village", "village__township")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        checks: QuerySet[ChainCheck] = self.get_queryset()
        ctx["townships"] = Region.objects.visible_to(self.request.user).townships()
        ctx["broken_count"] = checks.filter(intact=False).count()
        return ctx


urlpatterns = [
    path("integrity/", ChainCheckListView.as_view(), name="chain-check-list"),
]
