"""The FilterSets of the signing days (联签) and the financial review meetings (财务报审会),
shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter

from .models import FinancialReview, SigningSession


class SigningSessionFilterSet(AreaFilterMixin):
    """Signing days by township/village code and year."""

    year = YearFilter(field_name="signed_on__year", label=_("Year"))
    ordering = django_filters.OrderingFilter(
        fields=(("signed_on", "signed_on"), ("area_code", "village")), label=_("Sort by")
    )

    class Meta:
        model = SigningSession
        fields = ["township", "village", "year"]


class FinancialReviewFilterSet(AreaFilterMixin):
    """Financial review meetings by township/village code and year."""

    year = YearFilter(label=_("Year"))
    approved = django_filters.BooleanFilter(label=_("Approved"))
    ordering = django_filters.OrderingFilter(
        fields=(("held_on", "held_on"), ("area_code", "village")), label=_("Sort by")
    )

    class Meta:
        model = FinancialReview
        fields = ["township", "village", "year", "approved"]
