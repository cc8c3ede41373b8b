"""Pages of the warnings part of 双监督 (预警): the board of the township and the county, and
acknowledging a warning. Every village a user sees is on the board if its warning is raised;
acknowledging is for the township's and the county's managers (`Right.EDIT`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.rights import Right, scope_for
from core.views import ScopedListView, ScopedObjectMixin
from villages.models import Region

from .. import services
from ..choices import WarningRule
from ..filtersets_warnings import RAISED_LEVELS, VillageWarningFilterSet
from ..forms_warnings import WarningAcknowledgeForm
from ..models import VillageWarning
from ..selectors.warnings import warning_level_counts


class WarningBoardView(ScopedListView):
    """The villages with a warning: counts per level, reasons, since, acknowledgement."""

    model = VillageWarning
    filterset_class = VillageWarningFilterSet
    template_name = "supervision/warnings/board.html"
    default_ordering = ("-level", "since", "area_code")

    def base_queryset(self):
        return VillageWarning.objects.raised().select_related(
            "village__township", "acknowledged_by"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        in_area = VillageWarning.objects.visible_to(user).raised()
        township = self.request.GET.get("township", "")
        if township.isdigit():
            in_area = in_area.filter(area_code__startswith=township)
        scope = scope_for(user)
        for warning in ctx["object_list"]:
            warning.may_acknowledge = warning.acknowledged_at is None and scope.allows(
                Right.EDIT, warning.area_code
            )
        ctx.update(
            counts=warning_level_counts(in_area),
            townships=Region.objects.visible_to(user).townships(),
            levels=RAISED_LEVELS,
            rules=WarningRule.choices,
            acknowledge_form=WarningAcknowledgeForm(),
            next_url=self.request.get_full_path(),
        )
        return ctx


class WarningAcknowledgeView(ScopedObjectMixin, View):
    """POST: a manager of the village's township or county acknowledges its warning."""

    model = VillageWarning
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    http_method_names = ["post"]

    def scope_code(self, obj) -> str:
        return obj.area_code

    def post(self, request, *args, **kwargs):
        warning = self.get_object()  # 404 outside the scope, 403 where the user may only read
        form = WarningAcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                services.warning_acknowledge(
                    actor=request.user, warning=warning, note=form.cleaned_data["note"]
                )
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(
                    request,
                    _("Warning of %(village)s acknowledged.") % {"village": warning.village},
                )
        else:
            messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("supervision:warning-board")
        return redirect(target)


urlpatterns = [
    path("warnings/", WarningBoardView.as_view(), name="warning-board"),
    path(
        "warnings/<int:pk>/acknowledge/",
        WarningAcknowledgeView.as_view(),
        name="warning-acknowledge",
    ),
]
