"""Excel import through the API: the same four imports as the page, all or nothing, with every
error by sheet, row and column."""

from dataclasses import asdict

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import CleanSerializer
from villages.models import Village

from .. import imports

#: kind → the import that runs it
IMPORTS = {
    "balances": imports.import_opening_balances,
    "vouchers": imports.import_vouchers,
    "assets": imports.import_assets,
    "resources": imports.import_resources,
}


class LedgerImportSerializer(CleanSerializer):
    village = serializers.RegexField(r"^\d{12}$", help_text=_("12-digit village code"))
    kind = serializers.ChoiceField(choices=sorted(IMPORTS))
    file = serializers.FileField(help_text=_("The filled-in Excel template (.xlsx)"))


class ImportErrorSerializer(CleanSerializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportFailureSerializer(CleanSerializer):
    """A refused import: `detail` with `errors` by sheet, row and column, or (a malformed
    request) each field's messages under its name."""

    detail = serializers.CharField(required=False)
    errors = ImportErrorSerializer(many=True, required=False)


class LedgerImportViewSet(viewsets.ViewSet):
    """`POST /api/v1/ledger-imports/` (multipart: village, kind, file): 201 with what was
    written, or 400 with every error; nothing is written unless every row is valid."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=LedgerImportSerializer,
        responses={
            201: OpenApiResponse(description="what was written"),
            400: ImportFailureSerializer,
        },
    )
    def create(self, request):
        data = LedgerImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        village = get_object_or_404(
            Village.objects.visible_to(request.user), code=data.validated_data["village"]
        )
        run = IMPORTS[data.validated_data["kind"]]
        try:
            result = run(actor=request.user, village=village, file=data.validated_data["file"])
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        except imports.LedgerImportError as e:
            errors = ImportErrorSerializer([asdict(x) for x in e.errors], many=True).data
            return Response({"detail": str(e), "errors": errors}, status.HTTP_400_BAD_REQUEST)
        return Response({k: str(v) for k, v in asdict(result).items()}, status.HTTP_201_CREATED)
