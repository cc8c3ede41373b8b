"""Excel import of a village's opening balances and of its historical vouchers (all or nothing).

A village coming onto the system brings its books from paper or another program: the balances
of the verification (清理认定) and the vouchers kept since. `build_ledger_import_template` hands
the clerk a workbook with both sheets and the county's usable accounts; `import_opening_balances`
and `import_vouchers` check every row first and write nothing unless all rows are valid, then go
through ledgers.services (vouchers are created as drafts: the township posts them afterwards).
`import_assets` and `import_resources` do the same for the 资产 and 资源 sheets, entering each row
in the village's registers through `asset_register` / `resource_register`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.cells import CellError, Choice, blank, code_digits, money, quantity, text
from core.cells import date as read_date
from core.dates import today
from core.excel import (
    Column,
    ImportRowError,
    Sheet,
    WorkbookImportError,
    format_codes,
    new_workbook,
    read_workbook,
    workbook_bytes,
    write_header,
    write_help_sheet,
)
from core.rights import Right, require
from villages.models import Village

from . import services
from .choices import AssetCategory, FundingSource, LandKind, VerificationState
from .models import Account, Asset, ClosedPeriod, Resource, Verification, Voucher, VoucherLine

__all__ = [
    "RegisterImportResult",
    "import_assets",
    "import_resources",
    "BalanceImportResult",
    "LedgerImportError",
    "VoucherImportResult",
    "build_ledger_import_template",
    "import_opening_balances",
    "import_vouchers",
]


class LedgerImportError(WorkbookImportError):
    """A ledger workbook was refused; nothing was written. `errors` lists every problem found."""


@dataclass(frozen=True)
class BalanceImportResult:
    """The opening balances written: how many accounts and the two (equal) totals."""

    balances: int
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class VoucherImportResult:
    """The draft vouchers created and their lines."""

    vouchers: int
    lines: int


# ---------------------------------------------------------------------------- the sheets

BALANCE_SHEET = gettext_lazy("Opening balances")
VOUCHER_SHEET = gettext_lazy("Vouchers to import")
HELP_SHEET = pgettext_lazy("tree import", "Instructions")

_ACCOUNT_HELP = gettext_lazy(
    "Required. The code of an account of the county's chart (see the Instructions sheet), e.g. 101."
)
_AMOUNT_HELP = gettext_lazy(
    "An amount in yuan of 0 or more, at most two decimal places; fill in one side only, debit "
    "or credit."
)
BALANCE_COLUMNS = (
    Column(
        "account",
        gettext_lazy("Account code"),
        _ACCOUNT_HELP,
        width=12,
        is_code=True,
    ),
    Column(
        "name",
        gettext_lazy("Account name"),
        gettext_lazy("For your reference only; the code decides the account."),
        width=20,
    ),
    Column("debit", gettext_lazy("Debit balance"), _AMOUNT_HELP, width=14),
    Column("credit", gettext_lazy("Credit balance"), _AMOUNT_HELP, width=14),
)
VOUCHER_COLUMNS = (
    Column(
        "number",
        gettext_lazy("Voucher number"),
        gettext_lazy(
            "Required. Rows with the same voucher number form one voucher; the system numbers "
            "the vouchers anew (记-year-number) in date order."
        ),
        width=10,
        is_code=True,
    ),
    Column(
        "date",
        gettext_lazy("Date"),
        gettext_lazy(
            "Required on the voucher's first row, e.g. 2026-01-10; the voucher's other rows "
            "may leave it empty or repeat it."
        ),
        width=12,
    ),
    Column(
        "summary",
        gettext_lazy("Summary"),
        gettext_lazy("Required on the voucher's first row: what the voucher is about."),
        width=24,
    ),
    Column(
        "account",
        gettext_lazy("Account code"),
        _ACCOUNT_HELP,
        width=12,
        is_code=True,
    ),
    Column("debit", gettext_lazy("Debit amount"), _AMOUNT_HELP, width=14),
    Column("credit", gettext_lazy("Credit amount"), _AMOUNT_HELP, width=14),
    Column(
        "counterparty",
        gettext_lazy("Counterparty unit"),
        gettext_lazy("Optional. The person or organization paid or paying."),
        width=16,
    ),
)


def _accounts(village: Village) -> dict[str, Account]:
    return {a.code: a for a in Account.objects.usable_in(village.code[:6]).order_by("code")}


# ---------------------------------------------------------------------------- the template


def build_ledger_import_template(*, village: Village) -> bytes:
    """The workbook to fill in: the two data sheets and a 说明 sheet with the usable accounts."""
    accounts = _accounts(village)
    wb = new_workbook()
    for ws, label, columns in (
        (wb.active, BALANCE_SHEET, BALANCE_COLUMNS),
        (wb.create_sheet(), VOUCHER_SHEET, VOUCHER_COLUMNS),
        (wb.create_sheet(), ASSET_SHEET, ASSET_COLUMNS),
        (wb.create_sheet(), RESOURCE_SHEET, RESOURCE_COLUMNS),
    ):
        ws.title = str(label)
        write_header(ws, columns, explain=lambda c: str(c.help))
        format_codes(ws, columns)
    help_ws = wb.create_sheet(str(HELP_SHEET))
    firsts = write_help_sheet(
        help_ws,
        [
            _("Village: %(name)s (%(code)s).") % {"name": village.name, "code": village.code},
            _(
                "Each sheet is imported on its own, all or nothing: every row is checked first "
                "and nothing is saved unless all rows are valid."
            ),
            _(
                "The opening balances replace those of the verification being prepared; "
                "total debits must equal total credits."
            ),
            _(
                "The vouchers are saved as drafts; the township checks and posts them "
                "afterwards. Each voucher must balance."
            ),
            _("Each row of the Assets and Resources sheets is entered in the village's register."),
        ],
        [
            (BALANCE_SHEET, [(str(c.label), str(c.help)) for c in BALANCE_COLUMNS]),
            (VOUCHER_SHEET, [(str(c.label), str(c.help)) for c in VOUCHER_COLUMNS]),
            (ASSET_SHEET, [(str(c.label), str(c.help)) for c in ASSET_COLUMNS]),
            (RESOURCE_SHEET, [(str(c.label), str(c.help)) for c in RESOURCE_COLUMNS]),
            (gettext_lazy("Asset categories"), [("", str(x)) for x in AssetCategory.labels]),
            (gettext_lazy("Funding sources"), [("", str(x)) for x in FundingSource.labels]),
            (
                gettext_lazy("Land kind codes"),
                [tuple(str(x).split(" ", 1)) for x in LandKind.labels],
            ),
            (
                gettext_lazy("Usable accounts"),
                [(a.code, a.name) for a in accounts.values()],
            ),
        ],
        label_width=18,
    )
    # The account codes are text: 10101 must not become a number.
    for row in help_ws.iter_rows(min_row=firsts[-1], min_col=1, max_col=1):
        row[0].number_format = "@"
    return workbook_bytes(wb)


# ---------------------------------------------------------------------------- cells


def _amount(value: Any) -> Decimal:
    """A debit or credit cell: empty is 0."""
    return money(value, default=Decimal("0.00"))


class _Checker:
    """Collects the errors of one sheet, each on its Excel row and column."""

    def __init__(self, sheet: Sheet, accounts: dict[str, Account]):
        self.sheet = sheet
        self.accounts = accounts
        self.labels = {c.key: str(c.label) for c in sheet.columns}
        self.errors: list[ImportRowError] = []

    def error(self, row: int | None, key: str, message: str) -> None:
        self.errors.append(ImportRowError(self.sheet.name, row, self.labels.get(key, ""), message))

    def parse(self, row: int, key: str, value: Any, parse) -> Any:
        try:
            return parse(value)
        except CellError as e:
            self.error(row, key, str(e))
            return None

    def account(self, row: int, value: Any) -> Account | None:
        if blank(value):
            self.error(row, "account", _("Enter the account code."))
            return None
        code = self.parse(row, "account", value, code_digits)
        if code is None:
            return None
        account = self.accounts.get(code)
        if account is None:
            self.error(
                row,
                "account",
                _("Account %(code)s is not in this county's chart.") % {"code": code},
            )
        return account

    def sides(self, row: int, cells: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
        debit = self.parse(row, "debit", cells["debit"], _amount)
        credit = self.parse(row, "credit", cells["credit"], _amount)
        if debit and credit:
            self.error(row, "credit", _("Fill in one side only, debit or credit, not both."))
            return None, None
        return debit, credit


def _refuse(sheet: Any, row: int | None, message: str) -> LedgerImportError:
    return LedgerImportError([ImportRowError(str(sheet), row, "", message)])


# ---------------------------------------------------------------------------- opening balances


def import_opening_balances(
    *, actor, village: Village, file: IO[bytes] | bytes
) -> BalanceImportResult:
    """Replace the opening balances of the village's verification being prepared with the rows
    of the 期初余额 sheet, all or nothing.

    Raises PermissionDenied for a user who does not keep the village's books, and
    LedgerImportError (with every error found) otherwise; then nothing is written.
    """
    require(actor, Right.KEEP_BOOKS, village.code)
    verification = Verification.objects.filter(village=village).first()
    if verification is None:
        raise _refuse(
            "", None, _("The village has no verification yet; start it on the verification page.")
        )
    if verification.state != VerificationState.DRAFT:
        raise _refuse("", None, _("The verification is confirmed: its balances are final."))

    (sheet,) = read_workbook(file, [(BALANCE_SHEET, BALANCE_COLUMNS)], error=LedgerImportError)
    check = _Checker(sheet, _accounts(village))
    balances, seen = [], {}
    for row, cells in sheet.rows:
        account = check.account(row, cells["account"])
        debit, credit = check.sides(row, cells)
        if account is not None and account.code in seen:
            check.error(
                row,
                "account",
                _("Account %(code)s is already on row %(row)d.")
                % {"code": account.code, "row": seen[account.code]},
            )
            continue
        if account is not None:
            seen[account.code] = row
        if account is not None and debit is not None and credit is not None:
            balances.append({"account": account, "debit": debit, "credit": credit})
    total_debit = sum((b["debit"] for b in balances), Decimal("0.00"))
    total_credit = sum((b["credit"] for b in balances), Decimal("0.00"))
    if not check.errors and total_debit != total_credit:
        check.error(
            None,
            "",
            _("Total debits (%(d)s) and total credits (%(c)s) differ: the balances do not balance.")
            % {"d": total_debit, "c": total_credit},
        )
    if check.errors:
        raise LedgerImportError(check.errors)
    try:
        with transaction.atomic():
            services.verification_set_balances(
                actor=actor, verification=verification, balances=balances
            )
    except ValidationError as e:  # a concurrent confirmation: validation saw none
        raise _refuse(sheet.name, None, " ".join(e.messages)) from e
    return BalanceImportResult(
        balances=sum(1 for b in balances if b["debit"] or b["credit"]),
        debit=total_debit,
        credit=total_credit,
    )


# ---------------------------------------------------------------------------- vouchers


@dataclass
class _Group:
    """The rows of one voucher in the workbook, by their 凭证号."""

    key: str
    first_row: int
    date: dt.date | None = None
    summary: str = ""
    lines: list[dict[str, Any]] | None = None
    valid: bool = True


def import_vouchers(*, actor, village: Village, file: IO[bytes] | bytes) -> VoucherImportResult:
    """Create the vouchers of the 凭证 sheet as drafts of the village, all or nothing.

    Rows with the same 凭证号 form one voucher. Raises PermissionDenied for a user who does not
    keep the village's books, and LedgerImportError (with every error found) otherwise.
    """
    require(actor, Right.KEEP_BOOKS, village.code)
    (sheet,) = read_workbook(file, [(VOUCHER_SHEET, VOUCHER_COLUMNS)], error=LedgerImportError)
    check = _Checker(sheet, _accounts(village))
    verification = Verification.objects.filter(village=village).first()
    confirmed_as_of = (
        verification.as_of
        if verification and verification.state == VerificationState.CONFIRMED
        else None
    )
    closed = set(ClosedPeriod.objects.filter(village=village).values_list("year", "month"))
    summary_max = Voucher._meta.get_field("summary").max_length
    counterparty_max = VoucherLine._meta.get_field("counterparty").max_length

    groups: dict[str, _Group] = {}
    for row, cells in sheet.rows:
        if blank(cells["number"]):
            check.error(row, "number", _("Enter the voucher number."))
            continue
        key = text(cells["number"])
        group = groups.setdefault(key, _Group(key, row, lines=[]))
        errors_before = len(check.errors)
        if not blank(cells["date"]):
            day = check.parse(row, "date", cells["date"], read_date)
            if day is not None and group.date is None:
                group.date = day
            elif day is not None and day != group.date:
                check.error(
                    row,
                    "date",
                    _("The rows of voucher %(n)s have different dates.") % {"n": key},
                )
        elif row == group.first_row:
            check.error(row, "date", _("Enter the voucher's date."))
        if not blank(cells["summary"]) and not group.summary:
            group.summary = text(cells["summary"])
            if len(group.summary) > summary_max:
                check.error(
                    row,
                    "summary",
                    _("At most %(n)d characters.") % {"n": summary_max},
                )
        counterparty = "" if blank(cells["counterparty"]) else text(cells["counterparty"])
        if len(counterparty) > counterparty_max:
            check.error(
                row, "counterparty", _("At most %(n)d characters.") % {"n": counterparty_max}
            )
        account = check.account(row, cells["account"])
        debit, credit = check.sides(row, cells)
        if debit is not None and credit is not None and not debit and not credit:
            check.error(row, "debit", _("Enter an amount, debit or credit."))
        if len(check.errors) > errors_before:
            group.valid = False
            continue
        group.lines.append(
            {"account": account, "debit": debit, "credit": credit, "counterparty": counterparty}
        )

    for group in groups.values():
        _check_group(check, group, confirmed_as_of, closed)
    if check.errors:
        raise LedgerImportError(check.errors)

    # Numbered per village and year in date order, as a clerk would have numbered them.
    ordered = sorted(groups.values(), key=lambda g: (g.date, g.first_row))
    try:
        with transaction.atomic():
            for group in ordered:
                services.voucher_create(
                    actor=actor,
                    village=village,
                    date=group.date,
                    summary=group.summary,
                    lines=group.lines,
                )
    except ValidationError as e:  # validation mirrors the service's, so this is unexpected
        raise _refuse(sheet.name, group.first_row, " ".join(e.messages)) from e
    return VoucherImportResult(vouchers=len(ordered), lines=sum(len(g.lines) for g in ordered))


def _check_group(
    check: _Checker, group: _Group, confirmed_as_of: dt.date | None, closed: set
) -> None:
    """The checks on a whole voucher, reported on its first row's 凭证号 cell."""
    row, n = group.first_row, group.key
    if group.date is not None:
        if confirmed_as_of and group.date <= confirmed_as_of:
            check.error(
                row,
                "date",
                _("Voucher %(n)s is dated on or before the verification date %(d)s.")
                % {"n": n, "d": confirmed_as_of.isoformat()},
            )
        if (group.date.year, group.date.month) in closed:
            check.error(
                row,
                "date",
                _("Voucher %(n)s falls in %(y)d-%(m)02d, a month already closed.")
                % {"n": n, "y": group.date.year, "m": group.date.month},
            )
    if not group.summary:
        check.error(row, "summary", _("Enter the summary of voucher %(n)s.") % {"n": n})
    if not group.valid:
        return  # its rows already have errors: totals would only add noise
    if len(group.lines) < 2:
        check.error(
            row,
            "number",
            _("Voucher %(n)s has one row; a voucher has at least a debit and a credit.") % {"n": n},
        )
        return
    debits = sum(line["debit"] for line in group.lines)
    credits = sum(line["credit"] for line in group.lines)
    if debits != credits:
        check.error(
            row,
            "number",
            _("Voucher %(n)s: debits (%(d)s) and credits (%(c)s) differ.")
            % {"n": n, "d": debits, "c": credits},
        )


