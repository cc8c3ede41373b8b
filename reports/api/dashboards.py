"""API of the dashboards: `dashboards/county/{code}/` and `dashboards/township/{code}/`
(`?period=2026Q3`, default the current quarter) return the same figures as the pages, rates as
fractions 0-1. The same rule as the pages: 404 for a region the user cannot see, 403 for one
whose dashboard is not theirs; the same cache too (reports/freshness.py)."""

from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from core.dates import today

from ..dashboards import COUNTY, TOWNSHIP, dashboard_area, parse_period
from ..freshness import cached_figures

PARAMETERS = [
    OpenApiParameter("code", str, OpenApiParameter.PATH, description="area code"),
    OpenApiParameter("period", str, description="2026Q3, 2026H2 or 2026; default: this quarter"),
]


class DashboardViewSet(viewsets.ViewSet):
    """The figures of a county's or a township's dashboard for one period."""

    level = COUNTY
    lookup_field = "code"
    lookup_value_regex = r"\d+"

    @extend_schema(parameters=PARAMETERS, responses=OpenApiTypes.OBJECT)
    def retrieve(self, request, code=None):
        # DRF answers Django's Http404 and PermissionDenied with 404 and 403.
        area = dashboard_area(request.user, code, self.level)
        on = today()
        period = parse_period(request.query_params.get("period"), on)
        figures = cached_figures("dashboard-api", area.code, on, period=str(period))
        # when the figures were taken (served while newer ones are built: reports/freshness.py)
        taken = http_date(figures.built_at.timestamp())
        return Response(figures.value, headers={"Last-Modified": taken})


class CountyDashboardViewSet(DashboardViewSet):
    """A county's dashboard (its county supervisors)."""

    level = COUNTY


class TownshipDashboardViewSet(DashboardViewSet):
    """A township's dashboard (its staff and the county's supervisors)."""

    level = TOWNSHIP


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("dashboards/county", CountyDashboardViewSet, basename="county-dashboard")
    router.register("dashboards/township", TownshipDashboardViewSet, basename="township-dashboard")
