"""The FilterSet of the problem ledger, shared by the HTML list, its Excel export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.dates import today
from villages.filtersets import SearchFilter

from .choices import Escalation, ProblemSource, ProblemState, Severity
from .models import Problem


class ProblemFilterSet(AreaFilterMixin):
    """Problems by state, source, severity, escalation, overdue, township or village code, a
    village name or code (`village_q`) and free text over the problem (`q`)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    village_q = SearchFilter(fields=("village__name", "area_code"), label=_("Village"))
    state = django_filters.MultipleChoiceFilter(choices=ProblemState.choices, label=_("State"))
    unresolved = django_filters.BooleanFilter(method="filter_unresolved", label=_("Unresolved"))
    source = django_filters.ChoiceFilter(choices=ProblemSource.choices, label=_("Source"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    escalation = django_filters.ChoiceFilter(choices=Escalation.choices, label=_("Supervised by"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue only"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("deadline", "deadline"),
            ("opened_on", "opened_on"),
            ("area_code", "village"),
            ("severity", "severity"),
            ("state", "state"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Problem
        fields = ["q", "township", "village", "state", "source", "severity", "escalation"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(owner_name__icontains=value)
        )

    def filter_overdue(self, qs, name, value):
        if value:
            return qs.overdue(today())
        if value is False:
            return qs.exclude(pk__in=qs.overdue(today()).values("pk"))
        return qs

    def filter_unresolved(self, qs, name, value):
        if value is None:
            return qs
        return qs.unresolved() if value else qs.filter(state=ProblemState.CLOSED)
