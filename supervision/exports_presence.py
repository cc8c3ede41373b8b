"""在岗/驻村 as an .xlsx: one row per visit, every text cell written as text (core.excel)."""

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
    _col("area_code", gettext_lazy("Village code"), 14, is_code=True),
    _col("township", gettext_lazy("Township"), 12),
    _col("village", gettext_lazy("Village"), 12),
    _col("person", gettext_lazy("Person"), 10),
    _col("date", gettext_lazy("Day in the village"), 12),
    _col("half_days", gettext_lazy("Half days"), 8),
    _col("work_done", gettext_lazy("Work done in the village"), 50),
    _col("photo", gettext_lazy("Photo"), 6),
    _col("latitude", gettext_lazy("Latitude"), 11),
    _col("longitude", gettext_lazy("Longitude"), 11),
)
HEADER_ROW = 2


def _name(user) -> str:
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def presence_workbook(visits, *, on: dt.date | None = None) -> bytes:
    """The visits of `visits` (a scoped, filtered queryset) with a title row; one query."""
    on = on or today()
    wb = new_workbook()
    ws = wb.active
    ws.title = _("Presence visits")[:31]
    write_row(ws, [_("Presence visits, exported on %(date)s") % {"date": date_format(on)}])
    ws["A1"].font = Font(bold=True, size=14)
    write_header(ws, COLUMNS)
    yes = _("Yes")
    for v in visits.select_related("village__township", "person"):
        write_row(
            ws,
            [
                v.area_code,
                v.village.township.name,
                v.village.name,
                _name(v.person),
                v.date,
                v.half_days,
                v.work_done,
                yes if v.photo else "",
                v.latitude,
                v.longitude,
            ],
        )
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    format_codes(ws, COLUMNS)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{ws.max_row}"
    return workbook_bytes(wb)
