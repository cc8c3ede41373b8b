from rest_framework import serializers

from villages.models import Region, Village


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "village_count"]


class VillageSerializer(serializers.ModelSerializer):
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
            "notes",
            "updated_at",
        ]
        read_only_fields = ["code", "updated_at"]
