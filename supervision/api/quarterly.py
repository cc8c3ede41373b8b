"""/api/v1/quarterly-reports/ and /api/v1/year-end-evaluations/: 四述双评.

Quarterly reports: list the current reports in scope (the pages' filters: township, village,
year, quarter, kind, state, q, ordering), retrieve one, and create one heard by the township:
{cadre (id) | person (account id) with township (9-digit code), year, quarter, reported_on,
duties, integrity, law, ethics, and optionally commented_by, comment, score (0–100)}. POST
…/{id}/score/ {commented_by, comment, score} records the on-the-spot comment and the score
(final); POST …/{id}/correct/ {reason, and the parts to change} makes the correction. A report
outside the scope is 404, without the township's rights 403, a refusal of the rules 400.

Year-end evaluations: the confirmed ones in scope, read-only (filters: township, year); POST
…/confirm/ {township, year} confirms a township's year.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from cadres.filtersets import AreaFilterMixin
from cadres.models import Cadre
from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedActionViewSet,
    ScopedPrimaryKeyRelatedField,
    ScopedReadOnlyViewSet,
    ScopedRelatedMixin,
    service_errors,
)
from core.rights import REFUSALS, Right, scope_for
from villages.models import ContactAssignment, Region

from .. import selectors, services
from ..forms_quarterly import QuarterlyReportFilterSet
from ..models import QuarterlyReport, YearEndEvaluation

SCORE = {"max_digits": 4, "decimal_places": 1, "min_value": 0, "max_value": 100}
TEXT = {"max_length": 4000}


class ScopedTownshipField(ScopedRelatedMixin, serializers.SlugRelatedField):
    """A township by its 9-digit code, among the regions the user may see."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.townships())
        super().__init__(**kwargs)


class QuarterlyReportSerializer(CleanModelSerializer):
    township = serializers.CharField(source="township.code", read_only=True)
    village = serializers.CharField(source="village.code", read_only=True, allow_null=True)
    name = serializers.CharField(source="reporter_name", read_only=True)
    post_kind = serializers.CharField(source="post.kind", read_only=True, allow_null=True)

    class Meta:
        model = QuarterlyReport
        fields = [
            "id",
            "kind",
            "cadre",
            "person",
            "name",
            "post_kind",
            "township",
            "village",
            "year",
            "quarter",
            "reported_on",
            "duties",
            "integrity",
            "law",
            "ethics",
            "state",
            "commented_by",
            "comment",
            "score",
            "scored_at",
            "corrects",
            "correction_reason",
            "recorded_at",
            "area_code",
        ]
        read_only_fields = fields


class QuarterlyReportInputSerializer(CleanSerializer):
    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all(), required=False)
    person = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    township = ScopedTownshipField(required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2099)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    reported_on = serializers.DateField()
    duties = serializers.CharField(**TEXT)
    integrity = serializers.CharField(**TEXT)
    law = serializers.CharField(**TEXT)
    ethics = serializers.CharField(**TEXT)
    commented_by = serializers.CharField(max_length=50, required=False, default="")
    comment = serializers.CharField(required=False, default="", **TEXT)
    score = serializers.DecimalField(required=False, allow_null=True, default=None, **SCORE)

    def validate(self, data):
        if ("cadre" in data) == ("person" in data):
            raise serializers.ValidationError("Give the cadre or the person, not both.")
        if "person" in data and "township" not in data:
            raise serializers.ValidationError({"township": "A contact leader's township."})
        return data


class ScoreSerializer(CleanSerializer):
    commented_by = serializers.CharField(max_length=50)
    comment = serializers.CharField(**TEXT)
    score = serializers.DecimalField(**SCORE)


class QuarterlyCorrectSerializer(CleanSerializer):
    reason = serializers.CharField(max_length=2000)
    duties = serializers.CharField(required=False, **TEXT)
    integrity = serializers.CharField(required=False, **TEXT)
    law = serializers.CharField(required=False, **TEXT)
    ethics = serializers.CharField(required=False, **TEXT)


class QuarterlyReportViewSet(ScopedActionViewSet):
    """Current quarterly reports in the user's scope; create, score and correct through the
    services."""

    queryset = QuarterlyReport.objects.all()
    serializer_class = QuarterlyReportSerializer
    filterset_class = QuarterlyReportFilterSet
    service_arg = "report"

    def base_queryset(self):
        reports = selectors.quarterly_reports()
        if self.action == "list":
            reports = reports.current()
        return reports.order_by("-year", "-quarter", "area_code", "pk")

    @extend_schema(
        request=QuarterlyReportInputSerializer, responses={201: QuarterlyReportSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = QuarterlyReportInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "person" in data:
            # A contact-team leader is found through an assignment the user sees.
            seen = ContactAssignment.objects.visible_to(request.user).filter(
                cadre_id=data["person"]
            )
            assignment = seen.select_related("cadre").first()
            if assignment is None:
                raise ValidationError({"person": ["This person leads no contact team you see."]})
            data["person"] = assignment.cadre
        with service_errors():
            report = services.quarterly_report_hear(actor=request.user, **data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ScoreSerializer, responses=QuarterlyReportSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """Reported → scored: the on-the-spot comment and the score (final)."""
        return self.act(services.quarterly_report_score, ScoreSerializer)

    @extend_schema(request=QuarterlyCorrectSerializer, responses={201: QuarterlyReportSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """A scored report's correction: a new report to be scored again."""
        return self.act(
            services.quarterly_report_correct, QuarterlyCorrectSerializer, status.HTTP_201_CREATED
        )


class YearEndEvaluationFilterSet(AreaFilterMixin):
    year = django_filters.NumberFilter(label="year", min_value=2000, max_value=2099)

    class Meta:
        model = YearEndEvaluation
        fields = ["township", "village", "year"]


class YearEndEvaluationSerializer(CleanModelSerializer):
    township = serializers.CharField(source="township.code", read_only=True)

    class Meta:
        model = YearEndEvaluation
        fields = [
            "id",
            "kind",
            "cadre",
            "person",
            "township",
            "year",
            "quarters_expected",
            "quarters_reported",
            "missing_quarters",
            "average",
            "overall",
            "grade",
            "bands",
            "confirmed_at",
            "area_code",
        ]
        read_only_fields = fields


class ConfirmSerializer(CleanSerializer):
    township = ScopedTownshipField()
    year = serializers.IntegerField(min_value=2000, max_value=2099)


class YearEndEvaluationViewSet(ScopedReadOnlyViewSet):
    """The confirmed year-end evaluations in the user's scope; `confirm` confirms a year."""

    queryset = YearEndEvaluation.objects.all()
    serializer_class = YearEndEvaluationSerializer
    filterset_class = YearEndEvaluationFilterSet

    def base_queryset(self):
        return YearEndEvaluation.objects.select_related("township").order_by(
            "-year", "area_code", "pk"
        )

    @extend_schema(
        request=ConfirmSerializer, responses={201: YearEndEvaluationSerializer(many=True)}
    )
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        """The township confirms the year-end evaluation of everyone who reported to it."""
        body = ConfirmSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        township = body.validated_data["township"]
        if not scope_for(request.user).allows(Right.EDIT, township.code):
            raise PermissionDenied(str(REFUSALS[Right.EDIT]))
        with service_errors():
            done = services.year_end_confirm(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(done, many=True).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("quarterly-reports", QuarterlyReportViewSet, basename="quarterly-report")
    router.register(
        "year-end-evaluations", YearEndEvaluationViewSet, basename="year-end-evaluation"
    )
