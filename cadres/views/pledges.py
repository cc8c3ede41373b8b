"""Pages about the two certificates (两证): qualification certificates, pledges (任职保证书)
and advised resignations (劝辞).

Everyone in scope reads them; township staff and county supervisors act on them. Each action
page validates its form and calls one service of `cadres.services`, which checks the state.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.rights import Right, scope_for
from core.views import (
    ConfirmMixin,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    apply_validation_error,
)
from villages import selectors
from villages.changelog import history_context
from villages.models import Region

from .. import services
from ..choices import (
    AdviceOutcome,
    AdviceState,
    CertificateState,
    PledgeState,
    PromiseAudience,
)
from ..filtersets import (
    PledgeFilterSet,
    QualificationCertificateFilterSet,
    ResignationAdviceFilterSet,
)
from ..forms_pledges import (
    PledgeAmendForm,
    PledgeCountersignForm,
    PledgeDraftForm,
    PledgeSignForm,
    QualificationCertificateChangeForm,
    QualificationCertificateIssueForm,
    ResignationAdviceDecideForm,
    ResignationAdviceOpenForm,
    ResignationAdviceTalkForm,
    promise_formset,
)
from ..models import Pledge, Post, QualificationCertificate, ResignationAdvice

TEMPLATES = "cadres/pledges/"


def _may_edit(request, obj) -> bool:
    return scope_for(request.user).allows(Right.EDIT, obj.area_code)


def _townships(request):
    """The townships offered in the lists' filter."""
    return Region.objects.visible_to(request.user).townships()


# ------------------------------------------------------------------ shared bases


class ActionView(ConfirmMixin, ScopedObjectMixin, FormView):
    """A form about one record that calls one service: 404 outside the scope, 403 for readers.

    Subclasses set `model`, `form_class`, `title`, and implement `perform(form)`, which returns
    the record to show next (or None for `self.object`); an irreversible act also sets
    `confirm_message` (usually its `intro`), and is asked before it is done.
    """

    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    template_name = TEMPLATES + "action_form.html"
    title = ""
    intro = ""
    submit_label = gettext_lazy("Save")
    danger = False

    def scope_code(self, obj) -> str:
        return obj.area_code

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # Refuse before showing any form: 404 outside the scope, 403 if read-only.
            self.object = self.get_object()
            refusal = self.refuse()
            if refusal is not None:
                return refusal
        return super().dispatch(request, *args, **kwargs)

    def refuse(self):
        """A response when the record's state rules the page out (None: go on)."""
        return None

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            object=self.object,
            title=self.get_title(),
            intro=self.intro,
            submit_label=self.submit_label,
            danger=self.danger,
            village=self.village(),
            post=self.object if isinstance(self.object, Post) else self.object.post,
            cancel_url=self.cancel_url(),
        )
        return ctx

    def village(self):
        return self.object.post.village

    def cancel_url(self) -> str:
        return self.object.get_absolute_url()

    def perform(self, form):
        raise NotImplementedError

    def success_message(self, result) -> str:
        return _("Saved.")

    ask_before_validating = False

    def form_valid(self, form):
        question = self.unconfirmed()
        if question is not None:
            return self.ask_confirmation(question)
        try:
            result = self.perform(form)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(result))
        return redirect(self.next_url(result))

    def next_url(self, result):
        """Where to go after success: the record the service returned, else this one."""
        return result if result is not None else self.object


class PostActionView(ActionView):
    """An action that starts from a sitting post: issue, draft a pledge, open an advice."""

    model = Post
    lookup_url_kwarg = "post_pk"

    def base_queryset(self):
        return Post.objects.select_related("cadre", "village__township__parent")

    def village(self):
        return self.object.village

    def cancel_url(self) -> str:
        return self.object.village.get_absolute_url()


