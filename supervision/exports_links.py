"""双联一带 / 四包 links and work teams as .xlsx: one row each, every text cell written as text
(core.excel: a leading "=" never becomes a formula)."""

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


LINK_COLUMNS = (
    _col("area_code", gettext_lazy("Village code"), 14, is_code=True),
    _col("township", gettext_lazy("Township"), 12),
    _col("village", gettext_lazy("Village"), 12),
    _col("leader", gettext_lazy("Leader"), 10),
    _col("level", gettext_lazy("Level"), 10),
    _col("post", gettext_lazy("Post and unit"), 20),
    _col("kind", gettext_lazy("Kind of link"), 14),
    _col("start", gettext_lazy("Term starts"), 12),
    _col("end", gettext_lazy("Term ends"), 12),
    _col("ended", gettext_lazy("Ended early on"), 12),
    _col("visits_quarter", gettext_lazy("Visits this quarter"), 8),
    _col("half_days_quarter", gettext_lazy("Half days this quarter"), 8),
    _col("visits_year", gettext_lazy("Visits this year"), 8),
    _col("half_days_year", gettext_lazy("Half days this year"), 8),
    _col("last_visit", gettext_lazy("Last visit"), 12),
    _col("idle", gettext_lazy("No visit last quarter"), 8),
    _col("matters", gettext_lazy("Matters recorded"), 8),
)
TEAM_COLUMNS = (
    _col("area_code", gettext_lazy("Village code"), 14, is_code=True),
    _col("township", gettext_lazy("Township"), 12),
    _col("village", gettext_lazy("Village"), 12),
    _col("person", gettext_lazy("Person"), 10),
    _col("role", gettext_lazy("Role"), 10),
    _col("unit", gettext_lazy("Sending unit"), 20),
    _col("from", gettext_lazy("From"), 12),
    _col("to", gettext_lazy("To"), 12),
)
HEADER_ROW = 2


def _name(user) -> str:
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def _sheet(title: str, columns, on: dt.date):
    wb = new_workbook()
    ws = wb.active
    ws.title = title[:31]
    write_row(
        ws, [_("%(title)s, exported on %(date)s") % {"title": title, "date": date_format(on)}]
    )
    ws["A1"].font = Font(bold=True, size=14)
    write_header(ws, columns)
    return wb, ws


def _finish(wb, ws, columns, date_cols: list[int]) -> bytes:
    for col in date_cols:
        for row in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=col, max_col=col):
            for cell in row:
                cell.number_format = "yyyy-mm-dd"
    format_codes(ws, columns)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{ws.max_row}"
    return workbook_bytes(wb)


def links_workbook(links, *, on: dt.date | None = None) -> bytes:
    """The links (annotated by selectors.leader_links, flagged `idle`) with a title row."""
    on = on or today()
    wb, ws = _sheet(_("Leaders' linked villages"), LINK_COLUMNS, on)
    yes = _("Yes")
    for link in links:
        write_row(
            ws,
            [
                link.area_code,
                link.village.township.name,
                link.village.name,
                _name(link.leader),
                link.get_level_display(),
                link.post,
                link.get_kind_display(),
                link.start_date,
                link.term_end,
                link.ended_on,
                link.visits_quarter,
                link.half_days_quarter,
                link.visits_year,
                link.half_days_year,
                link.last_visit,
                yes if getattr(link, "idle", False) else "",
                link.matters_count,
            ],
        )
    return _finish(wb, ws, LINK_COLUMNS, [8, 9, 10, 15])


def work_team_workbook(members, *, on: dt.date | None = None) -> bytes:
    """The work team members with a title row; one query."""
    on = on or today()
    wb, ws = _sheet(_("Work teams"), TEAM_COLUMNS, on)
    for m in members:
        write_row(
            ws,
            [
                m.area_code,
                m.village.township.name,
                m.village.name,
                _name(m.person),
                m.get_role_display(),
                m.unit,
                m.start_date,
                m.end_date,
            ],
        )
    return _finish(wb, ws, TEAM_COLUMNS, [7, 8])
