"""The FilterSet of 四议两公开, shared by the HTML list and the API."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter

from .choices import DecisionKind, DecisionState
from .models import Decision

# "3", "议-2026-003" or "2026-003": the trailing digits are the decision's number.
NUMBER_RE = re.compile(r"^(?:议-?)?(?:(\d{4})-)?0*(\d+)$")


class DecisionFilterSet(AreaFilterMixin):
    """Decisions by township/village code, state, kind, year and a search over subject/number."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    state = django_filters.ChoiceFilter(choices=DecisionState.choices, label=_("State"))
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices, label=_("Kind of matter"))
    year = YearFilter(label=_("Year"))
    ordering = django_filters.OrderingFilter(
        fields=(("number", "number"), ("amount", "amount"), ("area_code", "village")),
        label=_("Sort by"),
    )

    class Meta:
        model = Decision
        fields = ["q", "township", "village", "state", "kind", "year"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        q = Q(subject__icontains=value)
        match = NUMBER_RE.match(value)
        if match:
            year, number = match.groups()
            number_q = Q(number=int(number))
            if year:
                number_q &= Q(year=int(year))
            q |= number_q
        return qs.filter(q)