class FilteredListView(ScopedListView):
    """A list page with the township filter offered next to the FilterSet's fields."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["townships"] = _townships(self.request)
        return ctx


# ------------------------------------------------------------------ certificates


class QualificationCertificateListView(FilteredListView):
    model = QualificationCertificate
    filterset_class = QualificationCertificateFilterSet
    template_name = TEMPLATES + "qualification_certificate_list.html"
    default_ordering = ("-year", "-sequence", "pk")

    def base_queryset(self):
        return QualificationCertificate.objects.select_related("post__cadre", "post__village")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "states": CertificateState.choices}


class QualificationCertificateDetailView(ScopedDetailView):
    model = QualificationCertificate
    template_name = TEMPLATES + "qualification_certificate_detail.html"

    def base_queryset(self):
        return QualificationCertificate.objects.select_related(
            "post__cadre", "post__village__township__parent"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        certificate = self.object
        ctx.update(
            village=certificate.post.village,
            can_edit=_may_edit(self.request, certificate),
            state_history=certificate_state_history(certificate),
        )
        return ctx


def certificate_state_history(certificate) -> list[dict]:
    """The certificate's states over time, read from the change log (oldest first)."""
    rows = []
    events = selectors.object_history(certificate).filter(
        pgh_obj_model="cadres.QualificationCertificate"
    )
    for row in reversed(selectors.event_rows(events)):
        event = row.event
        data = event.pgh_data or {}
        if event.pgh_label == "insert":
            previous = None
        elif event.pgh_label == "update" and "state" in (event.pgh_diff or {}):
            previous = event.pgh_diff["state"][0]
        else:
            continue
        rows.append(
            {
                "at": event.pgh_created_at,
                "user": row.user,
                "previous": _state_label(previous),
                "state": _state_label(data.get("state")),
                "on": _date(data.get("state_changed_on") or data.get("issued_on")),
                "reason": data.get("state_reason", "") if previous else "",
            }
        )
    return rows


