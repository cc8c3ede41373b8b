"""四述双评 as an .xlsx: one row per current quarterly report, every text cell written as text
(core.excel)."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.dates import today
from core.excel import Column, format_codes, new_workbook, workbook_bytes, write_header, write_row


def _col(key: str, label, width: int, is_code: bool = False) -> Column:
    return Column(key, label, "", width, is_code)


COLUMNS = (
    _col("area_code", gettext_lazy("Area code"), 14, is_code=True),
    _col("township", gettext_lazy("Township"), 12),
    _col("village", gettext_lazy("Village"), 12),
    _col("kind", gettext_lazy("Reporter"), 12),
    _col("name", gettext_lazy("Name"), 10),
    _col("post", gettext_lazy("Post"), 12),
    _col("period", gettext_lazy("Quarter"), 10),
    _col("reported_on", gettext_lazy("Reported on"), 12),
    _col("duties", gettext_lazy("On duties (述职)"), 40),
    _col("integrity", gettext_lazy("On integrity (述廉)"), 40),
    _col("law", gettext_lazy("On the rule of law (述法)"), 40),
    _col("ethics", gettext_lazy("On conduct (述德)"), 40),
    _col("commented_by", gettext_lazy("Commented by"), 10),
    _col("comment", gettext_lazy("On-the-spot comment"), 40),
    _col("score", gettext_lazy("Score"), 8),
    _col("state", gettext_lazy("State"), 12),
)
HEADER_ROW = 2
DATE_COLUMN = 8


def quarterly_workbook(reports, *, on: dt.date | None = None) -> bytes:
    """The reports of `reports` (a scoped, filtered queryset) with a title row; one query."""
    on = on or today()
    wb = new_workbook()
    ws = wb.active
    ws.title = _("Quarterly reports")[:31]
    write_row(ws, [_("Quarterly reports, exported on %(date)s") % {"date": date_format(on)}])
    ws["A1"].font = Font(bold=True, size=14)
    write_header(ws, COLUMNS)
    for r in reports.select_related("township", "village", "cadre", "person", "post"):
        write_row(
            ws,
            [
                r.area_code,
                r.township.name,
                r.village.name if r.village_id else "",
                r.get_kind_display(),
                r.reporter_name,
                r.post.get_kind_display() if r.post_id else "",
                f"{r.year}Q{r.quarter}",
                r.reported_on,
                r.duties,
                r.integrity,
                r.law,
                r.ethics,
                r.commented_by,
                r.comment,
                r.score,
                r.get_state_display(),
            ],
        )
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=DATE_COLUMN, max_col=DATE_COLUMN):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    format_codes(ws, COLUMNS)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{ws.max_row}"
    return workbook_bytes(wb)
