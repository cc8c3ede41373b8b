"""/api/v1/ of the top-down part of 双监督; every write is one service call.

`inspection-templates/`: list, retrieve (with items); create (`county`, `name`, `items`), and
`POST {id}/items/`, `{id}/activate/`, `{id}/new_version/` (county supervisors).
`inspections/`: list, retrieve (scores, participants, findings), create (`task`, `date`), PATCH
(`date`, `summary`), `POST {id}/scores/`, `{id}/participants/`, `{id}/findings/` (add; DELETE
with `?finding=` removes), `{id}/complete/`.
`reviews/`: list, retrieve (scores), create (`task`, `date`, `panel`), `POST {id}/scores/`
(`post`, `scores`, `comment`), `{id}/complete/`.
Rows outside the scope are 404, a refusal of a service 403 or 400 with its words.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.models import Post
from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedServiceViewSet,
    query_id,
    service_errors,
)

from .. import services
from ..choices import ParticipantKind, ProblemCategory, Severity
from ..filtersets_topdown import InspectionFilterSet, InspectionTemplateFilterSet, ReviewFilterSet
from ..models import (
    Inspection,
    InspectionFinding,
    InspectionParticipant,
    InspectionScore,
    InspectionTemplate,
    InspectionTemplateItem,
    Review,
    ReviewScore,
    SupervisionTask,
)

POINTS = {"max_digits": 5, "decimal_places": 1, "min_value": 0}

# ------------------------------------------------------------------ checklists


class InspectionTemplateItemSerializer(CleanModelSerializer):
    class Meta:
        model = InspectionTemplateItem
        fields = ["id", "position", "section", "text", "weight"]
        read_only_fields = ["id"]
        extra_kwargs = {"position": {"required": False}, "section": {"required": False}}


class InspectionTemplateSerializer(CleanModelSerializer):
    items = InspectionTemplateItemSerializer(many=True, read_only=True)
    county = serializers.CharField(source="area_code", read_only=True)

    class Meta:
        model = InspectionTemplate
        fields = ["id", "county", "version", "name", "state", "activated_at", "items"]
        read_only_fields = fields


class TemplateCreateSerializer(CleanSerializer):
    county = serializers.RegexField(r"^\d{6}$")
    name = serializers.CharField(max_length=100)
    items = InspectionTemplateItemSerializer(many=True, required=False, default=list)


class TemplateItemsSerializer(CleanSerializer):
    items = InspectionTemplateItemSerializer(many=True)


class NoBody(CleanSerializer):
    pass


class InspectionTemplateViewSet(ScopedServiceViewSet):
    """The county's checklist versions; written by the county's supervisors."""

    queryset = InspectionTemplate.objects.all()
    serializer_class = InspectionTemplateSerializer
    filterset_class = InspectionTemplateFilterSet
    service_arg = "template"

    def base_queryset(self):
        return InspectionTemplate.objects.prefetch_related(
            Prefetch("items", queryset=InspectionTemplateItem.objects.order_by("position"))
        )

    def _show(self, template, response_status=status.HTTP_200_OK):
        data = self.get_serializer(self.base_queryset().get(pk=template.pk)).data
        return Response(data, status=response_status)

    @extend_schema(request=TemplateCreateSerializer, responses={201: InspectionTemplateSerializer})
    def create(self, request, *args, **kwargs):
        body = TemplateCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with service_errors():
            template = services.template_create(
                actor=request.user,
                county_code=data["county"],
                name=data["name"],
                items=data["items"],
            )
        return self._show(template, status.HTTP_201_CREATED)

    @extend_schema(request=TemplateItemsSerializer, responses=InspectionTemplateSerializer)
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        """Replace the items of a draft."""
        template = self.get_object()
        body = TemplateItemsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.template_set_items(
                actor=request.user, template=template, items=body.validated_data["items"]
            )
        return self._show(template)

    @extend_schema(request=NoBody, responses=InspectionTemplateSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Put the draft in use; the version in use is retired."""
        return self.act(services.template_activate, NoBody)

    @extend_schema(request=NoBody, responses={201: InspectionTemplateSerializer})
    @action(detail=True, methods=["post"])
    def new_version(self, request, pk=None):
        """A new draft copying the county's checklist in use."""
        template = self.get_object()
        with service_errors():
            draft = services.template_new_version(
                actor=request.user, county_code=template.area_code
            )
        return self._show(draft, status.HTTP_201_CREATED)


