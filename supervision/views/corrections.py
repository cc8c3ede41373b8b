"""The county supervisor's page that reopens a completed record to correct it (issue 16)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.forms import CleanForm
from core.rights import Right, scope_for
from core.views import ConfirmMixin, ScopedObjectMixin, apply_validation_error

from .. import services
from ..choices import RecordState

REOPEN_MESSAGE = gettext_lazy(
    "The record becomes a draft again, so that its organizers can correct it and complete it "
    "anew; the reopening is recorded with your name and reason and the original stays in the "
    "history. The duty stays done."
)


class ReopenForm(CleanForm):
    reason = forms.CharField(
        label=gettext_lazy("Why the record is corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def reopen_context(request, kind: str, record) -> dict:
    """What a record's page shows of its corrections: the reopenings, and the link for a
    county supervisor while it is completed."""
    may = record.state == RecordState.COMPLETED and scope_for(request.user).allows(
        Right.SUPERVISE, record.area_code
    )
    return {
        "reopenings": services.reopenings_of(record),
        "reopen_url": reverse("supervision:record-reopen", args=[kind, record.pk]) if may else "",
    }


class RecordReopenView(ConfirmMixin, ScopedObjectMixin, TemplateView):
    """Reopen a completed hearing, public report, redemption, inspection or review (county
    supervisors only), after saying what will happen."""

    required_right = Right.SUPERVISE
    lookup_field = lookup_url_kwarg = "pk"
    template_name = "supervision/record_reopen.html"
    confirm_message = REOPEN_MESSAGE
    ask_before_validating = False

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["kind"] not in services.REOPENABLE:
            raise Http404
        self.model = services.REOPENABLE[kwargs["kind"]]

    def base_queryset(self):
        return self.model.objects.select_related("village")

    def detail_url(self):
        return reverse(f"supervision:{self.kwargs['kind']}-detail", args=[self.get_object().pk])

    def get_context_data(self, **kwargs):
        record = self.get_object()
        if record.state != RecordState.COMPLETED:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "record": record,
            "village": record.village,
            "kind_label": record._meta.verbose_name,
            "detail_url": self.detail_url(),
            "form": kwargs.get("form") or ReopenForm(),
        }

    def post(self, request, *args, **kwargs):
        form = ReopenForm(request.POST)
        if form.is_valid():
            if (question := self.unconfirmed()) is not None:
                return self.ask_confirmation(question)
            try:
                services.record_reopen(
                    actor=request.user, record=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Reopened for correction; the reopening is recorded."))
                return redirect(self.detail_url())
        return self.render_to_response(self.get_context_data(form=form))


urlpatterns = [
    path(
        "records/<slug:kind>/<int:pk>/reopen/",
        RecordReopenView.as_view(),
        name="record-reopen",
    ),
]