# ---------------------------------------------------------------------------- registers

ASSET_SHEET = gettext_lazy("Assets to import")
RESOURCE_SHEET = gettext_lazy("Resources to import")


_LISTED = gettext_lazy("Required. One of the values listed on the Instructions sheet.")


ASSET_COLUMNS = (
    Column(
        "category",
        gettext_lazy("Category"),
        _LISTED,
        width=14,
    ),
    Column("name", gettext_lazy("Name"), gettext_lazy("Required. The asset's name."), width=20),
    Column(
        "quantity",
        gettext_lazy("Quantity"),
        gettext_lazy("Optional, 1 if empty. More than 0, at most two decimal places."),
        width=8,
    ),
    Column(
        "unit",
        gettext_lazy("Unit"),
        gettext_lazy("Optional, 项 if empty, e.g. 台, 间, 座."),
        width=8,
    ),
    Column(
        "original_value",
        gettext_lazy("Original value (yuan)"),
        gettext_lazy("Required. More than 0, at most two decimal places."),
        width=14,
    ),
    Column(
        "acquired_on",
        gettext_lazy("Date acquired"),
        gettext_lazy("Required, e.g. 2020-05-01; not in the future."),
        width=12,
    ),
    Column(
        "funding_source",
        gettext_lazy("Funding source"),
        _LISTED,
        width=14,
    ),
    Column(
        "location",
        gettext_lazy("Where located"),
        gettext_lazy("Optional. Where the asset is."),
        width=16,
    ),
    Column("custodian", gettext_lazy("Custodian"), gettext_lazy("Optional."), width=10),
    Column("notes", gettext_lazy("Notes"), gettext_lazy("Optional."), width=20),
)
RESOURCE_COLUMNS = (
    Column(
        "land_kind",
        gettext_lazy("Land kind code"),
        gettext_lazy("Required. The GB/T 21010 code of the land, e.g. 0103 (dry land)."),
        width=10,
        is_code=True,
    ),
    Column(
        "name",
        gettext_lazy("Name or parcel no."),
        gettext_lazy("Required. The parcel's name or number."),
        width=18,
    ),
    Column(
        "area_mu",
        gettext_lazy("Area (mu)"),
        gettext_lazy("Required. More than 0, at most two decimal places."),
        width=10,
    ),
    Column("location", gettext_lazy("Location"), gettext_lazy("Optional."), width=16),
    Column("east", gettext_lazy("East"), gettext_lazy("Optional."), width=12),
    Column("south", gettext_lazy("South"), gettext_lazy("Optional."), width=12),
    Column("west", gettext_lazy("West"), gettext_lazy("Optional."), width=12),
    Column("north", gettext_lazy("North"), gettext_lazy("Optional."), width=12),
    Column("notes", gettext_lazy("Notes"), gettext_lazy("Optional."), width=20),
)


