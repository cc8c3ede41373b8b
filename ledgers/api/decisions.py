"""/api/v1/ viewsets of 四议两公开: decisions (+ `step`, `publish`) and the counties'
policies (read; the county's supervisor changes its own with PUT). Rows outside the user's
scope are 404; recording needs `Right.KEEP_BOOKS` on the village (403); a service's
ValidationError is a 400. Steps are never changed: `GET decisions/{id}/` lists them.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import CleanModelSerializer, CleanSerializer, service_errors
from villages.api.serializers import ScopedVillageField
from villages.templatetags.cunjian import person_name

from .. import services
from ..choices import ENFORCED_KINDS, Assembly, DecisionKind
from ..filtersets_decisions import DecisionFilterSet
from ..models import Decision, DecisionPolicy, DecisionStep
from ..selectors.decisions import decisions_with_remaining
from .views import BookkeepingViewSet

MONEY = {"max_digits": 16, "decimal_places": 2}
COUNT = {"min_value": 0, "max_value": 100000}


class DecisionStepSerializer(CleanModelSerializer):
    """One step's meeting (append-only)."""

    recorded_by = serializers.SerializerMethodField()
    # "" for the first three steps: the schema says so (BlankEnum).
    assembly = serializers.ChoiceField(choices=Assembly.choices, allow_blank=True, read_only=True)

    class Meta:
        model = DecisionStep
        fields = ["id", "kind", "assembly", "held_on", "entitled", "present", "votes_for"]
        fields += ["votes_against", "votes_abstain", "quorate", "passed", "minutes"]
        fields += ["recorded_by", "created_at"]
        read_only_fields = fields

    def get_recorded_by(self, obj) -> str:
        return person_name(obj.recorded_by)


class DecisionSerializer(CleanModelSerializer):
    """A decision with its steps, what was spent under it and what is left; on create, the
    body of `decision_create` (`village` by its area code)."""

    village = ScopedVillageField()
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    display_number = serializers.CharField(read_only=True)
    used = serializers.DecimalField(**MONEY, read_only=True)
    remaining = serializers.DecimalField(**MONEY, read_only=True)
    steps = DecisionStepSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "village",
            "display_number",
            "year",
            "number",
            "subject",
            "kind",
            "amount",
            "description",
            "attachments",
            "state",
            "used",
            "remaining",
            "steps",
            "resolution_published_on",
            "resolution_text",
            "implemented_on",
            "result_published_on",
            "result_text",
            "area_code",
        ]
        read_only_fields = [
            "year",
            "number",
            "state",
            "resolution_published_on",
            "resolution_text",
            "implemented_on",
            "result_published_on",
            "result_text",
            "area_code",
        ]
        validators: list = []


class StepInput(CleanSerializer):
    held_on = serializers.DateField()
    assembly = serializers.ChoiceField(choices=Assembly.choices, required=False, default="")
    entitled = serializers.IntegerField(**COUNT)
    present = serializers.IntegerField(**COUNT)
    votes_for = serializers.IntegerField(**COUNT)
    votes_against = serializers.IntegerField(**COUNT, default=0)
    votes_abstain = serializers.IntegerField(**COUNT, default=0)
    minutes = serializers.CharField()


class PublicationInput(CleanSerializer):
    published_on = serializers.DateField()
    text = serializers.CharField()
    # The result's publication only: when the implementation ended, if not recorded before
    # (absent: the day of the publication).
    implemented_on = serializers.DateField(required=False)


class ImplementationInput(CleanSerializer):
    implemented_on = serializers.DateField()


class DecisionDraftInput(CleanSerializer):
    """The matter of a decision not yet proposed (PUT; PATCH keeps what it does not name)."""

    subject = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    amount = serializers.DecimalField(**MONEY, min_value=0)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = serializers.IntegerField(min_value=0, max_value=32767, default=0)


@extend_schema_view(
    update=extend_schema(request=DecisionDraftInput, responses=DecisionSerializer),
    partial_update=extend_schema(request=DecisionDraftInput, responses=DecisionSerializer),
)
class DecisionViewSet(mixins.UpdateModelMixin, BookkeepingViewSet):
    """四议两公开 of the villages in scope; PUT/PATCH corrects the matter before the party
    branch proposes it; `step` records the next step's meeting, `publish` makes the resolution
    public and then the result of its implementation; `implemented` records when the
    implementation ended."""

    queryset = Decision.objects.all()
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilterSet
    service_arg = "decision"

    def base_queryset(self):
        return decisions_with_remaining(
            Decision.objects.select_related("village").prefetch_related("steps__recorded_by")
        ).order_by("area_code", "-year", "-number")

    def create_with_service(self, **data):
        return services.decision_create(actor=self.request.user, **data)

    def shown(self, decision):
        return self.get_serializer(self.base_queryset().get(pk=decision.pk)).data

    def update(self, request, *args, partial=False, **kwargs):
        decision = self.get_object()
        body = DecisionDraftInput(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = {
            "subject": decision.subject,
            "kind": decision.kind,
            "amount": decision.amount,
            "description": decision.description,
            "attachments": decision.attachments,
            **body.validated_data,
        }
        with service_errors():
            services.decision_update_draft(actor=request.user, decision=decision, **data)
        return Response(self.shown(decision))

    @extend_schema(request=ImplementationInput, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def implemented(self, request, pk=None):
        decision = self.get_object()
        body = ImplementationInput(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.decision_record_implementation(
                actor=request.user, decision=decision, **body.validated_data
            )
        return Response(self.shown(decision))

    @extend_schema(request=StepInput, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        decision = self.get_object()
        body = StepInput(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.decision_record_step(
                actor=request.user, decision=decision, **body.validated_data
            )
        return Response(self.shown(decision))

    @extend_schema(request=PublicationInput, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        decision = self.get_object()
        body = PublicationInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if decision.state == "resolved":
            publish = services.decision_publish_resolution
            data.pop("implemented_on", None)
        else:
            publish = services.decision_publish_result
        with service_errors():
            publish(actor=request.user, decision=decision, **data)
        return Response(self.shown(decision))


class DecisionPolicySerializer(CleanModelSerializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=[(str(k), k.label) for k in ENFORCED_KINDS])
    )

    class Meta:
        model = DecisionPolicy
        fields = [
            "id",
            "area_code",
            "enabled",
            "threshold",
            "kinds",
            "statements_need_review",
            "result_due_days",
            "signing_day",
            "posting_needs_signing",
            "updated_at",
        ]
        read_only_fields = ["id", "area_code", "updated_at"]


class DecisionPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The decision policies of the user's counties; PUT/PATCH by the county's supervisor."""

    serializer_class = DecisionPolicySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return DecisionPolicy.objects.visible_to(self.request.user).order_by("area_code")

    def update(self, request, *args, partial=False, **kwargs):
        policy = self.get_object()
        body = self.get_serializer(policy, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = {
            "enabled": policy.enabled,
            "threshold": policy.threshold,
            "kinds": policy.kinds,
            "result_due_days": policy.result_due_days,
            **body.validated_data,
        }
        with service_errors():
            policy = services.decision_policy_update(
                actor=request.user, county_code=policy.area_code, **data
            )
        return Response(self.get_serializer(policy).data)
