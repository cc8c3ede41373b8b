"""Forms of the hearing, public report, redemption and annual inspection pages; one column,
so a contact cadre can fill them on a phone."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm

from .choices import (
    AskerKind,
    Fulfilment,
    QuestionCategory,
    Satisfaction,
    Verdict,
    outcomes_for,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = {"min_value": 0, "widget": forms.NumberInput(attrs={"inputmode": "numeric"})}


class HearingForm(CleanForm):
    date = forms.DateField(label=_("Date of the hearing"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    party_members_present = forms.IntegerField(label=_("Party members present"), **COUNT)
    representatives_present = forms.IntegerField(
        label=_("Villager representatives present"), **COUNT
    )
    others_present = forms.IntegerField(label=_("Others present"), initial=0, **COUNT)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}))


class HearingUpdateForm(HearingForm):
    follow_ups = forms.CharField(
        label=_("Follow-ups agreed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class QuestionForm(CleanForm):
    asker_name = forms.CharField(label=_("Asked by (optional)"), max_length=50, required=False)
    asker_kind = forms.ChoiceField(label=_("Asker is a"), choices=AskerKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=QuestionCategory.choices)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    answered_by = CadreChoiceField(label=_("Answered by"), queryset=None, required=False)
    answer = forms.CharField(
        label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfied = forms.TypedChoiceField(
        label=_("Was the asker satisfied?"),
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda v: v == "yes",
        initial="yes",
    )
    follow_up = forms.CharField(label=_("Follow-up"), max_length=300, required=False)

    def __init__(self, *args, cadres, **kwargs):
        kwargs.setdefault("prefix", "q")
        super().__init__(*args, **kwargs)
        self.fields["answered_by"].queryset = cadres


class PublicReportForm(CleanForm):
    date = forms.DateField(label=_("Date of the meeting"), widget=DATE)
    ballots_issued = forms.IntegerField(label=_("Ballots issued"), **COUNT)
    ballots_returned = forms.IntegerField(label=_("Ballots returned"), **COUNT)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VoteForm(CleanForm):
    satisfied = forms.IntegerField(label=_("Satisfied"), **COUNT)
    basically_satisfied = forms.IntegerField(label=_("Basically satisfied"), **COUNT)
    dissatisfied = forms.IntegerField(label=_("Dissatisfied"), **COUNT)
    summary = forms.CharField(
        label=_("What the cadre reported"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RedemptionForm(CleanForm):
    date = forms.DateField(label=_("Date of the meeting"), widget=DATE)
    attendance = forms.IntegerField(label=_("Villagers present"), **COUNT)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResultForm(CleanForm):
    """One promise's outcome; given the promise's due date and the redemption's year, it offers
    only the outcomes that promise may have (the service checks them)."""

    result = forms.ChoiceField(label=_("Result"), choices=Fulfilment.choices)
    appraisal = forms.ChoiceField(label=_("Villagers' appraisal"), choices=Satisfaction.choices)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, due_date: dt.date | None = None, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if due_date is not None and year is not None:
            # Only the menu narrows: a result that does not fit is refused by the service,
            # which says why (the field's "not a valid choice" would not).
            allowed = outcomes_for(due_date, year)
            self.fields["result"].widget.choices = [(o.value, o.label) for o in allowed]


class CertificateInspectionDecideForm(CleanForm):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required unless the verdict is pass. A fail suspends the certificate and "
            "opens an advised resignation."
        ),
    )


class CertificateInspectionCorrectForm(CleanForm):
    """A county supervisor's correction of a decided verdict."""

    verdict = forms.ChoiceField(label=_("Corrected verdict"), choices=Verdict.choices)
    reasons = forms.CharField(
        label=_("Reasons of the corrected verdict"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless the corrected verdict is pass."),
    )
    reason = forms.CharField(
        label=_("Why the verdict is corrected"), widget=forms.Textarea(attrs={"rows": 3})
    )
