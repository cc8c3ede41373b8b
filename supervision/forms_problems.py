"""Forms of the problem ledger's pages: register, edit, and one form per step of the flow."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm

from .choices import ProblemAction, ProblemCategory, ProblemSource, Severity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
#: sources a person registers by hand; the others come from their record
HAND_SOURCES = [
    (v, label)
    for v, label in ProblemSource.choices
    if v in (ProblemSource.SCREENING, ProblemSource.OTHER)
]


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProblemFactsForm(CleanForm):
    """四明确: the task, the owner, the deadline and the standard of closing."""

    title = forms.CharField(label=_("Problem"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=TEXT)
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    owner_name = forms.CharField(label=_("Responsible person"), max_length=50)
    owner = CadreChoiceField(label=_("Responsible cadre"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    standard = forms.CharField(
        label=_("Standard for closing"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, cadres, may_move_deadline=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = cadres
        if not may_move_deadline:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = _("Only the township or the county may move it.")


class ProblemCreateForm(ProblemFactsForm):
    """Register a problem found in a village; `villages` are those the user organizes."""

    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    source = forms.ChoiceField(label=_("Source"), choices=HAND_SOURCES)
    field_order = ["village", "source", "title"]

    def __init__(self, *args, villages, fixed_source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.name} ({v.code})"
        if fixed_source is not None:
            # Prefilled from an audit finding or a disclosure question: village and source are
            # the record's.
            for name in ("village", "source"):
                self.fields[name].required = False
                self.fields[name].disabled = True
            self.fields["source"].choices = ProblemSource.choices

    def clean(self):
        data = super().clean()
        village, owner = data.get("village"), data.get("owner")
        if village and owner and owner.village_id != village.pk:
            self.add_error("owner", _("The responsible cadre must be of the same village."))
        return data


class StartForm(CleanForm):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class SubmitForm(CleanForm):
    rectification = forms.CharField(label=_("What was done"), widget=TEXT)


class CloseForm(CleanForm):
    evidence = forms.CharField(label=_("Evidence of closing"), widget=TEXT)
    on = forms.DateField(label=_("Closed on"), widget=DATE)


class SendBackForm(CleanForm):
    note = forms.CharField(label=_("Why it is sent back"), widget=TEXT)


class ReopenForm(CleanForm):
    reason = forms.CharField(label=_("Why it is reopened"), widget=TEXT)


#: the form of each step, by the action's URL slug
ACTION_FORMS = {
    "start": (ProblemAction.START, StartForm),
    "submit": (ProblemAction.SUBMIT, SubmitForm),
    "close": (ProblemAction.CLOSE, CloseForm),
    "send-back": (ProblemAction.REJECT, SendBackForm),
    "reopen": (ProblemAction.REOPEN, ReopenForm),
}
