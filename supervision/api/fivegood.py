"""/api/v1/five-good-ratings/: the 五好 rating of village party organizations. Every write is
one service call.

List (the ratings in force; filtered by year, state, is_five_good, township, village, q),
retrieve; `POST` proposes ({village, year, assessments}; township staff); `GET evidence/`
(`?village=&year=`) gives the year's evidence, the county's criteria and what the evidence
suggests; `POST {id}/confirm/` ({note}), `return/` ({note}) and `correct/` ({assessments,
reason}: answers the new, correcting rating) are the county's. Rows outside the scope are 404;
a step the user may not take 403, one the state does not allow 400.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from core.api import CleanModelSerializer, CleanSerializer, ScopedServiceViewSet, service_errors
from core.rights import Right
from villages.api.serializers import ScopedVillageField
from villages.models import Village

from .. import selectors, services
from ..forms_fivegood import FiveGoodRatingFilterSet
from ..models import FIVE_GOOD_FIELDS, FiveGoodRating


class OutcomeSerializer(CleanSerializer):
    met = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AssessmentsSerializer(CleanSerializer):
    """The five 好, each {met, note}; a 好 not met needs its note."""

    team = OutcomeSerializer()
    leader = OutcomeSerializer()
    system = OutcomeSerializer()
    results = OutcomeSerializer()
    reputation = OutcomeSerializer()


def _assessments(data: dict) -> dict[str, tuple[bool, str]]:
    return {g: (data[g]["met"], data[g]["note"]) for g in FIVE_GOOD_FIELDS}


class FiveGoodRatingSerializer(CleanModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    outcomes = serializers.SerializerMethodField()

    class Meta:
        model = FiveGoodRating
        fields = [
            "id",
            "village",
            "village_name",
            "year",
            "state",
            "outcomes",
            "is_five_good",
            "evidence",
            "criteria",
            "proposed_by",
            "proposed_at",
            "county_note",
            "decided_by",
            "decided_at",
            "corrects",
            "area_code",
        ]
        read_only_fields = fields

    @extend_schema_field(AssessmentsSerializer)
    def get_outcomes(self, obj) -> dict:
        return {
            g: {"met": getattr(obj, f"{g}_met"), "note": getattr(obj, f"{g}_note")}
            for g in FIVE_GOOD_FIELDS
        }


class ProposeSerializer(CleanSerializer):
    village = ScopedVillageField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    assessments = AssessmentsSerializer()


class NoteSerializer(CleanSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CorrectSerializer(CleanSerializer):
    assessments = AssessmentsSerializer()
    reason = serializers.CharField()


class FiveGoodRatingViewSet(ScopedServiceViewSet):
    """五好 ratings in the user's scope: proposed by the township, confirmed (or returned,
    later corrected) by the county."""

    queryset = FiveGoodRating.objects.all()
    serializer_class = FiveGoodRatingSerializer
    filterset_class = FiveGoodRatingFilterSet
    service_arg = "rating"
    # Writes on a rating (confirm, return, correct) are the county's; proposing checks its own.
    required_right = Right.SUPERVISE

    def base_queryset(self):
        qs = selectors.fivegood_ratings()
        return qs.current() if self.action == "list" else qs

    def _show(self, rating, response_status=status.HTTP_200_OK):
        data = self.get_serializer(self.base_queryset().get(pk=rating.pk)).data
        return Response(data, status=response_status)

    @extend_schema(request=ProposeSerializer, responses={201: FiveGoodRatingSerializer})
    def create(self, request, *args, **kwargs):
        """The township proposes a village's rating of a year (again after a return)."""
        body = ProposeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors():
            rating = services.fivegood_propose(
                actor=request.user,
                village=data["village"],
                year=data["year"],
                assessments=_assessments(data["assessments"]),
            )
        return self._show(rating, status.HTTP_201_CREATED)

    def _decide(self, service):
        rating = self.get_object()
        body = NoteSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            service(actor=self.request.user, rating=rating, note=body.validated_data["note"])
        return self._show(rating)

    @extend_schema(request=NoteSerializer, responses=FiveGoodRatingSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The county confirms the proposal: final from now on."""
        return self._decide(services.fivegood_confirm)

    @extend_schema(request=NoteSerializer, responses=FiveGoodRatingSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        """The county returns the proposal to the township, saying why."""
        return self._decide(services.fivegood_return)

    @extend_schema(request=CorrectSerializer, responses={201: FiveGoodRatingSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """The county corrects a confirmed rating: answers the new rating that replaces it."""
        rating = self.get_object()
        body = CorrectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            correction = services.fivegood_correct(
                actor=request.user,
                rating=rating,
                assessments=_assessments(body.validated_data["assessments"]),
                reason=body.validated_data["reason"],
            )
        return self._show(correction, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("village", str, required=True, description="12-digit village code"),
            OpenApiParameter("year", int, required=True),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def evidence(self, request):
        """The year's evidence of a village, the county's criteria and what the evidence
        suggests for each 好."""
        code = request.query_params.get("village", "")
        year = request.query_params.get("year", "")
        if not (year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100):
            raise DRFValidationError({"year": ["Enter a year from 2000 to 2100."]})
        if not (code.isascii() and code.isdigit() and len(code) == 12):
            raise NotFound
        village = Village.objects.visible_to(request.user).filter(code=code).first()
        if village is None:
            raise NotFound
        evidence = selectors.fivegood_evidence(prefix=village.code, year=int(year)).get(
            village.code, selectors.FiveGoodEvidence()
        )
        criteria = selectors.fivegood_criteria(village.code)
        return Response(
            {
                "village": village.code,
                "year": int(year),
                "evidence": evidence.as_json(),
                "criteria": {
                    c.good: {"description": c.description, "threshold": float(c.threshold)}
                    for c in criteria
                },
                "suggested": selectors.fivegood_suggestions(evidence, criteria),
            }
        )


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("five-good-ratings", FiveGoodRatingViewSet, basename="five-good-rating")
