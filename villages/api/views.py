from dataclasses import asdict

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import CleanSerializer, ScopedReadOnlyViewSet, ScopedViewSetMixin
from villages import selectors, services
from villages.filtersets import RegionFilterSet, VillageFilterSet
from villages.models import Region, Village

from .serializers import RegionSerializer, VillageSerializer


class RegionViewSet(ScopedReadOnlyViewSet):
    """Counties and townships the user may see, with the number of their visible villages."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return selectors.regions_with_counts(self.request.user).order_by("code")


@extend_schema(tags=["villages"])
class VillageViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Villages in the user's scope; township staff and county supervisors may change facts."""

    queryset = Village.objects.all()
    serializer_class = VillageSerializer
    filterset_class = VillageFilterSet
    lookup_field = "code"

    def base_queryset(self):
        return Village.objects.with_township().order_by("code")

    def perform_update(self, serializer):
        try:
            serializer.instance = services.village_update(
                actor=self.request.user, village=serializer.instance, **serializer.validated_data
            )
        except DjangoValidationError as e:
            raise ValidationError(e.message_dict if hasattr(e, "error_dict") else e.messages) from e


class TreeImportSerializer(CleanSerializer):
    file = serializers.FileField(help_text=_("The filled-in Excel template (.xlsx)"))
    county = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text=_("6-digit county code (default: the upper-levels sheet's county)"),
    )
    update = serializers.BooleanField(
        default=False, help_text=_("Change existing townships and villages")
    )
    dry_run = serializers.BooleanField(default=False, help_text=_("Check only; write nothing"))


class TreeImportErrorSerializer(CleanSerializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class TreeImportFailureSerializer(CleanSerializer):
    """A refused import: `detail`, `written` (0) and `errors` by sheet, row and column, or (a
    malformed request) each field's messages under its name."""

    detail = serializers.CharField(required=False)
    written = serializers.IntegerField(required=False, help_text=_("Always 0: nothing was written"))
    errors = TreeImportErrorSerializer(many=True, required=False)


@extend_schema(tags=["villages"])
class TreeImportViewSet(viewsets.ViewSet):
    """`POST /api/v1/tree-imports/` (multipart: file, county, update, dry_run): 201 with what was
    written (200 for a dry run, with what would be), or 400 with every error by sheet, row and
    column; nothing is written unless every row is valid."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=TreeImportSerializer,
        responses={
            200: OpenApiResponse(description="dry run: what would be written"),
            201: OpenApiResponse(description="what was written"),
            400: TreeImportFailureSerializer,
        },
    )
    def create(self, request):
        from villages.imports import TreeImportError, import_tree

        data = TreeImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        county = None
        if data.validated_data.get("county"):
            county = get_object_or_404(
                selectors.importable_counties(request.user), code=data.validated_data["county"]
            )
        try:
            result = import_tree(
                actor=request.user,
                county=county,
                file=data.validated_data["file"],
                update=data.validated_data["update"],
                dry_run=data.validated_data["dry_run"],
            )
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        except TreeImportError as e:
            errors = TreeImportErrorSerializer([asdict(x) for x in e.errors], many=True).data
            return Response(
                {"detail": str(e), "written": 0, "errors": errors}, status.HTTP_400_BAD_REQUEST
            )
        body = {
            "dry_run": result.dry_run,
            "county": result.county_code,
            **result.counts(),
            "changes": [
                {
                    "action": c.action,
                    "level": c.level,
                    "code": c.code,
                    "name": c.name,
                    "fields": [{"column": f, "old": o, "new": n} for f, o, n in c.fields],
                }
                for c in result.changes
            ],
        }
        return Response(body, status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED)
