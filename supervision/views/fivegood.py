"""Pages of the 五好 rating: the list by year, state and township (with its Excel export); the
county's criteria; the township's proposal for a village and year over the evidence of the
year's records; one rating with its evidence, outcomes, the county's steps and its history.
Each form calls one service, which checks the right and the transition again."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.dates import today
from core.rates import format_percent
from core.rights import Right, scope_for
from core.views import (
    ScopedDetailView,
    ScopedExportView,
    ScopedListView,
    ScopedObjectMixin,
    apply_validation_error,
)
from villages.changelog import history_context
from villages.models import Region, Village

from .. import selectors, services
from ..choices import FiveGood, RatingState, WarningLevel
from ..exports_fivegood import fivegood_workbook
from ..forms_fivegood import (
    AssessmentForm,
    ChooseVillageForm,
    ConfirmForm,
    CorrectForm,
    CriteriaForm,
    FiveGoodRatingFilterSet,
    ProposeForm,
    ReturnForm,
)
from ..models import FIVE_GOOD_FIELDS, FiveGoodRating

TEMPLATES = "supervision/fivegood/"

#: the facts shown under each 好: (key of the evidence, label, how to show it)
EVIDENCE_LINES = {
    FiveGood.TEAM: [
        ("reviews_graded", gettext_lazy("Cadres graded in the reviews"), "count"),
        ("good_grade_rate", gettext_lazy("Graded excellent or competent"), "rate"),
        ("reviews_incompetent", gettext_lazy("Graded incompetent"), "count"),
    ],
    FiveGood.LEADER: [
        ("annual_decided", gettext_lazy("Annual certificate inspections decided"), "count"),
        ("annual_failed", gettext_lazy("Failed"), "count"),
        ("certificates_suspended", gettext_lazy("Certificates suspended"), "count"),
        ("fulfilment_rate", gettext_lazy("Pledges fulfilled"), "rate"),
    ],
    FiveGood.SYSTEM: [
        ("duties_planned", gettext_lazy("Duties of the year"), "count"),
        ("on_time_rate", gettext_lazy("Done on time"), "rate"),
        ("duties_overdue", gettext_lazy("Overdue"), "count"),
        ("disclosures", gettext_lazy("Disclosures published"), "count"),
    ],
    FiveGood.RESULTS: [
        ("inspections", gettext_lazy("Inspections completed"), "count"),
        ("inspection_score", gettext_lazy("Average inspection score"), "score"),
        ("problems_opened", gettext_lazy("Problems registered"), "count"),
        ("closure_rate", gettext_lazy("Struck off"), "rate"),
        ("problems_overdue", gettext_lazy("Problems overdue"), "count"),
    ],
    FiveGood.REPUTATION: [
        ("ballots", gettext_lazy("Ballots counted"), "count"),
        ("satisfaction_rate", gettext_lazy("Satisfaction"), "rate"),
        ("warning_level", gettext_lazy("Warning"), "level"),
    ],
}


def _shown(value, kind: str) -> str:
    if kind == "rate":
        return format_percent(value)
    if kind == "level":
        return str(WarningLevel(int(value or 0)).label)
    if value is None or value == "":
        return "—"
    return str(value)


def evidence_blocks(evidence: dict, criteria: dict, met=None, notes=None) -> list[dict]:
    """Per 好: its label, the county's description and threshold, the facts of the evidence,
    and (on a rating) its outcome and note, or (on a proposal) what the evidence suggests."""
    blocks = []
    for good in FIVE_GOOD_FIELDS:
        c = criteria.get(good, {})
        blocks.append(
            {
                "good": good,
                "label": FiveGood(good).label,
                "description": c.get("description", ""),
                "threshold": format_percent(c.get("threshold"), trim=True),
                "lines": [
                    (label, _shown(evidence.get(key), kind))
                    for key, label, kind in EVIDENCE_LINES[good]
                ],
                "met": None if met is None else met.get(good),
                "note": (notes or {}).get(good, ""),
            }
        )
    return blocks


def _criteria_json(county_code: str) -> dict:
    return {
        c.good: {"description": c.description, "threshold": str(c.threshold)}
        for c in selectors.fivegood_criteria(county_code)
    }


def _detail_url(rating) -> str:
    return reverse("supervision:fivegood-detail", args=[rating.pk])


class FiveGoodListView(ScopedListView):
    """The current ratings in scope (corrected ones replaced by their correction)."""

    model = FiveGoodRating
    filterset_class = FiveGoodRatingFilterSet
    template_name = TEMPLATES + "rating_list.html"
    default_ordering = ("-year", "area_code")

    def base_queryset(self):
        return selectors.fivegood_ratings().current()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = today().year
        params = self.request.GET.copy()
        params.pop("page", None)
        scope = scope_for(self.request.user)
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            states=RatingState.choices,
            years=list(range(year, year - 6, -1)),
            may_propose=scope.anywhere(Right.EDIT),
            goods=[FiveGood(g).label for g in FIVE_GOOD_FIELDS],
            export_query=params.urlencode(),
        )
        return ctx


class FiveGoodExportView(ScopedExportView):
    """The list as Excel, with the list's filters."""

    filterset_class = FiveGoodRatingFilterSet
    filename = "five-good"

    def base_queryset(self):
        return selectors.fivegood_ratings().current()

    def workbook(self, queryset):
        return fivegood_workbook(queryset.order_by("-year", "area_code"))


