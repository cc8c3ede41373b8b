"""FilterSets of the top-down records, shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin

from .choices import RecordState, TemplateState
from .models import Inspection, InspectionTemplate, Review


class PeriodFilter(django_filters.CharFilter):
    """A period code: `2026Q3` or `2026H2` exactly, or a year `2026` for all its periods."""

    def filter(self, qs, value):
        value = (value or "").strip().upper()
        if not value:
            return qs
        if value.isdigit():
            return qs.filter(**{f"{self.field_name}__startswith": value})
        return qs.filter(**{self.field_name: value})


class RecordFilterSet(AreaFilterMixin):
    """Township/village code, period, state and a search over the village's name."""

    period = PeriodFilter(field_name="period", label=_("Period"))
    state = django_filters.ChoiceFilter(choices=RecordState.choices, label=_("State"))
    q = django_filters.CharFilter(
        field_name="village__name", lookup_expr="icontains", label=_("Village")
    )


class InspectionFilterSet(RecordFilterSet):
    score_min = django_filters.NumberFilter(
        field_name="total_score", lookup_expr="gte", label=_("Score at least")
    )
    score_max = django_filters.NumberFilter(
        field_name="total_score", lookup_expr="lte", label=_("Score at most")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("period", "period"),
            ("area_code", "village"),
            ("date", "date"),
            ("total_score", "score"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Inspection
        fields = ["township", "village", "period", "state", "q", "score_min", "score_max"]


class ReviewFilterSet(RecordFilterSet):
    ordering = django_filters.OrderingFilter(
        fields=(("period", "period"), ("area_code", "village"), ("date", "date")),
        label=_("Sort by"),
    )

    class Meta:
        model = Review
        fields = ["township", "village", "period", "state", "q"]


class InspectionTemplateFilterSet(django_filters.FilterSet):
    county = django_filters.CharFilter(field_name="area_code", label=_("County code"))
    state = django_filters.ChoiceFilter(choices=TemplateState.choices, label=_("State"))

    class Meta:
        model = InspectionTemplate
        fields = ["county", "state"]
