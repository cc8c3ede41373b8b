"""FilterSets of 定期公开, shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter

from .choices import DisclosureKind, DisclosureState
from .models import Disclosure, DisclosureQuestion


class DisclosureFilterSet(AreaFilterMixin):
    """Statements by township/village code, state, period kind and year."""

    state = django_filters.ChoiceFilter(choices=DisclosureState.choices, label=_("State"))
    kind = django_filters.ChoiceFilter(choices=DisclosureKind.choices, label=_("Period"))
    year = YearFilter(label=_("Year"))
    ordering = django_filters.OrderingFilter(
        fields=(("start", "period"), ("area_code", "village"), ("published_at", "published")),
        label=_("Sort by"),
    )

    class Meta:
        model = Disclosure
        fields = ["township", "village", "state", "kind", "year"]


class DisclosureQuestionFilterSet(AreaFilterMixin):
    """Questions by township/village code and whether they are answered."""

    answered = django_filters.BooleanFilter(method="filter_answered", label=_("Answered"))

    class Meta:
        model = DisclosureQuestion
        fields = ["township", "village", "answered"]

    def filter_answered(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(answer="") if value else qs.filter(answer="")
