"""Pages of the problem ledger (问题台账): the list with its filters and Excel export, one
problem with its steps and the forms of the steps the user may take, registering (by hand or
from an audit finding or a disclosure question) and editing.

The organizer side (the village's contact cadre, township and county staff) registers, edits
and rectifies; only township and county staff close (销号), send back and reopen. The services
check every step; the pages only show the forms a user may use.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cadres.models import Cadre
from core.dates import today
from core.excel import xlsx_response
from core.querysets import prefix_q
from core.rights import Right, scope_for
from core.views import (
    ConfirmMixin,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    apply_validation_error,
)
from ledgers.models import AuditFinding, DisclosureQuestion
from villages.changelog import history_context
from villages.models import Region, Village

from .. import selectors, services
from ..choices import Escalation, ProblemSource, ProblemState, Severity
from ..filtersets_problems import ProblemFilterSet
from ..forms_problems import ACTION_FORMS, ProblemCreateForm, ProblemFactsForm
from ..models import HearingQuestion, Problem, ProblemStep

TEMPLATES = "supervision/problems/"

#: the steps that ask before they are taken (core.views.ConfirmMixin)
CONFIRM_STEPS = {
    "close": gettext_lazy(
        "Closing the problem (销号) records that its rectification is verified and takes it out "
        "of the open ledger. Only township or county staff can reopen it."
    ),
}


def organized_villages(user):
    """The villages whose problems the user may register: those they organize."""
    scope = scope_for(user)
    villages = Village.objects.visible_to(user).select_related("township")
    if not scope.everything:
        villages = villages.filter(prefix_q("code", scope.areas(Right.ORGANIZE)))
    return villages.order_by("code")


def _village_cadres(user, village):
    """The cadres of the village (none before the village is known)."""
    cadres = Cadre.objects.visible_to(user).order_by("name")
    return cadres.filter(village=village) if village is not None else cadres.none()


class ProblemListView(ScopedListView):
    """The ledger of the problems in scope: filters, sorting, overdue days, Excel export."""

    model = Problem
    filterset_class = ProblemFilterSet
    template_name = TEMPLATES + "problem_list.html"
    default_ordering = ("deadline", "pk")

    def base_queryset(self):
        return selectors.problem_ledger()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        on = today()
        for problem in ctx["object_list"]:
            problem.days_overdue = selectors.days_overdue(problem, on)
        scope = scope_for(self.request.user)
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            states=ProblemState.choices,
            sources=ProblemSource.choices,
            severities=Severity.choices,
            escalations=Escalation.choices,
            may_register=scope.anywhere(Right.ORGANIZE),
        )
        return ctx


class ProblemExportView(LoginRequiredMixin, View):
    """The filtered ledger as an Excel workbook (same filters as the list)."""

    def get(self, request):
        problems = selectors.problem_ledger().visible_to(request.user).order_by("deadline", "pk")
        filterset = ProblemFilterSet(request.GET or None, queryset=problems, request=request)
        if filterset.is_bound:
            problems = filterset.qs
        return xlsx_response(
            selectors.problems_workbook(problems), f"problems-{today():%Y%m%d}.xlsx"
        )


class ProblemDetailView(ScopedDetailView):
    """One problem: its facts and source, the steps, the forms of the allowed steps, history."""

    model = Problem
    template_name = TEMPLATES + "problem_detail.html"

    def base_queryset(self):
        return Problem.objects.select_related(
            "village__township__parent", "owner", "opened_by", "closed_by"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        problem, user = self.object, self.request.user
        bound = kwargs.get("bound") or {}
        actions = []
        for slug, (action, form_class) in ACTION_FORMS.items():
            if not services.may_take(user, problem, action):
                continue
            form = bound.get(slug) or form_class(initial={"on": today()})
            actions.append(
                {
                    "slug": slug,
                    "title": _action_title(slug),
                    "form": form,
                    "url": reverse("supervision:problem-action", args=[problem.pk, slug]),
                    "danger": slug in ("close", "reopen"),
                    "confirm": CONFIRM_STEPS.get(slug),
                }
            )
        source_label, source_url = selectors.problem_source(problem)
        ctx.update(
            problem=problem,
            village=problem.village,
            steps=ProblemStep.objects.visible_to(user)
            .filter(problem=problem)
            .select_related("actor")
            .order_by("at", "pk"),
            actions=actions,
            source_label=source_label,
            source_url=source_url,
            days_overdue=selectors.days_overdue(problem),
            may_edit=problem.state != ProblemState.CLOSED
            and scope_for(user).allows(Right.ORGANIZE, problem.area_code),
            **history_context(self.request, problem),
        )
        return ctx


def _action_title(slug: str) -> str:
    return {
        "start": _("Start the rectification"),
        "submit": _("Submit for verification"),
        "close": _("Close the problem (销号)"),
        "send-back": _("Send back"),
        "reopen": _("Reopen"),
    }[slug]


class ProblemActionView(ConfirmMixin, ScopedObjectMixin, View):
    """POST one step of the flow; a refusal is shown on the problem's page."""

    confirm_message = CONFIRM_STEPS
    ask_before_validating = False
    model = Problem
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    required_right = None

    def post(self, request, pk, action):
        if action not in ACTION_FORMS:
            raise Http404
        problem = self.get_object()
        step, form_class = ACTION_FORMS[action]
        move = services.PROBLEM_TRANSITIONS[step]
        if not self.allows(move.right, problem.area_code):
            raise PermissionDenied
        form = form_class(request.POST)
        if form.is_valid():
            if (question := self.unconfirmed()) is not None:
                return self.ask_confirmation(question)
            service = {
                "start": services.problem_start,
                "submit": services.problem_submit,
                "close": services.problem_close,
                "send-back": services.problem_send_back,
                "reopen": services.problem_reopen,
            }[action]
            try:
                service(actor=request.user, problem=problem, **form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Saved: %(step)s.") % {"step": step.label})
                return redirect(problem.get_absolute_url())
        if not services.may_take(request.user, problem, step):
            messages.error(request, _("This step is not possible in the problem's state."))
            return redirect(problem.get_absolute_url())
        detail = ProblemDetailView()
        detail.setup(request, pk=pk)
        detail.object = detail.get_object()
        ctx = detail.get_context_data(object=detail.object, bound={action: form})
        return TemplateResponse(request, detail.template_name, ctx)


#: the records a problem is registered from in one tap: URL slug → (the scoped queryset, the
#: service that registers one, the record's page)
ONE_TAP_SOURCES = {
    "audit-finding": (
        lambda user: AuditFinding.objects.visible_to(user).select_related("audit", "problem"),
        lambda actor, finding: services.problem_register_record(
            actor=actor, source=ProblemSource.AUDIT, record=finding
        ),
        lambda finding: reverse("ledgers:audit-detail", args=[finding.audit_id]),
    ),
    "disclosure-question": (
        lambda user: DisclosureQuestion.objects.visible_to(user).select_related("problem"),
        lambda actor, question: services.problem_register_record(
            actor=actor, source=ProblemSource.DISCLOSURE, record=question
        ),
        lambda question: reverse("ledgers:disclosure-detail", args=[question.disclosure_id]),
    ),
    "hearing-question": (
        lambda user: HearingQuestion.objects.visible_to(user).select_related("problem"),
        lambda actor, question: services.hearing_question_to_problem(
            actor=actor, question=question
        ),
        lambda question: reverse("supervision:hearing-detail", args=[question.hearing_id]),
    ),
}


class ProblemFromRecordView(LoginRequiredMixin, View):
    """POST: register an audit finding or a villager's question (about a statement, or at a
    completed hearing) as a problem in one tap, then
    show the problem (its deadline and person responsible can be edited there). Once
    registered, the record leads to its problem instead."""

    def post(self, request, kind, pk):
        if kind not in ONE_TAP_SOURCES:
            raise Http404
        queryset, register, page = ONE_TAP_SOURCES[kind]
        record = get_object_or_404(queryset(request.user), pk=pk)
        existing = getattr(record, "problem", None)
        if existing is not None:
            messages.info(request, _("This record is already registered as a problem."))
            return redirect(existing.get_absolute_url())
        try:
            problem = register(request.user, record)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect(page(record))
        messages.success(
            request,
            _(
                "Registered in the problem ledger, due in %(n)d days: check the deadline and "
                "the person responsible."
            )
            % {"n": services.PROBLEM_DAYS},
        )
        return redirect(problem.get_absolute_url())


class ProblemCreateView(LoginRequiredMixin, TemplateView):
    """Register a problem: found in screening or otherwise, or from an audit finding
    (`?audit_finding=`) or a villager's question about a disclosure (`?disclosure_question=`)."""

    template_name = TEMPLATES + "problem_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.villages = organized_villages(request.user)
            self.record, self.kind = self.source_record()
            if self.record is None and not self.villages.exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def source_record(self):
        """The audit finding or disclosure question named in the URL (404 outside the scope)."""
        user, get = self.request.user, self.request.GET
        if get.get("audit_finding", "").isdigit():
            qs = AuditFinding.objects.visible_to(user).select_related("audit__village")
            finding = get_object_or_404(qs, pk=get["audit_finding"])
            return finding, "audit"
        if get.get("disclosure_question", "").isdigit():
            qs = DisclosureQuestion.objects.visible_to(user).select_related("disclosure__village")
            question = get_object_or_404(qs, pk=get["disclosure_question"])
            return question, "disclosure"
        return None, None

    def fixed_village(self):
        if self.kind == "audit":
            return self.record.audit.village
        if self.kind == "disclosure":
            return self.record.disclosure.village
        code = self.request.GET.get("village", "")
        return self.villages.filter(code=code).first() if code else None

    def initial(self):
        initial = {"deadline": None, "source": ProblemSource.SCREENING}
        village = self.fixed_village()
        if village is not None:
            initial["village"] = village.pk
        if self.kind == "audit":
            initial.update(
                source=ProblemSource.AUDIT,
                title=self.record.description[:100],
                description=self.record.description,
                category="finance",
            )
        elif self.kind == "disclosure":
            initial.update(
                source=ProblemSource.DISCLOSURE,
                title=self.record.question[:100],
                description=self.record.question,
                category="affairs",
            )
        return initial

    def form(self):
        village = self.fixed_village()
        user = self.request.user
        form = ProblemCreateForm(
            self.request.POST if self.request.method == "POST" else None,
            villages=self.villages,
            cadres=_village_cadres(user, village),
            fixed_source=self.kind,
            initial=self.initial(),
        )
        if village is None:
            del form.fields["owner"]  # offered once the village is known (`?village=`)
        return form

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        village = self.fixed_village()
        ctx.update(
            form=kwargs.get("form") or self.form(),
            record=self.record,
            kind=self.kind,
            village=village,
            title=_("Register a problem"),
            cancel_url=reverse("supervision:problem-list"),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            data = dict(form.cleaned_data)
            common = {
                k: data.get(k)
                for k in ("title", "category", "severity", "owner_name", "deadline", "standard")
            }
            common["owner"] = data.get("owner")
            try:
                if self.kind == "audit":
                    problem = services.problem_from_audit_finding(
                        actor=request.user, finding=self.record, **common
                    )
                elif self.kind == "disclosure":
                    problem = services.problem_from_disclosure_question(
                        actor=request.user, question=self.record, **common
                    )
                else:
                    problem = services.problem_open(
                        actor=request.user,
                        village=data["village"],
                        source=data["source"],
                        description=data["description"],
                        **common,
                    )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Problem registered."))
                return redirect(problem.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class ProblemUpdateView(ScopedObjectMixin, TemplateView):
    """Correct an unresolved problem's facts; a closed problem can only be reopened."""

    model = Problem
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    required_right = None
    template_name = TEMPLATES + "problem_form.html"

    def base_queryset(self):
        return Problem.objects.select_related("village__township__parent")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            problem = self.get_object()
            if not scope_for(request.user).allows(Right.ORGANIZE, problem.area_code):
                raise PermissionDenied
            if problem.state == ProblemState.CLOSED:
                messages.error(request, _("A closed problem cannot be edited, only reopened."))
                return redirect(problem.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def form(self):
        p = self.get_object()
        initial = {
            f: getattr(p, f)
            for f in ("title", "description", "category", "severity", "owner_name", "deadline")
        }
        initial.update(owner=p.owner_id, standard=p.standard)
        return ProblemFactsForm(
            self.request.POST if self.request.method == "POST" else None,
            cadres=_village_cadres(self.request.user, p.village),
            may_move_deadline=scope_for(self.request.user).allows(Right.EDIT, p.area_code),
            initial=initial,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        problem = self.get_object()
        ctx.update(
            form=kwargs.get("form") or self.form(),
            problem=problem,
            village=problem.village,
            title=_("Edit the problem"),
            cancel_url=problem.get_absolute_url(),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            try:
                services.problem_update(
                    actor=request.user, problem=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Problem saved."))
                return redirect(self.get_object().get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


urlpatterns = [
    path("problems/", ProblemListView.as_view(), name="problem-list"),
    path("problems/export/", ProblemExportView.as_view(), name="problem-export"),
    path("problems/add/", ProblemCreateView.as_view(), name="problem-create"),
    path("problems/<int:pk>/", ProblemDetailView.as_view(), name="problem-detail"),
    path("problems/<int:pk>/edit/", ProblemUpdateView.as_view(), name="problem-update"),
    path("problems/<int:pk>/<slug:action>/", ProblemActionView.as_view(), name="problem-action"),
    path(
        "problems/from/<slug:kind>/<int:pk>/",
        ProblemFromRecordView.as_view(),
        name="problem-from-record",
    ),
]