def _date(value):
    """A date stored in the change log's JSON (ISO text) as a date, to render it Chinese-style."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _state_label(value):
    if value in CertificateState.values:
        return CertificateState(value).label
    return value


class QualificationCertificateIssueView(PostActionView):
    form_class = QualificationCertificateIssueForm
    title = gettext_lazy("Issue the qualification certificate")
    intro = gettext_lazy(
        "The certificate is numbered by county and year and is valid for the term of the post."
    )
    submit_label = gettext_lazy("Issue")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["existing"] = (
            QualificationCertificate.objects.visible_to(self.request.user)
            .filter(post=self.object)
            .first()
        )
        return ctx

    def perform(self, form):
        return services.certificate_issue(
            actor=self.request.user, post=self.object, **form.cleaned_data
        )

    def success_message(self, result) -> str:
        return _("Certificate %(number)s issued.") % {"number": result.number}


class QualificationCertificateChangeView(ActionView):
    """Suspend, reinstate or revoke a certificate (the service checks the transition)."""

    model = QualificationCertificate
    form_class = QualificationCertificateChangeForm
    service = None
    done = ""

    def base_queryset(self):
        return QualificationCertificate.objects.select_related(
            "post__cadre", "post__village__township__parent"
        )

    def perform(self, form):
        data = form.cleaned_data
        return type(self).service(
            actor=self.request.user, certificate=self.object, on=data["on"], reason=data["reason"]
        )

    def success_message(self, result) -> str:
        return str(self.done)


class QualificationCertificateSuspendView(QualificationCertificateChangeView):
    service = services.certificate_suspend
    title = gettext_lazy("Suspend the certificate")
    submit_label = gettext_lazy("Suspend")
    done = gettext_lazy("Certificate suspended.")
    danger = True


class QualificationCertificateReinstateView(QualificationCertificateChangeView):
    service = services.certificate_reinstate
    title = gettext_lazy("Reinstate the certificate")
    submit_label = gettext_lazy("Reinstate")
    done = gettext_lazy("Certificate reinstated.")


class QualificationCertificateRevokeView(QualificationCertificateChangeView):
    service = services.certificate_revoke
    title = gettext_lazy("Revoke the certificate")
    intro = gettext_lazy("A revoked certificate cannot be reinstated.")
    confirm_message = intro
    submit_label = gettext_lazy("Revoke")
    done = gettext_lazy("Certificate revoked.")
    danger = True


# ------------------------------------------------------------------ pledges


class PledgeMixin:
    """One pledge with its post, village, and the versions before and after it."""

    model = Pledge

    def base_queryset(self):
        return Pledge.objects.select_related(
            "post__cadre", "post__village__township__parent", "amends", "amendment"
        )


class PledgeListView(FilteredListView):
    model = Pledge
    filterset_class = PledgeFilterSet
    template_name = TEMPLATES + "pledge_list.html"
    default_ordering = ("area_code", "-drafted_on", "-version", "pk")

    def base_queryset(self):
        return Pledge.objects.select_related("post__cadre", "post__village")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "states": PledgeState.choices}


class PledgeDetailView(PledgeMixin, ScopedDetailView):
    """The pledge as a document: promises, clauses, the three signatures; then its history."""

    template_name = TEMPLATES + "pledge_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        pledge = self.object
        promises = list(pledge.promises.all())
        ctx.update(
            village=pledge.post.village,
            can_edit=_may_edit(self.request, pledge),
            to_villagers=[p for p in promises if p.audience == PromiseAudience.VILLAGERS],
            to_organization=[p for p in promises if p.audience == PromiseAudience.ORGANIZATION],
            amendment=getattr(pledge, "amendment", None),
            **history_context(self.request, pledge),
        )
        return ctx


def _frozen_page(request, pledge):
    """The answer to an attempt to change a signed pledge: nothing changes, here is why."""
    return TemplateResponse(
        request,
        TEMPLATES + "pledge_frozen.html",
        {
            "object": pledge,
            "village": pledge.post.village,
            "can_amend": pledge.state == PledgeState.IN_FORCE
            and getattr(pledge, "amendment", None) is None,
        },
        status=403,
    )


class PromiseFormMixin:
    """The promise rows of a pledge form, with "add a row" done on the server (no script)."""

    promise_extra = 3

    def initial_promises(self) -> list[dict]:
        """The rows to start from: the pledge's own promises (edit, amend), else none."""
        if not isinstance(self.object, Pledge):
            return []
        fields = services.PROMISE_FIELDS
        return [{f: getattr(p, f) for f in fields} for p in self.object.promises.all()]

    def get_formset(self):
        if self.request.method == "POST":
            return promise_formset(self.request.POST)
        return promise_formset(initial=self.initial_promises(), extra=self.promise_extra)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("formset", self.formset)
        return ctx

    def post(self, request, *args, **kwargs):
        self.formset = self.get_formset()
        form = self.get_form()
        if "add_row" in request.POST:
            # Show the same input again with one more blank row, and no errors yet.
            filled, blank = self.formset.rows_with_one_more()
            self.formset = promise_formset(initial=filled, extra=blank)
            form = self.form_class(initial={k: request.POST.get(k) for k in form.fields})
            return self.render_to_response(self.get_context_data(form=form))
        formset_ok = self.formset.is_valid()
        if form.is_valid() and formset_ok:
            return self.form_valid(form)
        return self.form_invalid(form)

    def get(self, request, *args, **kwargs):
        self.formset = self.get_formset()
        return super().get(request, *args, **kwargs)


class PledgeDraftView(PromiseFormMixin, PostActionView):
    form_class = PledgeDraftForm
    template_name = TEMPLATES + "pledge_form.html"
    title = gettext_lazy("Draft the pledge")
    intro = gettext_lazy(
        "List the promises to the villagers and the commitments to the organization, each "
        "with a measurable target and a due date. Until the cadre signs, the draft can change."
    )
    submit_label = gettext_lazy("Save the draft")

    def perform(self, form):
        return services.pledge_draft(
            actor=self.request.user,
            post=self.object,
            drafted_on=form.cleaned_data["drafted_on"],
            promises=self.formset.promises(),
        )

    def success_message(self, result) -> str:
        return _("Pledge drafted; the cadre signs it next.")


class PledgeActionView(PledgeMixin, ActionView):
    """An action on one pledge."""


class DraftOnlyMixin:
    """Changing the text of a signed pledge answers with an explanation and changes nothing."""

    def refuse(self):
        if self.object.is_frozen:
            return _frozen_page(self.request, self.object)
        return None


