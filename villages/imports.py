"""Excel import of a county's administrative tree (its upper levels, townships and villages).

Staff keep the tree in Excel. `build_import_template` hands them a workbook with the county's
current rows; `import_tree` reads it back (streamed, up to 50,000 villages), checks every row of
every sheet, and either writes all rows or writes nothing and returns every error with its sheet,
row and column. A dry run answers what would be created, updated and left unchanged. An existing
code is updated only when the user asks for it (`update=True`), and a blank cell never changes a
value already stored.
"""

from __future__ import annotations

import secrets
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pghistory
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl.worksheet.datavalidation import DataValidation

from core.cells import (
    CellError,
    aliases,
    blank,
    code_digits,
    count,
    join,
    money,
    norm,
    text,
    yes_no,
    yes_no_words,
)
from core.excel import (
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
from .codes import region_code
from .models import Region, Village
from .services import VILLAGE_FACTS
from .signals import bulk_written

__all__ = [
    "Change",
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
# Villages one import may hold: the largest counties have a few thousand; 50,000 is a whole
# prefecture-level city in one file, and still reads and validates in well under a minute.
MAX_ROWS = 50_000
# Entries of each kind (created, updated, unchanged) listed by a result; the counts are exact.
LIST_LIMIT = 100
UPPER_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


# ---------------------------------------------------------------------------- results and errors


class TreeImportError(WorkbookImportError):
    """The tree workbook was refused; nothing was written. `errors` lists every problem found."""


@dataclass(frozen=True)
class Change:
    """One row of a result's list: a region or village created, updated or left unchanged, with
    each changed column as (column label, old value, new value)."""

    action: str  # "create", "update" or "unchanged"
    level: str  # a RegionLevel value, or "village"
    code: str
    name: str
    fields: tuple[tuple[str, str, str], ...] = ()

    @property
    def level_label(self) -> str:
        return str(VILLAGE_WORD) if self.level == "village" else str(RegionLevel(self.level).label)


@dataclass(frozen=True)
class ImportResult:
    """What an import changed (or, for a dry run, would change); rows identical to the database
    are counted as unchanged. `changes` lists up to LIST_LIMIT rows of each action."""

    townships_created: int = 0
    townships_updated: int = 0
    villages_created: int = 0
    villages_updated: int = 0
    townships_unchanged: int = 0
    villages_unchanged: int = 0
    regions_created: int = 0  # province, city, county
    regions_updated: int = 0
    dry_run: bool = field(default=False, compare=False)
    county_code: str = field(default="", compare=False)
    changes: tuple[Change, ...] = field(default=(), compare=False)

    @property
    def written(self) -> int:
        """Rows created or updated."""
        return (
            self.townships_created
            + self.townships_updated
            + self.villages_created
            + self.villages_updated
            + self.regions_created
            + self.regions_updated
        )

    def listed(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    def counts(self) -> dict[str, int]:
        """The figures as the API answers them."""
        return {
            k: getattr(self, k)
            for k in (
                "regions_created",
                "regions_updated",
                "townships_created",
                "townships_updated",
                "townships_unchanged",
                "villages_created",
                "villages_updated",
                "villages_unchanged",
            )
        }


# ---------------------------------------------------------------------------- the two sheets


UPPER_SHEET = pgettext_lazy("tree import", "Upper levels")
TOWNSHIP_SHEET = pgettext_lazy("tree import", "Townships")
VILLAGE_SHEET = pgettext_lazy("tree import", "Villages")
HELP_SHEET = pgettext_lazy("tree import", "Instructions")

VILLAGE_WORD = pgettext_lazy("tree import", "Village")
_COUNT_HELP = gettext_lazy(
    "A whole number of 0 or more; empty means 0 for a new village and no change for an "
    "existing one."
)
UPPER_COLUMNS = (
    Column(
        "level",
        pgettext_lazy("tree import", "Level"),
        gettext_lazy("Province, city or county (one row each)."),
        width=8,
    ),
    Column(
        "code",
        pgettext_lazy("tree import", "Area code"),
        gettext_lazy(
            "The official code: 6 digits such as 370000 (province), 370800 (city), 370830 "
            "(county), or the same padded with zeros to 12 digits."
        ),
        width=16,
        is_code=True,
    ),
    Column(
        "name",
        pgettext_lazy("tree import", "Name"),
        gettext_lazy("The official name, e.g. 山东省, 济宁市, 汶上县."),
        width=20,
    ),
)
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
            "places, e.g. 85000.00; empty means 0 for a new village and no change for an "
            "existing one."
        ),
        width=20,
    ),
    Column(
        "is_backward",
        pgettext_lazy("tree import", "Backward village"),
        gettext_lazy(
            "%(yes)s if the village is designated a backward village, otherwise "
            "%(no)s (Y/N and 1/0 are accepted too); empty means %(no)s for a new village and "
            "no change for an existing one."
        ),
        width=12,
    ),
    Column(
        "notes",
        pgettext_lazy("tree import", "Notes"),
        gettext_lazy("Optional free text; empty leaves an existing village's notes as they are."),
        width=30,
    ),
)
SHEETS = (
    (UPPER_SHEET, UPPER_COLUMNS),
    (TOWNSHIP_SHEET, TOWNSHIP_COLUMNS),
    (VILLAGE_SHEET, VILLAGE_COLUMNS),
)
# Which column a model field's validation error belongs to.
_FIELD_COLUMN = {"code": "code", "name": "name", **{f: f for f in VILLAGE_FACTS}}


