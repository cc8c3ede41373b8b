"""Excel import of a township's current cadres and posts, and its template.

Township staff keep the village committees in Excel. `build_cadre_import_template` hands them an
empty 村干部 sheet with dropdowns and a 说明 sheet listing their villages; `import_cadres` reads it
back, checks every row against the format rules, the actor's scope and the database, and then
either writes every row through the cadres services in one transaction or writes nothing and
returns every error with its sheet, row and column. People are matched by their ID number.

The workbook plumbing (column lookup, row errors) comes from `core.excel` and the cells (codes
that Excel turned into numbers, dates, 是/否, choices) are read by `core.cells`, as in every
other import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.worksheet.datavalidation import DataValidation

from core.cells import (
    CellError,
    Choice,
    LostDigits,
    blank,
    code_digits,
    code_text,
    is_scientific,
    join,
    squeeze,
    text,
    yes_no,
    yes_no_words,
)
from core.cells import date as read_date
from core.dates import today as local_today
from core.excel import (
    MAX_ROWS,
    TEXT_FORMAT,
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
)
from core.rights import Right, Scope, scope_for
from villages.choices import VILLAGE_CODE_LENGTH, RegionLevel
from villages.models import Region, Village

from . import services
from .choices import CHAIR_SEAT, SECRETARY_SEAT, Education, PostKind
from .identity import birth_date_of, id_number_hash, normalize_id_number, validate_id_number
from .models import TERM_YEARS, Cadre, Post

__all__ = [
    "CADRE_COLUMNS",
    "CADRE_SHEET",
    "CadreImportError",
    "CadreImportResult",
    "build_cadre_import_template",
    "import_cadres",
]

DATE_FORMAT = "yyyy-mm-dd"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code (3 or 4 digits from 0), number (7 or 8 digits), optional extension.
LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?$")
ADULT_YEARS = 18

# The two seats of a village: (key, post kinds that hold it, label).
SEATS = (
    ("secretary", SECRETARY_SEAT, gettext_lazy("party secretary")),
    ("chair", CHAIR_SEAT, gettext_lazy("chair")),
)


# ---------------------------------------------------------------------------- results and errors


class CadreImportError(WorkbookImportError):
    """The cadre workbook was refused; nothing was written. `errors` lists every problem."""


@dataclass(frozen=True)
class CadreImportResult:
    """What an import changed; a person or post identical to the database counts as unchanged."""

    cadres_created: int = 0
    cadres_updated: int = 0
    cadres_unchanged: int = 0
    posts_opened: int = 0
    posts_unchanged: int = 0


# ---------------------------------------------------------------------------- the sheet

CADRE_SHEET = gettext_lazy("Village cadres")
HELP_SHEET = gettext_lazy("Instructions")

CADRE_COLUMNS = (
    Column(
        "village",
        gettext_lazy("Village code"),
        gettext_lazy(
            "Required. The 12-digit area code of a village of this township (the Instructions "
            "sheet lists them)."
        ),
        width=16,
        is_code=True,
    ),
    Column(
        "village_name",
        gettext_lazy("Village name"),
        gettext_lazy("For your reading only: the import goes by the village code."),
        width=12,
    ),
    Column(
        "name",
        gettext_lazy("Full name"),
        gettext_lazy("Required. The name as on the resident ID card."),
        width=10,
    ),
    Column(
        "id_number",
        gettext_lazy("Resident ID number"),
        gettext_lazy(
            "Required. The 18-character resident ID number. Keep the column formatted as text: "
            "Excel keeps only 15 digits of a number."
        ),
        width=22,
        is_code=True,
    ),
    Column(
        "phone",
        gettext_lazy("Phone number"),
        gettext_lazy(
            "Optional. An 11-digit mobile number, or a landline number with its area code such "
            "as 0537-7212345."
        ),
        width=15,
        is_code=True,
    ),
    Column(
        "is_party_member",
        gettext_lazy("Party member (yes/no)"),
        gettext_lazy(
            "%(yes)s or %(no)s. Empty means %(no)s for a new person and no change for a "
            "registered one."
        ),
        width=10,
    ),
    Column(
        "party_joined_on",
        gettext_lazy("Joined the party on"),
        gettext_lazy("Optional, for party members only: a date such as 2005-07-01."),
        width=13,
    ),
    Column(
        "education",
        gettext_lazy("Education"),
        gettext_lazy("Optional: choose from the list."),
        width=14,
    ),
    Column(
        "kind",
        gettext_lazy("Post"),
        gettext_lazy(
            "Required: choose from the list. A secretary who also chairs the villagers' "
            "committee is entered once, with the post for both."
        ),
        width=18,
    ),
    Column(
        "start_date",
        gettext_lazy("Start date of the post"),
        gettext_lazy(
            "Required: the day the post began, such as 2021-01-15 (2021/1/15 and 2021年1月15日 "
            "are read too)."
        ),
        width=14,
    ),
    Column(
        "term_ends",
        gettext_lazy("End of the term"),
        gettext_lazy(
            "Optional: the planned end of the term; empty means five years after the start."
        ),
        width=14,
    ),
    Column(
        "notes",
        gettext_lazy("Notes"),
        gettext_lazy("Optional notes on the post, at most 200 characters."),
        width=24,
    ),
)
# The informational village name may be missing from a file; every other column is required.
READ_COLUMNS = tuple(c for c in CADRE_COLUMNS if c.key != "village_name")
DATE_COLUMNS = ("party_joined_on", "start_date", "term_ends")
# Which column a model field's validation error belongs to.
_FIELD_COLUMN = {
    "name": "name",
    "phone": "phone",
    "education": "education",
    "party_joined_on": "party_joined_on",
    "is_party_member": "is_party_member",
    "kind": "kind",
    "start_date": "start_date",
    "term_ends": "term_ends",
    "notes": "notes",
}

# Words people type for a post or a level of education besides the labels of the dropdowns.
POST_SYNONYMS = {
    "书记": PostKind.SECRETARY,
    "支部书记": PostKind.SECRETARY,
    "村党支部书记": PostKind.SECRETARY,
    "主任": PostKind.CHAIR,
    "村主任": PostKind.CHAIR,
    "村委主任": PostKind.CHAIR,
    "一肩挑": PostKind.SECRETARY_AND_CHAIR,
    "书记主任": PostKind.SECRETARY_AND_CHAIR,
    "书记兼主任": PostKind.SECRETARY_AND_CHAIR,
    "书记主任一肩挑": PostKind.SECRETARY_AND_CHAIR,
    "党支部书记村委会主任": PostKind.SECRETARY_AND_CHAIR,
    "副书记": PostKind.DEPUTY_SECRETARY,
    "支部副书记": PostKind.DEPUTY_SECRETARY,
    "副主任": PostKind.VICE_CHAIR,
    "村委副主任": PostKind.VICE_CHAIR,
    "支委": PostKind.BRANCH_MEMBER,
    "支部委员": PostKind.BRANCH_MEMBER,
    "党支部委员": PostKind.BRANCH_MEMBER,
    "村委委员": PostKind.COMMITTEE_MEMBER,
    "村委会委员": PostKind.COMMITTEE_MEMBER,
}
EDUCATION_SYNONYMS = {
    "小学及以下": Education.PRIMARY,
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "职高": Education.SENIOR,
    "技校": Education.SENIOR,
    "专科": Education.COLLEGE,
    "大学专科": Education.COLLEGE,
    "本科": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
}


def _column(key: str) -> Column:
    return next(c for c in CADRE_COLUMNS if c.key == key)


def _letter(key: str) -> str:
    return column_letter(CADRE_COLUMNS, key)


# ---------------------------------------------------------------------------- the template


def _editable_villages(actor, township: Region) -> list[Village]:
    """The township's villages the actor may change; PermissionDenied if there are none."""
    scope = scope_for(actor)
    if not _may_import(scope, township):
        raise PermissionDenied(_("You may not import the cadres of this township."))
    return list(Village.objects.editable_by(actor).filter(township=township).order_by("code"))


