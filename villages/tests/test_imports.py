"""The Excel import of the administrative tree: every row checked, then all rows or none."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pghistory.models
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from villages import imports
from villages.choices import RegionLevel, RoleKind
from villages.imports import (
    ImportResult,
    ImportRowError,
    TreeImportError,
    build_import_template,
    import_tree,
)
from villages.models import Region, Village
from villages.tests.factories import (
    CountyFactory,
    StaffRoleFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]

T, V = "乡镇", "村"
TOWNSHIP_HEADERS = ["乡镇代码", "乡镇名称"]
VILLAGE_HEADERS = [
    "村代码",
    "村名称",
    "乡镇代码",
    "户数",
    "人口",
    "党员数",
    "上年集体收入（元）",
    "是否后进村",
    "备注",
]


# ---------------------------------------------------------------------------- helpers


def vrow(
    code,
    name="新村",
    township=None,
    households=100,
    population=400,
    party_members=12,
    income="1000.00",
    backward="否",
    notes="",
):
    """A row of the 村 sheet; the township code defaults to the village code's first 9 digits."""
    township = code[:9] if township is None and isinstance(code, str) else township
    return [code, name, township, households, population, party_members, income, backward, notes]


def workbook(
    townships=(), villages=(), *, sheets=(T, V), headers=(TOWNSHIP_HEADERS, VILLAGE_HEADERS)
):
    """An .xlsx in memory, the way a user would fill it in."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, header, rows in zip(sheets, headers, (townships, villages), strict=True):
        ws = wb.create_sheet(title)
        ws.append(header)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite_xml(data: bytes, replacements: dict[str, str]) -> bytes:
    """Rewrite the sheets' XML, to store numbers the way Excel does (e.g. 3.70830102201E+11)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for old, new in replacements.items():
                    text = text.replace(old, new)
                content = text.encode()
            dst.writestr(item, content)
    return out.getvalue()


def snapshot():
    """Everything an import could touch, to prove a refused import wrote nothing."""
    return (
        list(Region.objects.order_by("code").values()),
        list(Village.objects.order_by("code").values()),
    )


def refused(actor, county, data, **options) -> list[tuple]:
    """Import `data`, expect a refusal that changed nothing, and return its errors."""
    before = snapshot()
    with pytest.raises(TreeImportError) as info:
        import_tree(actor=actor, county=county, file=data, **options)
    assert snapshot() == before
    return [(e.sheet, e.row, e.column, e.message) for e in info.value.errors]


def fresh(user):
    """The same account without its cached scope, as a new request would see it."""
    return get_user_model().objects.get(pk=user.pk)


# ---------------------------------------------------------------------------- writes


def test_it_creates_townships_and_villages(county, township, supervisor):
    data = workbook(
        townships=[["370830106", "康驿镇"]],
        villages=[
            vrow(
                "370830106201",
                "康驿村",
                households=210,
                population=800,
                party_members=25,
                income="12345.67",
                backward="是",
                notes="新建",
            ),
            vrow("370830102203", "后寨村", income=None, backward=None),
        ],
    )
    result = import_tree(actor=supervisor, county=county, file=data)

    assert result == ImportResult(townships_created=1, villages_created=2)
    new = Region.objects.get(code="370830106")
    assert (new.name, new.level, new.parent) == ("康驿镇", RegionLevel.TOWNSHIP, county)
    kangyi = Village.objects.get(code="370830106201")
    assert kangyi.township == new
    assert (kangyi.name, kangyi.households, kangyi.population, kangyi.party_members) == (
        "康驿村",
        210,
        800,
        25,
    )
    assert kangyi.collective_income == Decimal("12345.67")
    assert kangyi.is_backward is True
    assert kangyi.notes == "新建"
    houzhai = Village.objects.get(code="370830102203")
    assert houzhai.township == township
    assert houzhai.collective_income == Decimal("0.00")
    assert houzhai.is_backward is False


