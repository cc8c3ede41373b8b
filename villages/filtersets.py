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


def _audited_model_choices():
    from .selectors import audited_models

    return audited_models()


class ChangeEventFilterSet(django_filters.FilterSet):
    """Filters of the change log: what kind of record, which action, who, when, where."""

    model = django_filters.ChoiceFilter(
        field_name="pgh_obj_model",
        choices=_audited_model_choices,
        label=_("Record type"),
    )
    action = django_filters.ChoiceFilter(
        field_name="pgh_label",
        choices=[("insert", _("Created")), ("update", _("Changed")), ("delete", _("Deleted"))],
        label=_("Action"),
    )
    user = django_filters.CharFilter(method="filter_user", label=_("Account"))
    since = django_filters.DateFilter(
        field_name="pgh_created_at",
        lookup_expr="date__gte",
        label=_("From"),
    )
    until = django_filters.DateFilter(
        field_name="pgh_created_at",
        lookup_expr="date__lte",
        label=_("To"),
    )
    area = django_filters.CharFilter(method="filter_area", label=_("Area code"))

    def filter_user(self, qs, name, value):
        from django.contrib.auth import get_user_model

        ids = list(
            get_user_model()
            .objects.filter(username__iexact=value.strip())
            .values_list("pk", flat=True)
        )
        return qs.filter(pgh_context__user__in=ids)

    def filter_area(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(pgh_data__code__startswith=value) | Q(pgh_data__area_code__startswith=value)
        )
