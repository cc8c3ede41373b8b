"""FilterSets of the bottom-up records and the annual certificate inspection, shared by the
HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter
from villages.filtersets import SearchFilter

from .choices import RecordState, Verdict
from .models import CertificateInspection, Hearing, PublicReport, Redemption

ORDERING = (("period", "period"), ("area_code", "village"), ("date", "date"))


class RecordFilterSet(AreaFilterMixin):
    """Township, village code, a search over the village's name, the period (`2026` also
    matches its quarters and halves) and the state."""

    q = SearchFilter(fields=("village__name", "area_code"))
    period = django_filters.CharFilter(
        field_name="period", lookup_expr="startswith", label=_("Period")
    )
    state = django_filters.ChoiceFilter(choices=RecordState.choices, label=_("State"))
    ordering = django_filters.OrderingFilter(fields=ORDERING, label=_("Sort by"))


class HearingFilterSet(RecordFilterSet):
    class Meta:
        model = Hearing
        fields = ["q", "township", "village", "period", "state"]


class PublicReportFilterSet(RecordFilterSet):
    class Meta:
        model = PublicReport
        fields = ["q", "township", "village", "period", "state"]


class RedemptionFilterSet(RecordFilterSet):
    class Meta:
        model = Redemption
        fields = ["q", "township", "village", "period", "state"]


class CertificateInspectionFilterSet(AreaFilterMixin):
    """The annual inspections by township, village, year, state, verdict and a search over
    the village, the cadre and the certificate number."""

    q = SearchFilter(
        fields=("certificate__post__village__name", "certificate__post__cadre__name", "area_code")
    )
    period = YearFilter(field_name="year", label=_("Year"))
    state = django_filters.ChoiceFilter(choices=RecordState.choices, label=_("State"))
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("Verdict"))
    ordering = django_filters.OrderingFilter(
        fields=(("year", "period"), ("area_code", "village"), ("verdict", "verdict")),
        label=_("Sort by"),
    )

    class Meta:
        model = CertificateInspection
        fields = ["q", "township", "village", "period", "state", "verdict"]