class PledgeEditView(DraftOnlyMixin, PromiseFormMixin, PledgeActionView):
    form_class = forms.Form  # only the promise rows change
    template_name = TEMPLATES + "pledge_form.html"
    title = gettext_lazy("Edit the draft pledge")
    submit_label = gettext_lazy("Save the draft")
    promise_extra = 1

    def perform(self, form):
        return services.pledge_update_draft(
            actor=self.request.user, pledge=self.object, promises=self.formset.promises()
        )

    def success_message(self, result) -> str:
        return _("Draft saved.")


class PledgeAmendView(PromiseFormMixin, PledgeActionView):
    form_class = PledgeAmendForm
    template_name = TEMPLATES + "pledge_form.html"
    title = gettext_lazy("Amend the pledge")
    intro = gettext_lazy(
        "The amendment is a new version that starts from the promises in force. It needs the "
        "cadre's signature and both countersignatures before it replaces this version."
    )
    submit_label = gettext_lazy("Draft the amendment")
    promise_extra = 1

    def perform(self, form):
        return services.pledge_amend(
            actor=self.request.user,
            pledge=self.object,
            promises=self.formset.promises(),
            **form.cleaned_data,
        )

    def success_message(self, result) -> str:
        return _("Amendment drafted: it needs the three signatures again.")


class PledgeSignView(PledgeActionView):
    form_class = PledgeSignForm
    title = gettext_lazy("Record the cadre's signature")
    intro = gettext_lazy("From the cadre's signature on, the text of the pledge cannot change.")
    confirm_message = intro
    submit_label = gettext_lazy("Record the signature")

    def perform(self, form):
        return services.pledge_sign(
            actor=self.request.user, pledge=self.object, **form.cleaned_data
        )

    def success_message(self, result) -> str:
        return _("The cadre's signature is recorded; the text is now frozen.")


BODIES = {
    "party": gettext_lazy("township party committee"),
    "government": gettext_lazy("township government"),
}


class PledgeCountersignView(PledgeActionView):
    form_class = PledgeCountersignForm
    submit_label = gettext_lazy("Record the countersignature")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["body"] not in BODIES:
            raise Http404
        self.body = kwargs["body"]
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return _("Countersignature of the %(body)s") % {"body": BODIES[self.body]}

    def perform(self, form):
        return services.pledge_countersign(
            actor=self.request.user, pledge=self.object, body=self.body, **form.cleaned_data
        )

    def success_message(self, result) -> str:
        if result.state == PledgeState.IN_FORCE:
            return _("Countersignature recorded: the pledge is now in force.")
        return _("Countersignature recorded.")


class PledgeDiscardView(DraftOnlyMixin, PledgeActionView):
    title = gettext_lazy("Discard the draft pledge")
    intro = gettext_lazy("The draft and its promises are removed; the change log keeps them.")
    submit_label = gettext_lazy("Discard")
    form_class = forms.Form
    danger = True

    def perform(self, form):
        services.pledge_discard_draft(actor=self.request.user, pledge=self.object)

    def success_message(self, result) -> str:
        return _("Draft discarded.")

    def next_url(self, result):
        return f"{reverse('cadres:pledge-list')}?village={self.object.area_code}"


# ------------------------------------------------------------------ advised resignations


class ResignationAdviceListView(FilteredListView):
    model = ResignationAdvice
    filterset_class = ResignationAdviceFilterSet
    template_name = TEMPLATES + "resignation_advice_list.html"
    default_ordering = ("-opened_on", "-pk")

    def base_queryset(self):
        return ResignationAdvice.objects.select_related("post__cadre", "post__village")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "states": AdviceState.choices,
            "outcomes": AdviceOutcome.choices,
        }


class ResignationAdviceDetailView(ScopedDetailView):
    model = ResignationAdvice
    template_name = TEMPLATES + "resignation_advice_detail.html"

    def base_queryset(self):
        return ResignationAdvice.objects.select_related(
            "post__cadre", "post__village__township__parent", "opened_by"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            village=self.object.post.village,
            can_edit=_may_edit(self.request, self.object),
            **history_context(self.request, self.object),
        )
        return ctx