def _may_import(scope: Scope, township: Region) -> bool:
    return scope.allows(Right.EDIT, township.code) or any(
        p.startswith(township.code) for p in scope.areas(Right.EDIT)
    )


def build_cadre_import_template(*, township: Region, actor) -> bytes:
    """An .xlsx to fill in: the 村干部 sheet with dropdowns, and 说明 with the actor's villages.

    The sheet starts empty: a prefilled sheet would put every full ID number of the township in
    one unlogged download (the export masks them instead).
    """
    villages = _editable_villages(actor, township)
    wb = new_workbook()
    ws = wb.active
    ws.title = str(CADRE_SHEET)
    write_header(ws, CADRE_COLUMNS, explain=Column.explain)
    format_codes(ws, CADRE_COLUMNS)
    for key in DATE_COLUMNS:
        ws.column_dimensions[_letter(key)].number_format = DATE_FORMAT

    yes, no = yes_no_words()
    last = MAX_ROWS + 1
    lists = {
        "kind": [str(label) for label in PostKind.labels],
        "is_party_member": [yes, no],
        "education": [str(label) for label in Education.labels],
    }
    for key, labels in lists.items():
        dropdown = DataValidation(
            type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True
        )
        ws.add_data_validation(dropdown)
        dropdown.add(f"{_letter(key)}2:{_letter(key)}{last}")

    help_ws = wb.create_sheet(str(HELP_SHEET))
    first, count = _write_help(help_ws, township, villages)
    if count:
        # The village code picks from the list on the 说明 sheet (typing another code is allowed:
        # the import says what is wrong with it).
        source = f"'{help_ws.title}'!$A${first}:$A${first + count - 1}"
        codes = DataValidation(type="list", formula1=source, allow_blank=True)
        ws.add_data_validation(codes)
        codes.add(f"{_letter('village')}2:{_letter('village')}{last}")

    return workbook_bytes(wb)


