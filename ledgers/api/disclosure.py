"""/api/v1/ viewsets of 定期公开: statements and villagers' questions, scoped like the pages.

`POST disclosures/generate/` {village, kind, year, number} makes or refreshes a draft (the
village's bookkeepers); `approve` and `publish` are the township's (403 otherwise); a published
statement is final (400). `POST disclosures/{id}/review/` {opinion, reviewed_on, posts}
records the supervision committee's review (the township; more than half of the committee's
sitting members sign); every statement shows it as `review`, with the committee's phone.
`POST disclosure-questions/{id}/answer/` {answer}: township staff of
the village or its contact cadre. Phones of askers are only ever masked.
"""

from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.identity import mask_phone
from cadres.models import Post
from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedActionViewSet,
    ScopedPrimaryKeyRelatedField,
    service_errors,
)
from core.rights import Right
from villages.api.serializers import ScopedVillageField
from villages.templatetags.cunjian import person_name

from .. import selectors, services
from ..choices import DisclosureKind
from ..filtersets_disclosure import DisclosureFilterSet, DisclosureQuestionFilterSet
from ..models import Disclosure, DisclosureQuestion


class DisclosureSerializer(CleanModelSerializer):
    """A statement without its content (lists)."""

    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    title = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    approved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "village",
            "village_name",
            "kind",
            "year",
            "number",
            "title",
            "start",
            "end",
            "state",
            "state_display",
            "sha256",
            "generated_at",
            "approved_by_name",
            "approved_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_approved_by_name(self, obj) -> str:
        return person_name(obj.approved_by)


class StatementReviewSignerSerializer(CleanSerializer):
    name = serializers.CharField()
    post = serializers.CharField()
    post_label = serializers.CharField()


class StatementReviewShownSerializer(CleanSerializer):
    """The supervision committee's review (a published statement's frozen copy) and phone."""

    opinion = serializers.CharField()
    reviewed_on = serializers.DateField(allow_null=True)
    members = serializers.IntegerField()
    signers = StatementReviewSignerSerializer(many=True)
    phone = serializers.CharField()


class DisclosureDetailSerializer(DisclosureSerializer):
    """A statement with its content (the snapshot of the period) and the review."""

    review = serializers.SerializerMethodField()

    class Meta(DisclosureSerializer.Meta):
        fields = [*DisclosureSerializer.Meta.fields, "content", "review"]
        read_only_fields = fields

    @extend_schema_field(StatementReviewShownSerializer)
    def get_review(self, obj) -> dict:
        return StatementReviewShownSerializer(selectors.statement_review(obj)).data


class StatementReviewSerializer(CleanSerializer):
    """The supervision committee's opinion, its date and the posts of the members who signed."""

    opinion = serializers.CharField()
    reviewed_on = serializers.DateField()
    posts = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all(), many=True)


class DisclosureGenerateSerializer(CleanSerializer):
    """The period of the statement to generate."""

    village = ScopedVillageField()
    kind = serializers.ChoiceField(choices=DisclosureKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    number = serializers.IntegerField(min_value=1, max_value=12)


class DisclosureQuestionSerializer(CleanModelSerializer):
    """A villager's question; the phone only masked."""

    disclosure_title = serializers.CharField(source="disclosure.title", read_only=True)
    village = serializers.CharField(source="area_code", read_only=True)
    phone_masked = serializers.SerializerMethodField()
    answered_by_name = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureQuestion
        fields = [
            "id",
            "disclosure",
            "disclosure_title",
            "village",
            "asked_at",
            "name",
            "phone_masked",
            "question",
            "answer",
            "answered_by_name",
            "answered_at",
            "receipt",
            "hidden_at",
            "hidden_reason",
        ]
        read_only_fields = fields

    def get_phone_masked(self, obj) -> str:
        return mask_phone(obj.phone)

    def get_answered_by_name(self, obj) -> str:
        return person_name(obj.answered_by)


class AnswerSerializer(CleanSerializer):
    answer = serializers.CharField()


class DisclosureViewSet(ScopedActionViewSet):
    """定期公开 statements in scope; generate, approve, publish."""

    queryset = Disclosure.objects.all()
    serializer_class = DisclosureDetailSerializer
    filterset_class = DisclosureFilterSet
    service_arg = "disclosure"

    def base_queryset(self):
        qs = Disclosure.objects.select_related("village", "approved_by")
        return qs.defer("content") if self.action == "list" else qs

    def get_serializer_class(self):
        return DisclosureSerializer if self.action == "list" else DisclosureDetailSerializer

    @extend_schema(
        request=DisclosureGenerateSerializer, responses={201: DisclosureDetailSerializer}
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Generate (or refresh) the draft statement of a village's month or quarter."""
        body = DisclosureGenerateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        with service_errors():
            disclosure = services.disclosure_generate(actor=request.user, **body.validated_data)
        return Response(DisclosureDetailSerializer(disclosure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DisclosureDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The township approves a draft."""
        disclosure = self.get_object()
        with service_errors():
            disclosure = services.disclosure_approve(actor=request.user, disclosure=disclosure)
        return Response(DisclosureDetailSerializer(disclosure).data)

    @extend_schema(request=None, responses=DisclosureDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """The township publishes an approved statement; it is final from now on."""
        disclosure = self.get_object()
        with service_errors():
            disclosure = services.disclosure_publish(actor=request.user, disclosure=disclosure)
        return Response(DisclosureDetailSerializer(disclosure).data)

    @extend_schema(request=StatementReviewSerializer, responses=DisclosureDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The township records the supervision committee's review before publishing."""
        return self.act(services.disclosure_record_review, StatementReviewSerializer)


class DisclosureQuestionViewSet(ScopedActionViewSet):
    """Villagers' questions in scope, unanswered first; `answer`."""

    queryset = DisclosureQuestion.objects.all()
    serializer_class = DisclosureQuestionSerializer
    filterset_class = DisclosureQuestionFilterSet
    service_arg = "question"

    def base_queryset(self):
        return (
            DisclosureQuestion.objects.select_related("disclosure", "answered_by")
            .defer("disclosure__content")
            .order_by(F("answered_at").desc(nulls_first=True), "-asked_at")
        )

    required_right = Right.ANSWER  # a contact cadre answers without managing the village

    @extend_schema(request=AnswerSerializer, responses=DisclosureQuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer the question in public (once)."""
        return self.act(services.question_answer, AnswerSerializer)
