"""The yearly 述职评议 of village party secretaries, the townships' yellow cards (黄牌警告), the
county's pipeline norms and the villages below the reserve norm; corrections of trainings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.dates import today
from core.rights import Right, scope_for
from core.views import (
    ScopedDetailView,
    ScopedExportView,
    ScopedListView,
    ScopedObjectMixin,
    apply_validation_error,
)
from villages.changelog import history_context
from villages.models import Region

from .. import selectors, services, services_appraisal
from ..choices import SECRETARY_SEAT, AppraisalGrade, AppraisalState
from ..exports import export_appraisals
from ..filtersets import SecretaryAppraisalFilterSet, YellowCardFilterSet
from ..forms_appraisal import (
    AppraisalCorrectForm,
    AppraisalCreateForm,
    AppraisalFieldsForm,
    PipelinePolicyForm,
    TrainingDeleteForm,
    TrainingEditForm,
)
from ..models import (
    DEFAULT_YELLOW_CARD_SHARE,
    Post,
    SecretaryAppraisal,
    Training,
    YellowCard,
)
from .people import AreaFilterContextMixin, VillageFromQueryMixin

# ------------------------------------------------------------------ 述职评议


class AppraisalListView(AreaFilterContextMixin, ScopedListView):
    """Secretaries' reports and appraisals in the user's area: filters, search, sorting."""

    model = SecretaryAppraisal
    filterset_class = SecretaryAppraisalFilterSet
    template_name = "cadres/appraisals/appraisal_list.html"
    default_ordering = ("-year", "area_code", "pk")

    def base_queryset(self):
        return SecretaryAppraisal.objects.select_related("village", "post__cadre", "correction")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "grades": AppraisalGrade.choices,
            "states": AppraisalState.choices,
        }


class AppraisalExportView(ScopedExportView):
    """The appraisal list as Excel, with the list's filters."""

    model = SecretaryAppraisal
    filterset_class = SecretaryAppraisalFilterSet
    filename = "appraisals"

    def workbook(self, queryset):
        return export_appraisals(actor=self.request.user, queryset=queryset)


class AppraisalDetailView(ScopedDetailView):
    """One appraisal: the report, the grade, the correction chain, the history."""

    model = SecretaryAppraisal
    template_name = "cadres/appraisals/appraisal_detail.html"
    context_object_name = "appraisal"

    def base_queryset(self):
        return SecretaryAppraisal.objects.select_related(
            "village__township__parent", "post__cadre", "corrects", "concluded_by", "correction"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        appraisal = self.object
        can_edit = scope_for(self.request.user).allows(Right.EDIT, appraisal.area_code)
        corrected = getattr(appraisal, "correction", None)
        ctx.update(
            village=appraisal.village,
            can_edit=can_edit and not appraisal.is_concluded,
            can_correct=can_edit and appraisal.is_concluded and corrected is None,
            corrected_by=corrected,
            **history_context(self.request, appraisal),
        )
        return ctx


class AppraisalCreateView(VillageFromQueryMixin, FormView):
    """Record a secretary's yearly report (`?village=<code>`), then grade and conclude it."""

    form_class = AppraisalCreateForm
    template_name = "cadres/appraisals/appraisal_form.html"

    def get_form_kwargs(self):
        posts = (
            Post.objects.visible_to(self.request.user)
            .filter(village=self.get_village(), kind__in=SECRETARY_SEAT)
            .select_related("cadre")
            .order_by("-start_date")
        )
        return {**super().get_form_kwargs(), "posts": posts}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "village": self.get_village()}

    def form_valid(self, form):
        try:
            appraisal = services_appraisal.appraisal_create(
                actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Report recorded."))
        return redirect(appraisal)


class _AppraisalMixin(ScopedObjectMixin):
    model = SecretaryAppraisal
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return SecretaryAppraisal.objects.select_related("village__township__parent", "post__cadre")

    def get_context_data(self, **kwargs):
        appraisal = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "appraisal": appraisal,
            "village": appraisal.village,
        }


