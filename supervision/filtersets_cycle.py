"""The FilterSet of supervision duties, shared by the task list page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.dates import today
from villages.filtersets import SearchFilter

from .choices import TaskKind, TaskState
from .models import SupervisionTask
from .selectors.cycle import duties_of


class SupervisionTaskFilterSet(AreaFilterMixin):
    """Duties by period, kind, state, township/village, village name, overdue only, and the
    user's own open duties (those the inbox counts)."""

    q = SearchFilter(fields=("village__name", "area_code"), label=_("Village"))
    period = django_filters.CharFilter(
        field_name="period", method="filter_period", label=_("Period")
    )
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, label=_("Duty"))
    state = django_filters.ChoiceFilter(choices=TaskState.choices, label=_("State"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue only"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My open duties"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("due_date", "due_date"),
            ("area_code", "village"),
            ("period", "period"),
            ("kind", "kind"),
            ("state", "state"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = SupervisionTask
        fields = ["q", "township", "village", "period", "kind", "state", "overdue", "mine"]

    def filter_period(self, qs, name, value):
        # "2026" alone is the year with its halves and quarters.
        value = (value or "").strip().upper()
        if len(value) == 4 and value.isdigit():
            return qs.filter(period__startswith=value)
        return qs.filter(period=value) if value else qs

    def filter_overdue(self, qs, name, value):
        # Past the due date whether or not the daily job has run yet today.
        if value:
            return qs.overdue(today())
        if value is False:
            return qs.exclude(pk__in=qs.overdue(today()).values("pk"))
        return qs

    def filter_mine(self, qs, name, value):
        # The open duties the user answers for, as the inbox (待办) counts them.
        if value:
            user = getattr(self.request, "user", None)
            return qs.filter(pk__in=duties_of(user).values("pk"))
        return qs
