"""Workbook plumbing shared by every Excel import and export.

Staff fill in workbooks by hand, so reading them is forgiving: headers and sheet names match in
Chinese or English, with or without full-width forms, spaces or a required-marker `*`. The cells
themselves are read by `core.cells`. Writing gives every template the same look: a bold shaded
header row with the column's help as a note, code columns formatted as text, and a 说明 sheet
explaining each column.

Every workbook is made by `new_workbook`, filled with `write_row` and turned into bytes by
`workbook_bytes`, which writes every text cell as text: a villager's `=HYPERLINK(...)` is shown,
never run (see `as_text`). tests/test_excel_lint.py keeps every export on this path.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import openpyxl
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from .cells import aliases, blank, norm, yes_no_words

if TYPE_CHECKING:
    # openpyxl has no type information (Any for mypy): these name what is expected.
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# More rows than any village or township keeps in one workbook; beyond it a file is a mistake (or
# an attack). An import may pass its own limit (the county's tree holds tens of thousands).
MAX_ROWS = 5000
# Rows without data tolerated below the limit (gaps, a styled empty row) before a sheet is
# refused as a huge empty range: reading stops there, so a file of a million blank-looking rows
# is refused in a second, not read to its end.
BLANK_ROWS = 1000
# Magic numbers of files that are not .xlsx but are often uploaded for one.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003), also .et of WPS
ZIP_MAGIC = b"PK"
TEXT_FORMAT = "@"
# Leading characters that make Excel, LibreOffice or Sheets read typed text as a formula (OWASP's
# CSV injection list): "=", "+", "-", "@", a tab or a carriage return.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------- errors


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


class WorkbookImportError(Exception):
    """A workbook was refused; nothing was written. `errors` lists every problem found."""

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


# ---------------------------------------------------------------------------- columns and sheets


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its key in the parsed rows, header label, help text and width."""

    key: str
    label: Any  # lazy translation
    help: Any  # lazy translation
    width: int
    is_code: bool = False  # digits that Excel must keep as text

    def explain(self, **values: Any) -> str:
        """The help text with the yes/no words of the user's language (and `values`) filled in."""
        yes, no = yes_no_words()
        return str(self.help) % {"yes": yes, "no": no, **values}


@dataclass
class Sheet:
    """The data rows of one sheet: (Excel row number, {column key: raw cell value})."""

    name: str
    columns: tuple[Column, ...]
    rows: list[tuple[int, dict[str, Any]]]


def column_letter(columns: Sequence[Column], key: str) -> str:
    """The Excel letter of the column with `key`."""
    letter: str = get_column_letter(next(i for i, c in enumerate(columns, start=1) if c.key == key))
    return letter


# ---------------------------------------------------------------------------- writing


def new_workbook(*, empty: bool = False) -> Workbook:
    """A new workbook with one sheet, or none if `empty`; save it with `workbook_bytes`."""
    wb = openpyxl.Workbook()
    if empty:
        wb.remove(wb.active)
    return wb


