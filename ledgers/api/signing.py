"""/api/v1/ viewsets of the signing day (联签) and the financial review meetings (财务报审会):
list, detail and create (POST: `signing_record`, `financial_review_record`). Both are records:
never changed or deleted. Rows outside the user's scope are 404; recording needs
`Right.KEEP_BOOKS` on the village (403); a service's ValidationError is a 400.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from cadres.models import Post
from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedPrimaryKeyRelatedField,
    service_errors,
)
from villages.api.serializers import ScopedVillageField
from villages.templatetags.cunjian import person_name

from .. import services
from ..filtersets_signing import FinancialReviewFilterSet, SigningSessionFilterSet
from ..models import FinancialReview, SigningSession, Voucher
from .views import BookkeepingViewSet


class SigningSessionSerializer(CleanModelSerializer):
    """A signing day: who signed (name and post), out of how many sitting, the vouchers, the
    supervision committee's reviewer and opinion."""

    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    signers = serializers.SerializerMethodField()
    vouchers = serializers.SerializerMethodField()
    reviewer = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = SigningSession
        fields = ["id", "village", "signed_on", "members", "signers", "vouchers", "reviewer"]
        fields += ["review_opinion", "notes", "recorded_by", "created_at", "area_code"]
        read_only_fields = fields

    def get_signers(self, obj) -> list[dict[str, str]]:
        return [{"name": s.cadre.name, "post": s.post.kind} for s in obj.signatures.all()]

    def get_vouchers(self, obj) -> list[str]:
        return [sv.voucher.display_number for sv in obj.signed_vouchers.all()]

    def get_reviewer(self, obj) -> str:
        return obj.reviewer.cadre.name

    def get_recorded_by(self, obj) -> str:
        return person_name(obj.recorded_by)


class SigningInput(CleanSerializer):
    village = ScopedVillageField()
    signed_on = serializers.DateField()
    posts = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all(), many=True)
    vouchers = ScopedPrimaryKeyRelatedField(queryset=Voucher.objects.all(), many=True)
    reviewer = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    review_opinion = serializers.CharField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    create=extend_schema(request=SigningInput, responses={201: SigningSessionSerializer})
)
class SigningSessionViewSet(BookkeepingViewSet):
    """联签 of the villages in scope; POST records one."""

    queryset = SigningSession.objects.all()
    serializer_class = SigningSessionSerializer
    filterset_class = SigningSessionFilterSet

    def base_queryset(self):
        return (
            SigningSession.objects.select_related("village", "reviewer__cadre", "recorded_by")
            .prefetch_related("signatures__cadre", "signatures__post", "signed_vouchers__voucher")
            .order_by("-signed_on", "area_code")
        )

    def create(self, request, *args, **kwargs):
        body = SigningInput(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            session = services.signing_record(actor=request.user, **body.validated_data)
        shown = self.base_queryset().get(pk=session.pk)
        return Response(self.get_serializer(shown).data, status=status.HTTP_201_CREATED)


class FinancialReviewSerializer(CleanModelSerializer):
    """A quarter's financial review meeting; on create, the body of `financial_review_record`
    (`village` by its area code)."""

    village = ScopedVillageField()
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    representatives = serializers.IntegerField(min_value=0, max_value=100000)
    present = serializers.IntegerField(min_value=0, max_value=100000)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = FinancialReview
        fields = ["id", "village", "year", "quarter", "held_on", "representatives", "present"]
        fields += ["quorate", "approved", "opinion", "minutes", "recorded_by", "created_at"]
        fields += ["area_code"]
        read_only_fields = ["quorate", "recorded_by", "created_at", "area_code"]
        extra_kwargs = {"year": {"min_value": 2000, "max_value": 2100}}
        validators: list = []

    def get_recorded_by(self, obj) -> str:
        return person_name(obj.recorded_by)


class FinancialReviewViewSet(BookkeepingViewSet):
    """财务报审会 of the villages in scope; POST records one."""

    queryset = FinancialReview.objects.all()
    serializer_class = FinancialReviewSerializer
    filterset_class = FinancialReviewFilterSet

    def base_queryset(self):
        return FinancialReview.objects.select_related("village", "recorded_by").order_by(
            "-year", "-quarter", "area_code"
        )

    def create_with_service(self, **data):
        return services.financial_review_record(actor=self.request.user, **data)