@dataclass(frozen=True)
class RegisterImportResult:
    """How many assets or resources were entered in the register."""

    count: int


def _positive(value: Any) -> Decimal:
    """A quantity or an area: more than 0, at most two decimal places."""
    return quantity(value, positive=True)


def _positive_money(value: Any) -> Decimal:
    """An asset's value in yuan: more than 0, at most two decimal places."""
    return money(value, positive=True)


def _past_date(value: Any) -> dt.date:
    day = read_date(value)
    if day > today():
        raise CellError(_("The date cannot be in the future."))
    return day


_CATEGORY = Choice(AssetCategory)
_FUNDING_SOURCE = Choice(FundingSource)


def _land_kind(cell: Any) -> str:
    # Excel drops the leading zero of 0103: a 3-digit number is read back with it.
    code = code_digits(cell).zfill(4)
    if code not in LandKind.values:
        raise CellError(_("%(code)s is not a known GB/T 21010 land code.") % {"code": code})
    return code


class _RowReader:
    """Reads the cells of one register row into the service's keyword arguments."""

    def __init__(self, check: _Checker, model, row: int, cells: dict[str, Any]):
        self.check, self.model, self.row, self.cells = check, model, row, cells
        self.values: dict[str, Any] = {}
        self.errors_before = len(check.errors)

    def required(self, key: str, parse=text) -> None:
        if blank(self.cells[key]):
            self.check.error(self.row, key, _("This cell is required."))
        else:
            self.optional(key, parse)

    def optional(self, key: str, parse=text) -> None:
        if blank(self.cells[key]):
            return
        value = self.check.parse(self.row, key, self.cells[key], parse)
        if isinstance(value, str):
            limit = self.model._meta.get_field(key).max_length
            if limit and len(value) > limit:
                self.check.error(self.row, key, _("At most %(n)d characters.") % {"n": limit})
                return
        self.values[key] = value

    @property
    def valid(self) -> bool:
        return len(self.check.errors) == self.errors_before


