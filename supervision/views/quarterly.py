"""Pages of 四述双评: the list of quarterly reports (and its Excel export), one report with its
comment and score form, its correction and history; a township's quarter sheet (who owes the
quarter's report and who has not given it), recording a report heard; the township's year-end
roll-up and its confirmation; the county's grade bands. Every row is read through the scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.dates import today
from core.excel import xlsx_response
from core.rights import Right, scope_for
from core.views import ScopedDetailView, ScopedListView, apply_validation_error
from villages.changelog import history_context
from villages.models import Region

from .. import selectors, services
from ..choices import PeriodKind, QuarterlyReportState, YearEndGrade
from ..exports_quarterly import quarterly_workbook
from ..forms_quarterly import (
    GradeBandsForm,
    QuarterlyCorrectionForm,
    QuarterlyReportFilterSet,
    QuarterlyReportForm,
    QuarterlyScoreForm,
)
from ..models import QuarterlyReport
from ..periods import Period

TEMPLATES = "supervision/quarterly/"


def _period(request) -> Period:
    """The quarter of `?period=2026Q3` (the current one by default or when unreadable)."""
    code = request.GET.get("period") or request.POST.get("period") or ""
    try:
        period = Period.parse(code)
    except ValidationError:
        period = None
    if period is None or period.kind != PeriodKind.QUARTER:
        period = Period.containing(PeriodKind.QUARTER, today())
    return period


def _year(request) -> int:
    value = request.GET.get("year", "")
    if value.isascii() and value.isdigit() and 2000 <= int(value) <= 2099:
        return int(value)
    return today().year


def _township(request, code: str) -> Region:
    return get_object_or_404(Region.objects.visible_to(request.user).townships(), code=code)


class QuarterlyReportListView(ScopedListView):
    """The current reports in scope (a corrected report shows as its correction), newest
    quarter first, with filters, sorting and the export."""

    model = QuarterlyReport
    filterset_class = QuarterlyReportFilterSet
    template_name = TEMPLATES + "report_list.html"
    default_ordering = ("-year", "-quarter", "area_code", "pk")

    def base_queryset(self):
        return selectors.quarterly_reports().current()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            period=Period.containing(PeriodKind.QUARTER, today()),
        )
        return ctx


class QuarterlyExportView(LoginRequiredMixin, View):
    """The filtered reports as an Excel workbook (the list's filters)."""

    def get(self, request):
        reports = (
            selectors.quarterly_reports()
            .current()
            .visible_to(request.user)
            .order_by("-year", "-quarter", "area_code", "pk")
        )
        filterset = QuarterlyReportFilterSet(request.GET or None, queryset=reports, request=request)
        if filterset.is_bound:
            reports = filterset.qs
        return xlsx_response(
            quarterly_workbook(reports), f"quarterly-reports-{today():%Y%m%d}.xlsx"
        )


class QuarterlyReportDetailView(ScopedDetailView):
    """One report: the four parts, the comment and score (or the form to record them), the
    correction it made or that replaced it, the history."""

    model = QuarterlyReport
    template_name = TEMPLATES + "report_detail.html"

    def base_queryset(self):
        return selectors.quarterly_reports().select_related("corrects")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.object
        may_edit = scope_for(self.request.user).allows(Right.EDIT, report.area_code)
        ctx.update(
            report=report,
            may_score=may_edit and report.state == QuarterlyReportState.REPORTED,
            may_correct=may_edit and report.is_scored and not hasattr(report, "correction"),
            score_form=kwargs.get("score_form") or QuarterlyScoreForm(),
            **history_context(self.request, report),
        )
        return ctx


class QuarterlyScoreView(QuarterlyReportDetailView):
    """POST: record the on-the-spot comment and the score (the report's page shows the form)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        report = self.get_object()
        if not scope_for(request.user).allows(Right.EDIT, report.area_code):
            raise PermissionDenied
        form = QuarterlyScoreForm(request.POST)
        if form.is_valid():
            try:
                services.quarterly_report_score(
                    actor=request.user, report=report, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Comment and score recorded."))
                return redirect(reverse("supervision:quarterly-detail", args=[report.pk]))
        self.object = report
        return self.render_to_response(self.get_context_data(score_form=form), status=400)


class QuarterlyCorrectView(ScopedDetailView, FormView):
    """Correct a scored report: a new report of the same quarter, to be scored again."""

    model = QuarterlyReport
    template_name = TEMPLATES + "report_correct.html"
    form_class = QuarterlyCorrectionForm

    def base_queryset(self):
        return selectors.quarterly_reports()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
            if not scope_for(request.user).allows(Right.EDIT, self.object.area_code):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {k: getattr(self.object, k) for k in ("duties", "integrity", "law", "ethics")}

    def form_valid(self, form):
        try:
            fixed = services.quarterly_report_correct(
                actor=self.request.user, report=self.object, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Correction recorded: comment and score it again."))
        return redirect(reverse("supervision:quarterly-detail", args=[fixed.pk]))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("report", self.object)
        return super().get_context_data(**kwargs)


class QuarterSheetView(LoginRequiredMixin, TemplateView):
    """A township's quarter: everyone owing the report, those who have not reported first."""

    template_name = TEMPLATES + "sheet.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        township = _township(self.request, self.kwargs["code"])
        period = _period(self.request)
        rows = selectors.quarter_sheet(self.request.user, township, period.year, period.number)
        entries = [(r, r.reports.get(period.number)) for r in rows]
        ctx.update(
            township=township,
            period=period,
            previous=period.previous(),
            next=period.next() if period.next().start <= today() else None,
            entries=entries,
            missing=sum(1 for _r, report in entries if report is None),
            may_record=scope_for(self.request.user).allows(Right.EDIT, township.code),
        )
        return ctx


class QuarterlyRecordView(LoginRequiredMixin, FormView):
    """Record a report heard by the township (and, if given, its comment and score)."""

    template_name = TEMPLATES + "report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.township = _township(request, kwargs["code"])
            if not scope_for(request.user).allows(Right.EDIT, self.township.code):
                raise PermissionDenied
            self.period = _period(request)
            rows = selectors.quarter_sheet(
                request.user, self.township, self.period.year, self.period.number
            )
            self.rows = {r.choice: r for r in rows if r.reports.get(self.period.number) is None}
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        reporters = [(key, f"{r.name} · {'、'.join(r.where)}") for key, r in self.rows.items()]
        initial = {"reported_on": min(today(), self.period.end)}
        if self.request.GET.get("reporter") in self.rows:
            initial["reporter"] = self.request.GET["reporter"]
        data = self.request.POST if self.request.method == "POST" else None
        return QuarterlyReportForm(data, reporters=reporters, initial=initial)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        reporter = self.rows[data.pop("reporter")]
        who = (
            {"cadre": reporter.obj}
            if reporter.is_cadre
            else {
                "person": reporter.obj,
                "township": self.township,
            }
        )
        try:
            report = services.quarterly_report_hear(
                actor=self.request.user,
                year=self.period.year,
                quarter=self.period.number,
                **who,
                **data,
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Report recorded."))
        return redirect(reverse("supervision:quarterly-detail", args=[report.pk]))

    def get_context_data(self, **kwargs):
        return super().get_context_data(township=self.township, period=self.period, **kwargs)


class YearRollupView(LoginRequiredMixin, TemplateView):
    """A township's year: each person's quarters, average, overall score and grade; the
    township confirms the year-end evaluation here (POST)."""

    template_name = TEMPLATES + "year.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        township = kwargs.get("township") or _township(self.request, self.kwargs["code"])
        year = kwargs.get("year") or _year(self.request)
        rows = selectors.year_rollup(self.request.user, township, year)
        bands = selectors.bands_for(township.code, year)
        grades = {g: sum(1 for r in rows if r.rollup.grade == g) for g in YearEndGrade}
        ctx.update(
            township=township,
            year=year,
            rows=rows,
            bands=bands,
            grades=[(YearEndGrade(g).label, n) for g, n in grades.items()],
            quarters=[1, 2, 3, 4],
            confirmed=bool(rows) and all(r.evaluation for r in rows),
            may_set_bands=scope_for(self.request.user).allows(Right.SUPERVISE, township.code[:6]),
            may_confirm=scope_for(self.request.user).allows(Right.EDIT, township.code)
            and any(r.evaluation is None for r in rows),
        )
        return ctx

    def post(self, request, code):
        township = _township(request, code)
        if not scope_for(request.user).allows(Right.EDIT, township.code):
            raise PermissionDenied
        year = request.POST.get("year", "")
        if not (year.isascii() and year.isdigit() and 2000 <= int(year) <= 2099):
            raise Http404
        try:
            done = services.year_end_confirm(actor=request.user, township=township, year=int(year))
        except ValidationError as e:
            for message in e.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Year-end evaluations confirmed: %(n)d.") % {"n": len(done)}
            )
        return redirect(
            reverse("supervision:quarterly-year", args=[township.code]) + f"?year={year}"
        )


class GradeBandsView(LoginRequiredMixin, FormView):
    """The county supervisor's grade bands (each setting a new version, from a year on)."""

    template_name = TEMPLATES + "bands.html"
    form_class = GradeBandsForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.county = get_object_or_404(
                Region.objects.visible_to(request.user).counties(), code=kwargs["code"]
            )
            if not scope_for(request.user).allows(Right.SUPERVISE, self.county.code):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"from_year": today().year}

    def form_valid(self, form):
        try:
            services.grade_bands_set(
                actor=self.request.user, county=self.county, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Grade bands saved."))
        return redirect(reverse("supervision:quarterly-bands", args=[self.county.code]))

    def get_context_data(self, **kwargs):
        versions = selectors.grade_bands_of(self.request.user, self.county)
        return super().get_context_data(county=self.county, versions=versions, **kwargs)


class QuarterlyHomeView(LoginRequiredMixin, View):
    """The menu's entry: the township's quarter sheet for its staff, the list for the others."""

    def get(self, request):
        townships = list(Region.objects.visible_to(request.user).townships()[:2])
        if len(townships) == 1:
            return redirect(reverse("supervision:quarterly-sheet", args=[townships[0].code]))
        return redirect(reverse("supervision:quarterly-list"))


urlpatterns = [
    path("quarterly/", QuarterlyHomeView.as_view(), name="quarterly-home"),
    path("quarterly/reports/", QuarterlyReportListView.as_view(), name="quarterly-list"),
    path("quarterly/reports/export/", QuarterlyExportView.as_view(), name="quarterly-export"),
    path(
        "quarterly/reports/<int:pk>/", QuarterlyReportDetailView.as_view(), name="quarterly-detail"
    ),
    path("quarterly/reports/<int:pk>/score/", QuarterlyScoreView.as_view(), name="quarterly-score"),
    path(
        "quarterly/reports/<int:pk>/correct/",
        QuarterlyCorrectView.as_view(),
        name="quarterly-correct",
    ),
    path("quarterly/townships/<str:code>/", QuarterSheetView.as_view(), name="quarterly-sheet"),
    path(
        "quarterly/townships/<str:code>/record/",
        QuarterlyRecordView.as_view(),
        name="quarterly-record",
    ),
    path("quarterly/townships/<str:code>/year/", YearRollupView.as_view(), name="quarterly-year"),
    path("quarterly/counties/<str:code>/bands/", GradeBandsView.as_view(), name="quarterly-bands"),
]