def test_it_updates_existing_rows_and_counts_unchanged_ones(
    county, township, other_township, village, supervisor
):
    same = VillageFactory(
        township=township,
        code="370830102202",
        name="不变村",
        households=50,
        population=200,
        party_members=5,
        collective_income=Decimal("10.00"),
        notes="",
    )
    stamp = village.updated_at
    data = workbook(
        townships=[["370830102", "南旺镇（新）"], ["370830105", "郭楼镇"]],
        villages=[
            vrow(
                village.code,
                "南旺村",
                households=333,
                population=1200,
                party_members=40,
                income="90000",
                backward="Y",
                notes="已核实",
            ),
            vrow(
                same.code,
                "不变村",
                households=50,
                population=200,
                party_members=5,
                income="10.00",
                backward="否",
                notes="",
            ),
        ],
    )
    result = import_tree(actor=supervisor, county=county, file=data, update=True)

    assert result == ImportResult(
        townships_updated=1, townships_unchanged=1, villages_updated=1, villages_unchanged=1
    )
    township.refresh_from_db()
    assert township.name == "南旺镇（新）"
    village.refresh_from_db()
    assert (village.households, village.population, village.party_members) == (333, 1200, 40)
    assert village.collective_income == Decimal("90000.00")
    assert village.is_backward is True
    assert village.notes == "已核实"
    assert village.updated_at > stamp
    # The audit trail knows the rows came from an import of this county.
    assert pghistory.models.Context.objects.filter(metadata__import_tree=county.code).exists()


def test_it_accepts_english_sheet_and_column_names(county, township, supervisor):
    with override("en"):
        sheets = (str(imports.TOWNSHIP_SHEET), str(imports.VILLAGE_SHEET))
        headers = (
            [str(c.label) for c in imports.TOWNSHIP_COLUMNS],
            [str(c.label) for c in imports.VILLAGE_COLUMNS],
        )
    assert sheets == ("Townships", "Villages")
    data = workbook(villages=[vrow("370830102203")], sheets=sheets, headers=headers)
    assert import_tree(actor=supervisor, county=county, file=data).villages_created == 1


def test_it_accepts_a_django_upload(county, township, supervisor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("tree.xlsx", workbook(villages=[vrow("370830102203")]))
    upload.read()  # a view may have peeked at it already
    assert import_tree(actor=supervisor, county=county, file=upload).villages_created == 1


# ---------------------------------------------------------------------------- codes from Excel


def test_it_reads_back_codes_that_excel_turned_into_numbers(county, township, supervisor):
    data = workbook(
        townships=[[370830106, "康驿镇"]],
        villages=[
            vrow(370830102203, township=370830102),
            vrow(370830102204, township="370830102"),
            vrow(370830102205, township="370830102"),
            vrow("3.70830102206E+11", township="370830102"),
            vrow("３７０８３０１０２２０７", township=" 370830102 "),
        ],
    )
    # Excel stores a number typed into a General cell as a double: 370830102204.0, 3.7...E+11.
    data = rewrite_xml(
        data,
        {
            "<v>370830102204</v>": "<v>370830102204.0</v>",
            "<v>370830102205</v>": "<v>3.70830102205E+11</v>",
            "<v>370830106</v>": "<v>3.70830106E+8</v>",
        },
    )
    result = import_tree(actor=supervisor, county=county, file=data)

    assert result.townships_created == 1
    assert result.villages_created == 5
    assert set(Village.objects.values_list("code", flat=True)) == {
        f"37083010220{n}" for n in range(3, 8)
    }


def test_it_refuses_codes_whose_digits_excel_lost(county, township, supervisor):
    data = workbook(
        villages=[
            vrow(370830102203, township="370830102"),
            vrow("3.708301E+11", township="370830102"),
        ]
    )
    data = rewrite_xml(data, {"<v>370830102203</v>": "<v>370830102203.5</v>"})
    lost = "Excel 把此代码存成了数字并丢失了部分位数，请将该列设为文本格式后重新填写代码。"
    assert refused(supervisor, county, data) == [(V, 2, "村代码", lost), (V, 3, "村代码", lost)]


def test_it_accepts_township_codes_padded_to_twelve_digits(county, township, supervisor):
    data = workbook(
        townships=[["370830106000", "康驿镇"]],
        villages=[
            vrow("370830106201", township="370830106000"),
            vrow("370830102203", township=370830102000),
        ],
    )
    result = import_tree(actor=supervisor, county=county, file=data)

    assert (result.townships_created, result.villages_created) == (1, 2)
    assert Region.objects.filter(code="370830106").exists()
    assert Village.objects.get(code="370830106201").township.code == "370830106"


# ---------------------------------------------------------------------------- bad rows


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("37083010A", "代码只能由数字 0-9 组成。"),
        ("37083010", "乡镇代码应为 9 位（或以 000 结尾的 12 位），此处为 8 位。"),
        ("370830102201", "乡镇代码应为 9 位（或以 000 结尾的 12 位），此处为 12 位。"),
        ("370831101", "代码应以本县代码 370830 开头。"),
        ("370830000", "乡镇代码的后三位不能是 000（那是县本身的代码）。"),
        ("", "请填写乡镇代码。"),
    ],
)
def test_it_refuses_a_bad_township_code(county, supervisor, code, message):
    data = workbook(townships=[["370830106", "康驿镇"], [code, "某镇"]])
    assert refused(supervisor, county, data) == [(T, 3, "乡镇代码", message)]


