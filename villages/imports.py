"""Excel import of a county's administrative tree (townships and villages) and its template.

Staff keep the tree in Excel. `build_import_template` hands them a workbook with the county's
current rows; `import_tree` reads it back, checks every row of both sheets, and either writes all
rows (upsert by area code) or writes nothing and returns every error with its sheet, row and column.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

import openpyxl
import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .choices import CODE_LENGTH, VILLAGE_CODE_LENGTH, RegionLevel
from .models import Region, Village
from .scoping import Scope, scope_for

__all__ = [
    "ImportResult",
    "ImportRowError",
    "TreeImportError",
    "build_import_template",
    "import_tree",
]

TOWNSHIP_DIGITS = CODE_LENGTH[RegionLevel.TOWNSHIP]
COUNTY_DIGITS = CODE_LENGTH[RegionLevel.COUNTY]
# More rows than any county has; beyond it a file is a mistake (or an attack), not a county.
MAX_ROWS = 5000
# PostgreSQL allows 65535 parameters per statement; a bulk UPDATE of village facts uses ~20 a row.
BATCH_SIZE = 500
TEXT_FORMAT = "@"

VILLAGE_FACTS = (
    "name",
    "households",
    "population",
    "party_members",
    "collective_income",
    "is_backward",
    "notes",
)
COUNT_FIELDS = ("households", "population", "party_members")


# ---------------------------------------------------------------------------- results and errors


@dataclass(frozen=True)
class ImportRowError:
    """One problem found in the workbook; `row` is Excel's row number, None for the whole file."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = " · ".join(
            part
            for part in (
                self.sheet,
                _("row %(row)d") % {"row": self.row} if self.row else "",
                self.column,
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class TreeImportError(Exception):
    """The workbook was refused; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[ImportRowError]):
        self.errors = errors
        super().__init__(
            ngettext(
                "The import was refused: %(n)d error.",
                "The import was refused: %(n)d errors.",
                len(errors),
            )
            % {"n": len(errors)}
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import changed; rows identical to the database are counted as unchanged."""

    townships_created: int = 0
    townships_updated: int = 0
    villages_created: int = 0
    villages_updated: int = 0
    townships_unchanged: int = 0
    villages_unchanged: int = 0


# ---------------------------------------------------------------------------- the two sheets


@dataclass(frozen=True)
class _Column:
    key: str
    label: Any  # lazy translation
    help: Any  # lazy translation
    width: int
    is_code: bool = False


TOWNSHIP_SHEET = pgettext_lazy("tree import", "Townships")
VILLAGE_SHEET = pgettext_lazy("tree import", "Villages")
HELP_SHEET = pgettext_lazy("tree import", "Instructions")

_COUNT_HELP = gettext_lazy("A whole number of 0 or more; empty means 0.")
TOWNSHIP_COLUMNS = (
    _Column(
        "code",
        pgettext_lazy("tree import", "Township code"),
        gettext_lazy(
            "Required. The township's 9-digit statistical area code, beginning with "
            "the county code %(county)s. A 12-digit code ending in 000 is accepted too."
        ),
        width=14,
        is_code=True,
    ),
    _Column(
        "name",
        pgettext_lazy("tree import", "Township name"),
        gettext_lazy("Required. The township's name."),
        width=20,
    ),
)
VILLAGE_COLUMNS = (
    _Column(
        "code",
        pgettext_lazy("tree import", "Village code"),
        gettext_lazy(
            "Required. The village's 12-digit statistical area code: its township's "
            "9 digits followed by 3 digits."
        ),
        width=16,
        is_code=True,
    ),
    _Column(
        "name",
        pgettext_lazy("tree import", "Village name"),
        gettext_lazy("Required. The village's name."),
        width=16,
    ),
    _Column(
        "township",
        pgettext_lazy("tree import", "Township code"),
        gettext_lazy(
            "Required. The code of the village's township; the township must exist "
            "already or be listed on the Townships sheet."
        ),
        width=14,
        is_code=True,
    ),
    _Column("households", pgettext_lazy("tree import", "Households"), _COUNT_HELP, width=8),
    _Column("population", pgettext_lazy("tree import", "Population"), _COUNT_HELP, width=8),
    _Column("party_members", pgettext_lazy("tree import", "Party members"), _COUNT_HELP, width=8),
    _Column(
        "collective_income",
        pgettext_lazy("tree import", "Collective income of last year (yuan)"),
        gettext_lazy(
            "The collective's income of last year in yuan, at most two decimal "
            "places, e.g. 85000.00; empty means 0."
        ),
        width=20,
    ),
    _Column(
        "is_backward",
        pgettext_lazy("tree import", "Backward village"),
        gettext_lazy(
            "%(yes)s if the village is designated a backward village, otherwise "
            "%(no)s (Y/N and 1/0 are accepted too); empty means %(no)s."
        ),
        width=12,
    ),
    _Column(
        "notes",
        pgettext_lazy("tree import", "Notes"),
        gettext_lazy("Optional free text."),
        width=30,
    ),
)
# Which column a model field's validation error belongs to.
_FIELD_COLUMN = {"code": "code", "name": "name", **{f: f for f in VILLAGE_FACTS}}


# ---------------------------------------------------------------------------- the template


def build_import_template(*, county: Region, actor=None) -> bytes:
    """An .xlsx to fill in: 乡镇 and 村 sheets (prefilled with the actor's rows) and 说明.

    Without `actor` the sheets hold headers only; with it, the townships and villages the actor
    may edit are listed, so the template doubles as an export to correct and import again.
    """
    townships: list[Region] = []
    villages: list[Village] = []
    if actor is not None:
        # Only rows the actor may change: a township clerk must not learn the neighbours' data.
        townships = list(
            Region.objects.editable_by(actor).townships().filter(code__startswith=county.code)
        )
        villages = list(Village.objects.editable_by(actor).filter(code__startswith=county.code))

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = str(TOWNSHIP_SHEET)
    _write_header(ws, TOWNSHIP_COLUMNS, county)
    for t in townships:
        ws.append([t.code, t.name])
    _format_codes(ws, TOWNSHIP_COLUMNS)

    ws = wb.create_sheet(str(VILLAGE_SHEET))
    _write_header(ws, VILLAGE_COLUMNS, county)
    yes, no = _yes_no_words()
    for v in villages:
        ws.append(
            [
                v.code,
                v.name,
                v.code[:TOWNSHIP_DIGITS],
                v.households,
                v.population,
                v.party_members,
                v.collective_income,
                yes if v.is_backward else no,
                v.notes,
            ]
        )
    _format_codes(ws, VILLAGE_COLUMNS)
    income = get_column_letter(_index(VILLAGE_COLUMNS, "collective_income") + 1)
    for cell in ws[income][1:]:
        cell.number_format = "0.00"
    backward = get_column_letter(_index(VILLAGE_COLUMNS, "is_backward") + 1)
    choice = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True)
    ws.add_data_validation(choice)
    choice.add(f"{backward}2:{backward}{MAX_ROWS + 1}")

    _write_help(wb.create_sheet(str(HELP_SHEET)), county)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_header(ws, columns: tuple[_Column, ...], county: Region) -> None:
    ws.append([str(c.label) for c in columns])
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.comment = Comment(_help(col, county), "村监")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"