# ------------------------------------------------------------------ inspections


class InspectionScoreSerializer(CleanModelSerializer):
    class Meta:
        model = InspectionScore
        fields = ["item", "score", "note"]
        read_only_fields = fields


class InspectionParticipantSerializer(CleanModelSerializer):
    class Meta:
        model = InspectionParticipant
        fields = ["id", "name", "kind", "organization"]
        read_only_fields = fields


class InspectionFindingSerializer(CleanModelSerializer):
    problem = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = InspectionFinding
        fields = [
            "id",
            "description",
            "category",
            "severity",
            "owner_name",
            "deadline",
            "problem",
        ]
        read_only_fields = fields


class InspectionSerializer(CleanModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    scores = InspectionScoreSerializer(many=True, read_only=True)
    participants = InspectionParticipantSerializer(many=True, read_only=True)
    findings = InspectionFindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "task",
            "village",
            "period",
            "template",
            "date",
            "summary",
            "total_score",
            "state",
            "completed_at",
            "scores",
            "participants",
            "findings",
            "area_code",
        ]
        read_only_fields = fields


class InspectionStartSerializer(CleanSerializer):
    task = ScopedPrimaryKeyRelatedField(queryset=SupervisionTask.objects.all())
    date = serializers.DateField()


class InspectionUpdateSerializer(CleanSerializer):
    date = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class ScoreInputSerializer(CleanSerializer):
    item = serializers.IntegerField()
    score = serializers.DecimalField(**POINTS)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ScoresSerializer(CleanSerializer):
    scores = ScoreInputSerializer(many=True)


class ParticipantInputSerializer(CleanSerializer):
    name = serializers.CharField(max_length=50)
    kind = serializers.ChoiceField(choices=ParticipantKind.choices)
    organization = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )


class ParticipantsSerializer(CleanSerializer):
    participants = ParticipantInputSerializer(many=True)


class FindingInputSerializer(CleanSerializer):
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    owner_name = serializers.CharField(max_length=50)
    deadline = serializers.DateField()


