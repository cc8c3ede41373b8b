"""Pages of 四议两公开: the decisions of the villages in scope, a village's new decision, one
decision with its steps and the forms of its next step and publications, the county's policy,
and the Excel download. Every write goes through ledgers.services.

Reading follows the scope (404 outside it); recording needs `Right.KEEP_BOOKS` on the village
(its clerk, the township and the county); the policy needs `Right.SUPERVISE` on the county.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.dates import today
from core.excel import xlsx_response
from core.rights import Right, scope_for
from core.views import ScopedListView, apply_validation_error
from villages.changelog import history_context
from villages.models import Region, Village

from .. import exports, services
from ..choices import DecisionKind, DecisionState, DecisionStepKind
from ..filtersets_decisions import DecisionFilterSet
from ..forms_decisions import (
    DecisionForm,
    DecisionPolicyForm,
    DecisionStepForm,
    ImplementationForm,
    PublicationForm,
)
from ..models import Decision, DecisionPolicy
from ..quorum import minimum_present, rule_for
from ..selectors.decisions import decisions_with_remaining, with_result_due
from ..services.decisions import DUE_IN
from .registers import RegisterPage, VillageLookup


class DecisionListView(ScopedListView):
    """四议两公开 of the villages in scope: state, kind, amount and what is left of it."""

    model = Decision
    filterset_class = DecisionFilterSet
    template_name = "ledgers/decisions/decision_list.html"
    default_ordering = ("area_code", "-year", "-number")

    def base_queryset(self):
        return decisions_with_remaining(Decision.objects.select_related("village"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        villages = Village.objects.visible_to(user).order_by("code")
        township = self.request.GET.get("township", "")
        if township:
            villages = villages.filter(code__startswith=township)
        village_code = self.request.GET.get("village", "")
        ctx.update(
            townships=Region.objects.visible_to(user).townships(),
            villages=villages.only("code", "name"),
            states=DecisionState.choices,
            kinds=DecisionKind.choices,
            # One village chosen among those the user sees: its Excel download.
            export_village=village_code
            if village_code and villages.filter(code=village_code).exists()
            else "",
            # The "new decision" button, when one village is chosen and the user keeps its books.
            add_village=village_code
            if village_code and scope_for(user).allows(Right.KEEP_BOOKS, village_code)
            else "",
        )
        return ctx


class DecisionCreateView(VillageLookup, RegisterPage):
    """Record a new matter to decide for the village."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/registers/form.html"

    def subject(self):
        return self.village()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "village": self.object,
            "title": _("New decision (四议两公开)"),
            "form": kwargs.get("form") or DecisionForm(),
            "cancel_url": f"{reverse('ledgers:decision-list')}?village={self.object.code}",
        }

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decision = services.decision_create(
                    actor=request.user, village=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Decision %(n)s recorded.") % {"n": decision.display_number},
                    decision.get_absolute_url(),
                )
        return self.render_to_response(self.get_context_data(form=form))