class FiveGoodCriteriaView(LoginRequiredMixin, TemplateView):
    """A county's five criteria: read by everyone in the county, set by its supervisors.
    `?county=<code>` for a user of several counties (default: the first)."""

    template_name = TEMPLATES + "criteria.html"

    def county(self) -> str:
        counties = selectors.fivegood_counties(self.request.user)
        wanted = self.request.GET.get("county", "")
        if wanted:
            if wanted not in counties:
                raise Http404
            return wanted
        if not counties:
            raise Http404
        return counties[0]

    def may_do(self, code: str) -> bool:
        return scope_for(self.request.user).allows(Right.SUPERVISE, code)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        code = self.county()
        criteria = selectors.fivegood_criteria(code)
        form = kwargs.get("form")
        if form is None and self.may_do(code):
            initial = {}
            for c in criteria:
                initial[f"{c.good}_description"] = c.description
                initial[f"{c.good}_threshold"] = (c.threshold * 100).quantize(Decimal("0.1"))
            form = CriteriaForm(initial=initial)
        ctx.update(
            county_name=selectors.fivegood_county_name(code),
            criteria=criteria,
            form=form,
            title=_("五好 criteria"),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        code = self.county()
        if not self.may_do(code):
            raise PermissionDenied
        form = CriteriaForm(request.POST)
        if form.is_valid():
            try:
                services.fivegood_criteria_set(
                    actor=request.user, county_code=code, criteria=form.criteria()
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Criteria saved."))
                return redirect(f"{request.path}?county={code}")
        return self.render_to_response(self.get_context_data(form=form))


class FiveGoodProposeView(LoginRequiredMixin, TemplateView):
    """The township proposes a village's rating of a year (`?village=<code>&year=`): the
    evidence of the year's records under each 好, the form pre-filled with what it suggests
    (or with the returned proposal)."""

    template_name = TEMPLATES + "propose.html"

    def villages(self):
        return Village.objects.editable_by(self.request.user).with_township().order_by("code")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.villages().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def chosen(self):
        """The village and year asked for, or None while they are to be chosen."""
        choose = ChooseVillageForm(
            self.request.GET or None,
            villages=self.villages(),
            initial={"year": today().year},
        )
        if not choose.is_bound or not choose.is_valid():
            return choose, None, None
        return choose, choose.cleaned_data["village"], choose.cleaned_data["year"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        choose, village, year = self.chosen()
        ctx.update(choose=choose, village=village, year=year, title=_("Propose a 五好 rating"))
        if village is None:
            return ctx
        rating = (
            FiveGoodRating.objects.visible_to(self.request.user)
            .filter(village=village, year=year)
            .current()
            .first()
        )
        if rating is not None and not services.rating_step_allowed(
            self.request.user, rating, "propose"
        ):
            ctx["existing"] = rating
            return ctx
        evidence = selectors.fivegood_evidence(prefix=village.code, year=year).get(
            village.code, selectors.FiveGoodEvidence()
        )
        criteria = selectors.fivegood_criteria(village.code)
        suggested = selectors.fivegood_suggestions(evidence, criteria)
        form = kwargs.get("form")
        if form is None:
            if rating is not None:  # returned: start from the proposal sent back
                met = {g: getattr(rating, f"{g}_met") for g in FIVE_GOOD_FIELDS}
                notes = {g: getattr(rating, f"{g}_note") for g in FIVE_GOOD_FIELDS}
                form = ProposeForm(initial=AssessmentForm.initial_from(met, notes))
            else:
                form = ProposeForm(initial=AssessmentForm.initial_from(suggested))
        ctx.update(
            rating=rating,
            form=form,
            blocks=evidence_blocks(evidence.as_json(), _criteria_json(village.code), met=suggested),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        _choose, village, year = self.chosen()
        if village is None:
            raise Http404
        form = ProposeForm(request.POST)
        if form.is_valid():
            try:
                rating = services.fivegood_propose(
                    actor=request.user, village=village, year=year, assessments=form.assessments()
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Rating proposed; it waits for the county."))
                return redirect(_detail_url(rating))
        return self.render_to_response(self.get_context_data(form=form))


#: slug → (form, title) of the county's steps on one rating
STEPS = {
    "confirm": (ConfirmForm, gettext_lazy("Confirm the rating")),
    "return": (ReturnForm, gettext_lazy("Return to the township")),
    "correct": (CorrectForm, gettext_lazy("Correct the confirmed rating")),
}


def _run_step(step: str, actor, rating, form) -> FiveGoodRating:
    data = form.cleaned_data
    if step == "confirm":
        return services.fivegood_confirm(actor=actor, rating=rating, note=data["note"])
    if step == "return":
        return services.fivegood_return(actor=actor, rating=rating, note=data["note"])
    return services.fivegood_correct(
        actor=actor, rating=rating, assessments=form.assessments(), reason=data["reason"]
    )


class FiveGoodDetailView(ScopedDetailView):
    """One rating: evidence and criteria as copied at the proposal, the five outcomes, the
    county's decision, the correction it replaced or that replaced it, the steps, history."""

    model = FiveGoodRating
    template_name = TEMPLATES + "rating_detail.html"
    context_object_name = "rating"

    def base_queryset(self):
        return selectors.fivegood_ratings()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        bound = kwargs.get("bound") or {}
        steps = []
        for slug, (form_class, title) in STEPS.items():
            if services.rating_step_allowed(user, r, slug):
                initial = {}
                if slug == "correct":
                    initial = AssessmentForm.initial_from(
                        {g: getattr(r, f"{g}_met") for g in FIVE_GOOD_FIELDS},
                        {g: getattr(r, f"{g}_note") for g in FIVE_GOOD_FIELDS},
                    )
                steps.append(
                    {
                        "slug": slug,
                        "title": title,
                        "form": bound.get(slug) or form_class(initial=initial),
                        "url": reverse("supervision:fivegood-step", args=[r.pk, slug]),
                    }
                )
        met = {g: getattr(r, f"{g}_met") for g in FIVE_GOOD_FIELDS}
        notes = {g: getattr(r, f"{g}_note") for g in FIVE_GOOD_FIELDS}
        ctx.update(
            village=r.village,
            blocks=evidence_blocks(r.evidence, r.criteria, met=met, notes=notes),
            steps=steps,
            may_repropose=services.rating_step_allowed(user, r, "propose"),
            propose_url=f"{reverse('supervision:fivegood-propose')}?village={r.area_code}"
            f"&year={r.year}",
            correction=FiveGoodRating.objects.visible_to(user).filter(pk=r.correction_pk).first()
            if r.correction_pk
            else None,
            **history_context(self.request, r),
        )
        return ctx


class FiveGoodStepView(ScopedObjectMixin, View):
    """POST one of the county's steps (confirm, return, correct); a refusal shows on the page."""

    model = FiveGoodRating
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    required_right = None

    def base_queryset(self):
        return selectors.fivegood_ratings()

    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        rating = self.get_object()
        if not scope_for(request.user).allows(Right.SUPERVISE, rating.area_code):
            raise PermissionDenied
        if not services.rating_step_allowed(request.user, rating, step):
            messages.error(request, _("This step is not possible in the rating's state."))
            return redirect(_detail_url(rating))
        form_class, _title = STEPS[step]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                result = _run_step(step, request.user, rating, form)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect(_detail_url(result))
        detail = FiveGoodDetailView()
        detail.setup(request, pk=pk)
        detail.object = detail.get_object()
        ctx = detail.get_context_data(object=detail.object, bound={step: form})
        return TemplateResponse(request, detail.template_name, ctx)


urlpatterns = [
    path("five-good/", FiveGoodListView.as_view(), name="fivegood-list"),
    path("five-good/export/", FiveGoodExportView.as_view(), name="fivegood-export"),
    path("five-good/criteria/", FiveGoodCriteriaView.as_view(), name="fivegood-criteria"),
    path("five-good/propose/", FiveGoodProposeView.as_view(), name="fivegood-propose"),
    path("five-good/<int:pk>/", FiveGoodDetailView.as_view(), name="fivegood-detail"),
    path("five-good/<int:pk>/<slug:step>/", FiveGoodStepView.as_view(), name="fivegood-step"),
]
