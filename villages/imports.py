"""Excel import of a county's administrative tree (townships and villages) and its template.

Staff keep the tree in Excel. `build_import_template` hands them a workbook with the county's
current rows; `import_tree` reads it back, checks every row of both sheets, and either writes all
rows (upsert by area code) or writes nothing and returns every error with its sheet, row and column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl.worksheet.datavalidation import DataValidation

from core.cells import (
    CellError,
    blank,
    code_digits,
    count,
    join,
    money,
    text,
    yes_no,
    yes_no_words,
)
from core.excel import (
    MAX_ROWS,
    Column,
    ImportRowError,
    Sheet,
    WorkbookImportError,
    column_letter,
    format_codes,
    new_workbook,
    read_workbook,
    workbook_bytes,
    write_header,
    write_help_sheet,
    write_row,
)
from core.rights import Right, Scope, scope_for

from .choices import CODE_LENGTH, VILLAGE_CODE_LENGTH, RegionLevel
from .models import Region, Village
from .services import VILLAGE_FACTS
from .signals import bulk_written

__all__ = [
    "ImportResult",
    "ImportRowError",
    "TreeImportError",
    "build_import_template",
    "import_tree",
]

TOWNSHIP_DIGITS = CODE_LENGTH[RegionLevel.TOWNSHIP]
COUNTY_DIGITS = CODE_LENGTH[RegionLevel.COUNTY]
# PostgreSQL allows 65535 parameters per statement; a bulk UPDATE of village facts uses ~20 a row.
BATCH_SIZE = 500

COUNT_FIELDS = ("households", "population", "party_members")


# ---------------------------------------------------------------------------- results and errors


class TreeImportError(WorkbookImportError):
    """The tree workbook was refused; nothing was written. `errors` lists every problem found."""


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


TOWNSHIP_SHEET = pgettext_lazy("tree import", "Townships")
VILLAGE_SHEET = pgettext_lazy("tree import", "Villages")
HELP_SHEET = pgettext_lazy("tree import", "Instructions")

_COUNT_HELP = gettext_lazy("A whole number of 0 or more; empty means 0.")
TOWNSHIP_COLUMNS = (
    Column(
        "code",
        pgettext_lazy("tree import", "Township code"),
        gettext_lazy(
            "Required. The township's 9-digit statistical area code, beginning with "
            "the county code %(county)s. A 12-digit code ending in 000 is accepted too."
        ),
        width=14,
        is_code=True,
    ),
    Column(
        "name",
        pgettext_lazy("tree import", "Township name"),
        gettext_lazy("Required. The township's name."),
        width=20,
    ),
)
VILLAGE_COLUMNS = (
    Column(
        "code",
        pgettext_lazy("tree import", "Village code"),
        gettext_lazy(
            "Required. The village's 12-digit statistical area code: its township's "
            "9 digits followed by 3 digits."
        ),
        width=16,
        is_code=True,
    ),
    Column(
        "name",
        pgettext_lazy("tree import", "Village name"),
        gettext_lazy("Required. The village's name."),
        width=16,
    ),
    Column(
        "township",
        pgettext_lazy("tree import", "Township code"),
        gettext_lazy(
            "Required. The code of the village's township; the township must exist "
            "already or be listed on the Townships sheet."
        ),
        width=14,
        is_code=True,
    ),
    Column("households", pgettext_lazy("tree import", "Households"), _COUNT_HELP, width=8),
    Column("population", pgettext_lazy("tree import", "Population"), _COUNT_HELP, width=8),
    Column("party_members", pgettext_lazy("tree import", "Party members"), _COUNT_HELP, width=8),
    Column(
        "collective_income",
        pgettext_lazy("tree import", "Collective income of last year (yuan)"),
        gettext_lazy(
            "The collective's income of last year in yuan, at most two decimal "
            "places, e.g. 85000.00; empty means 0."
        ),
        width=20,
    ),
    Column(
        "is_backward",
        pgettext_lazy("tree import", "Backward village"),
        gettext_lazy(
            "%(yes)s if the village is designated a backward village, otherwise "
            "%(no)s (Y/N and 1/0 are accepted too); empty means %(no)s."
        ),
        width=12,
    ),
    Column(
        "notes",
        pgettext_lazy("tree import", "Notes"),
        gettext_lazy("Optional free text."),
        width=30,
    ),
)
SHEETS = ((TOWNSHIP_SHEET, TOWNSHIP_COLUMNS), (VILLAGE_SHEET, VILLAGE_COLUMNS))
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

    def explain(col: Column) -> str:
        return col.explain(county=county.code)

    wb = new_workbook()
    ws = wb.active
    ws.title = str(TOWNSHIP_SHEET)
    write_header(ws, TOWNSHIP_COLUMNS, explain=explain)
    for t in townships:
        write_row(ws, [t.code, t.name])
    format_codes(ws, TOWNSHIP_COLUMNS)

    ws = wb.create_sheet(str(VILLAGE_SHEET))
    write_header(ws, VILLAGE_COLUMNS, explain=explain)
    yes, no = yes_no_words()
    for v in villages:
        write_row(
            ws,
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
            ],
        )
    format_codes(ws, VILLAGE_COLUMNS)
    for cell in ws[column_letter(VILLAGE_COLUMNS, "collective_income")][1:]:
        cell.number_format = "0.00"
    backward = column_letter(VILLAGE_COLUMNS, "is_backward")
    choice = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True)
    ws.add_data_validation(choice)
    choice.add(f"{backward}2:{backward}{MAX_ROWS + 1}")

    _write_help(wb.create_sheet(str(HELP_SHEET)), county, explain)
    return workbook_bytes(wb)


def _write_help(ws, county: Region, explain: Callable[[Column], str]) -> None:
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
    sections = [
        (sheet, [(str(col.label), explain(col)) for col in columns]) for sheet, columns in SHEETS
    ]
    write_help_sheet(ws, general, sections, label_width=24)


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
        scope.allows(Right.EDIT, county.code)
        or any(p.startswith(county.code) for p in scope.areas(Right.EDIT))
    ):
        raise PermissionDenied(_("You may not import the administrative tree of this county."))

    sheets = read_workbook(file, SHEETS, error=TreeImportError)
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
        written = [r.code for r in (*self.new_townships, *self.changed_townships)]
        bulk_written.send(Region, area_codes=written)
        written = [v.code for v in (*self.new_villages, *self.changed_villages)]
        bulk_written.send(Village, area_codes=written)
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

    def error(self, sheet: Sheet, row: int, key: str, message: str) -> None:
        label = next(str(c.label) for c in sheet.columns if c.key == key) if key else ""
        self.errors.append(ImportRowError(sheet.name, row, label, message))

    def validate(self, townships: Sheet, villages: Sheet) -> _Plan:
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

    def _township_rows(self, sheet: Sheet) -> dict[int, dict[str, Any]]:
        parsed: dict[int, dict[str, Any]] = {}
        for row, cells in sheet.rows:
            r: dict[str, Any] = {}
            parsed[row] = r
            code = self._code(sheet, row, "code", cells["code"], township=True)
            if code is not None and not self.scope.allows(Right.EDIT, code):
                self.error(sheet, row, "code", _("This row is outside your area."))
                r["skip"] = True
                continue
            r["code"] = code
            r["name"] = self._name(sheet, row, cells["name"])
        self._duplicates(sheet, parsed)
        return parsed

    def _village_rows(self, sheet: Sheet) -> dict[int, dict[str, Any]]:
        parsed: dict[int, dict[str, Any]] = {}
        for row, cells in sheet.rows:
            r: dict[str, Any] = {}
            parsed[row] = r
            code = self._code(sheet, row, "code", cells["code"], township=False)
            if code is not None and not self.scope.allows(Right.EDIT, code):
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
            r["notes"] = "" if blank(cells["notes"]) else text(cells["notes"])
            # A fact that did not parse is left out; the row is already in error.
            for f in (*COUNT_FIELDS, "collective_income", "is_backward"):
                if r[f] is None:
                    del r[f]
        self._duplicates(sheet, parsed)
        return parsed

    # ------------------------------------------------------------------ cells

    def _code(self, sheet: Sheet, row: int, key: str, value: Any, *, township: bool) -> str | None:
        """A township (9) or village (12) code inside the county, or None after an error."""
        label = next(c.label for c in sheet.columns if c.key == key)
        if blank(value):
            self.error(sheet, row, key, _("Enter the %(column)s.") % {"column": label})
            return None
        code = self._parse(sheet, row, key, value, code_digits)
        if code is None:
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

    def _name(self, sheet: Sheet, row: int, value: Any) -> str | None:
        if blank(value):
            label = next(c.label for c in sheet.columns if c.key == "name")
            self.error(sheet, row, "name", _("Enter the %(column)s.") % {"column": label})
            return None
        return text(value)

    def _parse(
        self, sheet: Sheet, row: int, key: str, value: Any, parser: Callable[[Any], Any]
    ) -> Any:
        try:
            return parser(value)
        except CellError as exc:
            self.error(sheet, row, key, str(exc))
            return None

    def _full_clean(
        self, sheet: Sheet, row: int, obj, parsed: dict[str, Any], exclude: list[str]
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

    def _duplicates(self, sheet: Sheet, parsed: dict[int, dict[str, Any]]) -> None:
        rows_of: dict[str, list[int]] = defaultdict(list)
        for row, r in parsed.items():
            if r.get("code"):
                rows_of[r["code"]].append(row)
        for code, rows in rows_of.items():
            if len(rows) < 2:
                continue
            for row in rows:
                self.error(
                    sheet,
                    row,
                    "code",
                    _("The code %(code)s appears more than once on this sheet (rows %(rows)s).")
                    % {"code": code, "rows": join(rows)},
                )
                parsed[row]["skip"] = True


# ---------------------------------------------------------------------------- cell parsers


def _count(value: Any) -> int:
    """A count of households, people or party members: empty is 0."""
    return count(value, default=0)


def _money(value: Any) -> Decimal:
    """An amount in yuan with at most two decimals: empty is 0."""
    return money(value, default=Decimal("0.00"))


def _yes_no(value: Any) -> bool:
    """是/否: empty is 否."""
    return yes_no(value, default=False)
