"""/api/v1/ viewsets of the registers: assets (+ `move`), resources, contracts (+ `pay`,
`terminate`). Rows outside the user's scope are 404; writes need `Right.KEEP_BOOKS` on the
village (403); a service's ValidationError is a 400. Movements and payments are never changed:
`GET assets/{id}/` lists the movements, `GET contracts/{id}/` the payments.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedPrimaryKeyRelatedField,
    service_errors,
)
from villages.api.serializers import ScopedVillageField
from villages.templatetags.cunjian import person_name

from .. import selectors, services
from ..choices import AssetMovementKind, ResourceStatus
from ..filtersets_registers import AssetFilterSet, ResourceContractFilterSet, ResourceFilterSet
from ..models import (
    Asset,
    AssetMovement,
    ContractPayment,
    Decision,
    Resource,
    ResourceContract,
    Voucher,
)
from .views import BookkeepingViewSet

MONEY = {"max_digits": 16, "decimal_places": 2}

# ------------------------------------------------------------------ serializers


class AssetMovementSerializer(CleanModelSerializer):
    """One movement of an asset (append-only)."""

    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = AssetMovement
        fields = ["id", "kind", "date", "counterparty", "amount", "status_after", "notes"]
        fields += ["decision", "recorded_by", "created_at"]
        read_only_fields = fields

    def get_recorded_by(self, obj) -> str:
        return person_name(obj.recorded_by)


class AssetSerializer(CleanModelSerializer):
    """An asset; on create, the body of `asset_register` (`village` by its area code)."""

    village = ScopedVillageField()
    movements = AssetMovementSerializer(many=True, read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "village",
            "category",
            "name",
            "quantity",
            "unit",
            "original_value",
            "acquired_on",
            "funding_source",
            "location",
            "custodian",
            "status",
            "notes",
            "area_code",
            "movements",
        ]
        read_only_fields = ["status", "area_code", "movements"]
        # The model's check constraint needs the village; the service validates the row.
        validators: list = []


class AssetMoveInput(CleanSerializer):
    kind = serializers.ChoiceField(
        choices=[c for c in AssetMovementKind.choices if c[0] in services.ASSET_TRANSITIONS]
    )
    date = serializers.DateField()
    counterparty = serializers.CharField(max_length=100, required=False, default="")
    amount = serializers.DecimalField(**MONEY, required=False, default=0)
    notes = serializers.CharField(required=False, default="", allow_blank=True)
    decision = ScopedPrimaryKeyRelatedField(
        queryset=Decision.objects.all(), required=False, allow_null=True, default=None
    )


class ResourceSerializer(CleanModelSerializer):
    """A resource; its status follows its contracts (set only to idle/self-run on create)."""

    village = ScopedVillageField()
    land_class = serializers.CharField(read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "village",
            "land_kind",
            "land_class",
            "name",
            "area_mu",
            "location",
            "east",
            "south",
            "west",
            "north",
            "status",
            "notes",
            "area_code",
        ]
        read_only_fields = ["area_code"]
        validators: list = []


class PaymentSerializer(CleanModelSerializer):
    """A payment received under a contract (append-only; negative = correction)."""

    class Meta:
        model = ContractPayment
        fields = ["id", "received_on", "amount", "voucher", "notes"]
        read_only_fields = fields


class ContractSerializer(CleanModelSerializer):
    """A contract with what fell due to date, what was received and what is owed."""

    resource = ScopedPrimaryKeyRelatedField(queryset=Resource.objects.all())
    kind = serializers.ChoiceField(
        choices=[ResourceStatus.CONTRACTED, ResourceStatus.LEASED],
        write_only=True,
        default=ResourceStatus.CONTRACTED,
    )
    decision = ScopedPrimaryKeyRelatedField(
        queryset=Decision.objects.all(), required=False, allow_null=True, default=None
    )
    paid = serializers.DecimalField(**MONEY, read_only=True)
    due = serializers.SerializerMethodField()
    arrears = serializers.SerializerMethodField()
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta:
        model = ResourceContract
        fields = [
            "id",
            "resource",
            "kind",
            "party",
            "start_date",
            "end_date",
            "annual_fee",
            "schedule",
            "terminated_on",
            "notes",
            "decision",
            "area_code",
            "paid",
            "due",
            "arrears",
            "payments",
        ]
        read_only_fields = ["terminated_on", "area_code"]
        validators: list = []

    def validate(self, attrs):
        return attrs  # the service checks dates, fee and overlap

    def get_due(self, obj) -> str:
        return str(selectors.fees_due(obj))

    def get_arrears(self, obj) -> str:
        return str(selectors.fees_due(obj) - getattr(obj, "paid", 0))


class PayInput(CleanSerializer):
    amount = serializers.DecimalField(**MONEY)
    received_on = serializers.DateField()
    voucher = ScopedPrimaryKeyRelatedField(
        queryset=Voucher.objects.all(), required=False, allow_null=True, default=None
    )
    notes = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class TerminateInput(CleanSerializer):
    date = serializers.DateField()
    notes = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


# ------------------------------------------------------------------ viewsets


class AssetViewSet(BookkeepingViewSet):
    """资产: the assets of the villages in scope with their movements; `move` records one."""

    queryset = Asset.objects.all()
    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet
    service_arg = "asset"

    def base_queryset(self):
        movements = AssetMovement.objects.select_related("recorded_by").order_by("date", "pk")
        return Asset.objects.select_related("village").prefetch_related(
            Prefetch("movements", queryset=movements)
        )

    def create_with_service(self, **data):
        return services.asset_register(actor=self.request.user, **data)

    @extend_schema(request=AssetMoveInput, responses=AssetSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        asset = self.get_object()
        body = AssetMoveInput(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.asset_move(actor=request.user, asset=asset, **body.validated_data)
        return Response(self.get_serializer(self.base_queryset().get(pk=asset.pk)).data)


class ResourceViewSet(mixins.UpdateModelMixin, BookkeepingViewSet):
    """资源: the resources of the villages in scope; PATCH corrects their facts."""

    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilterSet
    service_arg = "resource"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Resource.objects.select_related("village")

    def create_with_service(self, **data):
        return services.resource_register(actor=self.request.user, **data)

    def update(self, request, *args, **kwargs):
        resource = self.get_object()
        body = self.get_serializer(resource, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        facts = {k: v for k, v in body.validated_data.items() if k not in ("village", "status")}
        with service_errors():
            resource = services.resource_update(actor=request.user, resource=resource, **facts)
        return Response(self.get_serializer(resource).data)


class ResourceContractViewSet(BookkeepingViewSet):
    """Contracts of the resources in scope with fees due, received and owed; `pay` records a
    payment (negative to correct one), `terminate` ends the contract early."""

    queryset = ResourceContract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ResourceContractFilterSet
    service_arg = "contract"

    def base_queryset(self):
        payments = ContractPayment.objects.order_by("received_on", "pk")
        return selectors.contracts_with_paid(ResourceContract.objects.all()).prefetch_related(
            Prefetch("payments", queryset=payments)
        )

    def create_with_service(self, **data):
        return services.contract_sign(actor=self.request.user, **data)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        return self.reshow(response.data["id"], status.HTTP_201_CREATED)

    def reshow(self, pk, response_status=status.HTTP_200_OK):
        contract = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(contract).data, status=response_status)

    @extend_schema(request=PayInput, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        contract = self.get_object()
        body = PayInput(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            services.payment_record(actor=request.user, contract=contract, **body.validated_data)
        return self.reshow(contract.pk, status.HTTP_201_CREATED)

    @extend_schema(request=TerminateInput, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        contract = self.get_object()
        body = TerminateInput(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.contract_terminate(
                actor=request.user, contract=contract, **body.validated_data
            )
        return self.reshow(contract.pk)
