"""Pages of 换届交接 (handovers when a secretary's or chair's post ends) and 定期审计 (audits).

Handovers are prepared by the village's bookkeepers (`Right.KEEP_BOOKS`) and signed by the
outgoing and incoming cadres (recorded by the bookkeepers) and the township's supervisor
(`Right.EDIT`). Audits and their findings are township acts (`Right.EDIT`). Every write goes
through ledgers.services; a refusal is shown on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from cadres.models import Cadre, Post
from core.dates import today
from core.rights import Right, scope_for
from core.views import ScopedListView, ScopedMixin, ScopedObjectMixin, apply_validation_error
from villages.models import Region, Village

from .. import selectors, services
from ..choices import AuditKind, FindingStatus, HandoverState
from ..forms_handover import (
    AuditRecordFilterSet,
    AuditRecordForm,
    AuditReportForm,
    FindingForm,
    FindingStatusForm,
    HandoverCountForm,
    HandoverFilterSet,
    HandoverSignForm,
    HandoverStartForm,
)
from ..models import AuditFinding, AuditRecord, Handover
from .books import RightsMixin, VillageMixin


def _handover_url(handover) -> str:
    return reverse("ledgers:handover-detail", args=[handover.pk])


def _audit_url(audit) -> str:
    return reverse("ledgers:audit-detail", args=[audit.pk])


class NeedMixin(RightsMixin, ScopedObjectMixin):
    """One object by pk: 404 outside the scope, 403 without `required_right` (None: read)."""

    required_right = None
    lookup_field = "pk"
    lookup_url_kwarg = "pk"


def _village_cadres(user, village):
    return Cadre.objects.visible_to(user).filter(village=village).order_by("name")


# ------------------------------------------------------------------ handovers


class HandoverDueView(ScopedMixin, ListView):
    """Ended secretary's and chair's posts without a handover, the overdue ones flagged."""

    model = Post
    template_name = "ledgers/handover/due_list.html"
    paginate_by = 25

    def get_queryset(self):
        qs = selectors.handovers_due(self.request.user)
        township = self.request.GET.get("township", "")
        if township.isdigit():
            qs = qs.filter(area_code__startswith=township)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            township=self.request.GET.get("township", ""),
            query_string=params.urlencode(),
            overdue_after=selectors.OVERDUE_AFTER_DAYS,
        )
        scope = scope_for(self.request.user)
        for post in ctx["object_list"]:
            post.may_start = scope.allows(Right.KEEP_BOOKS, post.area_code)
        return ctx


class HandoverListView(ScopedListView):
    """Handovers started, being prepared or signed, in the villages in scope."""

    model = Handover
    filterset_class = HandoverFilterSet
    template_name = "ledgers/handover/handover_list.html"
    default_ordering = ("area_code", "-as_of")

    def base_queryset(self):
        return Handover.objects.select_related("village", "ended_post__cadre", "incoming")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["townships"] = Region.objects.visible_to(self.request.user).townships()
        ctx["states"] = HandoverState.choices
        return ctx


class HandoverStartView(NeedMixin, TemplateView):
    """Start the handover of an ended post: the books are frozen as of the chosen date."""

    model = Post
    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/handover/handover_start.html"

    def base_queryset(self):
        return Post.objects.select_related("cadre", "village__township__parent")

    def form(self):
        post = self.get_object()
        data = self.request.POST if self.request.method == "POST" else None
        return HandoverStartForm(
            data,
            cadres=_village_cadres(self.request.user, post.village),
            initial={"as_of": post.end_date},
        )

    def get_context_data(self, **kwargs):
        post = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "post": post,
            "village": post.village,
            "form": kwargs.get("form") or self.form(),
        }

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            try:
                handover = services.handover_start(
                    actor=request.user, ended_post=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Handover started; the books are frozen."))
                return redirect(_handover_url(handover))
        return self.render_to_response(self.get_context_data(form=form))


class HandoverDetailView(NeedMixin, TemplateView):
    """One handover: the frozen balances, the count, the three signatures and the state."""

    model = Handover
    template_name = "ledgers/handover/handover_detail.html"

    def base_queryset(self):
        return Handover.objects.select_related(
            "village__township__parent", "ended_post__cadre", "incoming"
        )

    def count_form(self, data=None):
        h = self.get_object()
        return HandoverCountForm(
            data,
            cadres=_village_cadres(self.request.user, h.village),
            initial={
                "cash_counted": h.cash_counted,
                "bank_counted": h.bank_counted,
                "differences": h.differences,
                "documents": h.documents,
                "incoming": h.incoming_id,
            },
        )

    def get_context_data(self, **kwargs):
        h = self.get_object()
        balances = h.book_balances or {}
        accounts = sorted((balances.get("accounts") or {}).items())
        signers = [
            ("outgoing", _("Outgoing cadre"), h.ended_post.cadre.name, h.outgoing_signed_on),
            (
                "incoming",
                _("Incoming cadre"),
                h.incoming.name if h.incoming else "",
                h.incoming_signed_on,
            ),
            ("supervisor", _("Township supervisor"), h.supervisor, h.supervisor_signed_on),
        ]
        sign_forms = kwargs.get("sign_forms") or {}
        rights = self.rights(h.area_code)
        return {
            **super().get_context_data(**kwargs),
            "handover": h,
            "village": h.village,
            "is_draft": h.state == HandoverState.DRAFT,
            "accounts": accounts,
            "assets": balances.get("assets") or {},
            "resources": balances.get("resources") or {},
            "book_cash": services.book_amount(balances, "101"),
            "book_bank": services.book_amount(balances, "102"),
            "count_form": kwargs.get("count_form") or self.count_form(),
            "signers": [
                {
                    "who": who,
                    "label": label,
                    "name": name,
                    "signed_on": signed_on,
                    "may_sign": rights["can_manage" if who == "supervisor" else "can_keep_books"],
                    "form": sign_forms.get(who) or HandoverSignForm(initial={"on": today()}),
                }
                for who, label, name, signed_on in signers
            ],
            **rights,
        }


class HandoverCountView(HandoverDetailView):
    """POST the count (cash, bank, differences, documents, incoming cadre) of a draft."""

    required_right = Right.KEEP_BOOKS

    def post(self, request, *args, **kwargs):
        form = self.count_form(request.POST)
        if form.is_valid():
            try:
                services.handover_update(
                    actor=request.user, handover=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Handover count saved."))
                return redirect(_handover_url(self.get_object()))
        return self.render_to_response(self.get_context_data(count_form=form))


class HandoverSignView(HandoverDetailView):
    """POST one signature; the supervisor's needs EDIT, the others KEEP_BOOKS."""

    def dispatch(self, request, *args, **kwargs):
        if kwargs["who"] not in services.HANDOVER_SIGNERS:
            raise Http404
        self.required_right = Right.EDIT if kwargs["who"] == "supervisor" else Right.KEEP_BOOKS
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, who, **kwargs):
        form = HandoverSignForm(request.POST)
        if form.is_valid():
            try:
                handover = services.handover_sign(
                    actor=request.user, handover=self.get_object(), who=who, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                if handover.state == HandoverState.SIGNED:
                    messages.success(request, _("Signed by all three: the handover is final."))
                else:
                    messages.success(request, _("Signature recorded."))
                return redirect(_handover_url(handover))
        return self.render_to_response(self.get_context_data(sign_forms={who: form}))


# ------------------------------------------------------------------ audits


class AuditListView(ScopedListView):
    """Audits of the villages in scope (`?village=` for one village), with open findings."""

    model = AuditRecord
    filterset_class = AuditRecordFilterSet
    template_name = "ledgers/handover/audit_list.html"
    default_ordering = ("area_code", "-period_end")

    def base_queryset(self):
        return AuditRecord.objects.select_related("village").annotate(
            n_findings=Count("findings"),
            n_open=Count("findings", filter=~Q(findings__status=FindingStatus.RESOLVED)),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        villages = Village.objects.visible_to(user).order_by("code")
        township = self.request.GET.get("township", "")
        if township:
            villages = villages.filter(code__startswith=township)
        code = self.request.GET.get("village", "")
        ctx.update(
            townships=Region.objects.visible_to(user).townships(),
            villages=villages.only("code", "name"),
            kinds=AuditKind.choices,
            one_village=Village.objects.visible_to(user).filter(code=code).first()
            if code
            else None,
        )
        if ctx["one_village"]:
            ctx["can_manage"] = scope_for(user).allows(Right.EDIT, code)
        return ctx


class AuditCreateView(VillageMixin, TemplateView):
    """Record an audit of the village (the township)."""

    required_right = Right.EDIT
    template_name = "ledgers/handover/audit_form.html"

    def form(self):
        village = self.get_object()
        data = self.request.POST if self.request.method == "POST" else None
        posts = (
            Post.objects.visible_to(self.request.user)
            .filter(village=village)
            .select_related("cadre")
            .order_by("-start_date")
        )
        return AuditRecordForm(data, posts=posts)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or self.form()
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            try:
                audit = services.audit_record(
                    actor=request.user, village=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Audit recorded."))
                return redirect(_audit_url(audit))
        return self.render_to_response(self.get_context_data(form=form))


class AuditDetailView(NeedMixin, TemplateView):
    """One audit: its report, its findings with their status, and the township's forms."""

    model = AuditRecord
    template_name = "ledgers/handover/audit_detail.html"

    def base_queryset(self):
        return AuditRecord.objects.select_related(
            "village__township__parent", "leaving_post__cadre"
        )

    def get_context_data(self, **kwargs):
        audit = self.get_object()
        findings = list(
            AuditFinding.objects.visible_to(self.request.user)
            .filter(audit=audit)
            .select_related("problem")
            .order_by("pk")
        )
        status_forms = kwargs.get("status_forms") or {}
        for f in findings:
            f.status_form = status_forms.get(f.pk) or FindingStatusForm(
                initial={"status": FindingStatus.RESOLVED, "resolved_on": today()}
            )
            f.is_resolved = f.status == FindingStatus.RESOLVED
        report_initial = {"report_date": audit.report_date, "conclusion": audit.conclusion}
        return {
            **super().get_context_data(**kwargs),
            "audit": audit,
            "village": audit.village,
            "findings": findings,
            "total_amount": sum(f.amount for f in findings),
            "report_form": kwargs.get("report_form") or AuditReportForm(initial=report_initial),
            "finding_form": kwargs.get("finding_form") or FindingForm(),
            "may_register": scope_for(self.request.user).allows(Right.ORGANIZE, audit.area_code),
            **self.rights(audit.area_code),
        }


class AuditReportView(AuditDetailView):
    required_right = Right.EDIT

    def post(self, request, *args, **kwargs):
        form = AuditReportForm(request.POST)
        if form.is_valid():
            try:
                services.audit_report(
                    actor=request.user, audit=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Audit report saved."))
                return redirect(_audit_url(self.get_object()))
        return self.render_to_response(self.get_context_data(report_form=form))


class FindingAddView(AuditDetailView):
    required_right = Right.EDIT

    def post(self, request, *args, **kwargs):
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                services.finding_add(
                    actor=request.user, audit=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Audit finding added."))
                return redirect(_audit_url(self.get_object()))
        return self.render_to_response(self.get_context_data(finding_form=form))


class FindingStatusView(NeedMixin, TemplateView):
    """POST a finding's new status; errors are shown on the audit's page."""

    model = AuditFinding
    required_right = Right.EDIT
    template_name = "ledgers/handover/audit_detail.html"

    def base_queryset(self):
        return AuditFinding.objects.select_related("audit")

    def post(self, request, *args, **kwargs):
        finding = self.get_object()
        form = FindingStatusForm(request.POST)
        if form.is_valid():
            try:
                services.finding_update_status(
                    actor=request.user, finding=finding, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Finding status updated."))
                return redirect(_audit_url(finding.audit))
        view = AuditDetailView()
        view.setup(request, pk=finding.audit_id)
        ctx = view.get_context_data(status_forms={finding.pk: form})
        return self.response_class(
            request=request, template=[self.template_name], context=ctx, status=200
        )


urlpatterns = [
    path("handovers/", HandoverListView.as_view(), name="handover-list"),
    path("handovers/due/", HandoverDueView.as_view(), name="handover-due"),
    path("handovers/start/<int:pk>/", HandoverStartView.as_view(), name="handover-start"),
    path("handovers/<int:pk>/", HandoverDetailView.as_view(), name="handover-detail"),
    path("handovers/<int:pk>/count/", HandoverCountView.as_view(), name="handover-count"),
    path("handovers/<int:pk>/sign/<str:who>/", HandoverSignView.as_view(), name="handover-sign"),
    path("audits/", AuditListView.as_view(), name="audit-list"),
    path("villages/<str:code>/audits/add/", AuditCreateView.as_view(), name="audit-add"),
    path("audits/<int:pk>/", AuditDetailView.as_view(), name="audit-detail"),
    path("audits/<int:pk>/report/", AuditReportView.as_view(), name="audit-report"),
    path("audits/<int:pk>/findings/add/", FindingAddView.as_view(), name="finding-add"),
    path("findings/<int:pk>/status/", FindingStatusView.as_view(), name="finding-status"),
]