class AppraisalUpdateView(_AppraisalMixin, FormView):
    """Change a draft: the report, the grade, the score, the appraisers."""

    form_class = AppraisalFieldsForm
    template_name = "cadres/appraisals/appraisal_form.html"

    def get_initial(self):
        a = self.get_object()
        return {name: getattr(a, name) for name in services_appraisal.APPRAISAL_FIELDS}

    def form_valid(self, form):
        appraisal = self.get_object()
        try:
            services_appraisal.appraisal_update(
                actor=self.request.user, appraisal=appraisal, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        if "conclude" in self.request.POST:
            try:
                services_appraisal.appraisal_conclude(actor=self.request.user, appraisal=appraisal)
            except ValidationError as e:
                apply_validation_error(form, e)
                return self.form_invalid(form)
            messages.success(self.request, _("Appraisal concluded."))
        else:
            messages.success(self.request, _("Changes saved."))
        return redirect(appraisal)


class AppraisalActionView(_AppraisalMixin, View):
    """POST: conclude a draft, or delete it."""

    action = ""

    def post(self, request, pk):
        appraisal = self.get_object()
        try:
            if self.action == "conclude":
                services_appraisal.appraisal_conclude(actor=request.user, appraisal=appraisal)
                messages.success(request, _("Appraisal concluded."))
            else:
                services_appraisal.appraisal_delete(actor=request.user, appraisal=appraisal)
                messages.success(request, _("Draft deleted."))
                return redirect("cadres:appraisal-list")
        except ValidationError as e:
            for message in e.messages:
                messages.error(request, message)
        return redirect(appraisal)


class AppraisalCorrectView(_AppraisalMixin, FormView):
    """Open a correction of a concluded appraisal: a new draft referencing it, with the reason."""

    form_class = AppraisalCorrectForm
    template_name = "cadres/appraisals/appraisal_correct.html"

    def form_valid(self, form):
        try:
            correction = services_appraisal.appraisal_correct(
                actor=self.request.user, appraisal=self.get_object(), **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Correction opened: change it and conclude it."))
        return redirect("cadres:appraisal-edit", pk=correction.pk)


# ------------------------------------------------------------------ yellow cards


class YellowCardListView(AreaFilterContextMixin, ScopedListView):
    """The townships' yellow cards the user sees; the county may evaluate a year again."""

    model = YellowCard
    filterset_class = YellowCardFilterSet
    template_name = "cadres/appraisals/yellow_card_list.html"
    default_ordering = ("-year", "area_code", "pk")

    def base_queryset(self):
        return YellowCard.objects.select_related("township")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_evaluate": scope_for(self.request.user).anywhere(Right.SUPERVISE),
            "last_year": today().year - 1,
        }


class YellowCardDetailView(ScopedDetailView):
    model = YellowCard
    template_name = "cadres/appraisals/yellow_card_detail.html"
    context_object_name = "card"

    def base_queryset(self):
        return YellowCard.objects.select_related("township__parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        labels = dict(AppraisalGrade.choices)
        ctx.update(
            region=self.object.township,
            reasons=[
                {**r, "grade_label": labels.get(r.get("grade"), r.get("grade"))}
                for r in self.object.reasons
                if isinstance(r, dict)
            ],
            **history_context(self.request, self.object),
        )
        return ctx


class YellowCardEvaluateView(LoginRequiredMixin, View):
    """POST `year`: evaluate the rule of the supervisor's counties for that year now (the
    scheduled job does it in the first quarter); cards already issued stay as they are."""

    def post(self, request):
        scope = scope_for(request.user)
        if not scope.anywhere(Right.SUPERVISE):
            raise PermissionDenied
        year = request.POST.get("year", "")
        if not (year.isascii() and year.isdigit() and 2000 <= int(year) <= today().year):
            messages.error(request, _("Choose a year that has begun."))
            return redirect("cadres:yellow-card-list")
        counties = None if scope.everything else sorted(scope.counties(Right.SUPERVISE))
        issued = services_appraisal.yellow_cards_evaluate(year=int(year), county_codes=counties)
        messages.success(request, _("Evaluated: %(n)d yellow card(s) issued.") % {"n": issued})
        return redirect("cadres:yellow-card-list")


# ------------------------------------------------------------------ the county's norms


class PipelinePolicyView(LoginRequiredMixin, FormView):
    """The county's norms of the cadre pipeline: the reserve norm and the yellow-card rule. Those
    who see the county read them; its supervisors change them."""

    form_class = PipelinePolicyForm
    template_name = "cadres/appraisals/policy.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.county = get_object_or_404(
                Region.objects.visible_to(request.user).filter(level="county"),
                code=kwargs["code"],
            )
            self.can_set = scope_for(request.user).allows(Right.SUPERVISE, self.county.code)
            if request.method == "POST" and not self.can_set:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        norm, rule = selectors.pipeline_norms(self.county)
        return {
            "per_post": norm.per_post if norm else 0,
            "share_threshold": rule.share_threshold if rule else DEFAULT_YELLOW_CARD_SHARE,
            "count_mediocre": rule.count_mediocre if rule else False,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "county": self.county,
            "region": self.county,
            "can_set": self.can_set,
        }

    def form_valid(self, form):
        try:
            services_appraisal.pipeline_policy_set(
                actor=self.request.user, county=self.county, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Norms saved."))
        return redirect("cadres:pipeline-policy", code=self.county.code)


class BelowNormView(LoginRequiredMixin, View):
    """The villages below the reserve norm, grouped by township (two queries)."""

    def get(self, request, code):
        from django.shortcuts import render

        area = get_object_or_404(Region.objects.visible_to(request.user), code=code)
        bench = selectors.bench_strength(request.user, area.code)
        groups: dict[str, tuple[Region, list]] = {}
        for row in bench.short:
            groups.setdefault(row.village.township.code, (row.village.township, []))[1].append(row)
        return render(
            request,
            "cadres/appraisals/below_norm.html",
            {
                "area": area,
                "region": area,
                "groups": list(groups.values()),
                "total": bench.total,
                "can_manage": scope_for(request.user).anywhere(Right.EDIT),
            },
        )


# ------------------------------------------------------------------ training corrections


class _TrainingMixin(ScopedObjectMixin):
    model = Training
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return Training.objects.select_related("cadre__village__township__parent")

    def get_context_data(self, **kwargs):
        training = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "training": training,
            "cadre": training.cadre,
            "village": training.cadre.village,
        }


class TrainingUpdateView(_TrainingMixin, FormView):
    """Correct a training record, with the reason (kept in its history)."""

    form_class = TrainingEditForm
    template_name = "cadres/pipeline/training_form.html"

    def get_initial(self):
        t = self.get_object()
        fields = ("course", "organizer", "start_date", "end_date", "hours", "notes")
        return {name: getattr(t, name) for name in fields}

    def form_valid(self, form):
        training = self.get_object()
        try:
            services.training_update(
                actor=self.request.user, training=training, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Training corrected."))
        return redirect(training.cadre)


class TrainingDeleteView(_TrainingMixin, FormView):
    """Delete a training record entered by mistake, with the reason (kept in its history)."""

    form_class = TrainingDeleteForm
    template_name = "cadres/pipeline/training_form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "deleting": True}

    def form_valid(self, form):
        training = self.get_object()
        try:
            services.training_delete(
                actor=self.request.user, training=training, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Training deleted."))
        return redirect(training.cadre)


urlpatterns = [
    path("appraisals/", AppraisalListView.as_view(), name="appraisal-list"),
    path("appraisals/export.xlsx", AppraisalExportView.as_view(), name="appraisal-export"),
    path("appraisals/add/", AppraisalCreateView.as_view(), name="appraisal-add"),
    path("appraisals/<int:pk>/", AppraisalDetailView.as_view(), name="appraisal-detail"),
    path("appraisals/<int:pk>/edit/", AppraisalUpdateView.as_view(), name="appraisal-edit"),
    path(
        "appraisals/<int:pk>/conclude/",
        AppraisalActionView.as_view(action="conclude"),
        name="appraisal-conclude",
    ),
    path(
        "appraisals/<int:pk>/delete/",
        AppraisalActionView.as_view(action="delete"),
        name="appraisal-delete",
    ),
    path("appraisals/<int:pk>/correct/", AppraisalCorrectView.as_view(), name="appraisal-correct"),
    path("yellow-cards/", YellowCardListView.as_view(), name="yellow-card-list"),
    path("yellow-cards/evaluate/", YellowCardEvaluateView.as_view(), name="yellow-card-evaluate"),
    path("yellow-cards/<int:pk>/", YellowCardDetailView.as_view(), name="yellow-card-detail"),
    path("pipeline/policy/<str:code>/", PipelinePolicyView.as_view(), name="pipeline-policy"),
    path("bench/<str:code>/below-norm/", BelowNormView.as_view(), name="below-norm"),
    path("trainings/<int:pk>/edit/", TrainingUpdateView.as_view(), name="training-edit"),
    path("trainings/<int:pk>/delete/", TrainingDeleteView.as_view(), name="training-delete"),
]
