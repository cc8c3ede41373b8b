"""The Excel import of opening balances and vouchers: all or nothing, errors by sheet, row and
column, the template's round trip and the page's rights."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from ledgers import services
from ledgers.choices import VoucherState
from ledgers.imports import (
    LedgerImportError,
    build_ledger_import_template,
    import_assets,
    import_opening_balances,
    import_resources,
    import_vouchers,
)
from ledgers.models import Account, Asset, OpeningBalance, Resource, Voucher, VoucherLine
from villages.choices import RoleKind
from villages.tests.factories import ContactAssignmentFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date

BAL_HEAD = ["科目编码", "科目名称", "借方余额", "贷方余额"]
VOU_HEAD = ["凭证号", "日期", "摘要", "科目编码", "借方金额", "贷方金额", "往来单位"]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def draft_verification(chart, village, clerk):
    return services.verification_start(actor=clerk, village=village, as_of=D(2025, 12, 31))


def workbook(balances=None, vouchers=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "期初余额"
    ws.append(BAL_HEAD)
    for row in balances or []:
        ws.append(row)
    ws = wb.create_sheet("凭证")
    ws.append(VOU_HEAD)
    for row in vouchers or []:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD_BALANCES = [
    ["101", "库存现金", 10000, None],
    ["102", "银行存款", "90000.50", None],
    ["301", "资本", None, 100000.5],
]
GOOD_VOUCHERS = [
    ["1", "2026-01-10", "收取承包费", "101", 500, None, "张三"],
    ["1", None, None, "501", None, 500, "张三"],
    ["2", D(2026, 1, 5), "付办公费", "513", "80.20", None, ""],
    ["2", D(2026, 1, 5), None, "101", None, "80.20", ""],
]


def errors_of(excinfo):
    return [(e.sheet, e.row, e.column, e.message) for e in excinfo.value.errors]


def snapshot():
    return (
        list(OpeningBalance.objects.values_list("account__code", "debit", "credit")),
        Voucher.objects.count(),
        VoucherLine.objects.count(),
    )


# ---------------------------------------------------------------- opening balances


def test_balances_happy_path(clerk, village, draft_verification):
    result = import_opening_balances(actor=clerk, village=village, file=workbook(GOOD_BALANCES))
    assert result.balances == 3
    assert result.debit == result.credit == Decimal("100000.50")
    rows = dict(
        (code, (d, c))
        for code, d, c in draft_verification.balances.values_list(
            "account__code", "debit", "credit"
        )
    )
    assert rows == {
        "101": (Decimal("10000.00"), Decimal("0.00")),
        "102": (Decimal("90000.50"), Decimal("0.00")),
        "301": (Decimal("0.00"), Decimal("100000.50")),
    }


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["999", "", 5, None], ["301", "", None, 5]],
            [("期初余额", 2, "科目编码", "科目 999 不在本县的会计科目表中。")],
        ),
        (
            [["101", "", 5, 5], ["301", "", None, 0]],
            [("期初余额", 2, "贷方余额", "只能填写一方：借方或贷方，不能同时填写。")],
        ),
        (
            [["101", "", 5, None], ["101", "", 5, None], ["301", "", None, 10]],
            [("期初余额", 3, "科目编码", "科目 101 已在第 2 行。")],
        ),
        (
            [["101", "", 5, None], ["301", "", None, 6]],
            [("期初余额", None, "", "借方合计（5.00）与贷方合计（6.00）不相等：余额不平衡。")],
        ),
        (
            [["101", "", "1.005", None], ["301", "", None, -1]],
            [
                ("期初余额", 2, "借方余额", "金额最多保留两位小数。"),
                ("期初余额", 3, "贷方余额", "金额不能为负数。"),
            ],
        ),
    ],
    ids=["unknown-account", "both-sides", "duplicate", "unbalanced", "bad-amounts"],
)
def test_balances_bad_input_writes_nothing(clerk, village, draft_verification, rows, expected):
    import_opening_balances(actor=clerk, village=village, file=workbook(GOOD_BALANCES))
    before = snapshot()
    with pytest.raises(LedgerImportError) as excinfo:
        import_opening_balances(actor=clerk, village=village, file=workbook(rows))
    assert errors_of(excinfo) == expected
    assert snapshot() == before


def test_balances_need_a_draft_verification(clerk, insider, village, chart):
    with pytest.raises(LedgerImportError) as excinfo:
        import_opening_balances(actor=clerk, village=village, file=workbook(GOOD_BALANCES))
    assert "尚未开始清理认定" in excinfo.value.errors[0].message
    verification = services.verification_start(actor=clerk, village=village, as_of=D(2025, 12, 31))
    services.verification_confirm(actor=insider, verification=verification)
    with pytest.raises(LedgerImportError) as excinfo:
        import_opening_balances(actor=clerk, village=village, file=workbook(GOOD_BALANCES))
    assert "已确认" in excinfo.value.errors[0].message


def test_balances_refuse_an_outsider(outsider, village, draft_verification):
    with pytest.raises(PermissionDenied):
        import_opening_balances(actor=outsider, village=village, file=workbook(GOOD_BALANCES))


# ---------------------------------------------------------------- vouchers


def test_vouchers_happy_path_creates_drafts_in_date_order(clerk, village, open_books):
    result = import_vouchers(actor=clerk, village=village, file=workbook(vouchers=GOOD_VOUCHERS))
    assert (result.vouchers, result.lines) == (2, 4)
    first, second = Voucher.objects.filter(village=village).order_by("number")
    assert (first.date, first.summary, first.state) == (
        D(2026, 1, 5),
        "付办公费",
        VoucherState.DRAFT,
    )
    assert (second.date, second.summary) == (D(2026, 1, 10), "收取承包费")
    assert [
        (ln.account.code, ln.debit, ln.credit, ln.counterparty) for ln in second.lines.all()
    ] == [
        ("101", Decimal("500.00"), Decimal("0.00"), "张三"),
        ("501", Decimal("0.00"), Decimal("500.00"), "张三"),
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["1", "2026-01-10", "x", "101", 5, None, ""], ["1", None, None, "999", None, 5, ""]],
            [("凭证", 3, "科目编码", "科目 999 不在本县的会计科目表中。")],
        ),
        (
            [["1", "2026-01-10", "x", "101", 5, 5, ""], ["1", None, None, "501", None, 5, ""]],
            [("凭证", 2, "贷方金额", "只能填写一方：借方或贷方，不能同时填写。")],
        ),
        (
            [["1", "2026-01-10", "x", "101", 5, None, ""], ["1", None, None, "501", None, 4, ""]],
            [("凭证", 2, "凭证号", "凭证 1：借方（5.00）与贷方（4.00）不相等。")],
        ),
        (
            [["1", "2026-13-40", "x", "101", 5, None, ""], ["1", None, None, "501", None, 5, ""]],
            [("凭证", 2, "日期", "日期 2026-13-40 不存在。")],
        ),
        (
            [["1", "2025-12-30", "x", "101", 5, None, ""], ["1", None, None, "501", None, 5, ""]],
            [("凭证", 2, "日期", "凭证 1 的日期在清理认定日期 2025-12-31 当天或之前。")],
        ),
        (
            [["1", "2026-01-10", "x", "101", 5, None, ""]],
            [("凭证", 2, "凭证号", "凭证 1 只有一行；一张凭证至少有一个借方和一个贷方。")],
        ),
    ],
    ids=[
        "unknown-account",
        "both-sides",
        "unbalanced",
        "bad-date",
        "before-verification",
        "one-row",
    ],
)
def test_vouchers_bad_input_writes_nothing(clerk, village, open_books, rows, expected):
    # A good voucher in the same file is not written either: all or nothing.
    good = [["9", "2026-02-01", "y", "101", 1, None, ""], ["9", None, None, "501", None, 1, ""]]
    before = snapshot()
    with pytest.raises(LedgerImportError) as excinfo:
        import_vouchers(actor=clerk, village=village, file=workbook(vouchers=rows + good))
    assert errors_of(excinfo) == expected
    assert snapshot() == before


# The cells are read by core.cells, as in the tree and cadre imports.
EXCEL_DAY_2026_01_10 = 46032  # a date cell that lost its date format shows Excel's day number


def test_vouchers_read_amounts_and_dates_the_way_the_other_imports_do(clerk, village, open_books):
    rows = [
        ["1", EXCEL_DAY_2026_01_10, "收取承包费", "101", "¥1,200.00", None, ""],
        ["1", None, None, "501", None, "1200元", ""],
        # A formula's binary noise is the cent it stands for, not a third decimal.
        ["2", "2026年1月12日", "付电费", "513", 1199.9999999998, None, ""],
        ["2", None, None, "101", None, "１，２００．００", ""],
    ]
    result = import_vouchers(actor=clerk, village=village, file=workbook(vouchers=rows))
    assert (result.vouchers, result.lines) == (2, 4)
    lines = VoucherLine.objects.filter(voucher__village=village).order_by("voucher__date", "id")
    assert [(ln.voucher.date, ln.account.code, ln.debit, ln.credit) for ln in lines] == [
        (D(2026, 1, 10), "101", Decimal("1200.00"), Decimal("0.00")),
        (D(2026, 1, 10), "501", Decimal("0.00"), Decimal("1200.00")),
        (D(2026, 1, 12), "513", Decimal("1200.00"), Decimal("0.00")),
        (D(2026, 1, 12), "101", Decimal("0.00"), Decimal("1200.00")),
    ]


def test_vouchers_refuse_a_third_decimal_naming_sheet_row_and_column(clerk, village, open_books):
    rows = [
        ["1", "2026-01-10", "x", "101", "¥1,200.005", None, ""],
        ["1", None, None, "501", None, 1200.005, ""],
    ]
    with pytest.raises(LedgerImportError) as excinfo:
        import_vouchers(actor=clerk, village=village, file=workbook(vouchers=rows))
    assert errors_of(excinfo) == [
        ("凭证", 2, "借方金额", "金额最多保留两位小数。"),
        ("凭证", 3, "贷方金额", "金额最多保留两位小数。"),
    ]
    assert [str(e) for e in excinfo.value.errors] == [
        "凭证 · 第 2 行 · 借方金额: 金额最多保留两位小数。",
        "凭证 · 第 3 行 · 贷方金额: 金额最多保留两位小数。",
    ]
    assert Voucher.objects.count() == 0


def test_balances_read_currency_signs_and_formula_noise(clerk, village, draft_verification):
    rows = [
        ["101", "", "¥1,200.00", None],
        ["301", "", None, 3 * 400.1 - 0.3],
    ]  # 1200.0000000000002
    result = import_opening_balances(actor=clerk, village=village, file=workbook(rows))
    assert result.debit == result.credit == Decimal("1200.00")


def test_vouchers_refuse_a_contact_cadre(township, village, open_books):
    contact = UserFactory(username="contact")
    StaffRoleFactory(user=contact, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=contact, village=village)
    with pytest.raises(PermissionDenied):
        import_vouchers(actor=contact, village=village, file=workbook(vouchers=GOOD_VOUCHERS))


# ---------------------------------------------------------------- template round trip


def test_template_round_trip(clerk, village, draft_verification):
    content = build_ledger_import_template(village=village)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["期初余额", "凭证", "资产", "资源", "说明"]
    assert [c.value for c in wb["资产"][1]] == ASSET_HEAD
    assert [c.value for c in wb["资源"][1]] == RESOURCE_HEAD
    assert [c.value for c in wb["期初余额"][1]] == BAL_HEAD
    assert [c.value for c in wb["凭证"][1]] == VOU_HEAD
    assert wb["期初余额"].column_dimensions["A"].number_format == "@"
    listed = [r[0] for r in wb["说明"].iter_rows(values_only=True)]
    assert "101" in listed and "501" in listed
    for row in GOOD_BALANCES:
        wb["期初余额"].append(row)
    for row in GOOD_VOUCHERS:
        wb["凭证"].append(row)
    out = io.BytesIO()
    wb.save(out)
    assert import_opening_balances(actor=clerk, village=village, file=out.getvalue()).balances == 3
    assert import_vouchers(actor=clerk, village=village, file=out.getvalue()).vouchers == 2


# ---------------------------------------------------------------- the page


def test_page_rights(client, village, township, clerk, insider, outsider, supervisor, chart):
    contact = UserFactory(username="contact")
    StaffRoleFactory(user=contact, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=contact, village=village)
    urls = [
        reverse("ledgers:ledger-import", args=[village.code]),
        reverse("ledgers:ledger-import-template", args=[village.code]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
        for user, status in (
            (outsider, 404),
            (contact, 403),
            (clerk, 200),
            (insider, 200),
            (supervisor, 200),
        ):
            client.force_login(user)
            assert client.get(url).status_code == status, (url, user)
        client.logout()
    client.force_login(contact)
    assert client.post(urls[0], {"kind": "vouchers"}).status_code == 403


def test_page_imports_and_shows_errors(client, village, clerk, open_books):
    client.force_login(clerk)
    url = reverse("ledgers:ledger-import", args=[village.code])
    ledger = client.get(reverse("ledgers:village-ledger", args=[village.code]))
    assert url in ledger.content.decode()
    bad = [["1", "2026-01-10", "x", "101", 5, None, ""], ["1", None, None, "501", None, 4, ""]]
    response = client.post(
        url,
        {
            "kind": "vouchers",
            "vouchers-file": SimpleUploadedFile("v.xlsx", workbook(vouchers=bad)),
        },
    )
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in response.content.decode()
    assert Voucher.objects.count() == 0
    response = client.post(
        url,
        {
            "kind": "vouchers",
            "vouchers-file": SimpleUploadedFile("v.xlsx", workbook(vouchers=GOOD_VOUCHERS)),
        },
    )
    assert response.status_code == 302
    assert Voucher.objects.filter(village=village, state=VoucherState.DRAFT).count() == 2


# ---------------------------------------------------------------- asset and resource registers

ASSET_HEAD = [
    "类别",
    "名称",
    "数量",
    "单位",
    "原值（元）",
    "取得日期",
    "资金来源",
    "坐落位置",
    "保管人",
    "备注",
]
RESOURCE_HEAD = [
    "地类编码",
    "名称或地块号",
    "面积（亩）",
    "坐落",
    "东至",
    "南至",
    "西至",
    "北至",
    "备注",
]
GOOD_ASSETS = [
    ["房屋及建筑物", "村委会办公楼", 1, "栋", 350000, "2015-06-01", "财政补助", "村部", "李四", ""],
    ["机器设备", "抽水泵", "2", None, "1200.50", D(2020, 3, 1), "集体自有资金", None, None, "旧"],
]
GOOD_RESOURCES = [
    ["0103", "东坡旱地", "12.5", "东坡", "河", "路", "山", "村道", ""],
    [103, "西洼旱地", 3, None, None, None, None, None, "Excel 吞掉了 0"],
    ["1104", "大塘", 8.25, "村南", None, None, None, None, None],
]


def sheet_book(name, head, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    ws.append(head)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_assets_happy_path(clerk, village, chart):
    file = sheet_book("资产", ASSET_HEAD, GOOD_ASSETS)
    assert import_assets(actor=clerk, village=village, file=file).count == 2
    rows = list(
        Asset.objects.filter(village=village)
        .order_by("category")
        .values_list(
            "category",
            "name",
            "quantity",
            "unit",
            "original_value",
            "acquired_on",
            "funding_source",
            "location",
            "custodian",
            "notes",
            "area_code",
        )
    )
    assert rows == [
        (
            "building",
            "村委会办公楼",
            Decimal("1.00"),
            "栋",
            Decimal("350000.00"),
            D(2015, 6, 1),
            "grant",
            "村部",
            "李四",
            "",
            village.code,
        ),
        (
            "machinery",
            "抽水泵",
            Decimal("2.00"),
            "项",
            Decimal("1200.50"),
            D(2020, 3, 1),
            "collective",
            "",
            "",
            "旧",
            village.code,
        ),
    ]


def test_assets_read_currency_signs_serial_dates_and_english_labels(clerk, village, chart):
    rows = [
        [
            "Machinery and equipment",
            "水泵",
            2.0000000000000004,
            "台",
            "1,200元",
            43891,
            "集体自有资金",
        ]
        + [None] * 3,
        ["机器设备", "水泵", "2", "台", 1199.9999999998, "2020年3月1日", "Donation"] + [None] * 3,
    ]
    file = sheet_book("资产", ASSET_HEAD, rows)
    assert import_assets(actor=clerk, village=village, file=file).count == 2
    assert sorted(
        Asset.objects.values_list(
            "category", "quantity", "original_value", "acquired_on", "funding_source"
        )
    ) == [
        ("machinery", Decimal("2.00"), Decimal("1200.00"), D(2020, 3, 1), "collective"),
        ("machinery", Decimal("2.00"), Decimal("1200.00"), D(2020, 3, 1), "donation"),
    ]


def test_resources_happy_path(clerk, village, chart):
    file = sheet_book("资源", RESOURCE_HEAD, GOOD_RESOURCES)
    assert import_resources(actor=clerk, village=village, file=file).count == 3
    rows = list(
        Resource.objects.filter(village=village)
        .order_by("land_kind", "name")
        .values_list("land_kind", "name", "area_mu", "location", "east", "north")
    )
    assert rows == [
        ("0103", "东坡旱地", Decimal("12.50"), "东坡", "河", "村道"),
        ("0103", "西洼旱地", Decimal("3.00"), "", "", ""),
        ("1104", "大塘", Decimal("8.25"), "村南", "", ""),
    ]


def _asset(**changes):
    row = dict(zip(ASSET_HEAD, GOOD_ASSETS[0], strict=True))
    row.update(changes)
    return list(row.values())


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (_asset(类别="飞船"), "类别", "请从以下选项中选择："),
        (_asset(资金来源="捡的"), "资金来源", "请从以下选项中选择："),
        (_asset(名称=None), "名称", "此项必填。"),
        (_asset(数量=0), "数量", "数值必须大于 0。"),
        (_asset(**{"原值（元）": "12.345"}), "原值（元）", "金额最多保留两位小数。"),
        (_asset(**{"原值（元）": "很多"}), "原值（元）", "请填写以元为单位的金额"),
        (_asset(取得日期="2020-02-30"), "取得日期", "日期 2020-02-30 不存在。"),
        (_asset(取得日期="2099-01-01"), "取得日期", "日期不能晚于今天。"),
    ],
    ids=["category", "funding", "name", "quantity", "decimals", "number", "date", "future"],
)
def test_assets_bad_row_writes_nothing(clerk, village, chart, row, column, message):
    file = sheet_book("资产", ASSET_HEAD, [GOOD_ASSETS[1], row])
    with pytest.raises(LedgerImportError) as excinfo:
        import_assets(actor=clerk, village=village, file=file)
    ((sheet, row_no, col, msg),) = errors_of(excinfo)
    assert (sheet, row_no, col) == ("资产", 3, column)
    assert msg.startswith(message)
    assert Asset.objects.count() == 0


def _resource(**changes):
    row = dict(zip(RESOURCE_HEAD, GOOD_RESOURCES[0], strict=True))
    row.update(changes)
    return list(row.values())


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (_resource(地类编码="9999"), "地类编码", "9999 不是有效的 GB/T 21010 地类编码。"),
        (_resource(地类编码=None), "地类编码", "此项必填。"),
        (_resource(名称或地块号=" "), "名称或地块号", "此项必填。"),
        (_resource(**{"面积（亩）": -3}), "面积（亩）", "数值必须大于 0。"),
        (_resource(**{"面积（亩）": "1.001"}), "面积（亩）", "最多保留两位小数。"),
        (_resource(**{"面积（亩）": None}), "面积（亩）", "此项必填。"),
        (_resource(东至="长" * 61), "东至", "最多 60 个字符。"),
    ],
    ids=["code", "no-code", "name", "negative", "decimals", "no-area", "too-long"],
)
def test_resources_bad_row_writes_nothing(clerk, village, chart, row, column, message):
    file = sheet_book("资源", RESOURCE_HEAD, [GOOD_RESOURCES[2], row])
    with pytest.raises(LedgerImportError) as excinfo:
        import_resources(actor=clerk, village=village, file=file)
    assert errors_of(excinfo) == [("资源", 3, column, message)]
    assert Resource.objects.count() == 0


def test_registers_refuse_a_reader(outsider, village, chart):
    with pytest.raises(PermissionDenied):
        import_assets(
            actor=outsider, village=village, file=sheet_book("资产", ASSET_HEAD, GOOD_ASSETS)
        )
    with pytest.raises(PermissionDenied):
        import_resources(
            actor=outsider, village=village, file=sheet_book("资源", RESOURCE_HEAD, GOOD_RESOURCES)
        )


def test_template_registers_round_trip(clerk, village, chart):
    wb = openpyxl.load_workbook(io.BytesIO(build_ledger_import_template(village=village)))
    assert wb["资源"].column_dimensions["A"].number_format == "@"
    for row in GOOD_ASSETS:
        wb["资产"].append(row)
    for row in GOOD_RESOURCES:
        wb["资源"].append(row)
    out = io.BytesIO()
    wb.save(out)
    assert import_assets(actor=clerk, village=village, file=out.getvalue()).count == 2
    assert import_resources(actor=clerk, village=village, file=out.getvalue()).count == 3


def test_page_imports_registers(client, village, clerk, chart):
    client.force_login(clerk)
    url = reverse("ledgers:ledger-import", args=[village.code])
    page = client.get(url).content.decode()
    assert 'data-testid="import-assets"' in page and 'data-testid="import-resources"' in page
    bad = [_resource(**{"面积（亩）": 0})]
    response = client.post(
        url,
        {
            "kind": "resources",
            "resources-file": SimpleUploadedFile("r.xlsx", sheet_book("资源", RESOURCE_HEAD, bad)),
        },
    )
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in response.content.decode()
    assert Resource.objects.count() == 0
    response = client.post(
        url,
        {
            "kind": "assets",
            "assets-file": SimpleUploadedFile(
                "a.xlsx", sheet_book("资产", ASSET_HEAD, GOOD_ASSETS)
            ),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("ledgers:asset-list", args=[village.code])
    assert Asset.objects.filter(village=village).count() == 2


# ---------------------------------------------------------------- the API


def test_api_imports_vouchers_all_or_nothing_and_scoped(api, village, clerk, outsider, open_books):
    url = "/api/v1/ledger-imports/"

    def post(user, rows):
        api.force_authenticate(user)
        upload = SimpleUploadedFile("v.xlsx", workbook(vouchers=rows))
        return api.post(
            url, {"village": village.code, "kind": "vouchers", "file": upload}, format="multipart"
        )

    bad = [["1", "2026-01-10", "x", "101", 5, None, ""], ["1", None, None, "501", None, 4, ""]]
    refused = post(clerk, bad)
    assert refused.status_code == 400 and refused.json()["errors"]
    assert {"sheet", "row", "column", "message"} <= set(refused.json()["errors"][0])
    assert Voucher.objects.count() == 0
    assert post(outsider, GOOD_VOUCHERS).status_code == 404
    done = post(clerk, GOOD_VOUCHERS)
    assert done.status_code == 201 and done.json() == {"vouchers": "2", "lines": "4"}
    assert Voucher.objects.filter(village=village, state=VoucherState.DRAFT).count() == 2
    api.force_authenticate(None)
    assert api.post(url, {}, format="multipart").status_code in (401, 403)


def test_template_writes_account_names_as_text_never_formulas(village, chart):
    link = FORMULA_PAYLOADS[0]
    Account.objects.filter(pk=chart["cash"].pk).update(name=link)
    assert_no_formula(build_ledger_import_template(village=village), link)
