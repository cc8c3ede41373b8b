"""FilterSets shared by the HTML lists and the API (one definition for both)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .models import Region, Village


class SearchFilter(django_filters.CharFilter):
    """Free-text search over a few fields (name or code)."""

    def __init__(self, *args, fields=("name", "code"), **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        q = Q()
        for field in self.search_fields:
            lookup = "startswith" if field.endswith("code") else "icontains"
            q |= Q(**{f"{field}__{lookup}": value})
        return qs.filter(q)


class VillageFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("name", "code", "township__name"))
    township = django_filters.CharFilter(
        field_name="township__code",
        label=_("Township code"),
    )
    is_backward = django_filters.BooleanFilter(label=_("Designated backward village"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("township__code", "township"),
            ("households", "households"),
            ("population", "population"),
            ("party_members", "party_members"),
            ("collective_income", "collective_income"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Village
        fields = ["q", "township", "is_backward"]


class RegionFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("Level"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent code"))
    ordering = django_filters.OrderingFilter(
        fields=(("code", "code"), ("name", "name"), ("village_count", "village_count")),
        label=_("Sort by"),
    )

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]
