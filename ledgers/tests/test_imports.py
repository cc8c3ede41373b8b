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

from ledgers import services
from ledgers.choices import VoucherState
from ledgers.imports import (
    LedgerImportError,
    build_ledger_import_template,
    import_opening_balances,
    import_vouchers,
)
from ledgers.models import OpeningBalance, Voucher, VoucherLine
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
            [("凭证", 2, "日期", "请输入日期，例如 2026-01-10。")],
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
    assert wb.sheetnames == ["期初余额", "凭证", "说明"]
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
