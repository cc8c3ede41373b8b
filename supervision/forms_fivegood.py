"""Forms of the 五好 rating pages, and the list's filter (shared with the API)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter
from core.forms import CleanForm
from villages.filtersets import SearchFilter

from .choices import FiveGood, RatingState
from .models import FIVE_GOOD_FIELDS, FiveGoodRating

TEXT = forms.Textarea(attrs={"rows": 3})
MET_CHOICES = [("1", _("Met")), ("0", _("Not met"))]


class FiveGoodRatingFilterSet(AreaFilterMixin):
    """Ratings by year, state, outcome, township or village code and village name; corrected
    ratings (replaced by their correction) are left out unless `corrected=true`."""

    q = SearchFilter(fields=("village__name", "area_code"), label=_("Village"))
    year = YearFilter(label=_("Year"))
    state = django_filters.ChoiceFilter(choices=RatingState.choices, label=_("State"))
    is_five_good = django_filters.BooleanFilter(label=_("五好"))
    ordering = django_filters.OrderingFilter(
        fields=(("year", "year"), ("area_code", "village"), ("proposed_at", "proposed_at")),
        label=_("Sort by"),
    )

    class Meta:
        model = FiveGoodRating
        fields = ["q", "township", "village", "year", "state", "is_five_good"]


class AssessmentForm(CleanForm):
    """Met or not met, with a note, for each of the five 好 (a 好 not met needs the note)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for good in FIVE_GOOD_FIELDS:
            label = FiveGood(good).label
            self.fields[f"{good}_met"] = forms.TypedChoiceField(
                label=label,
                choices=MET_CHOICES,
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
            )
            self.fields[f"{good}_note"] = forms.CharField(
                label=_("Note on “%(criterion)s”") % {"criterion": label},
                max_length=300,
                required=False,
            )

    def pairs(self):
        """(good, label, the met field, the note field) of each 好, for the template."""
        return [
            (g, FiveGood(g).label, self[f"{g}_met"], self[f"{g}_note"]) for g in FIVE_GOOD_FIELDS
        ]

    def assessments(self) -> dict[str, tuple[bool, str]]:
        data = self.cleaned_data
        return {g: (data[f"{g}_met"], data.get(f"{g}_note", "")) for g in FIVE_GOOD_FIELDS}

    @classmethod
    def initial_from(cls, met: dict[str, bool], notes: dict[str, str] | None = None) -> dict:
        notes = notes or {}
        initial = {}
        for g in FIVE_GOOD_FIELDS:
            initial[f"{g}_met"] = "1" if met.get(g) else "0"
            initial[f"{g}_note"] = notes.get(g, "")
        return initial


class ProposeForm(AssessmentForm):
    pass


class CorrectForm(AssessmentForm):
    reason = forms.CharField(label=_("Reason of the correction"), widget=TEXT)


class ReturnForm(CleanForm):
    note = forms.CharField(label=_("What the township should review"), widget=TEXT)


class ConfirmForm(CleanForm):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class ChooseVillageForm(CleanForm):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None, to_field_name="code")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.name} ({v.code})"


class CriteriaForm(CleanForm):
    """The county's five criteria: each one's description and threshold (a percentage)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for good in FIVE_GOOD_FIELDS:
            label = FiveGood(good).label
            self.fields[f"{good}_description"] = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{good}_threshold"] = forms.DecimalField(
                label=_("Threshold of “%(criterion)s” (%%)") % {"criterion": label},
                min_value=0,
                max_value=100,
                decimal_places=1,
            )

    def criteria(self):
        data = self.cleaned_data
        return {
            g: (data[f"{g}_description"], data[f"{g}_threshold"] / 100) for g in FIVE_GOOD_FIELDS
        }
