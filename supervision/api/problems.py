"""/api/v1/problems/: the problem ledger (问题台账). Every write is one service call.

List (filtered with the ledger's FilterSet), retrieve with the steps, create (by hand, or from
`audit_finding` / `disclosure_question`), PATCH the facts while unresolved, and the steps
`POST {id}/start/`, `submit/` ({rectification}), `close/` ({evidence, on}), `send-back/`
({note}) and `reopen/` ({reason}). Rows outside the scope are 404; a step the user may not
take 403, one the state does not allow 400.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.models import Cadre
from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedServiceViewSet,
    service_errors,
)
from core.rights import Right
from ledgers.models import AuditFinding, DisclosureQuestion
from villages.api.serializers import ScopedVillageField

from .. import services
from ..choices import ProblemCategory, ProblemSource, ProblemState, Severity
from ..filtersets_problems import ProblemFilterSet
from ..models import Problem, ProblemStep
from ..selectors import days_overdue

# ------------------------------------------------------------------ serializers


class ProblemStepSerializer(CleanModelSerializer):
    """One step of the problem's life; `actor` is null for the system (escalation)."""

    actor_name = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )
    # The first step comes from no state: "" (a read-only model field would lose allow_blank).
    from_state = serializers.ChoiceField(
        choices=ProblemState.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ProblemStep
        fields = ["id", "action", "from_state", "to_state", "note", "actor", "actor_name", "at"]
        read_only_fields = fields


class ProblemSerializer(CleanModelSerializer):
    """A problem of the ledger with its steps; `village` is the 12-digit code."""

    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    days_overdue = serializers.SerializerMethodField()
    steps = ProblemStepSerializer(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "village",
            "village_name",
            "source",
            "inspection_finding",
            "hearing_question",
            "audit_finding",
            "disclosure_question",
            "title",
            "description",
            "category",
            "severity",
            "owner_name",
            "owner",
            "standard",
            "deadline",
            "state",
            "escalation",
            "days_overdue",
            "rectification",
            "closure_evidence",
            "opened_by",
            "opened_on",
            "closed_by",
            "closed_on",
            "area_code",
            "steps",
        ]
        read_only_fields = fields

    def get_days_overdue(self, obj) -> int:
        return days_overdue(obj)


class ProblemFactsSerializer(CleanSerializer):
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    owner_name = serializers.CharField(max_length=50)
    owner = ScopedPrimaryKeyRelatedField(
        queryset=Cadre.objects.all(), required=False, allow_null=True, default=None
    )
    deadline = serializers.DateField()
    standard = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProblemCreateSerializer(ProblemFactsSerializer):
    """A problem by hand (`village`, `source` screening or other), or from a ledger record
    (`audit_finding` or `disclosure_question`: its village and source are the record's)."""

    village = ScopedVillageField(required=False)
    source = serializers.ChoiceField(
        choices=[ProblemSource.SCREENING, ProblemSource.OTHER], required=False
    )
    audit_finding = ScopedPrimaryKeyRelatedField(
        queryset=AuditFinding.objects.all(), required=False
    )
    disclosure_question = ScopedPrimaryKeyRelatedField(
        queryset=DisclosureQuestion.objects.all(), required=False
    )
    category = serializers.ChoiceField(choices=ProblemCategory.choices, required=False)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate(self, data):
        records = [k for k in ("audit_finding", "disclosure_question") if data.get(k)]
        if len(records) > 1:
            raise serializers.ValidationError(_("Name one source record at most."))
        if records and data.get("source"):
            # The record says where the problem was found: another source would be dropped.
            raise serializers.ValidationError(
                {"source": _("A problem from a record takes the record's source: leave it out.")}
            )
        if not records:
            errors = {}
            for field in ("village", "source", "category", "title"):
                if not data.get(field):
                    errors[field] = [serializers.Field.default_error_messages["required"]]
            if errors:
                raise serializers.ValidationError(errors)
        return data


class ProblemUpdateSerializer(CleanSerializer):
    """The facts to correct; only the fields sent change (a moved deadline is a step)."""

    title = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=ProblemCategory.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    owner_name = serializers.CharField(max_length=50, required=False)
    owner = ScopedPrimaryKeyRelatedField(
        queryset=Cadre.objects.all(), required=False, allow_null=True
    )
    deadline = serializers.DateField(required=False)
    standard = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StartSerializer(CleanSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitSerializer(CleanSerializer):
    rectification = serializers.CharField(help_text="What was done.")


class CloseSerializer(CleanSerializer):
    evidence = serializers.CharField()
    on = serializers.DateField(required=False, allow_null=True, default=None)


class SendBackSerializer(CleanSerializer):
    note = serializers.CharField()


class ReopenSerializer(CleanSerializer):
    reason = serializers.CharField()


# ------------------------------------------------------------------ viewset


class ProblemViewSet(ScopedServiceViewSet):
    """问题台账 in the user's scope: registered and rectified by the organizer side, closed,
    sent back and reopened by township and county staff."""

    queryset = Problem.objects.all()
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    service_arg = "problem"

    def base_queryset(self):
        return Problem.objects.select_related("village").prefetch_related(
            Prefetch("steps", queryset=ProblemStep.objects.select_related("actor"))
        )

    # Contact cadres write too (registering, rectifying): the services check each step.
    required_right = Right.ORGANIZE

    def _show(self, problem):
        return self.get_serializer(self.base_queryset().get(pk=problem.pk)).data

    @extend_schema(request=ProblemCreateSerializer, responses={201: ProblemSerializer})
    def create(self, request, *args, **kwargs):
        body = ProblemCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        finding = data.pop("audit_finding", None)
        question = data.pop("disclosure_question", None)
        with service_errors():
            if finding is not None or question is not None:
                # The record's village is the problem's: a `village` sent too must be it (the
                # service refuses a mismatch rather than moving the problem).
                data.pop("source", None)
                data.pop("description", None)
                data = {k: v for k, v in data.items() if v not in (None, "")}
                if finding is not None:
                    problem = services.problem_from_audit_finding(
                        actor=request.user, finding=finding, **data
                    )
                else:
                    problem = services.problem_from_disclosure_question(
                        actor=request.user, question=question, **data
                    )
            else:
                problem = services.problem_open(actor=request.user, **data)
        return Response(self._show(problem), status=status.HTTP_201_CREATED)

    @extend_schema(request=ProblemUpdateSerializer, responses=ProblemSerializer)
    def partial_update(self, request, *args, **kwargs):
        problem = self.get_object()
        body = ProblemUpdateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            problem = services.problem_update(
                actor=request.user, problem=problem, **body.validated_data
            )
        return Response(self._show(problem))

    def _step(self, service, input_class):
        problem = self.get_object()
        body = input_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            problem = service(actor=self.request.user, problem=problem, **body.validated_data)
        return Response(self._show(problem))

    @extend_schema(request=StartSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Open → being rectified (the organizer side)."""
        return self._step(services.problem_start, StartSerializer)

    @extend_schema(request=SubmitSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Being rectified → submitted for verification, saying what was done."""
        return self._step(services.problem_submit, SubmitSerializer)

    @extend_schema(request=CloseSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """销号: submitted → closed, with the evidence (township or county)."""
        return self._step(services.problem_close, CloseSerializer)

    @extend_schema(request=SendBackSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"], url_path="send-back", url_name="send-back")
    def send_back(self, request, pk=None):
        """Submitted → being rectified again, with the reason (township or county)."""
        return self._step(services.problem_send_back, SendBackSerializer)

    @extend_schema(request=ReopenSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Closed → open, with the reason (township or county)."""
        return self._step(services.problem_reopen, ReopenSerializer)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("problems", ProblemViewSet, basename="problem")