@pytest.mark.parametrize(
    ("code", "township_code", "column", "message"),
    [
        ("37083010220X", "370830102", "村代码", "代码只能由数字 0-9 组成。"),
        ("37083010220", "370830102", "村代码", "村代码应为 12 位，此处为 11 位。"),
        ("370831102201", "370830102", "村代码", "代码应以本县代码 370830 开头。"),
        ("370830102000", "370830102", "村代码", "村代码的后三位不能是 000（那是乡镇本身的代码）。"),
        ("370830105201", "370830102", "村代码", "村代码应以所属乡镇的代码 370830102 开头。"),
        ("", "370830102", "村代码", "请填写村代码。"),
        ("370830102203", "", "乡镇代码", "请填写乡镇代码。"),
        (
            "370830102203",
            "3708301",
            "乡镇代码",
            "乡镇代码应为 9 位（或以 000 结尾的 12 位），此处为 7 位。",
        ),
    ],
)
def test_it_refuses_a_bad_village_code(
    county, township, other_township, supervisor, code, township_code, column, message
):
    data = workbook(villages=[vrow("370830102202"), vrow(code, township=township_code)])
    assert refused(supervisor, county, data) == [(V, 3, column, message)]


def test_it_refuses_empty_names(county, township, supervisor):
    data = workbook(townships=[["370830106", "  "]], villages=[vrow("370830102203", name=None)])
    assert refused(supervisor, county, data) == [
        (T, 2, "乡镇名称", "请填写乡镇名称。"),
        (V, 2, "村名称", "请填写村名称。"),
    ]


def test_it_reports_both_rows_of_a_duplicate_code(county, township, supervisor):
    data = workbook(
        townships=[["370830106", "康驿镇"], ["370830106000", "康驿镇"]],
        villages=[vrow("370830102203"), vrow("370830102204"), vrow("370830102203", "重复村")],
    )
    assert refused(supervisor, county, data) == [
        (T, 2, "乡镇代码", "代码 370830106 在本表中重复出现（第 2、3 行）。"),
        (T, 3, "乡镇代码", "代码 370830106 在本表中重复出现（第 2、3 行）。"),
        (V, 2, "村代码", "代码 370830102203 在本表中重复出现（第 2、4 行）。"),
        (V, 4, "村代码", "代码 370830102203 在本表中重复出现（第 2、4 行）。"),
    ]


def test_it_refuses_a_village_of_an_unknown_township(county, township, supervisor):
    data = workbook(villages=[vrow("370830102203"), vrow("370830109201")])
    assert refused(supervisor, county, data) == [
        (V, 3, "乡镇代码", "乡镇代码 370830109 不存在：请在“乡镇”表中添加该乡镇，或检查代码。"),
    ]


