"""/api/v1/report-runs/: report runs in the user's scope.

List (filtered with the runs' FilterSet) and retrieve; `POST` requests a report (201 with a new
run, 200 with the queued or running run it joins; 403 outside the scope); `GET {id}/download/`
returns the PDF of a finished run (404 outside the scope or before it is ready), or, when reports
live in a bucket, a 302 to a link to it signed for REPORTS_LINK_SECONDS.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import CleanModelSerializer, CleanSerializer, ScopedViewSetMixin, service_errors

from .. import services
from ..choices import ReportKind, RunState
from ..downloads import report_file_response
from ..filtersets_runs import ReportRunFilterSet
from ..models import ReportRun


class ReportRunSerializer(CleanModelSerializer):
    """A run; `download` is the file's address once the run is done."""

    download = serializers.SerializerMethodField()
    requested_by_name = serializers.CharField(
        source="requested_by.username", read_only=True, default=None
    )

    class Meta:
        model = ReportRun
        fields = [
            "id", "kind", "area_code", "period", "version", "state", "progress",
            "requested_by", "requested_by_name", "sha256", "pages", "seconds", "error",
            "created_at", "started_at", "finished_at", "download",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download(self, obj) -> str | None:
        if obj.state != RunState.DONE:
            return None
        request = self.context.get("request")
        url = f"/api/v1/report-runs/{obj.pk}/download/"
        return request.build_absolute_uri(url) if request else url


class ReportRunRequestSerializer(CleanSerializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices, default=ReportKind.QUARTERLY)
    area_code = serializers.CharField(max_length=12)
    period = serializers.CharField(max_length=7)


class ReportRunViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = ReportRun.objects.select_related("requested_by").order_by("-created_at", "-pk")
    serializer_class = ReportRunSerializer
    filterset_class = ReportRunFilterSet

    @extend_schema(
        request=ReportRunRequestSerializer,
        responses={201: ReportRunSerializer, 200: ReportRunSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = ReportRunRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            run, created = services.report_request(actor=request.user, **data.validated_data)
        return Response(
            self.get_serializer(run).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(description="the PDF"),
            302: OpenApiResponse(description="a short-lived signed link to the PDF (a bucket)"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        run = self.get_object()
        if run.state != RunState.DONE or not run.file:
            raise Http404
        return report_file_response(run)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("report-runs", ReportRunViewSet, basename="report-run")