def clean_text(value: Any) -> Any:
    """`value` without the control characters an .xlsx cannot hold (openpyxl refuses them)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_row(ws: Worksheet, values: Iterable[Any]) -> int:
    """Append one row of values (text, numbers, dates, None); returns its row number."""
    cleaned = [clean_text(v) for v in values]
    ws.append(cleaned)
    # The row just appended, read in constant time: `ws.max_row` and `ws[row]` scan every cell
    # of the sheet, which made a template of 10,000 villages take a minute to write.
    row: int = ws._current_row
    for column, value in enumerate(cleaned, start=1):
        if isinstance(value, str):
            as_text(ws.cell(row=row, column=column))
    return row


def as_text(cell: Cell) -> None:
    """Keep a text cell text: never a formula, an error code, or text a program runs on editing.

    openpyxl stores any str starting with "=" as a formula (and "#N/A" as an error), so the type
    goes back to "s". Text starting with another formula lead is stored as text already but
    Excel re-reads it as a formula once a user edits the cell; Excel's own quotePrefix flag (what
    it sets when one types '+86 ...) keeps it text. It is chosen over OWASP's literal apostrophe
    because the villager's text stays exactly as typed on screen and when the workbook comes back
    through an import (the cadre export has the import's columns).
    """
    if not isinstance(cell.value, str):
        return  # numbers, dates and blanks stay what they are
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_LEADS):
        cell.quotePrefix = True


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of `wb`, every text cell of every sheet written as text (`as_text`)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                as_text(cell)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_header(
    ws: Worksheet, columns: Sequence[Column], *, explain: Callable[[Column], str] | None = None
) -> None:
    """Append the bold, shaded header row, set the widths and freeze the rows above the data.

    `explain(column)` gives each header cell's note; without it the headers have no notes.
    """
    row = write_row(ws, [str(c.label) for c in columns])
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        if explain is not None:
            cell.comment = Comment(explain(col), "村监")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = f"A{row + 1}"


def format_codes(ws: Worksheet, columns: Sequence[Column]) -> None:
    """Format the code columns of a sheet headed on row 1 as text."""
    # On the column (for rows typed later) and on each filled cell: otherwise Excel turns
    # 370830102201 into 3.70830E+11 and may drop digits.
    for i, col in enumerate(columns, start=1):
        if not col.is_code:
            continue
        letter = get_column_letter(i)
        ws.column_dimensions[letter].number_format = TEXT_FORMAT
        for cell in ws[letter][1:]:
            cell.number_format = TEXT_FORMAT


def write_help_sheet(
    ws: Worksheet,
    lines: Iterable[str],
    sections: Iterable[tuple[Any, Iterable[tuple[str, str]]]],
    *,
    label_width: int,
) -> list[int]:
    """Write a 说明 sheet: the general `lines`, then each (title, [(label, explanation)]) section.

    Returns the row number of each section's first entry (for formatting them further).
    """
    write_row(ws, [pgettext("tree import", "Column"), pgettext("tree import", "Explanation")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in lines:
        write_row(ws, ["", line])
    firsts = []
    for title, entries in sections:
        write_row(ws, [])
        write_row(ws, [str(title)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        firsts.append(ws.max_row + 1)
        for label, explanation in entries:
            write_row(ws, [label, explanation])
    ws.column_dimensions["A"].width = label_width
    ws.column_dimensions["B"].width = 90
    for row in ws.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return firsts


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook as a download named `filename`."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------- reading


class _UncachedFormula:
    """A formula cell whose result the file does not hold (written by a program that does not
    calculate, or saved with calculation off): its value is unknown, not blank."""

    def __repr__(self) -> str:
        return "<formula without a saved value>"


UNCACHED_FORMULA = _UncachedFormula()


class _Parser(WorkSheetParser):  # type: ignore[misc]  # openpyxl is untyped
    """openpyxl's streaming sheet parser, telling a formula without a saved value from a blank."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCACHED_FORMULA
        return cell


def not_xlsx_message(file: IO[bytes], name: str) -> str | None:
    """The advice for an .xls or .csv upload ("save it as .xlsx"), or None for anything else."""
    head = file.read(8)
    file.seek(0)
    suffix = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if head.startswith(ZIP_MAGIC):
        return None
    if head == OLE2_MAGIC or suffix in ("xls", "et"):
        return _(
            "This is an old Excel file (.xls); open it in Excel or WPS, save it as .xlsx "
            "(Excel workbook) and import that file."
        )
    if suffix in ("csv", "txt"):
        return _(
            "This is a CSV text file; open it in Excel or WPS, save it as .xlsx (Excel workbook) "
            "and import that file."
        )
    return None


def read_workbook(
    file: IO[bytes] | bytes,
    sheets: Sequence[tuple[Any, tuple[Column, ...]]],
    *,
    error: type[WorkbookImportError] = WorkbookImportError,
    max_rows: int | None = None,
    optional: Iterable[Any] = (),
) -> list[Sheet]:
    """Load the rows of each (sheet label, columns), or raise `error` for a broken file, an .xls
    or .csv, a missing sheet or header column, a formula without its value, too many rows, or no
    rows at all. A sheet whose label is in `optional` may be missing (it is read as empty).

    Sheets are streamed: memory and time grow with the rows that hold data, and reading stops
    at `max_rows` (MAX_ROWS by default) data rows or BLANK_ROWS more physical rows."""
    name = getattr(file, "name", "") or ""
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    elif hasattr(file, "seek"):
        file.seek(0)
    advice = not_xlsx_message(file, str(name))
    if advice:
        raise error([ImportRowError("", None, "", advice)])
    damaged = [
        ImportRowError(
            "", None, "", _("The file is not an Excel workbook (.xlsx) or it is damaged.")
        )
    ]
    try:
        wb = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        # An upload can be anything (a renamed PDF, a truncated zip) and the zip and XML
        # parsers raise a zoo of exception types; all mean the same to the user.
        raise error(damaged) from exc
    limit = MAX_ROWS if max_rows is None else max_rows
    may_lack = {str(label) for label in optional}
    errors: list[ImportRowError] = []
    read = []
    try:
        found = {norm(name): name for name in wb.sheetnames}
        for label, columns in sheets:
            name = next((found[a] for a in aliases(label) if a in found), None)
            if name is None:
                if str(label) in may_lack:
                    read.append(Sheet(str(label), columns, []))
                    continue
                errors.append(
                    ImportRowError(
                        str(label),
                        None,
                        "",
                        _('The workbook has no sheet named "%(sheet)s".') % {"sheet": label},
                    )
                )
                continue
            sheet = read_sheet(wb[name], str(label), columns, errors, max_rows=limit)
            if sheet is not None:
                read.append(sheet)
    except Exception as exc:  # a damaged sheet part surfaces only while its rows are read
        raise error(damaged) from exc
    finally:
        wb.close()
    if errors:
        raise error(errors)
    if not any(s.rows for s in read):
        raise error([ImportRowError("", None, "", _("The workbook contains no rows to import."))])
    return read


def read_sheet(
    ws: ReadOnlyWorksheet,
    label: str,
    columns: tuple[Column, ...],
    errors: list[ImportRowError],
    *,
    max_rows: int | None = None,
) -> Sheet | None:
    """The non-blank rows of one sheet, or None after adding its header or size errors.

    Formula cells without a saved value are reported here, each on its row and column: read as
    blank they would be mistaken for a cell left empty ("enter the code")."""
    limit = MAX_ROWS if max_rows is None else max_rows
    with ws._get_source() as source:
        # openpyxl's own parser, without its row padding: gaps between rows cost nothing, and
        # each row comes with its Excel number. The stored <dimension> is not trusted (some
        # writers get it wrong); rows are read as they are.
        parser = _Parser(
            source,
            ws._shared_strings,
            data_only=True,
            epoch=ws.parent.epoch,
            date_formats=ws.parent._date_formats,
            timedelta_formats=ws.parent._timedelta_formats,
        )
        rows = parser.parse()
        first = next(rows, None)
        header: dict[int, Any] = {}
        if first is not None and first[0] == 1:
            header = {c["column"]: c["value"] for c in first[1]}
        position: dict[str, int] = {}
        for column, value in sorted(header.items()):
            if value is not None and value is not UNCACHED_FORMULA:
                position.setdefault(norm(value), column)
        where: dict[str, int] = {}
        for col in columns:
            index = next((position[a] for a in aliases(col.label) if a in position), None)
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
        label_of = {col.key: str(col.label) for col in columns}
        last_row = limit + 1 + BLANK_ROWS
        data: list[tuple[int, dict[str, Any]]] = []
        formulas = 0
        pending = [first] if first is not None and first[0] != 1 else []
        for number, found in itertools.chain(pending, rows):
            if number > last_row:
                errors.append(
                    ImportRowError(
                        label,
                        number,
                        "",
                        _(
                            "The sheet goes on beyond row %(row)d (perhaps rows that only look "
                            "empty: spaces or formatting). An import holds at most %(n)d rows: "
                            "delete the empty rows below the data and save the file again."
                        )
                        % {"row": last_row, "n": limit},
                    )
                )
                return None
            values = {c["column"]: c["value"] for c in found}
            cells = {key: values.get(i) for key, i in where.items()}
            if all(blank(v) for v in cells.values()):
                continue
            for key, value in cells.items():
                if value is UNCACHED_FORMULA:
                    formulas += 1
                    cells[key] = None
                    errors.append(
                        ImportRowError(
                            label,
                            number,
                            label_of[key],
                            _(
                                "This cell holds a formula whose result was not saved in the "
                                "file; open the file in Excel or WPS and save it again, or "
                                "replace the formula by its value."
                            ),
                        )
                    )
            if len(data) == limit:
                errors.append(
                    ImportRowError(
                        label,
                        number,
                        "",
                        _(
                            "The sheet has more than %(n)d rows; split the import into several "
                            "files."
                        )
                        % {"n": limit},
                    )
                )
                return None
            data.append((number, cells))
    if formulas:
        return None
    return Sheet(label, columns, data)
