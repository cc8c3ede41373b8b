"""The quarterly review report (季度监督评议报告) of a village, a township or the county: its
content (cover, summary figures, a table per township and per village, the problem list, charts)
and its rendering to PDF.

The figures come from `period_figures` and `quarter_trend` (a fixed number of queries whatever
the number of villages). Table cells are formatted here, once, so the template only places them;
the village table is rendered in chunks so a long run can report its progress.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.dates import today
from core.rates import format_percent
from supervision.choices import PeriodKind, ProblemState, TaskKind, WarningLevel
from supervision.models import Problem
from supervision.periods import Period
from villages.choices import RegionLevel
from villages.models import Region, Village

from . import charts
from .figures import ACTIVITIES, Figures, Row, period_figures, quarter_trend
from .pdf import Pdf, render_document

__all__ = ["Area", "quarterly_context", "render_quarterly", "resolve_area", "parse_quarter"]

TEMPLATE = "reports/quarterly/report.html"
ROWS_TEMPLATE = "reports/quarterly/_rows.html"
#: villages rendered between two progress reports
CHUNK = 50

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Area:
    """The scope of a report: its code, level and names."""

    code: str
    level: str  # county, township or village
    name: str
    full_name: str
    county_name: str
    township_name: str = ""


def resolve_area(code: str) -> Area:
    """The county, township or village of `code` (a ValidationError if there is none)."""
    code = (code or "").strip()
    if len(code) == 12:
        village = Village.objects.select_related("township__parent").filter(code=code).first()
        if village:
            township = village.township
            county = township.parent
            return Area(
                code,
                "village",
                village.name,
                f"{county.name if county else ''}{township.name}{village.name}",
                county.name if county else "",
                township.name,
            )
    elif len(code) in (6, 9):
        region = Region.objects.select_related("parent").filter(code=code).first()
        if region and region.level == RegionLevel.COUNTY:
            return Area(code, "county", region.name, region.name, region.name)
        if region and region.level == RegionLevel.TOWNSHIP:
            county = region.parent.name if region.parent else ""
            return Area(code, "township", region.name, county + region.name, county, region.name)
    raise ValidationError(
        {"area_code": _("%(code)s is not a county, township or village.") % {"code": code}}
    )


def parse_quarter(code: str) -> Period:
    """The quarter of a report (a ValidationError for a half-year, a year or nonsense)."""
    try:
        period = Period.parse(code)
    except ValidationError as e:
        raise ValidationError({"period": e.messages}) from e
    if period.kind != PeriodKind.QUARTER:
        raise ValidationError({"period": _("Write a quarter, such as 2026Q3.")})
    return period


def issuing_body(area: Area) -> str:
    """Who issues the report: the county organization department for the county, the township
    party committee for a township and its villages."""
    if area.level == "county":
        return _("Organization Department of the %(county)s Party Committee") % {
            "county": area.county_name
        }
    return _("Party Committee of %(township)s") % {"township": area.township_name}


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "—"


def _cells(figures: Figures) -> list[str]:
    """The figures of one row of the township and village tables, formatted."""
    return [
        format_percent(figures.on_time_rate(TaskKind.INSPECTION)),
        format_percent(figures.on_time_rate(TaskKind.HEARING)),
        _ratio(figures.done[TaskKind.REVIEW], figures.planned[TaskKind.REVIEW]),
        _ratio(figures.done[TaskKind.PUBLIC_REPORT], figures.planned[TaskKind.PUBLIC_REPORT]),
        format_percent(figures.satisfaction_rate),
        format_percent(figures.fulfilment_rate),
        str(figures.problems_opened),
        str(figures.problems_closed),
        str(figures.problems_overdue),
        str(figures.disclosures),
        str(figures.handovers_signed),
    ]


def _summary(total: Figures) -> list[tuple[str, str]]:
    """The headline figures of the area: label, value."""
    items = []
    for kind in (TaskKind.INSPECTION, TaskKind.HEARING):
        items.append(
            (
                _("%(duty)s done on time") % {"duty": TaskKind(kind).label},
                f"{_ratio(total.on_time[kind], total.planned[kind])}"
                f"（{format_percent(total.on_time_rate(kind))}）",
            )
        )
    items += [
        (
            _("Semi-annual reviews held"),
            _ratio(total.done[TaskKind.REVIEW], total.planned[TaskKind.REVIEW]),
        ),
        (
            _("Public reports held"),
            _ratio(total.done[TaskKind.PUBLIC_REPORT], total.planned[TaskKind.PUBLIC_REPORT]),
        ),
        (
            _("Villagers' satisfaction"),
            _("%(rate)s of %(n)d ballots")
            % {"rate": format_percent(total.satisfaction_rate), "n": total.ballots},
        ),
        (
            _("Pledge redemption"),
            _("%(rate)s of %(n)d promises due")
            % {"rate": format_percent(total.fulfilment_rate), "n": total.promises_due},
        ),
        (_("Problems opened"), str(total.problems_opened)),
        (_("Problems closed"), str(total.problems_closed)),
        (_("Problems overdue"), str(total.problems_overdue)),
        (
            _("Warnings"),
            "，".join(
                f"{WarningLevel(level).label} {total.warnings.get(int(level), 0)}"
                for level in (WarningLevel.RED, WarningLevel.ORANGE, WarningLevel.YELLOW)
            ),
        ),
        (_("Disclosures published"), str(total.disclosures)),
        (_("Handovers done"), str(total.handovers_signed)),
    ]
    return items


def problem_list(area: Area, period: Period) -> list[dict]:
    """The area's problems unresolved at the quarter's end and those closed in the quarter."""
    end = period.end
    unresolved_at_end = Q(opened_on__lte=end) & (
        ~Q(state=ProblemState.CLOSED) | Q(closed_on__gt=end)
    )
    closed_in_quarter = Q(state=ProblemState.CLOSED, closed_on__range=(period.start, end))
    rows = (
        Problem.objects.filter(area_code__startswith=area.code)
        .filter(unresolved_at_end | closed_in_quarter)
        .order_by("area_code", "deadline", "pk")
        .values_list(
            "village__name", "title", "owner_name", "opened_on", "deadline", "state", "closed_on"
        )
    )
    problems = []
    for village, title, owner, opened, deadline, state, closed in rows:
        closed_now = state == ProblemState.CLOSED and closed and closed <= end
        problems.append(
            {
                "village": village,
                "title": title,
                "owner": owner,
                "opened": date_format(opened, "SHORT_DATE_FORMAT"),
                "deadline": date_format(deadline, "SHORT_DATE_FORMAT"),
                "state": _("Closed on %(date)s")
                % {"date": date_format(closed, "SHORT_DATE_FORMAT")}
                if closed_now
                else _("Unresolved"),
                "overdue": not closed_now and deadline < min(end, today()),
            }
        )
    return problems


def _row_cells(row: Row, *, village: bool) -> dict:
    level = row.figures.warning_level if village else None
    return {
        "code": row.code,
        "name": row.name,
        "township": row.township_name,
        "villages": row.figures.villages,
        "cells": _cells(row.figures),
        "warning": WarningLevel(level).label if village else "",
        "warning_level": level,
        "red": row.figures.warnings.get(int(WarningLevel.RED), 0),
    }


def quarterly_context(
    area_code: str, period_code: str, *, on: dt.date | None = None, progress: Progress = None
) -> dict:
    """Everything the report's template shows; `progress(percent)` is called as it goes
    (the figures up to 20 %, the village table up to 60 %)."""
    report = progress or (lambda percent: None)
    area = resolve_area(area_code)
    period = parse_quarter(period_code)
    figures = period_figures(prefix=area.code, period=period, on=on)
    trend = quarter_trend(prefix=area.code, last=period)
    report(20)

    # The village table in chunks: the one part whose size grows with the area. A county's
    # villages come under a line per township.
    chunks, villages = [], figures.villages
    per_township = Counter(r.township_code for r in villages)
    for start in range(0, len(villages), CHUNK):
        rows = []
        for i, r in enumerate(villages[start : start + CHUNK], start):
            row = _row_cells(r, village=True)
            if area.level == "county" and (
                i == 0 or villages[i - 1].township_code != r.township_code
            ):
                row["group"] = _("%(township)s (%(n)d villages)") % {
                    "township": r.township_name,
                    "n": per_township[r.township_code],
                }
            rows.append(row)
        chunks.append(render_to_string(ROWS_TEMPLATE, {"rows": rows}))
        report(20 + 40 * min(start + CHUNK, len(villages)) // max(len(villages), 1))
    township_rows = [_row_cells(r, village=False) for r in figures.townships]

    comparison = figures.townships if area.level == "county" else figures.villages
    chart_rows = comparison if len(comparison) <= 40 else []  # beyond that a bar chart is noise
    return {
        "area": area,
        "period": period,
        "period_label": period.label(),
        "title": _("Quarterly supervision and review report"),
        "issued_by": issuing_body(area),
        "issued_on": on or today(),
        "summary": _summary(figures.total),
        "total": figures.total,
        "village_count": len(villages),
        "township_rows": township_rows if area.level == "county" else [],
        "village_rows_html": mark_safe("".join(chunks)),
        "show_villages": True,
        "problems": problem_list(area, period),
        "charts": {
            "on_time": charts.on_time_bars(
                chart_rows,
                ACTIVITIES,
                title=_("Done on time per township")
                if area.level == "county"
                else _("Done on time per village"),
            )
            if chart_rows and area.level != "village"
            else "",
            "problems": charts.problem_bars(chart_rows)
            if chart_rows and area.level != "village"
            else "",
            "warnings": charts.warning_bars(figures.total) if area.level != "village" else "",
            "trend": charts.trend_lines(trend),
        },
        "trend": [
            (
                str(p),
                format_percent(d["inspection"]),
                format_percent(d["hearing"]),
                d["problems_opened"],
            )
            for p, d in trend
        ],
    }


def render_quarterly(
    area_code: str, period_code: str, *, on: dt.date | None = None, progress: Progress = None
) -> Pdf:
    """The report as PDF with its pages; the layout by WeasyPrint takes the progress from 60 %
    to 95 %."""
    report = progress or (lambda percent: None)
    context = quarterly_context(area_code, period_code, on=on, progress=report)
    report(60)
    pdf = render_document(TEMPLATE, context)
    report(95)
    return pdf