class DecisionDetailView(RegisterPage):
    """One decision: the matter, its steps with attendance and votes, its publications, the
    records citing it and, for its bookkeepers, the form of what comes next."""

    template_name = "ledgers/decisions/decision_detail.html"

    def subject(self):
        return get_object_or_404(
            with_result_due(
                decisions_with_remaining(
                    Decision.objects.visible_to(self.request.user).select_related(
                        "village__township__parent", "created_by"
                    )
                )
            ),
            pk=self.kwargs["pk"],
        )

    def next_step(self):
        return DUE_IN.get(DecisionState(self.object.state))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        decision = self.object
        steps = list(decision.steps.select_related("recorded_by").order_by("held_on", "pk"))
        for step in steps:
            step.needed = minimum_present(rule_for(step.kind, step.assembly), step.entitled)
        next_step = self.next_step()
        result_due = decision.result_due
        ctx.update(
            decision=decision,
            village=decision.village,
            steps=steps,
            next_step=DecisionStepKind(next_step).label if next_step else None,
            vouchers=decision.vouchers.filter(area_code=decision.area_code).order_by("date"),
            contracts=decision.contracts.select_related("resource"),
            movements=decision.asset_movements.select_related("asset"),
            result_due=result_due,
            result_overdue=result_due is not None
            and decision.result_published_on is None
            and today() > result_due,
            **history_context(self.request, decision),
        )
        if ctx["can_keep_books"]:
            if next_step:
                ctx["step_form"] = kwargs.get("step_form") or DecisionStepForm(
                    initial={"held_on": today()},
                    resolution=next_step == DecisionStepKind.RESOLUTION,
                )
            elif decision.state in (DecisionState.RESOLVED, DecisionState.PUBLISHED):
                ctx["publication_form"] = kwargs.get("publication_form") or PublicationForm(
                    initial={"published_on": today()},
                    implementation=self.asks_implementation(),
                )
            if decision.state == DecisionState.PUBLISHED and decision.implemented_on is None:
                ctx["implementation_form"] = kwargs.get(
                    "implementation_form"
                ) or ImplementationForm(initial={"implemented_on": today()})
            ctx["can_edit"] = decision.state == DecisionState.DRAFTED
        return ctx

    def asks_implementation(self) -> bool:
        """The result's publication asks when the implementation ended, if not recorded."""
        return self.object.state == DecisionState.PUBLISHED and self.object.implemented_on is None