class InspectionViewSet(ScopedServiceViewSet):
    """一季一巡查 of the villages in scope; township and county staff write them."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    service_arg = "inspection"

    def base_queryset(self):
        return Inspection.objects.select_related("village").prefetch_related(
            Prefetch("scores", queryset=InspectionScore.objects.order_by("item__position")),
            "participants",
            Prefetch("findings", queryset=InspectionFinding.objects.select_related("problem")),
        )

    def _show(self, inspection, response_status=status.HTTP_200_OK):
        data = self.get_serializer(self.base_queryset().get(pk=inspection.pk)).data
        return Response(data, status=response_status)

    @extend_schema(request=InspectionStartSerializer, responses={201: InspectionSerializer})
    def create(self, request, *args, **kwargs):
        body = InspectionStartSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            inspection = services.inspection_start(actor=request.user, **body.validated_data)
        return self._show(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=InspectionUpdateSerializer, responses=InspectionSerializer)
    def partial_update(self, request, *args, **kwargs):
        inspection = self.get_object()
        body = InspectionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.inspection_update(
                actor=request.user, inspection=inspection, **body.validated_data
            )
        return self._show(inspection)

    @extend_schema(request=ScoresSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        """Score items: `{"scores": [{"item", "score", "note"}]}`; 0 ≤ score ≤ weight."""
        inspection = self.get_object()
        body = ScoresSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scores = {s["item"]: (s["score"], s["note"]) for s in body.validated_data["scores"]}
        with service_errors():
            services.inspection_set_scores(actor=request.user, inspection=inspection, scores=scores)
        return self._show(inspection)

    @extend_schema(request=ParticipantsSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def participants(self, request, pk=None):
        """Replace the participants: `{"participants": [{"name", "kind", "organization"}]}`."""
        inspection = self.get_object()
        body = ParticipantsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.inspection_set_participants(
                actor=request.user,
                inspection=inspection,
                participants=body.validated_data["participants"],
            )
        return self._show(inspection)

    @extend_schema(
        methods=["POST"], request=FindingInputSerializer, responses={201: InspectionSerializer}
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        parameters=[OpenApiParameter("finding", int, required=True)],
        responses=InspectionSerializer,
    )
    @action(detail=True, methods=["post", "delete"])
    def findings(self, request, pk=None):
        """POST adds a finding to a draft; DELETE `?finding=<id>` removes one."""
        inspection = self.get_object()
        if request.method == "DELETE":
            finding_id = query_id(request, "finding")
            finding = inspection.findings.filter(pk=finding_id).first() if finding_id else None
            if finding is None:
                message = _("Not a finding of this inspection.")
                raise serializers.ValidationError({"finding": [message]})
            with service_errors():
                services.inspection_remove_finding(actor=request.user, finding=finding)
            return self._show(inspection)
        body = FindingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.inspection_add_finding(
                actor=request.user, inspection=inspection, **body.validated_data
            )
        return self._show(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=NoBody, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete: the score is computed, the findings become problems, the duty is done."""
        inspection = self.get_object()
        with service_errors():
            services.inspection_complete(actor=request.user, inspection=inspection)
        return self._show(inspection)


# ------------------------------------------------------------------ reviews


class ReviewScoreSerializer(CleanModelSerializer):
    cadre_name = serializers.CharField(source="post.cadre.name", read_only=True)
    post_kind = serializers.CharField(source="post.kind", read_only=True)

    class Meta:
        model = ReviewScore
        fields = ["post", "cadre_name", "post_kind", "scores", "average", "grade", "comment"]
        read_only_fields = fields


class ReviewSerializer(CleanModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    scores = ReviewScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "task",
            "village",
            "period",
            "date",
            "panel",
            "dimensions",
            "state",
            "completed_at",
            "scores",
            "area_code",
        ]
        read_only_fields = fields


class ReviewStartSerializer(CleanSerializer):
    task = ScopedPrimaryKeyRelatedField(queryset=SupervisionTask.objects.all())
    date = serializers.DateField()
    panel = serializers.CharField()


class ReviewScoreInputSerializer(CleanSerializer):
    post = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=4, decimal_places=1))
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReviewViewSet(ScopedServiceViewSet):
    """半年一评议 of the villages in scope; township and county staff write them."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilterSet
    service_arg = "review"

    def base_queryset(self):
        return Review.objects.select_related("village").prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("post__cadre"))
        )

    def _show(self, review, response_status=status.HTTP_200_OK):
        data = self.get_serializer(self.base_queryset().get(pk=review.pk)).data
        return Response(data, status=response_status)

    @extend_schema(request=ReviewStartSerializer, responses={201: ReviewSerializer})
    def create(self, request, *args, **kwargs):
        body = ReviewStartSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            review = services.review_start(actor=request.user, **body.validated_data)
        return self._show(review, status.HTTP_201_CREATED)

    @extend_schema(request=ReviewScoreInputSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        """One sitting cadre's scores: `{"post", "scores": {dimension: 0..100}, "comment"}`."""
        review = self.get_object()
        body = ReviewScoreInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            services.review_set_score(actor=request.user, review=review, **body.validated_data)
        return self._show(review)

    @extend_schema(request=NoBody, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete once every sitting cadre is scored; the duty is done."""
        review = self.get_object()
        with service_errors():
            services.review_complete(actor=request.user, review=review)
        return self._show(review)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register(
        "inspection-templates", InspectionTemplateViewSet, basename="inspection-template"
    )
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("reviews", ReviewViewSet, basename="review")
