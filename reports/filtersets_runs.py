"""The FilterSet of the report runs, shared by the HTML list and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import ReportKind, RunState
from .models import ReportRun


class ReportRunFilterSet(django_filters.FilterSet):
    """Runs by kind, area (a code and everything under it), period and state."""

    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("Report"))
    area = django_filters.CharFilter(
        field_name="area_code", lookup_expr="startswith", label=_("Area code")
    )
    period = django_filters.CharFilter(field_name="period", lookup_expr="iexact", label=_("Period"))
    state = django_filters.ChoiceFilter(choices=RunState.choices, label=_("State"))

    class Meta:
        model = ReportRun
        fields = ["kind", "area", "period", "state"]
