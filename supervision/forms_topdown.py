"""Forms of the top-down pages: checklists and their items, inspections (scores, participants,
findings) and reviews. Single column, so a township official can fill them on a phone."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm

from .choices import ParticipantKind, ProblemCategory, Severity
from .forms_bottomup import MeetingRow, MeetingRowFormSet

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
POINTS = {"max_digits": 5, "decimal_places": 1, "min_value": Decimal(0)}


class TemplateForm(CleanForm):
    name = forms.CharField(label=_("Name of the checklist"), max_length=100)


class TemplateItemForm(CleanForm):
    """One checklist item; a row left empty is dropped."""

    section = forms.CharField(label=_("Section"), max_length=50, required=False)
    text = forms.CharField(label=_("Item"), max_length=300, required=False)
    weight = forms.DecimalField(label=_("Weight (points)"), required=False, **POINTS)

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("weight"):
            self.add_error("weight", _("Give the item's weight in points."))
        if data.get("weight") and not data.get("text"):
            self.add_error("text", _("Write what is checked."))
        return data


class BaseRowFormSet(forms.BaseFormSet):
    """The filled rows in order; blank rows are dropped."""

    #: the field whose value makes a row filled
    key = ""

    def rows(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.forms
            if getattr(f, "cleaned_data", None) and f.cleaned_data.get(self.key)
        ]


class ItemRowFormSet(BaseRowFormSet):
    key = "text"

    def items(self) -> list[dict]:
        return [{**row, "position": n} for n, row in enumerate(self.rows(), 1)]


TemplateItemFormSet = forms.formset_factory(TemplateItemForm, formset=ItemRowFormSet, extra=3)


class InspectionStartForm(CleanForm):
    date = forms.DateField(label=_("Date of the inspection"), widget=DATE)


class InspectionUpdateForm(CleanForm):
    date = forms.DateField(label=_("Date of the inspection"), widget=DATE)
    summary = forms.CharField(
        label=_("Summary of the inspection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoreSheetForm(CleanForm):
    """A score and a note for each item of the checklist (`score_<id>`, `note_<id>`)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            item = row.item
            self.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=item.text,
                required=False,
                max_value=item.weight,
                help_text=_("at most %(w)s points") % {"w": item.weight},
                initial=row.score,
                **POINTS,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=300, initial=row.note
            )

    def pairs(self):
        """(row, score field, note field) for the template."""
        return [(r, self[f"score_{r.item.pk}"], self[f"note_{r.item.pk}"]) for r in self.rows]

    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            r.item.pk: (data[f"score_{r.item.pk}"], data[f"note_{r.item.pk}"])
            for r in self.rows
            if data.get(f"score_{r.item.pk}") is not None
        }


class ParticipantForm(CleanForm):
    name = forms.CharField(label=_("Name of the participant"), max_length=50, required=False)
    kind = forms.ChoiceField(
        label=_("Taking part as"), choices=ParticipantKind.choices, required=False
    )
    organization = forms.CharField(label=_("Organization or post"), max_length=100, required=False)


class ParticipantRowFormSet(BaseRowFormSet):
    key = "name"


ParticipantFormSet = forms.formset_factory(ParticipantForm, formset=ParticipantRowFormSet, extra=2)


class FindingForm(CleanForm):
    description = forms.CharField(
        label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL
    )
    owner_name = forms.CharField(label=_("Responsible person"), max_length=50)
    deadline = forms.DateField(label=_("Deadline for rectification"), widget=DATE)


class ReviewStartForm(CleanForm):
    date = forms.DateField(label=_("Date of the review"), widget=DATE)
    panel = forms.CharField(
        label=_("Panel members"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The township officials on the panel, separated by commas."),
    )


class ReviewScoreForm(CleanForm):
    """One cadre's scores on each of the review's dimensions (0–100) and a comment."""

    def __init__(self, *args, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for n, dimension in enumerate(dimensions):
            self.fields[f"d{n}"] = forms.DecimalField(
                label=dimension,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=4,
                decimal_places=1,
            )
        self.fields["comment"] = forms.CharField(label=_("Comment"), required=False, max_length=300)

    def dimension_fields(self):
        return [self[f"d{n}"] for n in range(len(self.dimensions))]

    def scores(self) -> dict:
        return {d: self.cleaned_data[f"d{n}"] for n, d in enumerate(self.dimensions)}


class ReviewRowForm(MeetingRow, ReviewScoreForm):
    """One cadre's row of the one-page review: a score on every dimension, or none to leave the
    cadre for later."""

    key = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.dimension_fields():
            field.field.required = False

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            for n in range(len(self.dimensions)):
                name = f"d{n}"
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give this score too, or leave the row empty."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        names = [f"d{n}" for n in range(len(self.dimensions))]
        typed = [n for n in names if data.get(n) is not None or n in self.errors]
        return not typed and not data.get("comment")

    def row(self) -> dict:
        return {"scores": self.scores(), "comment": self.cleaned_data.get("comment", "")}


ReviewFormSet = forms.formset_factory(ReviewRowForm, formset=MeetingRowFormSet, extra=0)
