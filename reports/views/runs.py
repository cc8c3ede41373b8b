"""Pages of the report runs: the list with the request form, one run with its progress (polled
by htmx while it runs) and its earlier versions, and the download of its file."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.dates import today
from core.forms import CleanForm
from core.views import ScopedDetailView, ScopedListView, apply_validation_error
from supervision.choices import PeriodKind
from supervision.periods import Period
from villages.models import Region, Village

from .. import services
from ..choices import ReportKind, RunState
from ..downloads import report_file_response
from ..filtersets_runs import ReportRunFilterSet
from ..models import ReportRun

TEMPLATES = "reports/runs/"
#: villages offered in the area picker (a county has a few hundred)
MAX_VILLAGE_CHOICES = 2000


class ReportRequestForm(CleanForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Report"), choices=ReportKind.choices, initial=ReportKind.QUARTERLY
    )
    # A select of the areas the user sees: nobody types a code (issue #16); an area outside
    # the scope is no choice, refused with the service's own words.
    area = forms.ChoiceField(
        label=gettext_lazy("Report scope"),
        error_messages={"invalid_choice": gettext_lazy("You may not see reports of this area.")},
    )
    period = forms.CharField(
        label=gettext_lazy("Quarter"), max_length=7, help_text=gettext_lazy("e.g. 2026Q3")
    )

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "---------"), *areas]


def area_names(user, codes) -> dict[str, str]:
    """Names of the areas (regions and villages) of `codes` the user may see: two queries."""
    codes = set(codes)
    names = dict(Region.objects.visible_to(user).filter(code__in=codes).values_list("code", "name"))
    villages = Village.objects.visible_to(user).filter(code__in=codes)
    for code, township, name in villages.values_list("code", "township__name", "name"):
        names[code] = f"{township}{name}"
    return names


def area_choices(user) -> list[tuple[str, str]]:
    """The areas offered in the request form: regions in scope, then villages."""
    regions = [
        (code, name)
        for code, name in Region.objects.visible_to(user)
        .filter(level__in=["county", "township"])
        .order_by("code")
        .values_list("code", "name")
    ]
    villages = (
        Village.objects.visible_to(user)
        .order_by("code")
        .values_list("code", "township__name", "name")[:MAX_VILLAGE_CHOICES]
    )
    return regions + [(code, f"{township}{name}") for code, township, name in villages]


class ReportRunListView(ScopedListView):
    """The runs the user may see, filtered; a form to request a report (POST)."""

    model = ReportRun
    filterset_class = ReportRunFilterSet
    template_name = TEMPLATES + "run_list.html"
    default_ordering = ("-created_at", "-pk")

    def base_queryset(self):
        return ReportRun.objects.select_related("requested_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        runs = ctx["object_list"]
        names = area_names(user, [run.area_code for run in runs])
        for run in runs:
            run.area_name = names.get(run.area_code, run.area_code)
        last_quarter = Period.containing(PeriodKind.QUARTER, today()).previous()
        areas = area_choices(user)
        form = kwargs.get("form") or ReportRequestForm(
            areas=areas,
            initial={
                "area": self.request.GET.get("area", ""),
                "period": self.request.GET.get("period") or str(last_quarter),
            },
        )
        ctx.update(
            form=form,
            areas=areas,
            kinds=ReportKind.choices,
            states=RunState.choices,
        )
        return ctx

    def post(self, request, *args, **kwargs):
        form = ReportRequestForm(request.POST, areas=area_choices(request.user))
        if form.is_valid():
            try:
                run, created = services.report_request(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    area_code=form.cleaned_data["area"],
                    period=form.cleaned_data["period"],
                )
            except PermissionDenied:
                form.add_error("area", _("You may not see reports of this area."))
            except ValidationError as e:
                apply_validation_error(form, _field_names(e))
            else:
                if not created:
                    messages.info(request, _("This report is being generated already."))
                return redirect("reports:report-run", run.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _field_names(error: ValidationError) -> ValidationError:
    """The service names the area `area_code`; the form calls it `area`."""
    if hasattr(error, "error_dict") and "area_code" in error.error_dict:
        error.error_dict["area"] = error.error_dict.pop("area_code")
    return error


class ReportRunDetailView(ScopedDetailView):
    """One run: state, progress bar (htmx polls the bar while the run is active), download,
    and the earlier versions of the same report."""

    model = ReportRun
    template_name = TEMPLATES + "run_detail.html"
    slug_url_kwarg = None  # by pk

    def base_queryset(self):
        return ReportRun.objects.select_related("requested_by")

    def get_template_names(self):
        if self.request.htmx:
            return [TEMPLATES + "_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run, user = self.object, self.request.user
        run.area_name = area_names(user, [run.area_code]).get(run.area_code, run.area_code)
        ctx.update(
            run=run,
            active=run.state in (RunState.QUEUED, RunState.RUNNING),
            period_label=Period.parse(run.period).label(),
        )
        if not self.request.htmx:
            ctx["versions"] = (
                ReportRun.objects.visible_to(user)
                .filter(kind=run.kind, area_code=run.area_code, period=run.period)
                .exclude(pk=run.pk)
                .select_related("requested_by")
                .order_by("-version")
            )
        return ctx


class ReportDownloadView(LoginRequiredMixin, View):
    """The PDF of a finished run, to users who may see its area (404 otherwise): streamed, or
    a redirect to a short-lived link to its object when reports live in a bucket."""

    def get(self, request, pk):
        run = get_object_or_404(ReportRun.objects.visible_to(request.user).done(), pk=pk)
        if not run.file:
            raise Http404
        return report_file_response(run)


urlpatterns = [
    path("runs/", ReportRunListView.as_view(), name="report-runs"),
    path("runs/<int:pk>/", ReportRunDetailView.as_view(), name="report-run"),
    path("runs/<int:pk>/download/", ReportDownloadView.as_view(), name="report-download"),
]
