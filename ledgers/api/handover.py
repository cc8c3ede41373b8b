"""/api/v1/ viewsets of 换届交接 (handovers) and 定期审计 (audits): every write is one service call.

`handovers/`: list, retrieve, create (start: `ended_post`, `as_of`, `incoming`), `due/` (ended
posts without a handover), `POST {id}/count/` and `POST {id}/sign/` ({who, on, supervisor}).
`audits/`: list, retrieve (with findings), create (township), `POST {id}/report/`,
`POST {id}/add_finding/` and `POST {id}/finding_status/` ({finding, status, resolved_on, notes}).
Rows outside the scope are 404, a refusal of a service 403 or 400.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.models import Cadre, Post
from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedServiceViewSet,
    service_errors,
)
from villages.api.serializers import ScopedVillageField

from .. import selectors, services
from ..choices import FindingCategory, FindingStatus
from ..forms_handover import AuditRecordFilterSet, HandoverFilterSet
from ..models import AuditFinding, AuditRecord, Handover
from .views import BookkeepingViewSet

MONEY = {"max_digits": 16, "decimal_places": 2}

# ------------------------------------------------------------------ serializers


class HandoverSerializer(CleanModelSerializer):
    """A handover with its frozen `book_balances` ({accounts: {code: "0.00"}, assets: {count,
    value}, resources: {count, area_mu}}) and the three signatures."""

    village = serializers.CharField(source="village.code", read_only=True)
    outgoing_name = serializers.CharField(source="ended_post.cadre.name", read_only=True)
    incoming_name = serializers.CharField(source="incoming.name", read_only=True, default="")

    class Meta:
        model = Handover
        fields = [
            "id",
            "village",
            "ended_post",
            "outgoing_name",
            "incoming",
            "incoming_name",
            "as_of",
            "state",
            "book_balances",
            "cash_counted",
            "bank_counted",
            "differences",
            "documents",
            "outgoing_signed_on",
            "incoming_signed_on",
            "supervisor",
            "supervisor_signed_on",
            "area_code",
        ]
        read_only_fields = fields


class HandoverStartSerializer(CleanSerializer):
    ended_post = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    as_of = serializers.DateField(required=False, allow_null=True)
    incoming = ScopedPrimaryKeyRelatedField(
        queryset=Cadre.objects.all(), required=False, allow_null=True
    )


class HandoverCountSerializer(CleanSerializer):
    cash_counted = serializers.DecimalField(min_value=0, **MONEY)
    bank_counted = serializers.DecimalField(min_value=0, **MONEY)
    differences = serializers.CharField(required=False, allow_blank=True, default="")
    documents = serializers.CharField(required=False, allow_blank=True, default="")
    incoming = ScopedPrimaryKeyRelatedField(
        queryset=Cadre.objects.all(), required=False, allow_null=True, default=None
    )


class HandoverSignSerializer(CleanSerializer):
    who = serializers.ChoiceField(choices=list(services.HANDOVER_SIGNERS))
    on = serializers.DateField()
    supervisor = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)


class DuePostSerializer(CleanModelSerializer):
    """An ended post still waiting for its handover."""

    village = serializers.CharField(source="village.code", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    days_since_end = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "village",
            "kind",
            "cadre",
            "cadre_name",
            "end_date",
            "days_since_end",
            "overdue",
        ]
        read_only_fields = fields

    def get_days_since_end(self, obj) -> int:
        return obj.since_end.days


class AuditFindingSerializer(CleanModelSerializer):
    class Meta:
        model = AuditFinding
        fields = ["id", "category", "description", "amount", "status", "resolved_on", "notes"]
        read_only_fields = fields


class AuditRecordSerializer(CleanModelSerializer):
    """An audit with its findings; `village` is written as its 12-digit code."""

    village = ScopedVillageField()
    leaving_post = ScopedPrimaryKeyRelatedField(
        queryset=Post.objects.all(), required=False, allow_null=True
    )
    findings = AuditFindingSerializer(many=True, read_only=True)

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "village",
            "kind",
            "leaving_post",
            "auditor",
            "period_start",
            "period_end",
            "report_date",
            "conclusion",
            "findings",
            "area_code",
        ]
        read_only_fields = ["report_date", "conclusion", "area_code"]


class AuditReportSerializer(CleanSerializer):
    report_date = serializers.DateField()
    conclusion = serializers.CharField()


class FindingAddSerializer(CleanSerializer):
    category = serializers.ChoiceField(choices=FindingCategory.choices)
    description = serializers.CharField()
    amount = serializers.DecimalField(min_value=0, required=False, default=0, **MONEY)


class FindingStatusSerializer(CleanSerializer):
    finding = serializers.IntegerField()
    status = serializers.ChoiceField(choices=FindingStatus.choices)
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


# ------------------------------------------------------------------ viewsets


class HandoverViewSet(BookkeepingViewSet):
    """换届交接: started and counted by the village's bookkeepers; `sign` records one of the
    three signatures (the supervisor's needs the township's rights)."""

    queryset = Handover.objects.all()
    serializer_class = HandoverSerializer
    filterset_class = HandoverFilterSet
    service_arg = "handover"

    def base_queryset(self):
        return Handover.objects.select_related("village", "ended_post__cadre", "incoming")

    def get_serializer_class(self):
        if self.action == "due":
            return DuePostSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        if self.action == "due":
            return selectors.handovers_due(self.request.user)
        return super().get_queryset()

    @extend_schema(request=HandoverStartSerializer, responses={201: HandoverSerializer})
    def create(self, request, *args, **kwargs):
        body = HandoverStartSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            handover = services.handover_start(actor=request.user, **body.validated_data)
        return Response(HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DuePostSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=None)
    def due(self, request):
        """Ended secretary's and chair's posts without a handover; overdue after 30 days."""
        page = self.paginate_queryset(self.get_queryset())
        data = DuePostSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(request=HandoverCountSerializer, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def count(self, request, pk=None):
        """What was counted and handed over, while the handover is a draft."""
        return self.act(services.handover_update, HandoverCountSerializer)

    @extend_schema(request=HandoverSignSerializer, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """One signature: outgoing, incoming or supervisor (with the supervisor's name)."""
        return self.act(services.handover_sign, HandoverSignSerializer)


class AuditRecordViewSet(ScopedServiceViewSet):
    """定期审计 with their findings; every write is the township's (`Right.EDIT`)."""

    queryset = AuditRecord.objects.all()
    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilterSet
    service_arg = "audit"

    def base_queryset(self):
        return AuditRecord.objects.select_related("village").prefetch_related(
            Prefetch("findings", queryset=AuditFinding.objects.order_by("pk"))
        )

    def create_with_service(self, **data):
        return services.audit_record(actor=self.request.user, **data)

    def _show(self, audit):
        return Response(self.get_serializer(self.base_queryset().get(pk=audit.pk)).data)

    @extend_schema(request=AuditReportSerializer, responses=AuditRecordSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """The report's date and conclusion."""
        audit = self.get_object()
        body = AuditReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.audit_report(actor=request.user, audit=audit, **body.validated_data)
        return self._show(audit)

    @extend_schema(request=FindingAddSerializer, responses={201: AuditRecordSerializer})
    @action(detail=True, methods=["post"])
    def add_finding(self, request, pk=None):
        """A new finding of the audit, open."""
        audit = self.get_object()
        body = FindingAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.finding_add(actor=request.user, audit=audit, **body.validated_data)
        response = self._show(audit)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=FindingStatusSerializer, responses=AuditRecordSerializer)
    @action(detail=True, methods=["post"])
    def finding_status(self, request, pk=None):
        """Move one of the audit's findings forward: open → rectifying → resolved."""
        audit = self.get_object()
        body = FindingStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        finding = audit.findings.filter(pk=data.pop("finding")).first()
        if finding is None:
            raise serializers.ValidationError({"finding": [_("Not a finding of this audit.")]})
        with service_errors():
            services.finding_update_status(actor=request.user, finding=finding, **data)
        return self._show(audit)