def test_it_reports_a_bad_township_row_once_not_on_each_village(county, supervisor):
    data = workbook(
        townships=[["370830109", ""]], villages=[vrow("370830109201"), vrow("370830109202")]
    )
    assert refused(supervisor, county, data) == [(T, 2, "乡镇名称", "请填写乡镇名称。")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "数量不能为负数。"),
        ("-3", "数量不能为负数。"),
        (1.5, "请填写不小于 0 的整数。"),
        ("很多", "请填写不小于 0 的整数。"),
        (True, "请填写不小于 0 的整数。"),
    ],
)
def test_it_refuses_bad_counts(county, township, supervisor, value, message):
    data = workbook(villages=[vrow("370830102203", households=value, party_members=value)])
    assert refused(supervisor, county, data) == [
        (V, 2, "户数", message),
        (V, 2, "党员数", message),
    ]


def test_it_refuses_a_count_beyond_the_database_range(county, township, supervisor):
    data = workbook(villages=[vrow("370830102203", population=3_000_000_000)])
    [(sheet, row, column, message)] = refused(supervisor, county, data)
    assert (sheet, row, column) == (V, 2, "人口")
    assert "2147483647" in message


def test_it_reads_counts_written_with_separators(county, township, supervisor):
    data = workbook(villages=[vrow("370830102203", population="1,150", households=" 320 ")])
    import_tree(actor=supervisor, county=county, file=data)
    v = Village.objects.get(code="370830102203")
    assert (v.population, v.households) == (1150, 320)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("八万", "请填写以元为单位的金额，如 85000.00。"),
        ("-5", "金额不能为负数。"),
        (-0.5, "金额不能为负数。"),
        ("12.345", "金额最多保留两位小数。"),
        (0.125, "金额最多保留两位小数。"),
    ],
)
def test_it_refuses_bad_money(county, township, supervisor, value, message):
    data = workbook(villages=[vrow("370830102203", income=value)])
    assert refused(supervisor, county, data) == [(V, 2, "上年集体收入（元）", message)]


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("¥85,000.50", "85000.50"),
        ("85000元", "85000.00"),
        (85000.5, "85000.50"),
        (0.1 + 0.2, "0.30"),  # a formula's binary rounding is not a third decimal
        (120000, "120000.00"),
        (None, "0.00"),
    ],
)
def test_it_reads_money(county, township, supervisor, value, amount):
    import_tree(
        actor=supervisor,
        county=county,
        file=workbook(villages=[vrow("370830102203", income=value)]),
    )
    assert Village.objects.get(code="370830102203").collective_income == Decimal(amount)


def test_it_refuses_an_amount_too_large_for_the_ledger(county, township, supervisor):
    data = workbook(villages=[vrow("370830102203", income="1234567890123.00")])
    [(sheet, row, column, message)] = refused(supervisor, county, data)
    assert (sheet, row, column) == (V, 2, "上年集体收入（元）")
    assert "14" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        (None, False),
        ("", False),
        (True, True),
    ],
)
def test_it_reads_the_backward_flag(county, township, supervisor, value, expected):
    import_tree(
        actor=supervisor,
        county=county,
        file=workbook(villages=[vrow("370830102203", backward=value)]),
    )
    assert Village.objects.get(code="370830102203").is_backward is expected


def test_it_refuses_an_unclear_backward_flag(county, township, supervisor):
    data = workbook(villages=[vrow("370830102203", backward="也许")])
    assert refused(supervisor, county, data) == [
        (V, 2, "是否后进村", "请填写“是”或“否”（也可填 Y/N 或 1/0）。"),
    ]


def test_it_applies_the_models_own_validators(county, township, supervisor):
    data = workbook(
        townships=[["370830106", "镇" * 51]], villages=[vrow("370830102203", name="村" * 51)]
    )
    errors = refused(supervisor, county, data)
    assert [e[:3] for e in errors] == [(T, 2, "乡镇名称"), (V, 2, "村名称")]
    assert all("50" in e[3] for e in errors)


def test_it_collects_every_error_of_both_sheets_and_writes_none_of_the_good_rows(
    county, township, village, supervisor
):
    data = workbook(
        townships=[["370830106", "康驿镇"], ["370830107", ""]],
        villages=[
            vrow("370830106201"),  # valid
            vrow(village.code, "改名村"),  # valid update
            vrow("370830102204", households=-1, income="abc", backward="?"),
            vrow("370830102205", name=""),
        ],
    )
    errors = refused(supervisor, county, data, update=True)
    assert [e[:3] for e in errors] == [
        (T, 3, "乡镇名称"),
        (V, 4, "户数"),
        (V, 4, "上年集体收入（元）"),
        (V, 4, "是否后进村"),
        (V, 5, "村名称"),
    ]
    assert not Region.objects.filter(code="370830106").exists()
    assert Village.objects.get(code=village.code).name == "南旺村"


