"""API of the warnings part of 双监督 (预警).

`warnings/`: the raised warnings the user sees (filter: `level`, `township`, `village`, `rule`,
`unacknowledged`, `q`, `ordering`), each with its reasons in words; `POST {id}/acknowledge/`
({note}) records who and when (township and county managers: 403 for readers, 404 outside).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import CleanModelSerializer, CleanSerializer, ScopedViewSetMixin, service_errors

from .. import services
from ..filtersets_warnings import VillageWarningFilterSet
from ..models import VillageWarning


class WarningReasonSerializer(CleanSerializer):
    """One rule that fired: its name, the level it raises and the facts in words."""

    rule = serializers.CharField()
    level = serializers.IntegerField()
    text = serializers.CharField()


class VillageWarningSerializer(CleanModelSerializer):
    """A village's warning: level 1 yellow, 2 orange, 3 red, with the reasons."""

    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    township_name = serializers.CharField(source="village.township.name", read_only=True)
    level = serializers.IntegerField(read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    reasons = WarningReasonSerializer(many=True, read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = VillageWarning
        fields = [
            "id",
            "village",
            "village_name",
            "township_name",
            "level",
            "level_display",
            "reasons",
            "evaluated_at",
            "since",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledgement_note",
            "area_code",
        ]
        read_only_fields = fields


class WarningAcknowledgeSerializer(CleanSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class VillageWarningViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """预警: the villages with a raised warning in the user's scope."""

    queryset = VillageWarning.objects.all()
    serializer_class = VillageWarningSerializer
    filterset_class = VillageWarningFilterSet

    def base_queryset(self):
        return (
            VillageWarning.objects.raised()
            .select_related("village__township", "acknowledged_by")
            .order_by("-level", "since", "area_code")
        )

    @extend_schema(request=WarningAcknowledgeSerializer, responses=VillageWarningSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Record that the warning was seen (by whom, when, with a note)."""
        warning = self.get_object()  # 404 outside the scope, 403 where the user may only read
        body = WarningAcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.warning_acknowledge(actor=request.user, warning=warning, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=warning.pk)).data)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("warnings", VillageWarningViewSet, basename="warning")