def _help(col: _Column, county: Region) -> str:
    yes, no = _yes_no_words()
    return str(col.help) % {"county": county.code, "yes": yes, "no": no}


def _format_codes(ws, columns: tuple[_Column, ...]) -> None:
    # Text format, on the column (for rows typed later) and on each filled cell: otherwise Excel
    # turns 370830102201 into 3.70830E+11 and may drop digits.
    for i, col in enumerate(columns, start=1):
        if not col.is_code:
            continue
        letter = get_column_letter(i)
        ws.column_dimensions[letter].number_format = TEXT_FORMAT
        for cell in ws[letter][1:]:
            cell.number_format = TEXT_FORMAT


def _write_help(ws, county: Region) -> None:
    ws.append([pgettext("tree import", "Column"), pgettext("tree import", "Explanation")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    general = [
        _("This workbook imports the administrative tree of %(county)s (%(code)s).")
        % {"county": county.name, "code": county.code},
        _(
            "Rows are matched by area code: a new code adds a township or village, an existing "
            "code updates its name and facts. Nothing is deleted."
        ),
        _(
            "Every row is checked first; if any row has an error, nothing is imported and every "
            "error is listed with its sheet, row and column."
        ),
        _(
            "Keep the code columns formatted as text so that Excel does not turn the codes into "
            "numbers."
        ),
    ]
    for line in general:
        ws.append(["", line])
    for sheet, columns in ((TOWNSHIP_SHEET, TOWNSHIP_COLUMNS), (VILLAGE_SHEET, VILLAGE_COLUMNS)):
        ws.append([])
        ws.append([str(sheet)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for col in columns:
            ws.append([str(col.label), _help(col, county)])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    for row in ws.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


# ---------------------------------------------------------------------------- the import


def import_tree(*, actor, county: Region, file: IO[bytes] | bytes) -> ImportResult:
    """Upsert the townships and villages of an uploaded workbook into `county`, all or nothing.

    Raises PermissionDenied if the actor manages no part of the county, and TreeImportError
    (with every error found) if the file or any row is invalid; then nothing is written.
    """
    if county.level != RegionLevel.COUNTY:
        raise ValueError(f"not a county: {county.code}")
    scope = scope_for(actor)
    # A county supervisor manages the whole county; township staff manage their township, and
    # may import its villages (rows elsewhere are refused one by one below).
    if not (
        scope.may_edit(county.code)
        or any(p.startswith(county.code) for p in scope.editable_prefixes)
    ):
        raise PermissionDenied(_("You may not import the administrative tree of this county."))

    sheets = _read_workbook(file)
    plan = _Validator(county=county, scope=scope).validate(*sheets)
    try:
        with transaction.atomic(), pghistory.context(import_tree=county.code):
            return plan.write()
    except IntegrityError as exc:
        # Only a concurrent import or edit can get here: validation saw no such conflict.
        raise TreeImportError(
            [
                ImportRowError(
                    "",
                    None,
                    "",
                    _(
                        "Someone else changed the same townships or villages during the import; "
                        "please try again."
                    ),
                )
            ]
        ) from exc


@dataclass
class _Sheet:
    """The data rows of one sheet: (Excel row number, {column key: raw cell value})."""

    name: str
    columns: tuple[_Column, ...]
    rows: list[tuple[int, dict[str, Any]]]


def _read_workbook(file: IO[bytes] | bytes) -> tuple[_Sheet, _Sheet]:
    """Load both sheets' rows, or raise TreeImportError for a broken file, sheet or header."""
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    elif hasattr(file, "seek"):
        file.seek(0)
    errors: list[ImportRowError] = []
    try:
        wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        # An upload can be anything (a .xls, a renamed PDF, a truncated zip) and the zip and XML
        # parsers raise a zoo of exception types; all mean the same to the user.
        raise TreeImportError(
            [
                ImportRowError(
                    "", None, "", _("The file is not an Excel workbook (.xlsx) or it is damaged.")
                )
            ]
        ) from exc
    try:
        found = {_norm(name): name for name in wb.sheetnames}
        sheets = []
        for label, columns in (
            (TOWNSHIP_SHEET, TOWNSHIP_COLUMNS),
            (VILLAGE_SHEET, VILLAGE_COLUMNS),
        ):
            name = next((found[a] for a in _aliases(label) if a in found), None)
            if name is None:
                errors.append(
                    ImportRowError(
                        str(label),
                        None,
                        "",
                        _('The workbook has no sheet named "%(sheet)s".') % {"sheet": label},
                    )
                )
                continue
            sheet = _read_sheet(wb[name], str(label), columns, errors)
            if sheet is not None:
                sheets.append(sheet)
    except Exception as exc:  # a damaged sheet part surfaces only while its rows are read
        raise TreeImportError(
            [
                ImportRowError(
                    "", None, "", _("The file is not an Excel workbook (.xlsx) or it is damaged.")
                )
            ]
        ) from exc
    finally:
        wb.close()
    if errors:
        raise TreeImportError(errors)
    if not any(s.rows for s in sheets):
        raise TreeImportError(
            [ImportRowError("", None, "", _("The workbook contains no rows to import."))]
        )
    return sheets[0], sheets[1]


def _read_sheet(
    ws, label: str, columns: tuple[_Column, ...], errors: list[ImportRowError]
) -> _Sheet | None:
    ws.reset_dimensions()  # some writers store a wrong <dimension>; read what is really there
    rows = ws.iter_rows(values_only=True)
    header = next(rows, ())
    position = {}
    for i, value in enumerate(header):
        if value is not None:
            position.setdefault(_norm(value), i)
    where: dict[str, int] = {}
    for col in columns:
        index = next((position[a] for a in _aliases(col.label) if a in position), None)
        if index is None:
            errors.append(
                ImportRowError(
                    label,
                    1,
                    str(col.label),
                    _('The column "%(column)s" is missing from the header row.')
                    % {"column": col.label},
                )
            )
        else:
            where[col.key] = index
    if len(where) < len(columns):
        return None
    data = []
    for number, values in enumerate(rows, start=2):
        cells = {key: values[i] if i < len(values) else None for key, i in where.items()}
        if all(_blank(v) for v in cells.values()):
            continue
        if len(data) == MAX_ROWS:
            errors.append(
                ImportRowError(
                    label,
                    number,
                    "",
                    _("The sheet has more than %(n)d rows; split the import into several files.")
                    % {"n": MAX_ROWS},
                )
            )
            return None
        data.append((number, cells))
    return _Sheet(label, columns, data)


@dataclass
class _Plan:
    """The validated writes, applied in one transaction by `write`."""

    new_townships: list[Region] = field(default_factory=list)
    changed_townships: list[Region] = field(default_factory=list)
    new_villages: list[Village] = field(default_factory=list)
    changed_villages: list[Village] = field(default_factory=list)
    townships_unchanged: int = 0
    villages_unchanged: int = 0

    def write(self) -> ImportResult:
        # Townships first: new villages point at new townships, which get their ids here.
        Region.objects.bulk_create(self.new_townships, batch_size=BATCH_SIZE)
        Region.objects.bulk_update(self.changed_townships, ["name"], batch_size=BATCH_SIZE)
        Village.objects.bulk_create(self.new_villages, batch_size=BATCH_SIZE)
        now = timezone.now()
        for v in self.changed_villages:
            v.updated_at = now  # bulk_update skips auto_now
        Village.objects.bulk_update(
            self.changed_villages, [*VILLAGE_FACTS, "updated_at"], batch_size=BATCH_SIZE
        )
        return ImportResult(
            townships_created=len(self.new_townships),
            townships_updated=len(self.changed_townships),
            villages_created=len(self.new_villages),
            villages_updated=len(self.changed_villages),
            townships_unchanged=self.townships_unchanged,
            villages_unchanged=self.villages_unchanged,
        )


class _Validator:
    """Checks every row against the format rules, the actor's scope and the database."""

    def __init__(self, *, county: Region, scope: Scope):
        self.county = county
        self.scope = scope
        self.errors: list[ImportRowError] = []

    def error(self, sheet: _Sheet, row: int, key: str, message: str) -> None:
        label = next(str(c.label) for c in sheet.columns if c.key == key) if key else ""
        self.errors.append(ImportRowError(sheet.name, row, label, message))

    def validate(self, townships: _Sheet, villages: _Sheet) -> _Plan:
        """Return the writes to make, or raise TreeImportError with every error of both sheets."""
        t_rows = self._township_rows(townships)
        v_rows = self._village_rows(villages)
        # One query each, whatever the number of rows.
        existing_t = {
            t.code: t for t in Region.objects.townships().filter(code__startswith=self.county.code)
        }
        codes = [r["code"] for r in v_rows.values() if r.get("code")]
        existing_v = {v.code: v for v in Village.objects.filter(code__in=codes)}

        plan = _Plan()
        by_code: dict[str, Region] = dict(existing_t)
        for row, r in t_rows.items():
            if r.get("code") is None or r.get("skip"):
                continue
            code = r["code"]
            current = existing_t.get(code)
            candidate = Region(
                code=code, name=r.get("name") or "", level=RegionLevel.TOWNSHIP, parent=self.county
            )
            self._full_clean(townships, row, candidate, r, exclude=["parent"])
            if current is None:
                plan.new_townships.append(candidate)
                by_code[code] = candidate
            elif current.name != candidate.name:
                current.name = candidate.name
                plan.changed_townships.append(current)
            else:
                plan.townships_unchanged += 1
        # Townships named on the sheet are known even if their row has errors, so that a typo
        # in a township row is reported once, not again on each of its villages.
        listed = {r["code"] for r in t_rows.values() if r.get("code")}

        for row, r in v_rows.items():
            if r.get("skip"):
                continue
            township_code = r.get("township")
            if township_code is not None and township_code not in by_code:
                if township_code not in listed:
                    self.error(
                        villages,
                        row,
                        "township",
                        _(
                            'Unknown township %(code)s: add it to the "%(sheet)s" sheet or check '
                            "the code."
                        )
                        % {"code": township_code, "sheet": TOWNSHIP_SHEET},
                    )
                continue
            if r.get("code") is None or township_code is None:
                continue
            township = by_code[township_code]
            candidate = Village(
                township=township, code=r["code"], **{f: r[f] for f in VILLAGE_FACTS if f in r}
            )
            self._full_clean(villages, row, candidate, r, exclude=["township"])
            current = existing_v.get(candidate.code)
            if current is None:
                plan.new_villages.append(candidate)
                continue
            changed = [f for f in VILLAGE_FACTS if getattr(current, f) != getattr(candidate, f)]
            if changed:
                for f in VILLAGE_FACTS:
                    setattr(current, f, getattr(candidate, f))
                plan.changed_villages.append(current)
            else:
                plan.villages_unchanged += 1

        if self.errors:
            # Read in the order of the workbook: sheet, row, then column.
            sheet_no = {townships.name: 0, villages.name: 1}
            column_no = {
                (s.name, str(c.label)): i
                for s in (townships, villages)
                for i, c in enumerate(s.columns)
            }
            self.errors.sort(
                key=lambda e: (
                    sheet_no.get(e.sheet, 2),
                    e.row or 0,
                    column_no.get((e.sheet, e.column), -1),
                )
            )
            raise TreeImportError(self.errors)
        return plan

    # ------------------------------------------------------------------ per sheet

    def _township_rows(self, sheet: _Sheet) -> dict[int, dict[str, Any]]:
        parsed: dict[int, dict[str, Any]] = {}
        for row, cells in sheet.rows:
            r: dict[str, Any] = {}
            parsed[row] = r
            code = self._code(sheet, row, "code", cells["code"], township=True)
            if code is not None and not self.scope.may_edit(code):
                self.error(sheet, row, "code", _("This row is outside your area."))
                r["skip"] = True
                continue
            r["code"] = code
            r["name"] = self._name(sheet, row, cells["name"])
        self._duplicates(sheet, parsed)
        return parsed

    def _village_rows(self, sheet: _Sheet) -> dict[int, dict[str, Any]]:
        parsed: dict[int, dict[str, Any]] = {}
        for row, cells in sheet.rows:
            r: dict[str, Any] = {}
            parsed[row] = r
            code = self._code(sheet, row, "code", cells["code"], township=False)
            if code is not None and not self.scope.may_edit(code):
                # Say nothing else about the row: it must not reveal what exists elsewhere.
                self.error(sheet, row, "code", _("This row is outside your area."))
                r["skip"] = True
                continue
            name = self._name(sheet, row, cells["name"])
            township = self._code(sheet, row, "township", cells["township"], township=True)
            if code is not None and township is not None and not code.startswith(township):
                self.error(
                    sheet,
                    row,
                    "code",
                    _("The village code must begin with the code of its township %(code)s.")
                    % {"code": township},
                )
                code = None
            r.update(code=code, name=name, township=township)
            for f in COUNT_FIELDS:
                r[f] = self._parse(sheet, row, f, cells[f], _count)
            r["collective_income"] = self._parse(
                sheet, row, "collective_income", cells["collective_income"], _money
            )
            r["is_backward"] = self._parse(sheet, row, "is_backward", cells["is_backward"], _yes_no)
            r["notes"] = "" if _blank(cells["notes"]) else _text(cells["notes"])
            # A fact that did not parse is left out; the row is already in error.
            for f in (*COUNT_FIELDS, "collective_income", "is_backward"):
                if r[f] is None:
                    del r[f]
        self._duplicates(sheet, parsed)
        return parsed

    # ------------------------------------------------------------------ cells

    def _code(self, sheet: _Sheet, row: int, key: str, value: Any, *, township: bool) -> str | None:
        """A township (9) or village (12) code inside the county, or None after an error."""
        label = next(c.label for c in sheet.columns if c.key == key)
        if _blank(value):
            self.error(sheet, row, key, _("Enter the %(column)s.") % {"column": label})
            return None
        try:
            code = _code_text(value)
        except _LostDigits:
            self.error(
                sheet,
                row,
                key,
                _(
                    "Excel stored this code as a number and digits were lost; format the column as "
                    "text and enter the code again."
                ),
            )
            return None
        if not code.isascii() or not code.isdigit():
            self.error(sheet, row, key, _("A code consists of digits 0-9 only."))
            return None
        if township:
            if len(code) == VILLAGE_CODE_LENGTH and code.endswith("000"):
                code = code[:TOWNSHIP_DIGITS]  # statistical codes are often written padded
            if len(code) != TOWNSHIP_DIGITS:
                self.error(
                    sheet,
                    row,
                    key,
                    _("A township code has 9 digits (or 12 ending in 000); this one has %(n)d.")
                    % {"n": len(code)},
                )
                return None
        elif len(code) != VILLAGE_CODE_LENGTH:
            self.error(
                sheet,
                row,
                key,
                _("A village code has 12 digits; this one has %(n)d.") % {"n": len(code)},
            )
            return None
        if not code.startswith(self.county.code):
            self.error(
                sheet,
                row,
                key,
                _("The code must begin with the county code %(code)s.")
                % {"code": self.county.code},
            )
            return None
        if code.endswith("000"):
            self.error(
                sheet,
                row,
                key,
                _("A township code cannot end in 000: that is the county's own code.")
                if township
                else _("A village code cannot end in 000: that is the township's own code."),
            )
            return None
        return code

    def _name(self, sheet: _Sheet, row: int, value: Any) -> str | None:
        if _blank(value):
            label = next(c.label for c in sheet.columns if c.key == "name")
            self.error(sheet, row, "name", _("Enter the %(column)s.") % {"column": label})
            return None
        return _text(value)

    def _parse(
        self, sheet: _Sheet, row: int, key: str, value: Any, parser: Callable[[Any], Any]
    ) -> Any:
        try:
            return parser(value)
        except ValueError as exc:
            self.error(sheet, row, key, str(exc))
            return None

    def _full_clean(
        self, sheet: _Sheet, row: int, obj, parsed: dict[str, Any], exclude: list[str]
    ) -> None:
        """Run the model's own validators (length, range, digits) without per-row queries."""
        # Skip fields already reported, and the foreign key: its check is one query per row.
        skip = [*exclude, *(f for f in ("code", "name") if parsed.get(f) is None)]
        try:
            obj.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                key = _FIELD_COLUMN.get(name, "") if name != NON_FIELD_ERRORS else ""
                if name in parsed and parsed[name] is None:
                    continue
                for message in messages:
                    self.error(sheet, row, key, message)

    def _duplicates(self, sheet: _Sheet, parsed: dict[int, dict[str, Any]]) -> None:
        rows_of: dict[str, list[int]] = defaultdict(list)
        for row, r in parsed.items():
            if r.get("code"):
                rows_of[r["code"]].append(row)
        separator = pgettext("tree import", ", ")
        for code, rows in rows_of.items():
            if len(rows) < 2:
                continue
            for row in rows:
                self.error(
                    sheet,
                    row,
                    "code",
                    _("The code %(code)s appears more than once on this sheet (rows %(rows)s).")
                    % {"code": code, "rows": separator.join(map(str, rows))},
                )
                parsed[row]["skip"] = True


# ---------------------------------------------------------------------------- cell parsers


class _LostDigits(Exception):
    pass


_SCIENTIFIC = re.compile(r"^(\d)(?:\.(\d+))?[eE]\+?(\d+)$")


def _norm(value: Any) -> str:
    """Compare labels loosely: full-width forms, spaces, case and a required-marker `*`."""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text).strip("*").casefold()


def _aliases(label) -> list[str]:
    """A label as the user's language, Chinese and English spell it (any may head a sheet)."""
    names = [str(label)]
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            names.append(str(label))
    return list(dict.fromkeys(_norm(n) for n in names))


def _blank(value: Any) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code_text(value: Any) -> str:
    """The digits of a code cell, whether Excel kept it as text or turned it into a number."""
    if isinstance(value, bool):
        return str(value)  # not digits: reported as such
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Beyond 15 significant digits a double no longer holds every digit of a code.
        if not value.is_integer() or abs(value) >= 1e15:
            raise _LostDigits
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().lstrip("'").replace(" ", "")
    match = _SCIENTIFIC.match(text)
    if match:
        # Text such as 3.70830102201E+11 (copied from Excel's display): every digit must be there.
        head, tail, exponent = match.group(1), match.group(2) or "", int(match.group(3))
        if len(tail) != exponent:
            raise _LostDigits
        return head + tail
    return text


def _count(value: Any) -> int:
    """A count of households, people or party members: empty is 0."""
    if _blank(value):
        return 0
    message = _("Enter a whole number of 0 or more.")
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(message)
        value = int(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(message)
        value = int(text)
    if not isinstance(value, int):
        raise ValueError(message)
    if value < 0:
        raise ValueError(_("The number cannot be negative."))
    return value


def _money(value: Any) -> Decimal:
    """An amount in yuan with at most two decimals: empty is 0."""
    if _blank(value):
        return Decimal("0.00")
    message = _("Enter an amount in yuan, e.g. 85000.00.")
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, float):
        # A float cell (typed, or computed by a formula) rounds to the cent: 0.1 + 0.2 is money.
        amount = Decimal(repr(value))
        if amount.is_finite():
            rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if abs(amount - rounded) < Decimal("0.000001"):
                amount = rounded
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        text = re.sub(r"[,\s]|元$|^[¥￥]", "", text)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(message) from None
    else:
        raise ValueError(message)
    if not amount.is_finite():
        raise ValueError(message)
    if amount < 0:
        raise ValueError(_("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("An amount has at most two decimal places."))
    return amount.quantize(Decimal("0.01"))


def _yes_no_words() -> tuple[str, str]:
    return pgettext("tree import", "Yes"), pgettext("tree import", "No")


_YES = {"是", "y", "yes", "1", "true", "√"}
_NO = {"否", "n", "no", "0", "false", "×"}


def _yes_no(value: Any) -> bool:
    """是/否 (Y/N, 1/0, and the words of the user's language): empty is 否."""
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _norm(value)
    yes, no = (_norm(w) for w in _yes_no_words())
    if text in _YES or text == yes:
        return True
    if text in _NO or text == no:
        return False
    raise ValueError(
        _("Enter %(yes)s or %(no)s (Y/N and 1/0 are accepted too).") % {"yes": yes, "no": no}
    )


def _index(columns: Iterable[_Column], key: str) -> int:
    return next(i for i, c in enumerate(columns) if c.key == key)
