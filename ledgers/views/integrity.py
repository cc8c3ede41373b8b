"""The integrity page: every village's chain as the nightly check last found it, broken ones
first, for the county and the townships (scoped like every list)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.urls import path
from django.views import View
from django.views.generic import TemplateView

from core.querysets import ScopedQuerySet
from core.rights import Right, scope_for
from core.views import ScopedListView
from villages.models import Region

from .. import digests
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
        user = self.request.user
        ctx["townships"] = Region.objects.visible_to(user).townships()
        # Over everything the user sees, whatever the filters: a broken chain is never hidden.
        ctx["broken_count"] = ChainCheck.objects.visible_to(user).filter(intact=False).count()
        ctx["can_download_digests"] = scope_for(self.request.user).anywhere(Right.SUPERVISE)
        return ctx


class SupervisorsOnly(LoginRequiredMixin):
    """The digests cover every village of the installation: county supervisors only."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not scope_for(request.user).anywhere(Right.SUPERVISE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DigestListView(SupervisorsOnly, TemplateView):
    """The signed digests of the chain heads, newest first, with the key that checks them."""

    template_name = "ledgers/digest_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        page = Paginator(digests.digest_files(), 50).get_page(self.request.GET.get("page"))
        try:
            public_key = digests.public_key_text(digests.trusted_public_key())
        except ImproperlyConfigured:
            public_key = ""
        ctx.update(
            page_obj=page,
            object_list=page.object_list,
            is_paginated=page.has_other_pages(),
            public_key=public_key,
        )
        return ctx


class DigestDownloadView(SupervisorsOnly, View):
    def get(self, request: HttpRequest, name: str) -> FileResponse:
        found = digests.digest_file(name)
        if found is None:
            raise Http404
        return FileResponse(found, as_attachment=True, filename=name)


urlpatterns = [
    path("integrity/", ChainCheckListView.as_view(), name="chain-check-list"),
    path("integrity/digests/", DigestListView.as_view(), name="digest-list"),
    path("integrity/digests/<str:name>", DigestDownloadView.as_view(), name="digest-download"),
]
