"""Forms of the backward-village rectification pages (后进村整顿), and their list filter."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter
from core.forms import CleanForm
from villages.filtersets import SearchFilter

from .choices import RectificationState
from .models import Rectification

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
TEXT = forms.Textarea(attrs={"rows": 3})


class RectificationFilterSet(AreaFilterMixin):
    """Rectifications by year, state, township or village code and village name."""

    q = SearchFilter(fields=("village__name", "area_code"), label=_("Village"))
    year = YearFilter(label=_("Year"))
    state = django_filters.ChoiceFilter(choices=RectificationState.choices, label=_("State"))
    ordering = django_filters.OrderingFilter(
        fields=(("year", "year"), ("area_code", "village"), ("deadline", "deadline")),
        label=_("Sort by"),
    )

    class Meta:
        model = Rectification
        fields = ["q", "township", "village", "year", "state"]


class DesignateForm(CleanForm):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    reasons = forms.CharField(label=_("Why it is designated"), widget=TEXT)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.name} ({v.code})"


class PlanForm(CleanForm):
    measures = forms.CharField(
        label=_("Measures"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("一村一策")
    )
    leader = forms.CharField(label=_("Responsible leader"), max_length=50)
    work_team = forms.CharField(label=_("Work team"), widget=TEXT)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the phone's month picker) or a full date."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]


class ProgressForm(CleanForm):
    month = MonthField(label=_("Month"), widget=MONTH)
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))


class ApplyForm(CleanForm):
    on = forms.DateField(label=_("Applied on"), widget=DATE)


class AcceptForm(CleanForm):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed")), ("0", _("Failed"))],
        coerce=lambda v: v == "1",
    )
    by = forms.CharField(label=_("Inspected by"), max_length=100)
    on = forms.DateField(label=_("Inspected on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXT)


class VisitForm(CleanForm):
    date = forms.DateField(label=_("Date of the visit"), widget=DATE)
    visitor = forms.CharField(label=_("Visited by"), max_length=100)
    findings = forms.CharField(label=_("Found on the visit"), widget=TEXT)
    relapsed = forms.BooleanField(label=_("Relapsed"), required=False)
