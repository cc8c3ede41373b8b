"""FilterSets of the registers, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin

from .choices import LAND_CLASSES, AssetCategory, AssetStatus, LandKind, ResourceStatus
from .models import Asset, Resource, ResourceContract


class SearchMixin(django_filters.FilterSet):
    """`q`: a case-insensitive search over `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return qs.filter(q)


class AssetFilterSet(SearchMixin, AreaFilterMixin):
    """Assets by village/township code, category, status and a search over name and place."""

    search_fields = ("name", "location", "custodian")
    category = django_filters.ChoiceFilter(choices=AssetCategory.choices, label=_("Category"))
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("category", "category"),
            ("acquired_on", "acquired_on"),
            ("original_value", "original_value"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Asset
        fields = ["q", "township", "village", "category", "status"]


class ResourceFilterSet(SearchMixin, AreaFilterMixin):
    """Resources by code, land kind or first-level class, status and a search."""

    search_fields = ("name", "location")
    land_kind = django_filters.ChoiceFilter(choices=LandKind.choices, label=_("Land category"))
    land_class = django_filters.ChoiceFilter(
        choices=LAND_CLASSES,
        field_name="land_kind",
        lookup_expr="startswith",
        label=_("Land class"),
    )
    status = django_filters.ChoiceFilter(choices=ResourceStatus.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("land_kind", "land_kind"), ("area_mu", "area_mu")),
        label=_("Sort by"),
    )

    class Meta:
        model = Resource
        fields = ["q", "township", "village", "land_kind", "land_class", "status"]


class ResourceContractFilterSet(SearchMixin, AreaFilterMixin):
    """Contracts by code, resource, running or not, and a search over the party."""

    search_fields = ("party", "resource__name")
    resource = django_filters.NumberFilter(field_name="resource_id", label=_("Resource"))
    terminated = django_filters.BooleanFilter(
        field_name="terminated_on", lookup_expr="isnull", exclude=True, label=_("Terminated")
    )
    ends_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label=_("Ends on or before")
    )

    class Meta:
        model = ResourceContract
        fields = ["q", "township", "village", "resource", "terminated", "ends_before"]