def _write_help(ws, township: Region, villages: list[Village]) -> tuple[int, int]:
    """Write the instructions; return the first row and the number of rows of the village list."""
    general = [
        _("This workbook imports the current cadres and posts of %(township)s (%(code)s).")
        % {"township": township.name, "code": township.code},
        _(
            "Each row is one post held by one person; a person is listed once. People are "
            "matched by their ID number: a registered person's data is updated, a new person is "
            "registered. Empty optional cells keep what is registered."
        ),
        _(
            "If the person already holds that post in that village, the row changes nothing; "
            "otherwise the post is opened. A village has one party secretary and one chair at a "
            "time (a secretary-and-chair holds both seats), and a person serves one village at a "
            "time."
        ),
        _(
            "The import never ends a post, even one missing from the file: to replace the "
            "committees after an election, record a term change (换届); to end one person's post, "
            "do it on the cadre's page."
        ),
        _(
            "Every row is checked first; if any row has an error, nothing is imported and every "
            "error is listed with its row and column."
        ),
        _(
            "Keep the village code, ID number and phone columns formatted as text so that Excel "
            "does not turn them into numbers."
        ),
    ]
    sections = [
        (CADRE_SHEET, [(str(col.label), col.explain()) for col in CADRE_COLUMNS]),
        (
            _("Villages of %(township)s") % {"township": township.name},
            [(village.code, village.name) for village in villages],
        ),
    ]
    first = write_help_sheet(ws, general, sections, label_width=22)[-1]
    for row in range(first, first + len(villages)):
        ws.cell(row=row, column=1).number_format = TEXT_FORMAT
    return first, len(villages)


# ---------------------------------------------------------------------------- the import


