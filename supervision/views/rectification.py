"""Pages of 后进村整顿 (backward-village rectification, seed 002): the list by year, state and
township; designating a village; one rectification with its plan, months, acceptance and visits,
and the forms of the steps the user may take (each calls one service, which checks it again).
"""

from __future__ import annotations

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
from core.rights import Right, scope_for
from core.views import ScopedDetailView, ScopedListView, ScopedObjectMixin, apply_validation_error
from villages.changelog import history_context
from villages.models import Region, Village

from .. import selectors, services
from ..choices import RectificationState
from ..forms_rectification import (
    AcceptForm,
    ApplyForm,
    DesignateForm,
    PlanForm,
    ProgressForm,
    RectificationFilterSet,
    VisitForm,
)
from ..models import Rectification

TEMPLATES = "supervision/rectification/"

#: slug → (form, service, title) of each step after the designation
STEPS = {
    "plan": (PlanForm, services.rectification_plan, gettext_lazy("Plan (一村一策)")),
    "progress": (
        ProgressForm,
        services.rectification_add_progress,
        gettext_lazy("Monthly progress"),
    ),
    "apply": (ApplyForm, services.rectification_apply, gettext_lazy("Apply for acceptance")),
    "accept": (AcceptForm, services.rectification_accept, gettext_lazy("Acceptance inspection")),
    "visit": (VisitForm, services.rectification_add_visit, gettext_lazy("Follow-up visit")),
}


class RectificationListView(ScopedListView):
    """Designated backward villages in scope, by year, state and township."""

    model = Rectification
    filterset_class = RectificationFilterSet
    template_name = TEMPLATES + "rectification_list.html"
    default_ordering = ("-year", "area_code")

    def base_queryset(self):
        return selectors.rectification_ledger()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = today().year
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            states=RectificationState.choices,
            years=list(range(year + 1, year - 6, -1)),
            may_designate=scope_for(self.request.user).anywhere(Right.EDIT),
        )
        return ctx


class RectificationDesignateView(LoginRequiredMixin, TemplateView):
    """Designate a village the user manages as backward for a year, with the reasons."""

    template_name = TEMPLATES + "rectification_form.html"

    def villages(self):
        return Village.objects.editable_by(self.request.user).order_by("code")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.villages().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self):
        data = self.request.POST if self.request.method == "POST" else None
        initial = {"year": today().year}
        code = self.request.GET.get("village", "")
        if code:
            village = self.villages().filter(code=code).first()
            initial["village"] = village.pk if village else None
        return DesignateForm(data, villages=self.villages(), initial=initial)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(form=kwargs.get("form") or self.form(), title=_("Designate a backward village"))
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            try:
                rectification = services.rectification_designate(
                    actor=request.user, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Village designated; make its plan next."))
                return redirect(_detail_url(rectification))
        return self.render_to_response(self.get_context_data(form=form))


def _detail_url(rectification) -> str:
    return reverse("supervision:rectification-detail", args=[rectification.pk])


class RectificationDetailView(ScopedDetailView):
    """One rectification: reasons, plan, months, acceptance, visits, the allowed forms, history."""

    model = Rectification
    template_name = TEMPLATES + "rectification_detail.html"

    def base_queryset(self):
        return selectors.rectification_with_details()

    def initial(self, slug: str, r: Rectification) -> dict:
        on = today()
        return {
            "plan": {
                "measures": r.measures,
                "leader": r.leader,
                "work_team": r.work_team,
                "deadline": r.deadline,
            },
            "progress": {"month": on.replace(day=1)},
            "apply": {"on": on},
            "accept": {"on": on},
            "visit": {"date": on},
        }[slug]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r, user = self.object, self.request.user
        bound = kwargs.get("bound") or {}
        steps = []
        for slug, (form_class, _service, title) in STEPS.items():
            if services.may_step(user, r, slug):
                steps.append(
                    {
                        "slug": slug,
                        "title": title,
                        "form": bound.get(slug) or form_class(initial=self.initial(slug, r)),
                        "url": reverse("supervision:rectification-step", args=[r.pk, slug]),
                    }
                )
        ctx.update(
            rectification=r,
            village=r.village,
            months=list(r.progress.all()),
            visits=list(r.visits.all()),
            steps=steps,
            **history_context(self.request, r),
        )
        return ctx


class RectificationStepView(ScopedObjectMixin, View):
    """POST one step (plan, progress, apply, accept, visit); a refusal shows on the page."""

    model = Rectification
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    required_right = None

    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        r = self.get_object()
        if not services.may_step(request.user, r, step, any_state=True):
            raise PermissionDenied
        form_class, service, _title = STEPS[step]
        form = form_class(request.POST)
        if form.is_valid():
            try:
                service(actor=request.user, rectification=r, **form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect(_detail_url(r))
        if not services.may_step(request.user, r, step):
            messages.error(request, _("This step is not possible in the rectification's state."))
            return redirect(_detail_url(r))
        detail = RectificationDetailView()
        detail.setup(request, pk=pk)
        detail.object = detail.get_object()
        ctx = detail.get_context_data(object=detail.object, bound={step: form})
        return TemplateResponse(request, detail.template_name, ctx)


urlpatterns = [
    path("rectifications/", RectificationListView.as_view(), name="rectification-list"),
    path(
        "rectifications/designate/",
        RectificationDesignateView.as_view(),
        name="rectification-designate",
    ),
    path(
        "rectifications/<int:pk>/",
        RectificationDetailView.as_view(),
        name="rectification-detail",
    ),
    path(
        "rectifications/<int:pk>/<slug:step>/",
        RectificationStepView.as_view(),
        name="rectification-step",
    ),
]
