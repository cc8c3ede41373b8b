"""FilterSets of the ledgers app, shared by the HTML lists and the API."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter

from .choices import VoucherState
from .models import ChainCheck, Voucher

# "12", "记-2025-0012" or "2025-0012": the trailing digits are the voucher number.
NUMBER_RE = re.compile(r"^(?:记-?)?(?:(\d{4})-)?0*(\d+)$")


class VoucherFilterSet(AreaFilterMixin):
    """Vouchers by township/village code, state, year, month and a search over summary/number."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    state = django_filters.ChoiceFilter(choices=VoucherState.choices, label=_("State"))
    year = YearFilter(label=_("Year"))
    month = django_filters.NumberFilter(field_name="date", lookup_expr="month", label=_("Month"))
    ordering = django_filters.OrderingFilter(
        fields=(("date", "date"), ("number", "number"), ("area_code", "village")),
        label=_("Sort by"),
    )

    class Meta:
        model = Voucher
        fields = ["q", "township", "village", "state", "year", "month"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        q = Q(summary__icontains=value)
        match = NUMBER_RE.match(value)
        if match:
            year, number = match.groups()
            number_q = Q(number=int(number))
            if year:
                number_q &= Q(year=int(year))
            q |= number_q
        return qs.filter(q)


class ChainCheckFilterSet(AreaFilterMixin):
    """The chains' verdicts by township, village name and state; broken ones first."""

    q = django_filters.CharFilter(
        field_name="village__name", lookup_expr="icontains", label=_("Village name")
    )
    intact = django_filters.BooleanFilter(label=_("Intact"))
    ordering = django_filters.OrderingFilter(
        fields=(("area_code", "village"), ("checked_at", "checked_at"), ("vouchers", "vouchers")),
        label=_("Sort by"),
    )

    class Meta:
        model = ChainCheck
        fields = ["q", "township", "intact"]
