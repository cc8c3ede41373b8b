"""/api/v1/rectifications/: 后进村整顿 (seed 002). Every write is one service call.

List (filtered by year, state, township, village), retrieve with the months and visits,
create (designate: {village, year, reasons}), and the steps `POST {id}/plan/`, `progress/`
({month, progress}), `apply/` ({on}), `accept/` ({passed, by, notes, on}; county supervisors)
and `visits/` ({date, visitor, findings, relapsed}). Rows outside the scope are 404; a step
the user may not take 403, one the state does not allow 400.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import CleanModelSerializer, CleanSerializer, ScopedServiceViewSet, service_errors
from core.rights import Right
from villages.api.serializers import ScopedVillageField

from .. import selectors, services
from ..forms_rectification import RectificationFilterSet
from ..models import FollowUpVisit, Rectification, RectificationProgress

# ------------------------------------------------------------------ serializers


class ProgressSerializer(CleanModelSerializer):
    class Meta:
        model = RectificationProgress
        fields = ["id", "month", "progress", "recorded_by", "created_at"]
        read_only_fields = fields


class VisitSerializer(CleanModelSerializer):
    class Meta:
        model = FollowUpVisit
        fields = ["id", "date", "visitor", "findings", "relapsed", "recorded_by"]
        read_only_fields = fields


class RectificationSerializer(CleanModelSerializer):
    """A designated backward village's rectification with its months and visits."""

    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    progress = ProgressSerializer(many=True, read_only=True)
    visits = VisitSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "village",
            "village_name",
            "year",
            "reasons",
            "state",
            "measures",
            "leader",
            "work_team",
            "deadline",
            "applied_on",
            "accepted_on",
            "acceptance_by",
            "acceptance_notes",
            "designated_by",
            "created_at",
            "area_code",
            "progress",
            "visits",
        ]
        read_only_fields = fields


class DesignateSerializer(CleanSerializer):
    village = ScopedVillageField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    reasons = serializers.CharField()


class PlanSerializer(CleanSerializer):
    measures = serializers.CharField()
    leader = serializers.CharField(max_length=50)
    work_team = serializers.CharField()
    deadline = serializers.DateField()


class ProgressInputSerializer(CleanSerializer):
    month = serializers.DateField(
        input_formats=["%Y-%m", "%Y-%m-%d"], help_text="YYYY-MM (or any day of the month)."
    )
    progress = serializers.CharField()


class ApplySerializer(CleanSerializer):
    on = serializers.DateField(required=False, allow_null=True, default=None)


class AcceptSerializer(CleanSerializer):
    passed = serializers.BooleanField()
    by = serializers.CharField(max_length=100)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)


class VisitInputSerializer(CleanSerializer):
    date = serializers.DateField()
    visitor = serializers.CharField(max_length=100)
    findings = serializers.CharField()
    relapsed = serializers.BooleanField(default=False)


# ------------------------------------------------------------------ viewset


class RectificationViewSet(ScopedServiceViewSet):
    """后进村整顿 in the user's scope: designated, planned and applied by the township (or
    county), reported monthly by the work team or contact cadre, accepted by the county."""

    queryset = Rectification.objects.all()
    serializer_class = RectificationSerializer
    filterset_class = RectificationFilterSet
    service_arg = "rectification"

    def base_queryset(self):
        return selectors.rectification_with_details()

    # The contact cadre reports progress: the services check each step's right.
    required_right = Right.ORGANIZE

    def _show(self, rectification, response_status=status.HTTP_200_OK):
        data = self.get_serializer(self.base_queryset().get(pk=rectification.pk)).data
        return Response(data, status=response_status)

    @extend_schema(request=DesignateSerializer, responses={201: RectificationSerializer})
    def create(self, request, *args, **kwargs):
        body = DesignateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            r = services.rectification_designate(actor=request.user, **body.validated_data)
        return self._show(r, status.HTTP_201_CREATED)

    def _step(self, service, input_class, response_status=status.HTTP_200_OK):
        r = self.get_object()
        body = input_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            service(actor=self.request.user, rectification=r, **body.validated_data)
        return self._show(r, response_status)

    @extend_schema(request=PlanSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """一村一策: measures, leader, work team, deadline (again after a failed acceptance)."""
        return self._step(services.rectification_plan, PlanSerializer)

    @extend_schema(request=ProgressInputSerializer, responses={201: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """The month's progress report (one per month)."""
        return self._step(
            services.rectification_add_progress, ProgressInputSerializer, status.HTTP_201_CREATED
        )

    @extend_schema(request=ApplySerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """申报验收: the township applies for the county's acceptance inspection."""
        return self._step(services.rectification_apply, ApplySerializer)

    @extend_schema(request=AcceptSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """验收 by a county supervisor: passed (final) or failed (re-plan and apply again)."""
        return self._step(services.rectification_accept, AcceptSerializer)

    @extend_schema(request=VisitInputSerializer, responses={201: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        """回访 after passing; `relapsed` marks the village backward again."""
        return self._step(
            services.rectification_add_visit, VisitInputSerializer, status.HTTP_201_CREATED
        )


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("rectifications", RectificationViewSet, basename="rectification")
