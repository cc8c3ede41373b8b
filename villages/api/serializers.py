from rest_framework import serializers

from core.api import CleanModelSerializer, ScopedRelatedMixin
from villages.models import Region, Village


class RegionSerializer(CleanModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    village_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "village_count"]


class VillageSerializer(CleanModelSerializer):
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    county = serializers.CharField(source="county_code", read_only=True)

    class Meta:
        model = Village
        fields = [
            "code",
            "name",
            "township",
            "township_name",
            "county",
            "households",
            "population",
            "party_members",
            "collective_income",
            "is_backward",
            "supervision_phone",
            "signing_day",
            "notes",
            "updated_at",
        ]
        read_only_fields = ["code", "updated_at"]


class ScopedVillageField(ScopedRelatedMixin, serializers.SlugRelatedField):
    """A village by its 12-digit area code, chosen among those the user may see."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Village.objects.all())
        super().__init__(**kwargs)
