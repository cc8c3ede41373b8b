"""Forms of 四述双评 (a report heard, its comment and score, a correction, the county's bands),
and the list filter of the quarterly reports (the pages' and the API's)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.forms import CleanForm
from villages.filtersets import SearchFilter

from .choices import QuarterlyReportState, ReporterKind
from .models import QuarterlyReport

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
SCORE = {"min_value": 0, "max_value": 100, "max_digits": 4, "decimal_places": 1}


class QuarterlyReportFilterSet(AreaFilterMixin):
    """Reports by township or village, year and quarter, reporter kind, state, name; by
    default only the current ones (not replaced by a correction)."""

    q = SearchFilter(
        fields=("cadre__name", "person__last_name", "person__first_name", "village__name"),
        label=_("Name or village"),
    )
    # bounded: a year beyond a small integer would reach the database and fail there
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2099)
    quarter = django_filters.ChoiceFilter(choices=[(q, q) for q in range(1, 5)], label=_("Quarter"))
    kind = django_filters.ChoiceFilter(choices=ReporterKind.choices, label=_("Reporter"))
    state = django_filters.ChoiceFilter(choices=QuarterlyReportState.choices, label=_("State"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("reported_on", "reported_on"),
            ("score", "score"),
            ("area_code", "village"),
            ("cadre__name", "name"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = QuarterlyReport
        fields = ["q", "township", "village", "year", "quarter", "kind", "state"]


class QuarterlyReportForm(CleanForm):
    """A report as heard: the person (chosen among those owing the quarter), the date, the four
    parts; the leader's comment and the score may be recorded at once (both or neither)."""

    reporter = forms.ChoiceField(label=_("Reporter"))
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    duties = forms.CharField(label=_("On duties (述职)"), widget=TEXT, max_length=4000)
    integrity = forms.CharField(label=_("On integrity (述廉)"), widget=TEXT, max_length=4000)
    law = forms.CharField(label=_("On the rule of law (述法)"), widget=TEXT, max_length=4000)
    ethics = forms.CharField(label=_("On conduct (述德)"), widget=TEXT, max_length=4000)
    commented_by = forms.CharField(label=_("Commented by"), max_length=50, required=False)
    comment = forms.CharField(
        label=_("On-the-spot comment"), widget=TEXT, max_length=4000, required=False
    )
    score = forms.DecimalField(label=_("Score (0–100)"), required=False, **SCORE)

    def __init__(self, *args, reporters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter"].choices = [("", "---------"), *reporters]

    def clean(self):
        data = super().clean()
        given = [bool(data.get("commented_by")), bool(data.get("comment"))]
        given.append(data.get("score") is not None)
        if any(given) and not all(given):
            self.add_error(None, _("Record the comment, its leader and the score together."))
        return data


class QuarterlyScoreForm(CleanForm):
    """The on-the-spot comment and the score of a report heard."""

    commented_by = forms.CharField(label=_("Commented by"), max_length=50)
    comment = forms.CharField(label=_("On-the-spot comment"), widget=TEXT, max_length=4000)
    score = forms.DecimalField(label=_("Score (0–100)"), **SCORE)


class QuarterlyCorrectionForm(CleanForm):
    """A scored report's correction: why, and the parts as they should read."""

    reason = forms.CharField(label=_("Reason of the correction"), widget=TEXT, max_length=2000)
    duties = forms.CharField(label=_("On duties (述职)"), widget=TEXT, max_length=4000)
    integrity = forms.CharField(label=_("On integrity (述廉)"), widget=TEXT, max_length=4000)
    law = forms.CharField(label=_("On the rule of law (述法)"), widget=TEXT, max_length=4000)
    ethics = forms.CharField(label=_("On conduct (述德)"), widget=TEXT, max_length=4000)


class GradeBandsForm(CleanForm):
    """The county's grade bands from a year on."""

    from_year = forms.IntegerField(
        label=_("In force from the year"), min_value=2000, max_value=2099
    )
    excellent_min = forms.DecimalField(label=_("Lowest score of excellent"), **SCORE)
    competent_min = forms.DecimalField(label=_("Lowest score of competent"), **SCORE)
    basic_min = forms.DecimalField(label=_("Lowest score of basically competent"), **SCORE)