class DecisionStepView(DecisionDetailView):
    """Record the meeting of the decision's next step (the form of the decision page)."""

    required_right = Right.KEEP_BOOKS

    def post(self, request, *args, **kwargs):
        next_step = self.next_step()
        form = DecisionStepForm(request.POST, resolution=next_step == DecisionStepKind.RESOLUTION)
        if form.is_valid():
            try:
                step = services.decision_record_step(
                    actor=request.user, decision=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                if step.passed:
                    message = _("%(step)s recorded: passed.")
                else:
                    message = _("%(step)s recorded: not passed. The decision ends here.")
                return self.done(
                    message % {"step": step.get_kind_display()}, self.object.get_absolute_url()
                )
        return self.render_to_response(self.get_context_data(step_form=form))


class DecisionPublishView(DecisionDetailView):
    """Make the resolution public, then the result of its implementation."""

    required_right = Right.KEEP_BOOKS

    def post(self, request, *args, **kwargs):
        form = PublicationForm(request.POST, implementation=self.asks_implementation())
        if form.is_valid():
            data = dict(form.cleaned_data)
            if self.object.state == DecisionState.RESOLVED:
                publish = services.decision_publish_resolution
            else:
                publish = services.decision_publish_result
                data["implemented_on"] = data.get("implemented_on") or None
            try:
                decision = publish(actor=request.user, decision=self.object, **data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Decision %(n)s: %(state)s.")
                    % {"n": decision.display_number, "state": decision.get_state_display()},
                    decision.get_absolute_url(),
                )
        return self.render_to_response(self.get_context_data(publication_form=form))


class DecisionImplementedView(DecisionDetailView):
    """Record the day the implementation of a decision made public ended."""

    required_right = Right.KEEP_BOOKS

    def post(self, request, *args, **kwargs):
        form = ImplementationForm(request.POST)
        if form.is_valid():
            try:
                decision = services.decision_record_implementation(
                    actor=request.user, decision=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Decision %(n)s: implementation completed on %(d)s.")
                    % {"n": decision.display_number, "d": decision.implemented_on},
                    decision.get_absolute_url(),
                )
        return self.render_to_response(self.get_context_data(implementation_form=form))


class DecisionEditView(RegisterPage):
    """Correct the subject, kind or amount of a decision before the party branch proposes it;
    after that the page says why it cannot."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/decisions/decision_edit.html"

    def subject(self):
        return get_object_or_404(
            Decision.objects.visible_to(self.request.user).select_related(
                "village__township__parent"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        decision = self.object
        editable = decision.state == DecisionState.DRAFTED
        form = kwargs.get("form")
        if form is None and editable:
            form = DecisionForm(
                initial={
                    f: getattr(decision, f)
                    for f in ("subject", "kind", "amount", "attachments", "description")
                }
            )
        return {
            **super().get_context_data(**kwargs),
            "decision": decision,
            "village": decision.village,
            "editable": editable,
            "form": form,
        }

    def post(self, request, *args, **kwargs):
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decision = services.decision_update_draft(
                    actor=request.user, decision=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Decision %(n)s corrected.") % {"n": decision.display_number},
                    decision.get_absolute_url(),
                )
        return self.render_to_response(self.get_context_data(form=form), status=200)


class DecisionExportView(LoginRequiredMixin, VillageLookup, TemplateView):
    """The village's decisions as Excel (anyone who sees the village)."""

    def get(self, request, *args, **kwargs):
        village = self.village()
        return xlsx_response(exports.decisions_workbook(village), f"{village.code}-decisions.xlsx")


class DecisionPolicyView(LoginRequiredMixin, TemplateView):
    """The county's decision policy (`?county=` when the user sees several): everyone in the
    county reads it, its supervisor changes it."""

    template_name = "ledgers/decisions/policy.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            counties = Region.objects.visible_to(request.user).counties().order_by("code")
            code = request.GET.get("county") or request.POST.get("county")
            self.region = counties.filter(code=code).first() if code else counties.first()
            if self.region is None:
                raise Http404
            self.may_change = scope_for(request.user).allows(Right.SUPERVISE, self.region.code)
            self.policy = (
                DecisionPolicy.objects.visible_to(request.user)
                .filter(area_code=self.region.code)
                .first()
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        shown = self.policy or DecisionPolicy(area_code=self.region.code)
        form = kwargs.get("form")
        if form is None and self.may_change:
            form = DecisionPolicyForm(
                initial={
                    "enabled": shown.enabled,
                    "threshold": shown.threshold,
                    "kinds": shown.kinds,
                    "statements_need_review": shown.statements_need_review,
                    "result_due_days": shown.result_due_days,
                    "signing_day": shown.signing_day,
                    "posting_needs_signing": shown.posting_needs_signing,
                }
            )
        ctx.update(
            county=self.region,
            policy=self.policy,
            kinds=[DecisionKind(k).label for k in shown.kinds],
            form=form,
            may_change=self.may_change,
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if not self.may_change:
            raise PermissionDenied
        form = DecisionPolicyForm(request.POST)
        if form.is_valid():
            try:
                services.decision_policy_update(
                    actor=request.user, county_code=self.region.code, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Decision policy saved."))
                return redirect(f"{reverse('ledgers:decision-policy')}?county={self.region.code}")
        return self.render_to_response(self.get_context_data(form=form))


urlpatterns = [
    path("decisions/", DecisionListView.as_view(), name="decision-list"),
    path("decisions/policy/", DecisionPolicyView.as_view(), name="decision-policy"),
    path("decisions/<int:pk>/", DecisionDetailView.as_view(), name="decision-detail"),
    path("decisions/<int:pk>/step/", DecisionStepView.as_view(), name="decision-step"),
    path("decisions/<int:pk>/publish/", DecisionPublishView.as_view(), name="decision-publish"),
    path(
        "decisions/<int:pk>/implemented/",
        DecisionImplementedView.as_view(),
        name="decision-implemented",
    ),
    path("decisions/<int:pk>/edit/", DecisionEditView.as_view(), name="decision-edit"),
    path("villages/<str:code>/decisions/add/", DecisionCreateView.as_view(), name="decision-add"),
    path(
        "villages/<str:code>/decisions.xlsx",
        DecisionExportView.as_view(),
        name="decision-export",
    ),
]