class ResignationAdviceOpenView(PostActionView):
    form_class = ResignationAdviceOpenForm
    title = gettext_lazy("Open an advised resignation")
    intro = gettext_lazy(
        "The township party committee advises a cadre who broke the pledge to resign: first a "
        "talk, then the outcome."
    )
    submit_label = gettext_lazy("Open an advised resignation")
    danger = True

    def perform(self, form):
        return services.advice_open(actor=self.request.user, post=self.object, **form.cleaned_data)

    def success_message(self, result) -> str:
        return _("Advised resignation opened; record the talk next.")


class ResignationAdviceActionView(ActionView):
    model = ResignationAdvice

    def base_queryset(self):
        return ResignationAdvice.objects.select_related(
            "post__cadre", "post__village__township__parent"
        )


class ResignationAdviceTalkView(ResignationAdviceActionView):
    form_class = ResignationAdviceTalkForm
    title = gettext_lazy("Record the talk")
    submit_label = gettext_lazy("Record the talk")

    def perform(self, form):
        return services.advice_record_talk(
            actor=self.request.user, advice=self.object, **form.cleaned_data
        )

    def success_message(self, result) -> str:
        return _("Talk recorded.")


class ResignationAdviceDecideView(ResignationAdviceActionView):
    form_class = ResignationAdviceDecideForm
    title = gettext_lazy("Record the outcome")
    intro = gettext_lazy("If the cadre resigns, the post ends with the reason 'advised to resign'.")
    confirm_message = intro
    submit_label = gettext_lazy("Record the outcome")

    def perform(self, form):
        return services.advice_decide(
            actor=self.request.user, advice=self.object, **form.cleaned_data
        )

    def success_message(self, result) -> str:
        return _("Outcome recorded.")


urlpatterns = [
    path(
        "certificates/",
        QualificationCertificateListView.as_view(),
        name="qualification-certificate-list",
    ),
    path(
        "certificates/<int:pk>/",
        QualificationCertificateDetailView.as_view(),
        name="qualification-certificate-detail",
    ),
    path(
        "certificates/<int:pk>/suspend/",
        QualificationCertificateSuspendView.as_view(),
        name="qualification-certificate-suspend",
    ),
    path(
        "certificates/<int:pk>/reinstate/",
        QualificationCertificateReinstateView.as_view(),
        name="qualification-certificate-reinstate",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        QualificationCertificateRevokeView.as_view(),
        name="qualification-certificate-revoke",
    ),
    path(
        "posts/<int:post_pk>/certificate/",
        QualificationCertificateIssueView.as_view(),
        name="qualification-certificate-issue",
    ),
    path("pledges/", PledgeListView.as_view(), name="pledge-list"),
    path("pledges/<int:pk>/", PledgeDetailView.as_view(), name="pledge-detail"),
    path("pledges/<int:pk>/edit/", PledgeEditView.as_view(), name="pledge-edit"),
    path("pledges/<int:pk>/sign/", PledgeSignView.as_view(), name="pledge-sign"),
    path(
        "pledges/<int:pk>/countersign/<str:body>/",
        PledgeCountersignView.as_view(),
        name="pledge-countersign",
    ),
    path("pledges/<int:pk>/amend/", PledgeAmendView.as_view(), name="pledge-amend"),
    path("pledges/<int:pk>/discard/", PledgeDiscardView.as_view(), name="pledge-discard"),
    path("posts/<int:post_pk>/pledge/add/", PledgeDraftView.as_view(), name="pledge-add"),
    path("advices/", ResignationAdviceListView.as_view(), name="resignation-advice-list"),
    path(
        "advices/<int:pk>/", ResignationAdviceDetailView.as_view(), name="resignation-advice-detail"
    ),
    path(
        "advices/<int:pk>/talk/",
        ResignationAdviceTalkView.as_view(),
        name="resignation-advice-talk",
    ),
    path(
        "advices/<int:pk>/decide/",
        ResignationAdviceDecideView.as_view(),
        name="resignation-advice-decide",
    ),
    path(
        "posts/<int:post_pk>/advice/add/",
        ResignationAdviceOpenView.as_view(),
        name="resignation-advice-add",
    ),
]
