"""/api/v1/presence-visits/ and /api/v1/presence-shortfalls/: 在岗/驻村.

List the visits in scope (the pages' filters: township, village, person, date_from, date_to,
q, ordering), retrieve one, and create one's own visit: {village (12-digit code), date,
half_days (1 or 2), work_done, photo (optional, multipart), latitude and longitude (optional,
both or neither)}. A village the user does not organize is 403; a date in the future or beyond
the backdating limit, a third half day on one date, a bad photo: 400. The shortfalls are what
the weekly evaluation stored, read-only, filterable by `week` (its Monday).
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cadres.filtersets import AreaFilterMixin
from core.api import CleanModelSerializer, CleanSerializer, ScopedReadOnlyViewSet, service_errors
from core.rights import Right
from villages.api.serializers import ScopedVillageField

from .. import selectors, services
from ..choices import HALF_DAYS_A_DAY
from ..forms_presence import PresenceVisitFilterSet
from ..models import PresenceShortfall, PresenceVisit


class PresenceVisitSerializer(CleanModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = PresenceVisit
        fields = [
            "id",
            "person",
            "village",
            "village_name",
            "date",
            "half_days",
            "work_done",
            "has_photo",
            "latitude",
            "longitude",
            "recorded_by",
            "recorded_at",
            "area_code",
        ]
        read_only_fields = fields

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class PresenceVisitInputSerializer(CleanSerializer):
    village = ScopedVillageField()
    date = serializers.DateField()
    half_days = serializers.IntegerField(min_value=1, max_value=HALF_DAYS_A_DAY)
    work_done = serializers.CharField(max_length=2000)
    photo = serializers.ImageField(required=False, allow_null=True, default=None)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, default=None
    )


class PresenceVisitViewSet(ScopedReadOnlyViewSet):
    """Visits in the user's scope; POST records the user's own visit (one service call)."""

    queryset = PresenceVisit.objects.all()
    serializer_class = PresenceVisitSerializer
    filterset_class = PresenceVisitFilterSet
    required_right = Right.ORGANIZE
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return selectors.presence_visits().order_by("-date", "area_code", "-pk")

    @extend_schema(request=PresenceVisitInputSerializer, responses={201: PresenceVisitSerializer})
    def create(self, request, *args, **kwargs):
        body = PresenceVisitInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        with service_errors():
            visit = services.presence_visit_record(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)


class PresenceShortfallFilterSet(AreaFilterMixin):
    week = django_filters.DateFilter(field_name="week", label="week")
    person = django_filters.NumberFilter(field_name="person_id", label="person")

    class Meta:
        model = PresenceShortfall
        fields = ["township", "village", "week", "person"]


class PresenceShortfallSerializer(CleanModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)

    class Meta:
        model = PresenceShortfall
        fields = ["id", "person", "village", "week", "role", "required", "recorded", "area_code"]
        read_only_fields = fields


class PresenceShortfallViewSet(ScopedReadOnlyViewSet):
    """The weekly evaluation's shortfalls in the user's scope."""

    queryset = PresenceShortfall.objects.all()
    serializer_class = PresenceShortfallSerializer
    filterset_class = PresenceShortfallFilterSet

    def base_queryset(self):
        return PresenceShortfall.objects.select_related("village").order_by("-week", "area_code")


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("presence-visits", PresenceVisitViewSet, basename="presence-visit")
    router.register("presence-shortfalls", PresenceShortfallViewSet, basename="presence-shortfall")
