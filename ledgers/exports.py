"""Excel exports of a village's ledger (一式两套的纸质账): the trial balance (科目余额表) of a
period, the journal of one account with its running balance, the asset register and the
resource register with its contracts.

Every workbook opens with a title row (what it is and the village's name) and a row with the
area code, the period and the export date, then the header row of `core.excel`. Amounts are
numbers formatted `#,##0.00` so that the paper set can be summed in Excel; the figures come from
the same selectors as the pages. Each export takes a constant number of queries. No personal
data: the registers hold names of parties and custodians only, never ID numbers or phones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font

from core.dates import today
from core.excel import Column, format_codes, new_workbook, workbook_bytes, write_header, write_row
from villages.models import Village

from . import selectors
from .models import Account, Asset, Resource, ResourceContract
from .selectors.books import ZERO

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_ROW = 3  # title, facts, then the header


def _col(key: str, label, width: int, *, code: bool = False) -> Column:
    return Column(key, label, "", width, is_code=code)


# Columns holding money (or areas): written as numbers with MONEY_FORMAT.
NUMBER_KEYS = {
    "opening",
    "debit",
    "credit",
    "closing",
    "balance",
    "quantity",
    "value",
    "area",
    "fee",
    "due",
    "paid",
    "arrears",
}

TRIAL_BALANCE = (
    _col("code", gettext_lazy("Account code"), 12, code=True),
    _col("name", gettext_lazy("Account name"), 24),
    _col("side", gettext_lazy("Normal side"), 10),
    _col("opening", gettext_lazy("Opening balance"), 16),
    _col("debit", gettext_lazy("Debit in the period"), 16),
    _col("credit", gettext_lazy("Credit in the period"), 16),
    _col("closing", gettext_lazy("Closing balance"), 16),
)
JOURNAL = (
    _col("date", gettext_lazy("Date"), 12),
    _col("voucher", gettext_lazy("Voucher"), 16),
    _col("summary", gettext_lazy("Summary"), 36),
    _col("debit", gettext_lazy("Debit"), 16),
    _col("credit", gettext_lazy("Credit"), 16),
    _col("balance", gettext_lazy("Balance"), 16),
)
ASSETS = (
    _col("category", gettext_lazy("Category"), 14),
    _col("name", gettext_lazy("Name"), 24),
    _col("quantity", gettext_lazy("Quantity"), 10),
    _col("unit", gettext_lazy("Unit"), 8),
    _col("value", gettext_lazy("Original value (yuan)"), 16),
    _col("acquired", gettext_lazy("Acquired on"), 12),
    _col("funding", gettext_lazy("Funding source"), 14),
    _col("location", gettext_lazy("Location"), 20),
    _col("custodian", gettext_lazy("Custodian"), 12),
    _col("status", gettext_lazy("Status"), 10),
    _col("notes", gettext_lazy("Notes"), 30),
)
RESOURCES = (
    _col("kind_code", gettext_lazy("Land category code"), 10, code=True),
    _col("kind", gettext_lazy("Land category"), 16),
    _col("name", gettext_lazy("Name or parcel number"), 24),
    _col("area", gettext_lazy("Area (mu)"), 12),
    _col("location", gettext_lazy("Location"), 20),
    _col("east", gettext_lazy("East"), 12),
    _col("south", gettext_lazy("South"), 12),
    _col("west", gettext_lazy("West"), 12),
    _col("north", gettext_lazy("North"), 12),
    _col("status", gettext_lazy("Status"), 10),
    _col("notes", gettext_lazy("Notes"), 30),
)
CONTRACTS = (
    _col("resource", gettext_lazy("Resource"), 24),
    _col("party", gettext_lazy("Contracting party"), 20),
    _col("start", gettext_lazy("Contract starts"), 12),
    _col("end", gettext_lazy("Contract ends"), 12),
    _col("fee", gettext_lazy("Annual fee (yuan)"), 14),
    _col("schedule", gettext_lazy("Payment schedule"), 12),
    _col("terminated", gettext_lazy("Terminated on"), 12),
    _col("due", gettext_lazy("Fees due to date"), 14),
    _col("paid", gettext_lazy("Received"), 14),
    _col("arrears", gettext_lazy("Arrears"), 14),
)


# ---------------------------------------------------------------------------- plumbing


def _sheet(ws, title: str, village: Village, columns: Sequence[Column], period: str = "") -> None:
    """Title row, the facts row (area code, period, export date) and the header row."""
    # Excel refuses these characters and more than 31 of them in a sheet name.
    ws.title = re.sub(r"[][\\/?*:]", " ", title)[:31]
    write_row(ws, [f"{village.name} · {title}"])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    facts = [_("Area code: %(code)s") % {"code": village.code}]
    if period:
        facts.append(_("Period: %(period)s") % {"period": period})
    facts.append(_("Exported on %(date)s") % {"date": today().isoformat()})
    write_row(ws, ["    ".join(facts)])
    write_header(ws, columns)


def _rows(ws, columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, bold=False) -> None:
    """Append `rows` (dicts by column key) with money as numbers and dates as dates."""
    for row in rows:
        write_row(ws, [row.get(c.key) for c in columns])
        for i, col in enumerate(columns, start=1):
            cell = ws.cell(row=ws.max_row, column=i)
            if col.key in NUMBER_KEYS and cell.value is not None:
                cell.number_format = MONEY_FORMAT
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            if bold:
                cell.font = Font(bold=True)


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


# ---------------------------------------------------------------------------- the books


def trial_balance_workbook(village: Village, start: dt.date, end: dt.date) -> bytes:
    """科目余额表 of a period, with the totals of the period's debits and credits (3 queries)."""
    rows = selectors.trial_balance(village, start, end)
    wb = new_workbook()
    ws = wb.active
    _sheet(ws, _("Trial balance"), village, TRIAL_BALANCE, period_text(start, end))
    _rows(
        ws,
        TRIAL_BALANCE,
        (
            {
                "code": r.account.code,
                "name": r.account.name,
                "side": r.account.get_normal_side_display(),
                "opening": r.opening,
                "debit": r.debit,
                "credit": r.credit,
                "closing": r.closing,
            }
            for r in rows
        ),
    )
    total = {
        "name": _("Total"),
        "debit": sum((r.debit for r in rows), ZERO),
        "credit": sum((r.credit for r in rows), ZERO),
    }
    _rows(ws, TRIAL_BALANCE, [total], bold=True)
    # format_codes starts below row 1: it also marks our header and facts rows, text anyway.
    format_codes(ws, TRIAL_BALANCE)
    return workbook_bytes(wb)