# ---------------------------------------------------------------------------- the template


def build_import_template(*, county: Region | None, actor=None) -> bytes:
    """An .xlsx to fill in: 上级区划, 乡镇 and 村 sheets (prefilled with the actor's rows) and 说明.

    Without `actor` the sheets hold headers only; with it, the townships and villages the actor
    may edit are listed, so the template doubles as an export to correct and import again.
    Without `county` (a tree still empty) the upper-levels sheet waits for the county's chain.
    """
    townships: list[Region] = []
    villages: list[Village] = []
    if actor is not None and county is not None:
        # Only rows the actor may change: a township clerk must not learn the neighbours' data.
        townships = list(
            Region.objects.editable_by(actor).townships().filter(code__startswith=county.code)
        )
        villages = list(Village.objects.editable_by(actor).filter(code__startswith=county.code))
    county_code = county.code if county is not None else "370830"

    def explain(col: Column) -> str:
        return col.explain(county=county_code)

    wb = new_workbook()
    ws = wb.active
    ws.title = str(UPPER_SHEET)
    write_header(ws, UPPER_COLUMNS, explain=explain)
    chain = _chain_of(county) if county is not None and actor is not None else {}
    for level in UPPER_LEVELS:
        region = chain.get(level)
        # The level is written on every row so that a new county only types codes and names.
        write_row(
            ws, [str(level.label), region.code if region else None, region.name if region else None]
        )
    format_codes(ws, UPPER_COLUMNS)

    ws = wb.create_sheet(str(TOWNSHIP_SHEET))
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


def _chain_of(county: Region) -> dict[str, Region]:
    """The county and the regions above it, by level (two queries at most, usually one)."""
    codes = [county.code[:n] for n in (2, 4)]
    chain: dict[str, Region] = {r.level: r for r in Region.objects.filter(code__in=codes)}
    chain[RegionLevel.COUNTY] = county
    return chain


