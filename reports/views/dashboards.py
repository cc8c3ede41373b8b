"""The county and township dashboards and the village list behind each of their figures.

Every page takes `?period=2026Q3` (default: the current quarter) and `?format=xlsx` for its
tables as a workbook. A county's dashboard is for its supervisors, a township's for its staff and
the county; a region the user cannot see is a 404, one they see but may not open a 403.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import path
from django.views.generic import TemplateView

from villages.excel import xlsx_response
from villages.scoping import today

from .. import exports
from ..dashboards import (
    COUNTY,
    RANK_LABELS,
    RANK_WEIGHTS,
    TOWNSHIP,
    build_dashboard,
    dashboard_area,
    dashboard_url,
    may_view,
    parse_period,
    recent_quarters,
    village_figures,
)


class DashboardView(LoginRequiredMixin, TemplateView):
    """The figures of a county or a township for one period, with charts and drill-downs."""

    level = COUNTY
    template_name = "reports/dashboards/dashboard.html"

    def get(self, request, *args, **kwargs):
        area = dashboard_area(request.user, kwargs["code"], self.level)
        on = today()
        self.dashboard = build_dashboard(area, parse_period(request.GET.get("period"), on), on)
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                exports.dashboard_workbook(self.dashboard),
                f"dashboard-{area.code}-{self.dashboard.period}.xlsx",
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        d = self.dashboard
        ctx.update(
            dashboard=d,
            area=d.area,
            period=d.period,
            periods=recent_quarters(d.on),
            chart_data=d.chart_data(),
            rank_weights=[(RANK_LABELS[k], w) for k, w in RANK_WEIGHTS],
            county_url=dashboard_url(COUNTY, d.area.code[:6], d.period)
            if self.level == TOWNSHIP and _may_see_county(self.request.user, d.area.code)
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
    supervision tab."""

    template_name = "reports/dashboards/village_figures.html"

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
        params["format"] = "xlsx"
        ctx.update(
            area=self.area,
            period=self.period,
            title=self.title,
            rows=self.rows,
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