def journal_workbook(village: Village, account: Account, start: dt.date, end: dt.date) -> bytes:
    """日记账 of one account: the opening balance, each posted line with the running balance,
    then the totals and the closing balance (4 queries)."""
    opening, rows = selectors.journal(village, account, start, end)
    wb = new_workbook()
    ws = wb.active
    title = _("Journal of %(account)s") % {"account": f"{account.code} {account.name}"}
    _sheet(ws, title, village, JOURNAL, period_text(start, end))
    _rows(ws, JOURNAL, [{"date": start, "summary": _("Opening balance"), "balance": opening}])
    _rows(
        ws,
        JOURNAL,
        (
            {
                "date": r.line.date,
                "voucher": r.line.voucher.display_number,
                "summary": " · ".join(
                    p for p in (r.line.voucher.summary, r.line.counterparty) if p
                ),
                "debit": r.line.debit or None,
                "credit": r.line.credit or None,
                "balance": r.balance,
            }
            for r in rows
        ),
    )
    total = {
        "summary": _("Total"),
        "debit": sum((r.line.debit for r in rows), ZERO),
        "credit": sum((r.line.credit for r in rows), ZERO),
        "balance": rows[-1].balance if rows else opening,
    }
    _rows(ws, JOURNAL, [total], bold=True)
    return workbook_bytes(wb)


# ---------------------------------------------------------------------------- the registers


def assets_workbook(village: Village) -> bytes:
    """资产台账: every asset of the village, disposed ones included, with the total original
    value (1 query)."""
    assets = list(Asset.objects.filter(area_code=village.code).order_by("category", "name", "pk"))
    wb = new_workbook()
    ws = wb.active
    _sheet(ws, _("Asset register"), village, ASSETS)
    _rows(
        ws,
        ASSETS,
        (
            {
                "category": a.get_category_display(),
                "name": a.name,
                "quantity": a.quantity,
                "unit": a.unit,
                "value": a.original_value,
                "acquired": a.acquired_on,
                "funding": a.get_funding_source_display(),
                "location": a.location,
                "custodian": a.custodian,
                "status": a.get_status_display(),
                "notes": a.notes,
            }
            for a in assets
        ),
    )
    total = {"category": _("Total"), "value": sum((a.original_value for a in assets), ZERO)}
    _rows(ws, ASSETS, [total], bold=True)
    return workbook_bytes(wb)


