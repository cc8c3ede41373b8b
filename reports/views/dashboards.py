"""The county and township dashboards and the village list behind each of their figures.

Every page takes `?period=2026Q3` (default: the current quarter) and `?format=xlsx` for its
tables as a workbook. A county's dashboard is for its supervisors, a township's for its staff and
the county; a region the user cannot see is a 404, one they see but may not open a 403.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import path
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from core.dates import today
from core.excel import xlsx_response
from core.views import paginate

from .. import exports
from ..dashboards import (
    COUNTY,
    TOWNSHIP,
    build_dashboard,
    dashboard_area,
    dashboard_url,
    may_view,
    parse_period,
    recent_quarters,
    village_figures,
)
from ..freshness import cached_figures


class DashboardView(LoginRequiredMixin, TemplateView):
    """The figures of a county or a township for one period, with charts and drill-downs.

    The figures part of the page is the same for everyone allowed to open it, so it is rendered
    once and served from the cache until a record of the county changes, then while the worker
    renders it again (reports/freshness.py); the page says when its figures were taken. The rest
    (who is looking, the menus) is rendered for each request."""

    level = COUNTY
    template_name = "reports/dashboards/dashboard.html"

    def get(self, request, *args, **kwargs):
        self.area = area = dashboard_area(request.user, kwargs["code"], self.level)
        self.on = on = today()
        self.period = period = parse_period(request.GET.get("period"), on)
        if request.GET.get("format") == "xlsx":
            dashboard = build_dashboard(area, period, on)
            return xlsx_response(
                exports.dashboard_workbook(dashboard), f"dashboard-{area.code}-{period}.xlsx"
            )
        self.figures = cached_figures("dashboard-page", area.code, on, period=str(period))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            area=self.area,
            period=self.period,
            as_of=min(self.period.end, self.on),
            periods=recent_quarters(self.on),
            # our own template's output (reports.dashboards.dashboard_page_body), escaped there
            body=mark_safe(self.figures.value),
            built_at=self.figures.built_at,
            renewing=self.figures.renewing,
            county_url=dashboard_url(COUNTY, self.area.code[:6], self.period)
            if self.level == TOWNSHIP and _may_see_county(self.request.user, self.area.code)
            else "",
        )
        return ctx


def _may_see_county(user, code: str) -> bool:
    return may_view(user, COUNTY, code[:6])


class CountyDashboardView(DashboardView):
    level = COUNTY


class TownshipDashboardView(DashboardView):
    level = TOWNSHIP


class VillageFiguresView(LoginRequiredMixin, TemplateView):
    """The villages behind one figure: `?area=<county or township>&period=&figure=` and the
    figure's filter (`activity`, `level`, `band` or `bucket`); each leads to the village's
    supervision tab. The page shows `paginate_by` villages at a time in the figure's order (the
    pages' links keep the query); the workbook holds them all. A fixed number of queries."""

    template_name = "reports/dashboards/village_figures.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        code = request.GET.get("area", "")
        self.area = dashboard_area(request.user, code)
        on = today()
        self.period = parse_period(request.GET.get("period"), on)
        self.figure = request.GET.get("figure", "villages")
        self.title, self.rows = village_figures(
            self.area.code, self.period, self.figure, request.GET, on
        )
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                exports.village_figures_workbook(self.area, self.period, self.title, self.rows),
                f"villages-{self.area.code}-{self.period}-{self.figure}.xlsx",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        level = COUNTY if len(self.area.code) == 6 else TOWNSHIP
        params = self.request.GET.copy()
        params.pop("page", None)
        query_string = params.urlencode()
        params["format"] = "xlsx"
        page = paginate(self.request, self.rows, self.paginate_by)
        ctx.update(
            page_obj=page,
            query_string=query_string,
            area=self.area,
            period=self.period,
            title=self.title,
            rows=page.object_list,
            figure=self.figure,
            dashboard_url=dashboard_url(level, self.area.code, self.period),
            county_url=dashboard_url(COUNTY, self.area.code[:6], self.period)
            if level == TOWNSHIP and _may_see_county(self.request.user, self.area.code)
            else "",
            xlsx_query=params.urlencode(),
        )
        return ctx


urlpatterns = [
    path("dashboards/county/<str:code>/", CountyDashboardView.as_view(), name="county-dashboard"),
    path(
        "dashboards/township/<str:code>/",
        TownshipDashboardView.as_view(),
        name="township-dashboard",
    ),
    path("dashboards/villages/", VillageFiguresView.as_view(), name="village-figures"),
]