def test_the_error_reads_as_a_chinese_sentence(county, township, supervisor):
    with pytest.raises(TreeImportError) as info:
        import_tree(
            actor=supervisor,
            county=county,
            file=workbook(villages=[vrow("370830102203", households=-1)]),
        )
    assert str(info.value) == "导入未执行：发现 1 处错误。"
    assert str(info.value.errors[0]) == "村 · 第 2 行 · 户数: 数量不能为负数。"
    assert isinstance(info.value.errors[0], ImportRowError)


# ---------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a spreadsheet at all",
        b"PK\x03\x04 truncated zip",
        "村代码,村名称\n370830102201,南旺村\n".encode(),  # a CSV saved with the wrong extension
    ],
)
def test_it_refuses_a_file_that_is_not_a_workbook(county, supervisor, data):
    assert refused(supervisor, county, data) == [
        ("", None, "", "该文件不是 Excel 工作簿（.xlsx），或文件已损坏。"),
    ]


def test_it_refuses_a_zip_that_is_not_a_workbook(county, supervisor):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert refused(supervisor, county, out.getvalue()) == [
        ("", None, "", "该文件不是 Excel 工作簿（.xlsx），或文件已损坏。"),
    ]


def test_it_refuses_a_workbook_without_the_sheets(county, supervisor):
    data = workbook(villages=[vrow("370830102203")], sheets=("Sheet1", "Sheet2"))
    assert refused(supervisor, county, data) == [
        (T, None, "", "工作簿中缺少名为“乡镇”的工作表。"),
        (V, None, "", "工作簿中缺少名为“村”的工作表。"),
    ]


def test_it_refuses_a_sheet_without_its_columns(county, supervisor):
    headers = (TOWNSHIP_HEADERS, [h for h in VILLAGE_HEADERS if h not in ("户数", "备注")])
    data = workbook(villages=[vrow("370830102203")[:-1]], headers=headers)
    assert refused(supervisor, county, data) == [
        (V, 1, "户数", "标题行中缺少“户数”列。"),
        (V, 1, "备注", "标题行中缺少“备注”列。"),
    ]


def test_it_finds_columns_in_any_order_and_forgives_half_width_brackets(
    county, township, supervisor
):
    headers = [
        "备注",
        "上年集体收入(元)",
        "是否后进村",
        "党员数",
        "人口",
        "户数",
        "乡镇代码",
        "村名称",
        "村代码",
    ]
    row = list(reversed(vrow("370830102203", income="5.50", backward="是", notes="倒序")))
    row[1], row[2] = row[2], row[1]
    import_tree(
        actor=supervisor,
        county=county,
        file=workbook(villages=[row], headers=(TOWNSHIP_HEADERS, headers)),
    )
    v = Village.objects.get(code="370830102203")
    assert (v.collective_income, v.is_backward, v.notes) == (Decimal("5.50"), True, "倒序")


def test_it_refuses_a_workbook_with_headers_only(county, supervisor):
    assert refused(supervisor, county, workbook()) == [
        ("", None, "", "工作簿中没有可导入的数据行。"),
    ]


def test_it_skips_blank_rows_and_keeps_excel_row_numbers(county, township, supervisor):
    data = workbook(
        villages=[vrow("370830102203"), [None] * 9, ["", "  "], vrow("1", township="370830102")]
    )
    assert refused(supervisor, county, data) == [
        (V, 5, "村代码", "村代码应为 12 位，此处为 1 位。"),
    ]


