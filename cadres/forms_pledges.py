"""Forms of the two certificates' pages: certificates, pledges with their promises, 劝辞.

They only validate input; the services in `cadres.services` do the writing and the state checks.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm

from .choices import AdviceOutcome, PromiseAudience, PromiseCategory

BLANK = [("", _("Choose…"))]


def date_field(label, **kwargs) -> forms.DateField:
    """A date picked with the phone's own date picker, today by default."""
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
        **kwargs,
    )


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# ------------------------------------------------------------------ certificates


class QualificationCertificateIssueForm(CleanForm):
    issued_on = date_field(_("issued on"))


class QualificationCertificateChangeForm(CleanForm):
    """Suspend, reinstate or revoke: the day and the reason, both kept on the certificate."""

    on = date_field(_("Effective on"))
    reason = forms.CharField(label=_("Reason"), widget=text_area())


# ------------------------------------------------------------------ pledges


class PromiseForm(CleanForm):
    """One promise row; a row left entirely blank is skipped (that is how a row is removed)."""

    audience = forms.ChoiceField(label=_("made to"), choices=BLANK + PromiseAudience.choices)
    category = forms.ChoiceField(label=_("category"), choices=BLANK + PromiseCategory.choices)
    text = forms.CharField(label=_("promise"), widget=text_area(2))
    target = forms.CharField(label=_("measurable target"), max_length=200)
    due_date = forms.DateField(
        label=_("due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def has_changed(self) -> bool:
        # "Changed" means "has content", also for rows prefilled from an existing pledge:
        # the formset then validates every filled row and skips every blank one.
        return any(str(self[name].value() or "").strip() for name in self.fields)

    def raw_values(self) -> dict:
        """The row as typed, without validating it (to re-show it after "add a row")."""
        return {name: self[name].value() or "" for name in self.fields}


class BasePromiseFormSet(forms.BaseFormSet):
    """The promise rows of a pledge; blank rows are ignored, at least one must be filled."""

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        if not self.promises():
            raise forms.ValidationError(_("Fill in at least one promise."))

    def promises(self) -> list[dict]:
        """The filled rows in their order, as the services take them."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data]

    def rows_with_one_more(self) -> tuple[list[dict], int]:
        """(filled rows as typed, number of blank rows + 1) for re-showing with a new row."""
        filled = [f.raw_values() for f in self.forms if f.has_changed()]
        blank = len(self.forms) - len(filled)
        return filled, blank + 1


PromiseFormSet = forms.formset_factory(
    PromiseForm, formset=BasePromiseFormSet, extra=3, max_num=50, validate_max=True
)
PROMISE_PREFIX = "promises"


def promise_formset(data=None, *, initial=None, extra: int = 3) -> BasePromiseFormSet:
    """The promise rows: bound to `data`, or `initial` rows followed by `extra` blank ones."""
    formset = PromiseFormSet(data, initial=initial, prefix=PROMISE_PREFIX)
    if data is None:
        formset.extra = extra
    return formset


class PledgeDraftForm(CleanForm):
    drafted_on = date_field(_("drafted on"))


class PledgeAmendForm(CleanForm):
    reason = forms.CharField(label=_("reason for the amendment"), widget=text_area())
    drafted_on = date_field(_("drafted on"))


class PledgeSignForm(CleanForm):
    signed_on = date_field(_("Signed on"))


class PledgeCountersignForm(CleanForm):
    signer = forms.CharField(
        label=_("Signed by"),
        max_length=30,
        help_text=_("The name of the leader who signs for the township."),
    )
    signed_on = date_field(_("Signed on"))


# ------------------------------------------------------------------ advised resignations


class ResignationAdviceOpenForm(CleanForm):
    grounds = forms.CharField(
        label=_("grounds"),
        widget=text_area(4),
        help_text=_("Which promises or duties were broken, and how this was established."),
    )
    opened_on = date_field(_("opened on"))


class ResignationAdviceTalkForm(CleanForm):
    talk_on = date_field(_("talk held on"))
    talk_by = forms.CharField(label=_("talk held by"), max_length=100)
    talk_notes = forms.CharField(label=_("record of the talk"), widget=text_area(4))


class ResignationAdviceDecideForm(CleanForm):
    outcome = forms.ChoiceField(label=_("outcome"), choices=BLANK + AdviceOutcome.choices)
    decided_on = date_field(_("decided on"))
    notes = forms.CharField(label=_("decision notes"), widget=text_area(), required=False)
