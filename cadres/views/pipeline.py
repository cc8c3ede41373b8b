"""The cadre pipeline: reserve cadres (后备干部) per village and key post, their withdrawal, the
training of reserve and sitting cadres, and bench strength against the 1∶2 norm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

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

from .. import selectors, services
from ..exports import export_reserves
from ..filtersets import ReserveCadreFilterSet
from ..forms_pipeline import (
    RESERVE_POST_CHOICES,
    ReserveCreateForm,
    ReserveUpdateForm,
    ReserveWithdrawForm,
    TrainingForm,
)
from ..models import Cadre, ReserveCadre
from .people import AreaFilterContextMixin, VillageFromQueryMixin


class ReserveListView(AreaFilterContextMixin, ScopedListView):
    """Reserve candidates in the villages in scope; ID numbers and phones masked."""

    model = ReserveCadre
    filterset_class = ReserveCadreFilterSet
    template_name = "cadres/pipeline/reserve_list.html"
    default_ordering = ("area_code", "post", "since", "pk")

    def base_queryset(self):
        return ReserveCadre.objects.select_related("village", "cadre")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reserve_posts": RESERVE_POST_CHOICES}


class ReserveExportView(ScopedExportView):
    """The reserve list as Excel, with the list's filters; ID numbers and phones masked."""

    model = ReserveCadre
    filterset_class = ReserveCadreFilterSet
    filename = "reserve-cadres"

    def workbook(self, queryset):
        return export_reserves(actor=self.request.user, queryset=queryset)


class ReserveDetailView(ScopedDetailView):
    """A reserve candidate: the person (masked; the person's page reveals), trainings, history."""

    model = ReserveCadre
    template_name = "cadres/pipeline/reserve_detail.html"
    context_object_name = "reserve"

    def base_queryset(self):
        return ReserveCadre.objects.select_related("cadre", "village__township__parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        reserve, user = self.object, self.request.user
        ctx.update(
            village=reserve.village,
            can_edit=reserve.is_active and scope_for(user).allows(Right.EDIT, reserve.area_code),
            can_train=scope_for(user).allows(Right.EDIT, reserve.area_code),
            trainings=selectors.trainings_of_cadre(user, reserve.cadre),
            **history_context(self.request, reserve),
        )
        return ctx


class ReserveCreateView(VillageFromQueryMixin, FormView):
    """Name a reserve candidate for a village (`?village=<code>&post=<post>`)."""

    form_class = ReserveCreateForm
    template_name = "cadres/pipeline/reserve_form.html"

    def get_initial(self):
        return {"post": self.request.GET.get("post")}

    def get_form_kwargs(self):
        village = self.get_village()
        people = Cadre.objects.visible_to(self.request.user).filter(village=village)
        return {**super().get_form_kwargs(), "village": village, "people": people}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "village": self.get_village()}

    def form_valid(self, form):
        village = self.get_village()
        try:
            reserve = services.reserve_add(
                actor=self.request.user, village=village, **form.service_fields()
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s named a reserve for %(post)s.")
            % {"name": reserve.cadre.name, "post": reserve.get_post_display()},
        )
        if "another" in self.request.POST:
            return redirect(f"{self.request.path}?village={village.code}&post={reserve.post}")
        return redirect(reserve)


class _ReserveFormView(ScopedObjectMixin, FormView):
    model = ReserveCadre
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return ReserveCadre.objects.select_related("cadre", "village__township__parent")

    def get_context_data(self, **kwargs):
        reserve = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "reserve": reserve,
            "village": reserve.village,
        }


class ReserveUpdateView(_ReserveFormView):
    """Correct the date a candidate was named and the notes."""

    form_class = ReserveUpdateForm
    template_name = "cadres/pipeline/reserve_action_form.html"

    def get_initial(self):
        reserve = self.get_object()
        return {"since": reserve.since, "notes": reserve.notes}

    def form_valid(self, form):
        reserve = self.get_object()
        try:
            services.reserve_update(actor=self.request.user, reserve=reserve, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(reserve)


class ReserveWithdrawView(_ReserveFormView):
    """Withdraw a candidate: no longer counted towards the norm, kept in the history."""

    form_class = ReserveWithdrawForm
    template_name = "cadres/pipeline/reserve_action_form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "withdraw": True}

    def form_valid(self, form):
        reserve = self.get_object()
        try:
            services.reserve_withdraw(actor=self.request.user, reserve=reserve, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Reserve cadre withdrawn."))
        return redirect(reserve)


class TrainingCreateView(ScopedObjectMixin, FormView):
    """Record a course a person (reserve or sitting cadre) attended."""

    model = Cadre
    form_class = TrainingForm
    template_name = "cadres/pipeline/training_form.html"
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return Cadre.objects.select_related("village")

    def get_context_data(self, **kwargs):
        cadre = self.get_object()
        return {**super().get_context_data(**kwargs), "cadre": cadre, "village": cadre.village}

    def form_valid(self, form):
        cadre = self.get_object()
        try:
            services.training_record(actor=self.request.user, cadre=cadre, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Training recorded."))
        back = self.request.GET.get("reserve")
        if back and back.isdigit():
            return redirect("cadres:reserve-detail", pk=int(back))
        return redirect(cadre)


class BenchView(LoginRequiredMixin, TemplateView):
    """Bench strength of a county or township: per township, and the villages below the norm."""

    template_name = "cadres/pipeline/bench.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        area = get_object_or_404(Region.objects.visible_to(user), code=self.kwargs["code"])
        ctx.update(
            area=area,
            region=area,
            bench=selectors.bench_strength(user, area.code),
            can_manage=scope_for(user).anywhere(Right.EDIT),
        )
        return ctx


urlpatterns = [
    path("reserves/", ReserveListView.as_view(), name="reserve-list"),
    path("reserves/export.xlsx", ReserveExportView.as_view(), name="reserve-export"),
    path("reserves/add/", ReserveCreateView.as_view(), name="reserve-add"),
    path("reserves/<int:pk>/", ReserveDetailView.as_view(), name="reserve-detail"),
    path("reserves/<int:pk>/edit/", ReserveUpdateView.as_view(), name="reserve-edit"),
    path("reserves/<int:pk>/withdraw/", ReserveWithdrawView.as_view(), name="reserve-withdraw"),
    path("<int:pk>/trainings/add/", TrainingCreateView.as_view(), name="training-add"),
    path("bench/<str:code>/", BenchView.as_view(), name="bench"),
]
