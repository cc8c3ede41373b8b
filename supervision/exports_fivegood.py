"""五好 ratings as an .xlsx: one row per rating with the five outcomes (core.excel)."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font

from core.dates import today
from core.excel import Column, format_codes, new_workbook, workbook_bytes, write_header, write_row

from .choices import FiveGood
from .models import FIVE_GOOD_FIELDS


def _col(key: str, label, width: int, is_code: bool = False) -> Column:
    return Column(key, label, "", width, is_code)


COLUMNS = (
    _col("area_code", gettext_lazy("Village code"), 14, is_code=True),
    _col("township", gettext_lazy("Township"), 12),
    _col("village", gettext_lazy("Village"), 12),
    _col("year", gettext_lazy("Year"), 6),
    _col("state", gettext_lazy("State"), 14),
    *(_col(g, FiveGood(g).label, 12) for g in FIVE_GOOD_FIELDS),
    _col("is_five_good", gettext_lazy("五好"), 6),
    _col("notes", gettext_lazy("Notes"), 40),
    _col("county_note", gettext_lazy("County's note"), 30),
)
HEADER_ROW = 2


def fivegood_workbook(ratings, *, on: dt.date | None = None) -> bytes:
    """The ratings of `ratings` (a scoped, filtered queryset) with a title row; one query."""
    on = on or today()
    wb = new_workbook()
    ws = wb.active
    ws.title = _("五好 ratings")[:31]
    write_row(ws, [_("五好 ratings, exported on %(date)s") % {"date": date_format(on)}])
    ws["A1"].font = Font(bold=True, size=14)
    write_header(ws, COLUMNS)
    met, not_met, yes, no = _("Met"), _("Not met"), _("Yes"), _("No")
    for r in ratings.select_related("village__township"):
        notes = "；".join(
            f"{FiveGood(g).label}：{getattr(r, f'{g}_note')}"
            for g in FIVE_GOOD_FIELDS
            if getattr(r, f"{g}_note")
        )
        write_row(
            ws,
            [
                r.area_code,
                r.village.township.name,
                r.village.name,
                r.year,
                r.get_state_display(),
                *(met if getattr(r, f"{g}_met") else not_met for g in FIVE_GOOD_FIELDS),
                yes if r.is_five_good else no,
                notes,
                r.county_note,
            ],
        )
    format_codes(ws, COLUMNS)
    return workbook_bytes(wb)
