"""Excel workbooks of the dashboards' tables (`?format=xlsx`): one sheet per table of the page,
and the village list behind a figure. Rates are numbers formatted as percentages so that staff
can sort and sum them; codes are text. Built from the same `Dashboard` as the page, no queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font

from core.excel import Column, new_workbook, workbook_bytes, write_header, write_row
from core.rates import EXCEL_PERCENT_FORMAT
from supervision.choices import WarningLevel
from supervision.periods import Period

from .dashboards import AGEING_BUCKETS, RANK_LABELS, RANK_WEIGHTS, Dashboard, VillageFigure


def _col(key: str, label, width: int = 12, *, code: bool = False) -> Column:
    return Column(key, label, "", width, is_code=code)


def _sheet(wb, title: str, heading: str, columns: Sequence[Column], rows: Iterable[list]):
    """A sheet with a title row, the header and the rows; Decimal rates as percentages."""
    ws = wb.create_sheet(title[:31])
    write_row(ws, [heading])
    ws["A1"].font = Font(bold=True, size=13)
    write_header(ws, columns)
    for values in rows:
        write_row(ws, [_cell(v) for v in values])
        for i, v in enumerate(values, start=1):
            if isinstance(v, Decimal) and v <= 1 and columns[i - 1].key.endswith("rate"):
                ws.cell(row=ws.max_row, column=i).number_format = EXCEL_PERCENT_FORMAT
    for i, col in enumerate(columns, start=1):
        if col.is_code:
            for (cell,) in ws.iter_rows(min_row=3, min_col=i, max_col=i):
                cell.number_format = "@"
    return ws


def _cell(value: Any):
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return "—"
    return str(value) if not isinstance(value, int | float) else value


def dashboard_workbook(d: Dashboard) -> bytes:
    """Every table of the dashboard: headline, matrix, warnings, ageing, satisfaction, trend and
    ranking."""
    wb = new_workbook(empty=True)
    heading = f"{d.area.name} · {d.period.label()}"

    _sheet(
        wb,
        _("Headline figures"),
        heading,
        (_col("figure", gettext_lazy("Figure"), 28), _col("value_rate", gettext_lazy("Value"))),
        ([f.label, f.value] for f in d.headline),
    )

    unit = d.unit_label
    matrix_cols = [
        _col("code", gettext_lazy("Area code"), 14, code=True),
        _col("name", unit, 16),
        _col("villages", gettext_lazy("Villages"), 8),
    ]
    matrix_cols += [_col(f"{k}_rate", label, 12) for k, label in d.activities]
    matrix_cols += [
        _col("disclosures", gettext_lazy("Disclosures published"), 12),
        _col("handovers", gettext_lazy("Handovers signed"), 12),
        _col("overdue", gettext_lazy("Problems overdue"), 12),
        _col("level", gettext_lazy("Warning"), 10),
    ]
    _sheet(
        wb,
        _("Activities"),
        _("Done on time, %(period)s") % {"period": d.period.label()},
        matrix_cols,
        (
            [
                u.code,
                u.name,
                u.figures.villages,
                *(c.rate for c in u.cells),
                u.figures.disclosures,
                u.figures.handovers_signed,
                u.figures.problems_overdue,
                WarningLevel(u.warning_level).label,
            ]
            for u in d.units
        ),
    )

    _sheet(
        wb,
        _("Warnings"),
        heading,
        (
            _col("level", gettext_lazy("Level"), 8),
            _col("code", gettext_lazy("Area code"), 14, code=True),
            _col("name", gettext_lazy("Village"), 16),
            _col("township", gettext_lazy("Township"), 14),
            _col("reasons", gettext_lazy("Reasons"), 60),
        ),
        (
            [label, v["code"], v["name"], v["township_name"], "；".join(v["reasons"])]
            for _lvl, label, villages in d.warnings
            for v in villages
        ),
    )

    _sheet(
        wb,
        _("Problem ageing"),
        heading,
        [_col("code", gettext_lazy("Area code"), 14, code=True), _col("name", unit, 16)]
        + [_col(b, label, 14) for b, label in AGEING_BUCKETS],
        [
            *([u.code, u.name, *(u.ageing[b] for b, _l in AGEING_BUCKETS)] for u in d.units),
            ["", _("Total"), *(n for _b, _l, n, _u in d.ageing)],
        ],
    )

    _sheet(
        wb,
        _("Satisfaction"),
        heading,
        (_col("band", gettext_lazy("Satisfaction"), 20), _col("n", gettext_lazy("Villages"))),
        ([label, n] for _b, label, n, _u in d.satisfaction),
    )

    _sheet(
        wb,
        _("Trend"),
        d.area.name,
        (
            _col("period", gettext_lazy("Quarter"), 16),
            _col("inspection_rate", gettext_lazy("Inspections on time"), 14),
            _col("hearing_rate", gettext_lazy("Hearings on time"), 14),
            _col("problems", gettext_lazy("Problems registered"), 14),
        ),
        ([t["label"], t["inspection"], t["hearing"], t["problems_opened"]] for t in d.trend),
    )

    _sheet(
        wb,
        _("Ranking"),
        _("Score: %(weights)s")
        % {"weights": "，".join(f"{RANK_LABELS[k]} {w}%" for k, w in RANK_WEIGHTS)},
        [
            _col("rank", gettext_lazy("Rank"), 6),
            _col("code", gettext_lazy("Area code"), 14, code=True),
            _col("name", unit, 16),
            _col("score", gettext_lazy("Score"), 8),
        ]
        + [_col(f"{k}_rate", RANK_LABELS[k], 14) for k, _w in RANK_WEIGHTS],
        (
            [u.rank, u.code, u.name, u.score, *(u.parts[k] for k, _w in RANK_WEIGHTS)]
            for u in d.ranking
        ),
    )
    return workbook_bytes(wb)


def village_figures_workbook(area, period: Period, title: str, rows: list[VillageFigure]) -> bytes:
    """The village list behind one figure."""
    wb = new_workbook(empty=True)
    columns = (
        _col("code", gettext_lazy("Area code"), 14, code=True),
        _col("name", gettext_lazy("Village"), 16),
        _col("township", gettext_lazy("Township"), 14),
        _col("value", gettext_lazy("Value"), 22),
        _col("level", gettext_lazy("Warning"), 10),
        _col("reasons", gettext_lazy("Reasons"), 60),
    )
    _sheet(
        wb,
        _("Villages"),
        f"{area.name} · {period.label()} · {title}",
        columns,
        (
            [
                v.row.code,
                v.row.name,
                v.row.township_name,
                v.value,
                WarningLevel(v.row.figures.warning_level).label,
                "；".join(v.reasons),
            ]
            for v in rows
        ),
    )
    return workbook_bytes(wb)
