"""The tree import's rules of #17: size limits, explicit updates, blank cells, dry runs, the
upper levels, and refusals that name the cause (formulas without a value, .xls and .csv)."""

import io
import time
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from villages import imports
from villages.choices import RegionLevel
from villages.codes import AreaCodeError, region_code
from villages.imports import ImportResult, build_import_template, import_tree
from villages.models import Region, Village
from villages.tests.factories import VillageFactory
from villages.tests.test_imports import VILLAGE_HEADERS, refused, snapshot, vrow, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]

T, V, U = "乡镇", "村", "上级区划"
UPPER_HEADERS = ["级别", "区划代码", "名称"]


def with_upper(upper, townships=(), villages=()):
    """A workbook with the upper-levels sheet first, as the template has it."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook(townships, villages)))
    ws = wb.create_sheet(U, 0)
    ws.append(UPPER_HEADERS)
    for row in upper:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CHAIN = [["省", "370000", "山东省"], ["市", "370800", "济宁市"], ["县", "370830", "汶上县"]]


# ---------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("value", "level", "code"),
    [
        ("370000", RegionLevel.PROVINCE, "37"),
        ("37", RegionLevel.PROVINCE, "37"),
        (370000000000, RegionLevel.PROVINCE, "37"),
        ("370800", RegionLevel.CITY, "3708"),
        ("３７０８００", RegionLevel.CITY, "3708"),
        (" 370800000000 ", RegionLevel.CITY, "3708"),
        (370830.0, RegionLevel.COUNTY, "370830"),
        ("3.70830E+5", RegionLevel.COUNTY, "370830"),
        ("370830000000", RegionLevel.COUNTY, "370830"),
        ("370830102000", RegionLevel.TOWNSHIP, "370830102"),
    ],
)
def test_region_codes_are_read_in_every_written_form(value, level, code):
    assert region_code(value, level) == code


@pytest.mark.parametrize(
    ("value", "level", "message"),
    [
        ("370830", RegionLevel.CITY, "市代码有 4 位有效数字"),
        ("370000", RegionLevel.CITY, "370000 不是市代码"),
        ("3708300", RegionLevel.COUNTY, "县代码有 6 位有效数字"),
        ("370830", RegionLevel.TOWNSHIP, "乡镇代码有 9 位有效数字"),
        ("37A800", RegionLevel.CITY, "代码只能由数字 0-9 组成"),
        ("", RegionLevel.COUNTY, "此项必填"),
    ],
)
def test_region_codes_of_another_level_are_refused(value, level, message):
    with pytest.raises(AreaCodeError) as info:
        region_code(value, level)
    assert message in str(info.value)


# ---------------------------------------------------------------------------- size


def test_50000_villages_are_accepted_and_50001_refused(county, township, supervisor):
    rows = [vrow(f"370830{102 + i // 999:03d}{1 + i % 999:03d}") for i in range(50_000)]
    townships = sorted({r[2] for r in rows})
    t_rows = [[code, township.name if code == township.code else f"镇{code}"] for code in townships]
    result = import_tree(actor=supervisor, county=county, file=workbook(t_rows, rows))
    assert result.villages_created == 50_000
    assert Village.objects.count() == 50_000

    rows.append(vrow("370830999999"))
    errors = refused(supervisor, county, workbook(t_rows, rows))
    assert errors == [(V, 50_002, "", "该工作表超过 50000 行，请分成几个文件导入。")]


@pytest.mark.timing
def test_a_huge_range_of_blank_looking_rows_is_refused_fast(county, township, supervisor):
    data = workbook(villages=[vrow("370830102203")])
    # 300,000 rows that look empty (a space in A, a styled empty cell in B).
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                rows = "".join(
                    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t xml:space="preserve"> </t>'
                    f'</is></c><c r="B{r}" s="1"/></row>'
                    for r in range(3, 300_003)
                )
                content = content.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            dst.writestr(item, content)
    start = time.perf_counter()
    errors = refused(supervisor, county, out.getvalue())
    assert time.perf_counter() - start < 10
    assert errors[0][:2] == (V, imports.MAX_ROWS + 1002)
    assert "删除数据下方的空行" in errors[0][3]


# ---------------------------------------------------------------------------- explicit updates


def test_an_existing_village_that_differs_is_refused_without_update(
    county, township, village, supervisor
):
    errors = refused(
        supervisor, county, workbook(villages=[vrow(village.code, "南旺村", households=7)])
    )
    assert len(errors) == 1
    (sheet, row, column, message) = errors[0]
    assert (sheet, row, column) == (V, 2, "村代码")
    assert village.code in message and "户数" in message and "更新已有的乡镇和村" in message


def test_an_existing_township_renamed_is_refused_without_update(county, township, supervisor):
    errors = refused(supervisor, county, workbook(townships=[["370830102", "南旺镇（新）"]]))
    assert [e[:3] for e in errors] == [(T, 2, "乡镇代码")]


def test_an_identical_existing_row_passes_without_update(county, township, village, supervisor):
    data = workbook(
        townships=[["370830102", township.name]],
        villages=[
            vrow(
                village.code,
                village.name,
                households=village.households,
                population=village.population,
                party_members=village.party_members,
                income=str(village.collective_income),
                backward="是" if village.is_backward else "否",
                notes=village.notes,
            )
        ],
    )
    assert import_tree(actor=supervisor, county=county, file=data) == ImportResult(
        townships_unchanged=1, villages_unchanged=1
    )


def test_a_blank_cell_leaves_the_stored_value(county, township, supervisor):
    kept = VillageFactory(
        township=township,
        code="370830102202",
        households=120,
        population=480,
        party_members=9,
        collective_income=Decimal("500.00"),
        is_backward=True,
        notes="保留",
    )
    data = workbook(villages=[vrow(kept.code, "改名村", None, None, None, None, None, None, None)])
    result = import_tree(actor=supervisor, county=county, file=data, update=True)
    assert result.villages_updated == 1
    kept.refresh_from_db()
    assert kept.name == "改名村"
    assert (kept.households, kept.population, kept.party_members) == (120, 480, 9)
    assert (kept.collective_income, kept.is_backward, kept.notes) == (
        Decimal("500.00"),
        True,
        "保留",
    )


def test_a_blank_cell_of_a_new_village_is_the_default(county, township, supervisor):
    data = workbook(
        villages=[vrow("370830102209", "空村", None, None, None, None, None, None, None)]
    )
    import_tree(actor=supervisor, county=county, file=data)
    v = Village.objects.get(code="370830102209")
    assert (v.households, v.population, v.collective_income, v.is_backward) == (0, 0, 0, False)


# ---------------------------------------------------------------------------- dry run


def test_a_dry_run_lists_what_would_change_and_writes_nothing(
    county, township, village, supervisor
):
    data = workbook(
        townships=[["370830102", "南旺镇"], ["370830106", "康驿镇"]],
        villages=[
            vrow("370830106201", "康驿村"),
            vrow(village.code, "南旺村", households=999),
        ],
    )
    before = snapshot()
    result = import_tree(actor=supervisor, county=county, file=data, update=True, dry_run=True)
    assert snapshot() == before
    assert result.dry_run
    assert result == ImportResult(
        townships_created=1, townships_unchanged=1, villages_created=1, villages_updated=1
    )
    actions = {(c.action, c.code) for c in result.changes}
    assert actions == {
        ("create", "370830106"),
        ("unchanged", "370830102"),
        ("create", "370830106201"),
        ("update", village.code),
    }
    (update,) = result.listed("update")
    assert ("户数", str(village.households), "999") in update.fields


def test_the_list_is_capped_and_the_counts_are_not(county, township, supervisor, monkeypatch):
    monkeypatch.setattr(imports, "LIST_LIMIT", 3)
    data = workbook(villages=[vrow(f"370830102{201 + i:03d}") for i in range(10)])
    result = import_tree(actor=supervisor, county=county, file=data, dry_run=True)
    assert result.villages_created == 10
    assert len(result.listed("create")) == 3


# ---------------------------------------------------------------------------- refusals


def test_a_formula_without_a_saved_value_has_its_own_message(county, township, supervisor):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.create_sheet(T).append(["乡镇代码", "乡镇名称"])
    ws = wb.create_sheet(V)
    ws.append(VILLAGE_HEADERS)
    # openpyxl saves formulas without their value, as any program that does not calculate.
    ws.append(['="370830102"&"203"', "公式村", "370830102", "=10*2", 1, 1, 1, "否", ""])
    out = io.BytesIO()
    wb.save(out)
    errors = refused(supervisor, county, out.getvalue())
    assert [e[:3] for e in errors] == [(V, 2, "村代码"), (V, 2, "户数")]
    assert all("公式" in e[3] and "请填写" not in e[3] for e in errors)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("村.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        ("村.csv", "村代码,村名称\n370830102203,新村\n".encode(), "CSV"),
    ],
)
def test_an_xls_or_csv_is_asked_to_be_saved_as_xlsx(county, supervisor, name, content, words):
    from django.core.files.uploadedfile import SimpleUploadedFile

    errors = refused(supervisor, county, SimpleUploadedFile(name, content))
    assert len(errors) == 1
    assert words in errors[0][3] and "另存为 .xlsx" in errors[0][3]


# ---------------------------------------------------------------------------- the upper levels


def test_the_template_has_the_upper_levels(county, supervisor):
    wb = openpyxl.load_workbook(io.BytesIO(build_import_template(county=county, actor=supervisor)))
    rows = list(wb[U].iter_rows(values_only=True))
    assert rows[0] == tuple(UPPER_HEADERS)
    assert [r[0] for r in rows[1:]] == ["省", "市", "县"]
    assert rows[3][1:] == ("370830", "汶上县")
    assert wb[U].column_dimensions["B"].number_format == "@"


def test_the_first_import_creates_the_chain(superuser):
    data = with_upper(
        [["省", 370000, "山东省"], ["市", "370800000000", "济宁市"], ["县", "370830", "汶上县"]],
        townships=[["370830102", "南旺镇"]],
        villages=[vrow("370830102201", "南旺村")],
    )
    result = import_tree(actor=superuser, file=data)
    assert (result.regions_created, result.townships_created, result.villages_created) == (3, 1, 1)
    county = Region.objects.get(code="370830")
    assert (county.parent.code, county.parent.parent.code) == ("3708", "37")
    assert county.parent.level == RegionLevel.CITY
    assert Village.objects.get().township.parent == county


def test_a_missing_level_is_named_in_chinese(superuser):
    data = with_upper(
        [["省", "370000", "山东省"], ["县", "370830", "汶上县"]],
        villages=[vrow("370830102201")],
    )
    errors = refused(superuser, None, data)
    assert errors == [(U, None, "", "缺少市 3708：请在“上级区划”表中填写其代码和名称。")]


def test_a_broken_chain_is_refused(superuser):
    data = with_upper(
        [["省", "370000", "山东省"], ["市", "360800", "吉安市"], ["县", "370830", "汶上县"]],
        villages=[vrow("370830102201")],
    )
    errors = refused(superuser, None, data)
    assert [e[:3] for e in errors] == [(U, 3, "区划代码")]


def test_without_a_county_the_sheet_must_name_one(superuser):
    errors = refused(superuser, None, workbook(villages=[vrow("370830102201")]))
    assert errors[0][0] == U and "还没有县" in errors[0][3]


def test_a_county_supervisor_may_not_change_the_province(county, supervisor):
    # The county's chain exists (the tree refuses a county without it): renaming the province
    # is outside a county supervisor's area.
    upper = [["省", "370000", "鲁"], *CHAIN[1:]]
    data = with_upper(upper, villages=[vrow("370830102201")])
    errors = refused(supervisor, county, data, update=True)
    assert errors == [(U, 2, "区划代码", "不在您的管辖范围内。")]


def test_an_existing_chain_is_left_unchanged(county, township, superuser):
    data = with_upper(CHAIN, villages=[vrow("370830102201")])
    result = import_tree(actor=superuser, county=county, file=data)
    assert (result.regions_created, result.regions_updated, result.villages_created) == (0, 0, 1)


# ---------------------------------------------------------------------------- the command


def test_the_command_dry_runs_then_imports(
    county, township, village, supervisor, superuser, tmp_path
):
    path = tmp_path / "tree.xlsx"
    path.write_bytes(
        workbook(
            villages=[vrow("370830102209", "新村"), vrow(village.code, "南旺村", households=5)]
        )
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_tree", str(path), "--county", "370830", stdout=out, stderr=io.StringIO()
        )
    call_command(
        "import_tree", str(path), "--county", "370830", "--update", "--dry-run", stdout=out
    )
    assert "villages_created=1" in out.getvalue() and "villages_updated=1" in out.getvalue()
    assert not Village.objects.filter(code="370830102209").exists()
    call_command("import_tree", str(path), "--update", "--county", "370830", stdout=out)
    assert Village.objects.filter(code="370830102209").exists()
    village.refresh_from_db()
    assert village.households == 5


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root-h17", password="x")


def test_the_benchmark_runs_and_leaves_nothing(db):
    out = io.StringIO()
    call_command("bench_tree_import", "--rows", "30", stdout=out)
    assert "import:" in out.getvalue()
    assert not Region.objects.exists() and not Village.objects.exists()


def test_the_upper_levels_are_written_as_text_never_formulas(county, supervisor):
    from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula

    link, cmd, _sums, _at = FORMULA_PAYLOADS
    Region.objects.filter(code="37").update(name=cmd)
    Region.objects.filter(pk=county.pk).update(name=link)
    county.refresh_from_db()
    assert_no_formula(build_import_template(county=county, actor=supervisor), link, cmd)