def _import_register(actor, village, file, sheet_label, columns, model, read_row, create):
    """Check every row of the sheet, then create them all in one transaction or none."""
    require(actor, Right.KEEP_BOOKS, village.code)
    (sheet,) = read_workbook(file, [(sheet_label, columns)], error=LedgerImportError)
    check = _Checker(sheet, {})
    rows = []
    for row, cells in sheet.rows:
        reader = _RowReader(check, model, row, cells)
        read_row(reader)
        if reader.valid:
            rows.append((row, reader.values))
    if check.errors:
        raise LedgerImportError(check.errors)
    row = None
    try:
        with transaction.atomic():
            for row, values in rows:  # noqa: B007 (row names the failing row)
                create(actor=actor, village=village, **values)
    except ValidationError as e:  # validation mirrors the service's, so this is unexpected
        raise _refuse(sheet.name, row, " ".join(e.messages)) from e
    return RegisterImportResult(count=len(rows))


def _read_asset(r: _RowReader) -> None:
    r.required("category", _CATEGORY)
    r.required("name")
    r.optional("quantity", _positive)
    r.optional("unit")
    r.required("original_value", _positive_money)
    r.required("acquired_on", _past_date)
    r.required("funding_source", _FUNDING_SOURCE)
    for key in ("location", "custodian", "notes"):
        r.optional(key)


def _read_resource(r: _RowReader) -> None:
    r.required("land_kind", _land_kind)
    r.required("name")
    r.required("area_mu", _positive)
    for key in ("location", "east", "south", "west", "north", "notes"):
        r.optional(key)


def import_assets(*, actor, village: Village, file: IO[bytes] | bytes) -> RegisterImportResult:
    """Enter the rows of the 资产 sheet in the village's asset register, all or nothing.

    Raises PermissionDenied for a user who does not keep the village's books, and
    LedgerImportError (with every error found) otherwise; then nothing is written.
    """
    return _import_register(
        actor,
        village,
        file,
        ASSET_SHEET,
        ASSET_COLUMNS,
        Asset,
        _read_asset,
        services.asset_register,
    )


def import_resources(*, actor, village: Village, file: IO[bytes] | bytes) -> RegisterImportResult:
    """Enter the rows of the 资源 sheet in the village's resource register, all or nothing."""
    return _import_register(
        actor,
        village,
        file,
        RESOURCE_SHEET,
        RESOURCE_COLUMNS,
        Resource,
        _read_resource,
        services.resource_register,
    )