def resources_workbook(village: Village) -> bytes:
    """资源台账 on a first sheet, the contracts with their fees due, received and in arrears on
    a second (2 queries)."""
    contracts = selectors.contracts_with_paid(ResourceContract.objects.all()).order_by(
        "start_date", "pk"
    )
    resources = list(
        Resource.objects.filter(area_code=village.code)
        .order_by("land_kind", "name", "pk")
        .prefetch_related(Prefetch("contracts", queryset=contracts))
    )
    wb = new_workbook()
    ws = wb.active
    _sheet(ws, _("Resource register"), village, RESOURCES)
    _rows(
        ws,
        RESOURCES,
        (
            {
                "kind_code": r.land_kind,
                "kind": r.get_land_kind_display(),
                "name": r.name,
                "area": r.area_mu,
                "location": r.location,
                "east": r.east,
                "south": r.south,
                "west": r.west,
                "north": r.north,
                "status": r.get_status_display(),
                "notes": r.notes,
            }
            for r in resources
        ),
    )
    total = {"kind": _("Total"), "area": sum((r.area_mu for r in resources), Decimal("0.00"))}
    _rows(ws, RESOURCES, [total], bold=True)
    format_codes(ws, RESOURCES)

    ws = wb.create_sheet()
    _sheet(ws, _("Contracts"), village, CONTRACTS)
    as_of = today()
    for resource in resources:
        for c in resource.contracts.all():
            due = selectors.fees_due(c, as_of)
            _rows(
                ws,
                CONTRACTS,
                [
                    {
                        "resource": resource.name,
                        "party": c.party,
                        "start": c.start_date,
                        "end": c.end_date,
                        "fee": c.annual_fee,
                        "schedule": c.get_schedule_display(),
                        "terminated": c.terminated_on,
                        "due": due,
                        "paid": c.paid,
                        "arrears": due - c.paid,
                    }
                ],
            )
    return workbook_bytes(wb)


# ---------------------------------------------------------------------------- 四议两公开

DECISIONS = (
    _col("number", gettext_lazy("Decision number"), 14, code=True),
    _col("subject", gettext_lazy("Subject"), 30),
    _col("kind", gettext_lazy("Kind of matter"), 16),
    _col("value", gettext_lazy("Amount (yuan)"), 16),
    _col("paid", gettext_lazy("Spent under it (yuan)"), 16),
    _col("due", gettext_lazy("Left (yuan)"), 16),
    _col("state", gettext_lazy("State"), 16),
    _col("proposal", gettext_lazy("Party branch proposes (提议)"), 22),
    _col("discussion", gettext_lazy("Two committees discuss (商议)"), 22),
    _col("review", gettext_lazy("Party members' meeting reviews (审议)"), 22),
    _col("resolution", gettext_lazy("Villagers resolve (决议)"), 22),
    _col("published", gettext_lazy("Resolution made public on"), 14),
    _col("result", gettext_lazy("Result made public on"), 14),
)


def _step_text(step) -> str:
    """2026-01-05 应到5 实到5 赞成5 反对0 弃权0 通过 — one cell per step."""
    outcome = _("passed") if step.passed else _("not passed")
    return _(
        "%(d)s entitled %(e)d present %(p)d for %(f)d against %(a)d abstaining %(b)d %(o)s"
    ) % {
        "d": step.held_on.isoformat(),
        "e": step.entitled,
        "p": step.present,
        "f": step.votes_for,
        "a": step.votes_against,
        "b": step.votes_abstain,
        "o": outcome,
    }


def decisions_workbook(village: Village) -> bytes:
    """四议两公开 of the village: each decision with its four steps and publications, what
    posted vouchers spent under it and what is left (2 queries). Subjects are villagers' text:
    written as text, never formulas (core.excel)."""
    from .models import Decision
    from .selectors.decisions import decisions_with_remaining

    decisions = decisions_with_remaining(
        Decision.objects.filter(village=village).prefetch_related("steps")
    ).order_by("year", "number")
    wb = new_workbook()
    ws = wb.active
    _sheet(ws, _("Decisions (四议两公开)"), village, DECISIONS)
    rows = []
    for d in decisions:
        steps = {s.kind: _step_text(s) for s in d.steps.all()}
        rows.append(
            {
                "number": d.display_number,
                "subject": d.subject,
                "kind": d.get_kind_display(),
                "value": d.amount,
                "paid": d.used,
                "due": d.remaining,
                "state": d.get_state_display(),
                **steps,
                "published": d.resolution_published_on,
                "result": d.result_published_on,
            }
        )
    _rows(ws, DECISIONS, rows)
    format_codes(ws, DECISIONS)
    return workbook_bytes(wb)