def import_cadres(*, actor, township: Region, file: IO[bytes] | bytes) -> CadreImportResult:
    """Register the people and open the posts of an uploaded 村干部 sheet, all or nothing.

    Raises PermissionDenied if the actor manages no village of the township, and
    CadreImportError (with every error found) if the file or any row is invalid; then nothing is
    written. Posts missing from the file stay open: ending posts is a term change's job.
    """
    if township.level != RegionLevel.TOWNSHIP:
        raise ValueError(f"not a township: {township.code}")
    scope = scope_for(actor)
    if not _may_import(scope, township):
        raise PermissionDenied(_("You may not import the cadres of this township."))
    [sheet] = read_workbook(file, [(CADRE_SHEET, READ_COLUMNS)], error=CadreImportError)
    plan = _Validator(township=township, scope=scope).validate(sheet)
    try:
        with transaction.atomic(), pghistory.context(import_cadres=township.code):
            return plan.write(actor)
    except IntegrityError as exc:
        # Only a concurrent edit can get here: validation saw no such conflict.
        raise CadreImportError(
            [
                ImportRowError(
                    "",
                    None,
                    "",
                    _(
                        "Someone else changed the same cadres or posts during the import; "
                        "please try again."
                    ),
                )
            ]
        ) from exc


@dataclass
class _Row:
    """One parsed row; a value is None when its cell was empty (optional) or in error."""

    row: int
    village: Village | None = None
    name: str | None = None
    id_number: str | None = None
    id_hash: str | None = None
    phone: str | None = None
    is_party_member: bool | None = None
    party_joined_on: dt.date | None = None
    education: str | None = None
    kind: str | None = None
    start_date: dt.date | None = None
    term_ends: dt.date | None = None
    notes: str = ""
    skip: bool = False  # reported already: no further checks on this row


@dataclass
class _Write:
    """What one valid row does: register or update the person, open the post or not."""

    row: int
    village: Village
    cadre: Cadre | None  # None: a new person
    person: dict[str, Any]  # fields to create with, or the changed fields of a registered person
    post: dict[str, Any] | None  # post_open arguments; None: the post is already held


@dataclass
class _Plan:
    """The validated writes, applied through the services in one transaction by `write`."""

    sheet: str
    writes: list[_Write] = field(default_factory=list)

    def write(self, actor) -> CadreImportResult:
        counts: dict[str, int] = defaultdict(int)
        for w in self.writes:
            try:
                self._write_row(actor, w, counts)
            except ValidationError as exc:
                # A concurrent change since validation; report it on the row, write nothing.
                raise CadreImportError(
                    [ImportRowError(self.sheet, w.row, "", m) for m in exc.messages]
                ) from exc
        return CadreImportResult(**counts)

    def _write_row(self, actor, w: _Write, counts: dict[str, int]) -> None:
        cadre = w.cadre
        if cadre is None:
            cadre = services.cadre_create(actor=actor, village=w.village, **w.person)
            counts["cadres_created"] += 1
        if w.post is not None:
            # Before the update: a person who moves here gets this village's area code first,
            # so the update is checked against the village the actor manages.
            services.post_open(actor=actor, village=w.village, cadre=cadre, **w.post)
            counts["posts_opened"] += 1
        else:
            counts["posts_unchanged"] += 1
        if w.cadre is not None:
            if w.person:
                services.cadre_update(actor=actor, cadre=cadre, **w.person)
                counts["cadres_updated"] += 1
            else:
                counts["cadres_unchanged"] += 1