def _write_help(ws, county: Region | None, explain: Callable[[Column], str]) -> None:
    general = [
        _("This workbook imports the administrative tree of %(county)s (%(code)s).")
        % {"county": county.name, "code": county.code}
        if county is not None
        else _("This workbook imports the administrative tree of a county."),
        _(
            'The "%(sheet)s" sheet names the province, city and county; a level missing from '
            "the database is created from it."
        )
        % {"sheet": UPPER_SHEET},
        _(
            "Rows are matched by area code: a new code adds a township or village. An existing "
            'code is changed only if "Update existing townships and villages" is ticked; an '
            "empty cell never changes a stored value. Nothing is deleted."
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


def import_tree(
    *,
    actor,
    file: IO[bytes] | bytes,
    county: Region | None = None,
    update: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Write the upper levels, townships and villages of an uploaded workbook, all or nothing.

    `county` is the county imported into; without it, the county named on the upper-levels
    sheet (created with its chain if the database lacks it). Existing rows that differ are
    updated only with `update`; otherwise each is refused. With `dry_run` nothing is written and
    the result says what would be. Raises PermissionDenied if the actor manages no part of the
    county, and TreeImportError (with every error found) if the file or any row is invalid.
    """
    if county is not None and county.level != RegionLevel.COUNTY:
        raise ValueError(f"not a county: {county.code}")
    scope = scope_for(actor)
    # A county supervisor manages the whole county; township staff manage their township, and
    # may import its villages (rows elsewhere are refused one by one below).
    if county is not None and not _may_import(scope, county.code):
        raise PermissionDenied(_("You may not import the administrative tree of this county."))
    if county is None and not scope.anywhere(Right.EDIT):
        raise PermissionDenied(_("You may not import the administrative tree of this county."))

    upper, townships, villages = read_workbook(
        file, SHEETS, error=TreeImportError, max_rows=MAX_ROWS, optional=[UPPER_SHEET]
    )
    validator = _Validator(county=county, scope=scope, update=update)
    plan = validator.validate(upper, townships, villages)
    if not _may_import(scope, validator.county.code):
        raise PermissionDenied(_("You may not import the administrative tree of this county."))
    if dry_run:
        return plan.result(dry_run=True, county_code=validator.county.code)
    try:
        with transaction.atomic(), pghistory.context(import_tree=validator.county.code):
            return plan.write(county_code=validator.county.code)
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


def _may_import(scope: Scope, county_code: str) -> bool:
    return scope.allows(Right.EDIT, county_code) or any(
        p.startswith(county_code) for p in scope.areas(Right.EDIT)
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(yes_no_words()[0 if value else 1])
    return "" if value is None else str(value)


@dataclass
class _Plan:
    """The validated writes, applied in one transaction by `write`."""

    new_regions: list[Region] = field(default_factory=list)  # province, city, county, in order
    changed_regions: list[Region] = field(default_factory=list)
    new_townships: list[Region] = field(default_factory=list)
    changed_townships: list[Region] = field(default_factory=list)
    new_villages: list[Village] = field(default_factory=list)
    changed_villages: list[Village] = field(default_factory=list)
    townships_unchanged: int = 0
    villages_unchanged: int = 0
    changes: list[Change] = field(default_factory=list)
    listed: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def note(self, action: str, level: str, code: str, name: str, fields=()) -> None:
        """Keep the row for the result's list while fewer than LIST_LIMIT of its action are."""
        if self.listed[action] < LIST_LIMIT:
            self.listed[action] += 1
            self.changes.append(Change(action, level, code, name, tuple(fields)))

    def result(self, *, dry_run: bool = False, county_code: str = "") -> ImportResult:
        return ImportResult(
            townships_created=len(self.new_townships),
            townships_updated=len(self.changed_townships),
            villages_created=len(self.new_villages),
            villages_updated=len(self.changed_villages),
            townships_unchanged=self.townships_unchanged,
            villages_unchanged=self.villages_unchanged,
            regions_created=len(self.new_regions),
            regions_updated=len(self.changed_regions),
            dry_run=dry_run,
            county_code=county_code,
            changes=tuple(self.changes),
        )

    def write(self, *, county_code: str) -> ImportResult:
        # The chain first, one level at a time: each new region's parent gets its id here.
        for region in self.new_regions:
            region.save()
        for region in self.changed_regions:
            region.save(update_fields=["name", "parent"])
        # Townships next: new villages point at new townships, which get their ids here.
        Region.objects.bulk_create(self.new_townships, batch_size=BATCH_SIZE)
        Region.objects.bulk_update(self.changed_townships, ["name"], batch_size=BATCH_SIZE)
        Village.objects.bulk_create(self.new_villages, batch_size=BATCH_SIZE)
        now = timezone.now()
        for v in self.changed_villages:
            v.updated_at = now  # bulk_update skips auto_now
        Village.objects.bulk_update(
            self.changed_villages, [*VILLAGE_FACTS, "updated_at"], batch_size=BATCH_SIZE
        )
        written = [
            r.code
            for r in (
                *self.new_regions,
                *self.changed_regions,
                *self.new_townships,
                *self.changed_townships,
            )
        ]
        bulk_written.send(Region, area_codes=written)
        written = [v.code for v in (*self.new_villages, *self.changed_villages)]
        bulk_written.send(Village, area_codes=written)
        return self.result(county_code=county_code)


class _Validator:
    """Checks every row against the format rules, the actor's scope and the database."""

    def __init__(self, *, county: Region | None, scope: Scope, update: bool = False):
        self.county: Region = county  # type: ignore[assignment]  # set from the sheet if None
        self.scope = scope
        self.update = update
        self.errors: list[ImportRowError] = []

    def error(self, sheet: Sheet, row: int | None, key: str, message: str) -> None:
        label = next(str(c.label) for c in sheet.columns if c.key == key) if key else ""
        self.errors.append(ImportRowError(sheet.name, row, label, message))

    def refuse_existing(self, sheet: Sheet, row: int, what: str, code: str, differs: str) -> None:
        self.error(
            sheet,
            row,
            "code",
            _(
                "%(what)s %(code)s exists already and this row differs from it (%(fields)s). "
                'To change existing rows, tick "Update existing townships and villages"; '
                "otherwise remove the row or copy the stored values."
            )
            % {"what": what, "code": code, "fields": differs},
        )

    def validate(self, upper: Sheet, townships: Sheet, villages: Sheet) -> _Plan:
        """Return the writes to make, or raise TreeImportError with every error of every sheet."""
        plan = _Plan()
        if not self._upper(upper, plan):
            # Without a county the other sheets cannot be checked: say what is missing first.
            self._raise((upper, townships, villages))
        t_rows = self._township_rows(townships)
        v_rows = self._village_rows(villages)
        # One query each, whatever the number of rows.
        existing_t = (
            {
                t.code: t
                for t in Region.objects.townships().filter(code__startswith=self.county.code)
            }
            if self.county.pk
            else {}
        )
        codes = [r["code"] for r in v_rows.values() if r.get("code")]
        existing_v = {v.code: v for v in Village.objects.filter(code__in=codes)}

        by_code: dict[str, Region] = dict(existing_t)
        name_label = str(TOWNSHIP_COLUMNS[1].label)
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
                plan.note("create", RegionLevel.TOWNSHIP, code, candidate.name)
                by_code[code] = candidate
            elif r.get("name") is not None and current.name != candidate.name:
                if not self.update:
                    self.refuse_existing(
                        townships, row, str(RegionLevel.TOWNSHIP.label), code, name_label
                    )
                    continue
                plan.note(
                    "update",
                    RegionLevel.TOWNSHIP,
                    code,
                    candidate.name,
                    [(name_label, current.name, candidate.name)],
                )
                current.name = candidate.name
                plan.changed_townships.append(current)
            else:
                plan.townships_unchanged += 1
                plan.note("unchanged", RegionLevel.TOWNSHIP, code, current.name)
        # Townships named on the sheet are known even if their row has errors, so that a typo
        # in a township row is reported once, not again on each of its villages.
        listed = {r["code"] for r in t_rows.values() if r.get("code")}

        labels = {c.key: str(c.label) for c in VILLAGE_COLUMNS}
        village_word = str(VILLAGE_WORD)
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
            current = existing_v.get(r["code"])
            given = {f: r[f] for f in VILLAGE_FACTS if r.get(f) is not None}
            candidate = Village(township=township, code=r["code"], **given)
            self._full_clean(villages, row, candidate, r, exclude=["township"])
            if current is None:
                plan.new_villages.append(candidate)
                plan.note("create", "village", candidate.code, candidate.name)
                continue
            # Only the cells filled in count: a blank cell keeps what is stored.
            changed = [f for f, value in given.items() if getattr(current, f) != value]
            if not changed:
                plan.villages_unchanged += 1
                plan.note("unchanged", "village", current.code, current.name)
                continue
            if not self.update:
                self.refuse_existing(
                    villages,
                    row,
                    village_word,
                    current.code,
                    join(labels[f] for f in changed),
                )
                continue
            plan.note(
                "update",
                "village",
                current.code,
                given.get("name", current.name),
                [(labels[f], _text(getattr(current, f)), _text(given[f])) for f in changed],
            )
            for f in changed:
                setattr(current, f, given[f])
            plan.changed_villages.append(current)

        if self.errors:
            self._raise((upper, townships, villages))
        return plan

    def _raise(self, sheets: tuple[Sheet, ...]) -> None:
        # Read in the order of the workbook: sheet, row, then column.
        sheet_no = {s.name: i for i, s in enumerate(sheets)}
        column_no = {(s.name, str(c.label)): i for s in sheets for i, c in enumerate(s.columns)}
        self.errors.sort(
            key=lambda e: (
                sheet_no.get(e.sheet, -1),
                e.row or 0,
                column_no.get((e.sheet, e.column), -1),
            )
        )
        raise TreeImportError(self.errors)

    # ------------------------------------------------------------------ the upper levels

    def _upper(self, sheet: Sheet, plan: _Plan) -> bool:
        """Check the province › city › county rows against the database and plan the missing
        levels; False if no county can be settled (then the errors say why)."""
        given: dict[str, tuple[int, str, str | None]] = {}  # level → (row, code, name)
        level_of = {a: level for level in UPPER_LEVELS for a in aliases(level.label)}
        for row, cells in sheet.rows:
            if blank(cells["code"]) and blank(cells["name"]):
                continue  # the template's rows carry the level alone until filled in
            level = level_of.get(norm(cells["level"])) if not blank(cells["level"]) else None
            if level is None:
                self.error(
                    sheet,
                    row,
                    "level",
                    _("Enter the level: %(levels)s.")
                    % {"levels": join(str(lv.label) for lv in UPPER_LEVELS)},
                )
                continue
            code = self._parse(
                sheet, row, "code", cells["code"], lambda v, lv=level: region_code(v, lv)
            )
            name = self._name(sheet, row, cells["name"])
            if level in given:
                self.error(
                    sheet,
                    row,
                    "level",
                    _("The %(level)s is given twice (rows %(rows)s).")
                    % {"level": level.label, "rows": join([given[level][0], row])},
                )
                continue
            if code is not None:
                given[level] = (row, code, name)
        if self.errors:
            return False

        if self.county is not None:
            county_row = given.get(RegionLevel.COUNTY)
            if county_row and county_row[1] != self.county.code:
                self.error(
                    sheet,
                    county_row[0],
                    "code",
                    _("This workbook is for the county %(code)s; you chose %(chosen)s (%(name)s).")
                    % {"code": county_row[1], "chosen": self.county.code, "name": self.county.name},
                )
                return False
            if not given:
                return True  # the county and its chain are in the database already
            county_code = self.county.code
        elif RegionLevel.COUNTY in given:
            county_code = given[RegionLevel.COUNTY][1]
        else:
            self.error(
                sheet,
                None,
                "",
                _(
                    'Enter the county\'s code and name on the "%(sheet)s" sheet: the database '
                    "has no county yet to import into."
                )
                % {"sheet": UPPER_SHEET},
            )
            return False

        if not _may_import(self.scope, county_code):
            # Before any row is compared: the refusal must not tell what the county holds.
            raise PermissionDenied(_("You may not import the administrative tree of this county."))
        # One query for the whole chain.
        codes = {level: county_code[: CODE_LENGTH[level]] for level in UPPER_LEVELS}
        stored = {r.level: r for r in Region.objects.filter(code__in=codes.values())}
        name_label = str(UPPER_COLUMNS[2].label)
        parent: Region | None = None
        for level in UPPER_LEVELS:
            code = codes[level]
            row, typed, name = given.get(level, (None, None, None))
            current = stored.get(level)
            if current is not None and current.code != code:
                current = None  # a region of another level with the same digits: not ours
            if typed is not None and typed != code:
                # The level above said otherwise: 3708 is not a city of province 36.
                self.error(
                    sheet,
                    row,
                    "code",
                    _(
                        "The %(level)s code %(code)s does not begin with the code %(parent)s "
                        "above it."
                    )
                    % {"level": level.label, "code": typed, "parent": parent.code if parent else ""}
                    if level != RegionLevel.PROVINCE
                    else _("The province code %(code)s does not match the county %(county)s.")
                    % {"code": typed, "county": county_code},
                )
                return False
            if current is None and row is None and self.county is not None:
                # A county made before its chain (by hand, in the admin) imports as it is; the
                # sheet may name the missing levels later. Nothing below links to a level
                # further up than its parent's.
                parent = None
                continue
            if current is None:
                if row is None:
                    self.error(
                        sheet,
                        None,
                        "",
                        _(
                            "The %(level)s %(code)s is missing: add its code and name to the "
                            '"%(sheet)s" sheet.'
                        )
                        % {"level": level.label, "code": code, "sheet": UPPER_SHEET},
                    )
                    return False
                if not self.scope.allows(Right.EDIT, code):
                    self.error(sheet, row, "code", _("This row is outside your area."))
                    return False
                current = Region(code=code, name=name or "", level=level, parent=parent)
                self._full_clean(
                    sheet, row, current, {"code": code, "name": name}, exclude=["parent"]
                )
                plan.new_regions.append(current)
                plan.note("create", level, code, current.name)
            else:
                fields = []
                if name is not None and current.name != name:
                    if not self.update:
                        self.refuse_existing(sheet, row, str(level.label), code, name_label)
                    fields.append((name_label, current.name, name))
                    current.name = name
                if current.parent_id is None and parent is not None:
                    # A level created by hand without its parent is linked to the chain.
                    fields.append(
                        (str(Region._meta.get_field("parent").verbose_name), "", parent.name)
                    )
                    current.parent = parent
                if fields and (self.update or len(fields) == 1 and fields[0][0] != name_label):
                    if not self.scope.allows(Right.EDIT, code):
                        self.error(sheet, row, "code", _("This row is outside your area."))
                        return False
                    plan.changed_regions.append(current)
                    plan.note("update", level, code, current.name, fields)
                elif not fields and row is not None:
                    plan.note("unchanged", level, code, current.name)
            parent = current
        if self.errors:
            return False
        assert parent is not None and parent.level == RegionLevel.COUNTY
        self.county = parent
        return True

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
            # A blank fact is left out: a new village takes the model's default (0, 否, ""),
            # an existing one keeps its value. A fact that did not parse is left out too; the
            # row is already in error.
            for f, parser in FACT_PARSERS.items():
                if not blank(cells[f]):
                    value = self._parse(sheet, row, f, cells[f], parser)
                    if value is not None:
                        r[f] = value
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
        name: str | None = self._parse(sheet, row, "name", value, text)
        return name

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
# Each reads a filled-in cell; blank cells never reach them (they leave a value unchanged).


def _count(value: Any) -> int:
    """A count of households, people or party members."""
    return count(value)


FACT_PARSERS: dict[str, Callable[[Any], Any]] = {
    "households": _count,
    "population": _count,
    "party_members": _count,
    "collective_income": money,
    "is_backward": yes_no,
    "notes": text,
}


# ---------------------------------------------------------------------------- checked files
# A dry run on the page keeps the file it checked, so that 导入 imports that very file without
# asking for it again. The file lies outside MEDIA_ROOT (nothing serves it); the page holds only
# a signed ticket naming it, its account and options, valid for CHECKED_HOURS.

CHECKED_DIR = "tree-imports"
CHECKED_HOURS = 2


def _checked_dir() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / CHECKED_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_checked_file(*, actor, file: IO[bytes], county_code: str, update: bool) -> str:
    """Store a file that passed a dry run; returns the signed ticket that names it."""
    folder = _checked_dir()
    stale = time.time() - CHECKED_HOURS * 3600
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    name = secrets.token_hex(16)
    file.seek(0)
    with open(folder / f"{name}.xlsx", "wb") as out:
        shutil.copyfileobj(file, out)
    return signing.dumps(
        {"f": name, "u": actor.pk, "c": county_code, "up": update}, salt="tree-import"
    )


def take_checked_file(*, actor, ticket: str) -> tuple[bytes, str, bool] | None:
    """The file, county code and update option of a ticket of `actor`'s, removed from storage;
    None if the ticket is forged, someone else's or expired, or the file is gone."""
    try:
        data = signing.loads(ticket, salt="tree-import", max_age=CHECKED_HOURS * 3600)
    except signing.BadSignature:
        return None
    if data.get("u") != actor.pk or not str(data.get("f", "")).isalnum():
        return None
    path = _checked_dir() / f"{data['f']}.xlsx"
    try:
        content = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return content, data["c"], bool(data["up"])