def test_it_refuses_more_rows_than_a_county_has(county, township, supervisor, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    data = workbook(villages=[vrow(f"37083010220{n}") for n in range(1, 4)])
    assert refused(supervisor, county, data) == [
        (V, 4, "", "该工作表超过 2 行，请分成几个文件导入。"),
    ]


# ---------------------------------------------------------------------------- who may import


@pytest.mark.parametrize("who", ["anonymous", "roleless", "other_county", "contact_cadre"])
def test_it_refuses_an_actor_who_manages_nothing_in_the_county(county, township, who):
    if who == "anonymous":
        actor = AnonymousUser()
    else:
        actor = UserFactory()
    if who == "other_county":
        StaffRoleFactory(
            user=actor,
            kind=RoleKind.COUNTY_SUPERVISOR,
            region=CountyFactory(code="370831", name="泗水县"),
        )
    if who == "contact_cadre":
        StaffRoleFactory(user=actor, kind=RoleKind.CONTACT_CADRE, region=township)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        import_tree(actor=actor, county=county, file=workbook(villages=[vrow("370830102203")]))
    assert snapshot() == before


def test_township_staff_import_the_villages_of_their_township(county, township, village, insider):
    data = workbook(
        townships=[["370830102", "南旺镇"]],
        villages=[vrow("370830102203"), vrow(village.code, "南旺村", households=1)],
    )
    result = import_tree(actor=insider, county=county, file=data, update=True)
    assert result == ImportResult(townships_unchanged=1, villages_created=1, villages_updated=1)


def test_township_staff_may_not_touch_another_township(
    county, township, other_township, other_village, insider
):
    data = workbook(
        townships=[["370830105", "郭楼镇（改）"], ["370830106", "康驿镇"]],
        villages=[
            vrow("370830102203"),  # their own: fine on its own
            vrow(other_village.code, households=-5),  # nothing but the scope is reported
            vrow("370830105209"),
        ],
    )
    outside = "不在您的管辖范围内。"
    assert refused(insider, county, data) == [
        (T, 2, "乡镇代码", outside),
        (T, 3, "乡镇代码", outside),
        (V, 3, "村代码", outside),
        (V, 4, "村代码", outside),
    ]


def test_it_imports_only_into_a_county(township, supervisor):
    with pytest.raises(ValueError):
        import_tree(actor=supervisor, county=township, file=workbook())


def test_a_concurrent_insert_is_reported_not_raised(county, township, supervisor, monkeypatch):
    validate = imports._Validator.validate

    def validate_then_someone_else_adds_the_village(self, *sheets):
        plan = validate(self, *sheets)
        VillageFactory(township=township, code="370830102203")
        return plan

    monkeypatch.setattr(imports._Validator, "validate", validate_then_someone_else_adds_the_village)
    with pytest.raises(TreeImportError) as info:
        import_tree(actor=supervisor, county=county, file=workbook(villages=[vrow("370830102203")]))
    assert info.value.errors[0].message == "导入期间有其他人修改了相同的乡镇或村，请重新导入。"


# ---------------------------------------------------------------------------- queries


def _many(n: int, start: int) -> bytes:
    """`n` new villages of an existing township plus one of a new township."""
    return workbook(
        townships=[["370830102", "南旺镇"], ["370830106", "康驿镇"]],
        villages=[vrow(f"370830102{start + i:03d}") for i in range(n)] + [vrow("370830106201")],
    )


def test_the_number_of_queries_does_not_grow_with_the_rows(
    county, township, supervisor, django_assert_max_num_queries
):
    # The same shape of work (new villages, an existing and a new township) at two sizes.
    with CaptureQueriesContext(connection) as small:
        import_tree(actor=fresh(supervisor), county=county, file=_many(2, 201))
    # The account and its roles, the county's townships, the file's villages, a savepoint
    # pair and one statement per kind of write.
    assert len(small) <= 9
    Village.objects.filter(code__startswith="370830106").delete()
    Region.objects.filter(code="370830106").delete()
    with django_assert_max_num_queries(len(small)):
        result = import_tree(actor=fresh(supervisor), county=county, file=_many(50, 301))
    assert result.villages_created == 51
    # Updates too: rewrite the 50 villages with other facts.
    data = workbook(villages=[vrow(f"370830102{301 + i:03d}", households=7) for i in range(50)])
    with django_assert_max_num_queries(len(small)):
        result = import_tree(actor=fresh(supervisor), county=county, file=data, update=True)
    assert result.villages_updated == 50


# ---------------------------------------------------------------------------- the template


def _load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_template_has_the_sheets_headers_and_instructions(
    county, township, village, supervisor
):
    wb = _load(build_import_template(county=county, actor=supervisor))

    assert wb.sheetnames == ["上级区划", "乡镇", "村", "说明"]
    towns, villages, notes = wb["乡镇"], wb["村"], wb["说明"]
    assert [c.value for c in towns[1]] == TOWNSHIP_HEADERS
    assert [c.value for c in villages[1]] == VILLAGE_HEADERS
    assert all(c.font.bold for c in (*towns[1], *villages[1]))
    # Code columns are text, on the filled cells and on the columns for rows typed later.
    for ws, letters in ((towns, "A"), (villages, "AC")):
        for letter in letters:
            assert ws.column_dimensions[letter].number_format == "@"
            assert all(c.number_format == "@" for c in ws[letter][1:])
    assert [c.value for c in towns[2]] == ["370830102", "南旺镇"]
    assert [c.value for c in villages[2]][:3] == ["370830102201", "南旺村", "370830102"]
    assert villages["H2"].value == "否"
    assert any("是,否" in (dv.formula1 or "") for dv in villages.data_validations.dataValidation)
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "9 位统计用区划代码" in text and "370830" in text
    assert "12 位统计用区划代码" in text
    assert "被确定为后进村的填“是”，否则填“否”" in text
    assert "不会删除任何数据" in text


def test_the_template_lists_only_rows_the_actor_may_edit(
    county, township, other_township, village, other_village, insider
):
    wb = _load(build_import_template(county=county, actor=insider))
    assert [r[0] for r in wb["乡镇"].iter_rows(min_row=2, values_only=True)] == ["370830102"]
    assert [r[0] for r in wb["村"].iter_rows(min_row=2, values_only=True)] == [village.code]


def test_the_template_without_an_actor_has_headers_only(county, township, village):
    wb = _load(build_import_template(county=county))
    assert wb["乡镇"].max_row == 1
    assert wb["村"].max_row == 1


def test_the_filled_template_imports(county, township, village, supervisor):
    wb = _load(build_import_template(county=county, actor=supervisor))
    wb["乡镇"].append(["370830106", "康驿镇"])
    wb["村"].append(vrow("370830106201", "康驿村", income=1500.5, backward="是"))
    wb["村"]["D2"] = 999  # the existing village's households
    out = io.BytesIO()
    wb.save(out)

    result = import_tree(actor=supervisor, county=county, file=out.getvalue(), update=True)

    assert result == ImportResult(
        townships_created=1, townships_unchanged=1, villages_created=1, villages_updated=1
    )
    assert Village.objects.get(code=village.code).households == 999
    assert Village.objects.get(code="370830106201").collective_income == Decimal("1500.50")


def test_an_unchanged_template_changes_nothing(county, township, village, supervisor):
    VillageFactory(
        township=township,
        code="370830102202",
        collective_income=Decimal("12.30"),
        is_backward=True,
        notes="说明",
    )
    TownshipFactory(parent=county, code="370830105", name="郭楼镇")
    before = snapshot()
    result = import_tree(
        actor=supervisor, county=county, file=build_import_template(county=county, actor=supervisor)
    )
    assert result == ImportResult(townships_unchanged=2, villages_unchanged=2)
    assert snapshot() == before


def test_the_template_has_no_stray_translations_left(county, supervisor):
    # Every label of the template is translated: no English left in the Chinese template.
    wb = _load(build_import_template(county=county, actor=supervisor))
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not re.search(r"[A-Za-z]{4,}", value.replace("Excel", "")), value


def test_the_template_writes_names_and_notes_as_text_never_formulas(
    county, township, village, supervisor
):
    link, cmd, _sums, at = FORMULA_PAYLOADS
    Region.objects.filter(pk=township.pk).update(name=at)
    Village.objects.filter(pk=village.pk).update(name=link, notes=cmd)
    template = build_import_template(county=county, actor=supervisor)
    assert_no_formula(template, link, cmd, at)