class _Validator:
    """Checks every row against the format rules, the actor's scope and the database."""

    def __init__(self, *, township: Region, scope: Scope):
        self.township = township
        self.scope = scope
        self.errors: list[ImportRowError] = []
        # The columns of each row already reported: no second error about the same cell.
        self.failed: dict[int, set[str]] = defaultdict(set)
        self.sheet = str(CADRE_SHEET)
        self.today = local_today()
        self.kinds = Choice(PostKind, POST_SYNONYMS)
        self.educations = Choice(Education, EDUCATION_SYNONYMS)

    def error(self, row: int, key: str, message: str) -> None:
        label = str(_column(key).label) if key else ""
        self.errors.append(ImportRowError(self.sheet, row, label, message))
        self.failed[row].add(key)

    def validate(self, sheet: Sheet) -> _Plan:
        """Return the writes to make, or raise CadreImportError with every error of the sheet."""
        # Three queries in all, whatever the number of rows: the township's villages, the people
        # already registered under the file's ID numbers, and the open posts that concern them.
        villages = {v.code: v for v in Village.objects.filter(township=self.township)}
        rows = [self._parse(row, cells, villages) for row, cells in sheet.rows]
        self._duplicate_people(rows)
        self._seats_in_file(rows)
        hashes = {r.id_hash for r in rows if r.id_hash and not r.skip}
        registered = {c.id_number_hash: c for c in Cadre.objects.filter(id_number_hash__in=hashes)}
        open_posts = (
            Post.objects.current()
            .filter(Q(village__township=self.township) | Q(cadre__in=list(registered.values())))
            .annotate(holder=F("cadre__name"))
            .values("village_id", "cadre_id", "kind", "holder")
        )
        posts_of: dict[int, list[dict]] = defaultdict(list)
        sitting: dict[tuple[int, str], dict] = {}
        for post in open_posts:
            posts_of[post["cadre_id"]].append(post)
            for key, seat, _label in SEATS:
                if post["kind"] in seat:
                    sitting[(post["village_id"], key)] = post

        plan = _Plan(sheet=self.sheet)
        for r in rows:
            if r.skip or r.village is None or r.id_hash is None or r.kind is None:
                continue
            write = self._against_database(r, registered.get(r.id_hash), posts_of, sitting)
            if write is not None:
                plan.writes.append(write)

        if self.errors:
            order = {str(c.label): i for i, c in enumerate(CADRE_COLUMNS)}
            self.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, -1)))
            raise CadreImportError(self.errors)
        return plan

    # ------------------------------------------------------------------ one row

    def _parse(self, row: int, cells: dict[str, Any], villages: dict[str, Village]) -> _Row:
        r = _Row(row)
        r.village = self._village(r, cells["village"], villages)
        if r.skip:
            return r
        r.name = self._required_text(row, "name", cells["name"])
        r.id_number, r.id_hash = self._id_number(row, cells["id_number"])
        r.phone = self._phone(row, cells["phone"])
        if not blank(cells["is_party_member"]):
            r.is_party_member = self._parse_with(row, "is_party_member", cells, yes_no)
        r.party_joined_on = self._date(row, "party_joined_on", cells, past=True)
        r.education = self._choice(row, "education", cells, self.educations)
        r.kind = self._choice(row, "kind", cells, self.kinds)
        if r.kind is None and blank(cells["kind"]):
            self._enter(row, "kind")
        r.start_date = self._date(row, "start_date", cells, past=True)
        if r.start_date is None and blank(cells["start_date"]):
            self._enter(row, "start_date")
        r.term_ends = self._date(row, "term_ends", cells)
        r.notes = "" if blank(cells["notes"]) else text(cells["notes"])

        if r.id_number:
            adult = services._add_years(birth_date_of(r.id_number), ADULT_YEARS)
            for key in ("party_joined_on", "start_date"):
                day = getattr(r, key)
                if day and day < adult:
                    self.error(
                        row,
                        key,
                        _("This date is before the person's 18th birthday (%(date)s).")
                        % {"date": adult.isoformat()},
                    )
        if r.start_date and r.term_ends and r.term_ends <= r.start_date:
            self.error(row, "term_ends", _("The end of the term must come after the start date."))
        return r

    def _against_database(
        self,
        r: _Row,
        cadre: Cadre | None,
        posts_of: dict[int, list[dict]],
        sitting: dict[tuple[int, str], dict],
    ) -> _Write | None:
        village = r.village
        held = posts_of.get(cadre.pk, []) if cadre else []
        if any(p["village_id"] != village.pk for p in held):
            self.error(
                r.row,
                "id_number",
                _(
                    "This person still holds a post in another village; a person serves one "
                    "village at a time."
                ),
            )
            return None
        post = None
        if not any(p["kind"] == r.kind for p in held):
            for key, seat, label in SEATS:
                holder = sitting.get((village.pk, key)) if r.kind in seat else None
                if holder:
                    self.error(
                        r.row,
                        "kind",
                        _(
                            "%(village)s already has a sitting %(seat)s (%(name)s): end that post "
                            "or record a term change first."
                        )
                        % {"village": village.name, "seat": label, "name": holder["holder"]},
                    )
            post = {
                "kind": r.kind,
                "start_date": r.start_date,
                "term_ends": r.term_ends,
                "notes": r.notes,
            }
            self._clean_post(r, post)
        person = self._person(r, cadre)
        return _Write(row=r.row, village=village, cadre=cadre, person=person, post=post)

    def _person(self, r: _Row, cadre: Cadre | None) -> dict[str, Any]:
        """The fields to register a new person with, or the changed fields of a registered one."""
        if cadre is None:
            fields = {
                "name": r.name,
                "id_number": r.id_number,
                "phone": r.phone or "",
                "is_party_member": bool(r.is_party_member),
                "party_joined_on": r.party_joined_on,
                "education": r.education or "",
            }
            result = fields
        else:
            # Empty optional cells keep what is registered; a 否 clears the joining date.
            wanted: dict[str, Any] = {"name": r.name}
            for key in ("phone", "is_party_member", "party_joined_on", "education"):
                if getattr(r, key) is not None:
                    wanted[key] = getattr(r, key)
            if r.is_party_member is False and r.party_joined_on is None:
                wanted["party_joined_on"] = None
            fields = {
                f: wanted.get(f, getattr(cadre, f))
                for f in ("name", "phone", "is_party_member", "party_joined_on", "education")
            }
            result = {f: v for f, v in wanted.items() if getattr(cadre, f) != v}
        failed = self.failed[r.row]
        if (
            fields["party_joined_on"]
            and not fields["is_party_member"]
            and not failed & {"is_party_member", "party_joined_on"}
        ):
            key = "party_joined_on" if r.party_joined_on else "is_party_member"
            self.error(r.row, key, _("Only a party member has a date of joining the party."))
        candidate = Cadre(**{k: v for k, v in fields.items() if k != "id_number"})
        skip = ["village", "id_number", "id_number_hash", "area_code", "gender", "birth_date"]
        self._clean(r.row, candidate, [*skip, *(["name"] if r.name is None else [])])
        return result

    def _clean_post(self, r: _Row, post: dict[str, Any]) -> None:
        if r.start_date is None:
            return
        candidate = Post(
            kind=r.kind,
            start_date=r.start_date,
            term_ends=r.term_ends or services._add_years(r.start_date, TERM_YEARS),
            notes=r.notes,
        )
        self._clean(r.row, candidate, ["village", "cadre", "area_code"])

    def _clean(self, row: int, obj, exclude: list[str]) -> None:
        """Run the model's own validators (lengths, choices) without queries."""
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                key = _FIELD_COLUMN.get(name, "") if name != NON_FIELD_ERRORS else ""
                for message in messages:
                    self.error(row, key, message)

    # ------------------------------------------------------------------ across rows

    def _duplicate_people(self, rows: list[_Row]) -> None:
        listed = (r for r in rows if r.id_hash and not r.skip)
        for same in _repeated(listed, key=lambda r: r.id_hash):
            numbers = join(r.row for r in same)
            for r in same:
                self.error(
                    r.row,
                    "id_number",
                    _(
                        "The ID number appears more than once on this sheet (rows %(rows)s); "
                        "list a person once."
                    )
                    % {"rows": numbers},
                )
                r.skip = True

    def _seats_in_file(self, rows: list[_Row]) -> None:
        for _key, seat, label in SEATS:
            holders = (r for r in rows if r.village is not None and r.kind in seat and not r.skip)
            for same in _repeated(holders, key=lambda r: r.village.pk):
                numbers = join(r.row for r in same)
                for r in same:
                    self.error(
                        r.row,
                        "kind",
                        _(
                            "The %(seat)s of %(village)s is listed more than once (rows "
                            "%(rows)s); the seat has one holder."
                        )
                        % {"seat": label, "village": r.village.name, "rows": numbers},
                    )
                    r.skip = True

    # ------------------------------------------------------------------ cells

    def _enter(self, row: int, key: str) -> None:
        self.error(row, key, _("Enter the %(column)s.") % {"column": _column(key).label})

    def _required_text(self, row: int, key: str, value: Any) -> str | None:
        if blank(value):
            self._enter(row, key)
            return None
        return text(value)

    def _parse_with(self, row: int, key: str, cells: dict[str, Any], parser) -> Any:
        try:
            return parser(cells[key])
        except CellError as exc:
            self.error(row, key, str(exc))
            return None

    def _village(self, r: _Row, value: Any, villages: dict[str, Village]) -> Village | None:
        """The row's village: in the township and editable by the actor, or None after an error."""
        if blank(value):
            self._enter(r.row, "village")
            return None
        try:
            code = code_digits(value)
        except CellError as exc:
            self.error(r.row, "village", str(exc))
            return None
        if len(code) != VILLAGE_CODE_LENGTH:
            self.error(
                r.row,
                "village",
                _("A village code has 12 digits; this one has %(n)d.") % {"n": len(code)},
            )
            return None
        village = villages.get(code)
        if village is None:
            self.error(
                r.row,
                "village",
                _("%(code)s is not a village of %(township)s.")
                % {"code": code, "township": self.township.name},
            )
            return None
        if not self.scope.allows(Right.EDIT, code):
            # Say nothing else about the row.
            self.error(r.row, "village", _("This row is outside your area."))
            r.skip = True
            return None
        return village

    def _id_number(self, row: int, value: Any) -> tuple[str | None, str | None]:
        if blank(value):
            self._enter(row, "id_number")
            return None, None
        lost = _(
            "Excel stored this ID number as a number and its last digits were lost; format the "
            "column as text and enter the number again."
        )
        if isinstance(value, int | float) and not isinstance(value, bool):
            # Excel keeps 15 significant digits: an 18-digit number is already damaged.
            self.error(row, "id_number", lost)
            return None, None
        typed = squeeze(value)
        if is_scientific(typed):
            self.error(row, "id_number", lost)
            return None, None
        try:
            validate_id_number(typed)
        except ValidationError as exc:
            for message in exc.messages:
                self.error(row, "id_number", message)
            return None, None
        number = normalize_id_number(typed)
        return number, id_number_hash(number)

    def _phone(self, row: int, value: Any) -> str | None:
        if blank(value):
            return None
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        try:
            typed = code_text(value)
        except LostDigits:
            typed = ""
        typed = re.sub(r"^\((0\d{2,3})\)-?", r"\1-", typed)
        typed = re.sub(r"^(?:\+86|0086)-?(?=1\d{10}$)", "", typed)
        if MOBILE.match(typed) or LANDLINE.match(typed):
            return typed
        if numeric:
            self.error(
                row,
                "phone",
                _(
                    "Excel stored this phone number as a number and may have dropped its leading "
                    "0; format the column as text and enter the number again."
                ),
            )
        else:
            self.error(
                row,
                "phone",
                _(
                    "Enter an 11-digit mobile number or a landline number with its area code, "
                    "such as 0537-7212345."
                ),
            )
        return None

    def _choice(self, row: int, key: str, cells: dict[str, Any], choice: Choice) -> str | None:
        if blank(cells[key]):
            return None
        return self._parse_with(row, key, cells, choice)

    def _date(
        self, row: int, key: str, cells: dict[str, Any], *, past: bool = False
    ) -> dt.date | None:
        value = cells[key]
        if blank(value):
            return None
        day = self._parse_with(row, key, cells, read_date)
        if day is not None and past and day > self.today:
            self.error(row, key, _("The date cannot be in the future."))
            return None
        return day


def _repeated(rows: Iterable[_Row], key: Callable[[_Row], Any]) -> list[list[_Row]]:
    """The groups of two or more rows that share `key(row)`, in the order of the sheet."""
    groups: dict[Any, list[_Row]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return [same for same in groups.values() if len(same) > 1]
