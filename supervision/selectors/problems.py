"""Reads of the problem ledger: the list's joins, the source a problem came from, the Excel
export of a (filtered) list."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.dates import today
from core.excel import Column, format_codes, new_workbook, workbook_bytes, write_header, write_row

from ..models import Problem

__all__ = [
    "PROBLEM_EXPORT_COLUMNS",
    "days_overdue",
    "problem_ledger",
    "problem_source",
    "problems_workbook",
]


def problem_ledger():
    """Problems with what the ledger shows of each (village, township, owner), unscoped: the
    caller scopes it with `visible_to`."""
    return Problem.objects.select_related("village__township", "owner")


def days_overdue(problem: Problem, on: dt.date | None = None) -> int:
    """Days an unresolved problem is past its deadline (0 if it is not)."""
    if problem.state == "closed":
        return 0
    return max(0, ((on or today()) - problem.deadline).days)


def _url(name: str, *args) -> str | None:
    # The records' pages belong to other parts of the app, which may not be mounted yet.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def problem_source(problem: Problem) -> tuple[str, str | None]:
    """The record the problem came from, as (label, URL or None)."""
    label = problem.get_source_display()
    if problem.inspection_finding_id:
        finding = problem.inspection_finding
        return label, _url("supervision:inspection-detail", finding.inspection_id)
    if problem.hearing_question_id:
        question = problem.hearing_question
        return label, _url("supervision:hearing-detail", question.hearing_id)
    if problem.audit_finding_id:
        return label, _url("ledgers:audit-detail", problem.audit_finding.audit_id)
    if problem.disclosure_question_id:
        question = problem.disclosure_question
        return label, _url("ledgers:disclosure-detail", question.disclosure_id)
    return label, None


def _col(key: str, label, width: int, *, code: bool = False) -> Column:
    return Column(key, label, "", width, is_code=code)


PROBLEM_EXPORT_COLUMNS = (
    _col("code", gettext_lazy("Village code"), 14, code=True),
    _col("township", gettext_lazy("Township"), 12),
    _col("village", gettext_lazy("Village"), 12),
    _col("title", gettext_lazy("Problem"), 30),
    _col("source", gettext_lazy("Source"), 12),
    _col("category", gettext_lazy("Category"), 14),
    _col("severity", gettext_lazy("Severity"), 8),
    _col("owner", gettext_lazy("Responsible person"), 12),
    _col("opened_on", gettext_lazy("Registered on"), 12),
    _col("deadline", gettext_lazy("Deadline"), 12),
    _col("state", gettext_lazy("State"), 12),
    _col("overdue", gettext_lazy("Days overdue"), 10),
    _col("escalation", gettext_lazy("Supervised by"), 14),
    _col("closed_on", gettext_lazy("Closed on"), 12),
    _col("standard", gettext_lazy("Standard for closing"), 30),
)
DATE_KEYS = {"opened_on", "deadline", "closed_on"}
HEADER_ROW = 2


def problems_workbook(problems, *, on: dt.date | None = None) -> bytes:
    """问题台账 as an .xlsx: a title row, the header, one row per problem of `problems` (a
    scoped, filtered queryset); two queries whatever its length."""
    on = on or today()
    wb = new_workbook()
    ws = wb.active
    ws.title = _("Problem ledger")[:31]
    write_row(
        ws, [_("Problem ledger, exported on %(date)s") % {"date": date_format(on, "DATE_FORMAT")}]
    )
    columns = PROBLEM_EXPORT_COLUMNS
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    write_header(ws, columns)
    for p in problems.select_related("village__township"):
        write_row(
            ws,
            [
                p.area_code,
                p.village.township.name,
                p.village.name,
                p.title,
                p.get_source_display(),
                p.get_category_display(),
                p.get_severity_display(),
                p.owner_name,
                p.opened_on,
                p.deadline,
                p.get_state_display(),
                days_overdue(p, on) or None,
                p.get_escalation_display(),
                p.closed_on,
                p.standard,
            ],
        )
    dates = {i for i, c in enumerate(columns, start=1) if c.key in DATE_KEYS}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            if cell.column in dates:
                cell.number_format = "yyyy-mm-dd"
    format_codes(ws, columns)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{ws.max_row}"
    return workbook_bytes(wb)
