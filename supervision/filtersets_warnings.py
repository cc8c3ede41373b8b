"""The one FilterSet of the warning board, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from villages.filtersets import SearchFilter

from .choices import WarningLevel, WarningRule
from .models import VillageWarning

RAISED_LEVELS = [(str(v), label) for v, label in WarningLevel.choices if v != WarningLevel.NONE]


class VillageWarningFilterSet(AreaFilterMixin):
    """Warnings by level, township/village code, rule, village name and unacknowledged only."""

    q = SearchFilter(fields=("village__name", "village__code"))
    level = django_filters.ChoiceFilter(choices=RAISED_LEVELS, label=_("Level"))
    rule = django_filters.ChoiceFilter(
        choices=WarningRule.choices, method="filter_rule", label=_("Rule")
    )
    unacknowledged = django_filters.BooleanFilter(
        method="filter_unacknowledged", label=_("Unacknowledged only")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("level", "level"), ("area_code", "village"), ("since", "since")),
        label=_("Sort by"),
    )

    class Meta:
        model = VillageWarning
        fields = ["q", "township", "village", "level", "rule", "unacknowledged"]

    def filter_rule(self, qs, name, value):
        # reasons is a JSON list of {"rule", "level", "text"}: containment uses its GIN-less @>.
        return qs.filter(reasons__contains=[{"rule": value}]) if value else qs

    def filter_unacknowledged(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(acknowledged_at__isnull=value)
