"""The cell readers every import shares: what they read, what they refuse and with which words."""

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy

from core import cells
from core.cells import MAX_MONEY, MAX_QUANTITY, CellError, LostDigits

D = dt.date


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def refusal(reader, value, **options) -> str:
    with pytest.raises(CellError) as excinfo:
        reader(value, **options)
    return str(excinfo.value)


REQUIRED = "此项必填。"


# ---------------------------------------------------------------------------- text


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", " \t\n "])
def test_blank_cells(value):
    assert cells.blank(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", False, " a ", "-"])
def test_cells_that_are_not_blank(value):
    assert not cells.blank(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  张三 \u3000", "张三"),
        (12.0, "12"),  # Excel stores every number as a float
        (12.5, "12.5"),
        (370830102201, "370830102201"),
        ("第一组", "第一组"),
    ],
)
def test_text(value, expected):
    assert cells.text(value) == expected


def test_norm_folds_width_spaces_case_and_the_required_marker():
    assert cells.norm("＊Village  Code *") == cells.norm("village code") == "villagecode"
    assert cells.norm("村 代 码") == "村代码"


def test_join_uses_the_list_separator_of_the_language():
    assert cells.join([2, 3, 5]) == "2、3、5"
    with translation.override("en"):
        assert cells.join([2, 3, 5]) == "2, 3, 5"


# ---------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1200, "1200.00"),
        ("1200", "1200.00"),
        ("1,200.5", "1200.50"),
        ("¥1,200.00", "1200.00"),
        ("￥1,200.00", "1200.00"),
        ("1200元", "1200.00"),
        (" ¥ 1,200.00 元 ", "1200.00"),
        ("１，２００．５０", "1200.50"),  # full-width digits and comma
        (1199.9999999998, "1200.00"),  # a formula's binary noise
        (0.1 + 0.2, "0.30"),
        (3 * 400.1 - 0.3, "1200.00"),  # 1200.0000000000002
        (Decimal("12.3"), "12.30"),
        (0, "0.00"),
        ("-0", "0.00"),
        ("0.01", "0.01"),
        (str(MAX_MONEY), str(MAX_MONEY)),
    ],
)
def test_money_reads(value, expected):
    amount = cells.money(value)
    assert amount == Decimal(expected)
    assert str(amount) == expected  # two places, and no negative zero


MONEY = "请填写以元为单位的金额，如 85000.00。"
PLACES = "金额最多保留两位小数。"
NEGATIVE = "金额不能为负数。"
TOO_LARGE = "金额过大。"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("八万", MONEY),
        ("¥", MONEY),
        ("1200元整", MONEY),
        (True, MONEY),
        (D(2024, 1, 5), MONEY),
        (math.nan, MONEY),
        (math.inf, MONEY),
        (-math.inf, MONEY),
        ("NaN", MONEY),
        ("Infinity", MONEY),
        ("12.345", PLACES),
        ("¥1,200.005", PLACES),
        (0.125, PLACES),
        (1200.005, PLACES),
        (Decimal("0.001"), PLACES),
        ("-5", NEGATIVE),
        (-0.01, NEGATIVE),
        ("¥-1,200", NEGATIVE),
        (str(MAX_MONEY + Decimal("0.01")), TOO_LARGE),
        ("1e30", TOO_LARGE),  # too large, not a crash of Decimal's precision
        (1e300, TOO_LARGE),
        (10**40, TOO_LARGE),
    ],
)
def test_money_refuses(value, message):
    assert refusal(cells.money, value) == message


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_blank_money_is_required_unless_it_has_a_default(value):
    assert refusal(cells.money, value) == REQUIRED
    assert cells.money(value, default=Decimal("0.00")) == Decimal("0.00")


def test_signed_money():
    assert cells.money("-1,200.50", signed=True) == Decimal("-1200.50")
    assert cells.money(-0.1 - 0.2, signed=True) == Decimal("-0.30")
    too_low = str(-MAX_MONEY - Decimal("0.01"))
    assert refusal(cells.money, too_low, signed=True) == TOO_LARGE


@pytest.mark.parametrize("value", [0, "0.00", "-5"])
def test_positive_money_refuses_zero_and_below(value):
    assert refusal(cells.money, value, positive=True) == "金额必须大于 0。"


def test_money_under_a_smaller_maximum():
    assert cells.money("100.00", maximum=Decimal("100")) == Decimal("100.00")
    assert refusal(cells.money, "100.01", maximum=Decimal("100")) == TOO_LARGE


# ---------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5", "12.50"),
        ("1,250.5", "1250.50"),
        (8.25, "8.25"),
        (0.1 + 0.2, "0.30"),
        ("１２．５", "12.50"),
        (str(MAX_QUANTITY), str(MAX_QUANTITY)),
    ],
)
def test_quantity_reads(value, expected):
    assert str(cells.quantity(value, positive=True)) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("¥12", "请输入数字，例如 12.5。"),  # a currency sign is no area
        ("12元", "请输入数字，例如 12.5。"),
        (False, "请输入数字，例如 12.5。"),
        (math.nan, "请输入数字，例如 12.5。"),
        (0, "数值必须大于 0。"),
        (-3, "数值必须大于 0。"),
        ("1.001", "最多保留两位小数。"),
        (1e11, "数值过大。"),
        (None, REQUIRED),
    ],
)
def test_quantity_refuses(value, message):
    assert refusal(cells.quantity, value, positive=True) == message


def test_quantity_may_be_zero_unless_positive():
    assert cells.quantity(0) == Decimal("0.00")
    assert refusal(cells.quantity, "-1") == "数量不能为负数。"


# ---------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (320, 320),
        ("1,150", 1150),
        (" 320 ", 320),
        ("３２０", 320),
        ("+5", 5),
        (12.0, 12),
        (11.999999999998, 12),  # a formula's binary noise
        (Decimal("5"), 5),
        (2_147_483_647, 2_147_483_647),
    ],
)
def test_count_reads(value, expected):
    assert cells.count(value) == expected


WHOLE = "请填写不小于 0 的整数。"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, WHOLE),
        (11.99, WHOLE),
        ("1.5", WHOLE),
        ("12.0", WHOLE),
        ("很多", WHOLE),
        (True, WHOLE),
        (math.nan, WHOLE),
        (math.inf, WHOLE),
        (Decimal("1.5"), WHOLE),
        (Decimal("NaN"), WHOLE),
        (D(2024, 1, 5), WHOLE),
        (-1, "数量不能为负数。"),
        ("-3", "数量不能为负数。"),
    ],
)
def test_count_refuses(value, message):
    assert refusal(cells.count, value) == message


def test_count_blank_and_maximum():
    assert refusal(cells.count, None) == REQUIRED
    assert cells.count(" ", default=0) == 0
    assert cells.count(100, maximum=100) == 100
    assert refusal(cells.count, 101, maximum=100) == "数值过大。"
    assert refusal(cells.count, 1e20, maximum=2_147_483_647) == "数值过大。"


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2024, 1, 5, 8, 30),
        D(2024, 1, 5),
        "2024-01-05",
        "2024-1-5",
        "2024/1/5",
        "2024.1.5",
        "2024年1月5日",
        "2024年1月5",
        " 2024 年 1 月 5 日 ",
        "２０２４－０１－０５",
        "２０２４年１月５日",
        "20240105",
        20240105,
        20240105.0,
        45296,  # the day number of a date cell that lost its format
        45296.0,
        45296.75,  # with a time of day
        45296.99999999999,  # a formula's noise just before midnight
        "2024-01-05 00:00:00",
        "2024/1/5 8:30",
    ],
)
def test_date_reads(value):
    assert cells.date(value) == D(2024, 1, 5)


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),  # after Excel's fake 1900-02-29
        (43891, D(2020, 3, 1)),
        (73415, D(2100, 12, 31)),
    ],
)
def test_date_reads_excel_day_numbers(serial, day):
    assert cells.date(serial) == day


DATE = "请填写日期，如 2024-01-05（也可写 2024/1/5 或 2024年1月5日）。"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (60, "日期 1900-02-29 不存在。"),  # Lotus 1-2-3's leap day, kept by Excel
        (0, DATE),
        (-1, DATE),
        (0.5, DATE),  # a time of day without a date
        (73416, DATE),  # 2101-01-01
        (2958466, DATE),  # beyond Excel's 9999-12-31
        (1e20, DATE),
        (math.nan, DATE),
        (math.inf, DATE),
        (True, DATE),
        (dt.time(8, 30), DATE),
        ("2024-02-30", "日期 2024-02-30 不存在。"),
        ("2023-02-29", "日期 2023-02-29 不存在。"),
        ("2024-13-01", "日期 2024-13-01 不存在。"),
        ("20241301", "日期 20241301 不存在。"),
        (20241301, "日期 20241301 不存在。"),
        ("1850-01-01", DATE),
        ("2101-01-01", DATE),
        (D(1899, 12, 31), DATE),
        ("下个月", DATE),
        ("45296", DATE),  # a day number typed as text is not a date
        ("2024-1", DATE),
        ("202415", DATE),
        ("5/1/2024", DATE),  # day and month order is ambiguous
    ],
)
def test_date_refuses(value, message):
    assert refusal(cells.date, value) == message


def test_date_reads_the_real_leap_day():
    assert cells.date("2024-02-29") == D(2024, 2, 29)
    assert cells.date("2000年2月29日") == D(2000, 2, 29)


def test_blank_date_is_required_unless_it_has_a_default():
    assert refusal(cells.date, " ") == REQUIRED
    assert cells.date(None, default=D(2024, 1, 1)) == D(2024, 1, 1)


# ---------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    "value",
    [
        "370830102201",
        " 370830102201 ",
        "'370830102201",  # Excel's marker of a number kept as text
        "３７０８３０１０２２０１",
        "3708 3010 2201",
        370830102201,
        370830102201.0,
        "3.70830102201E+11",  # copied from Excel's display, every digit shown
        "3.70830102201e11",
    ],
)
def test_code_digits_reads(value):
    assert cells.code_digits(value) == "370830102201"


def test_code_digits_keeps_leading_zeros_of_text():
    assert cells.code_digits("0103") == "0103"
    assert cells.code_digits(103) == "103"  # the number lost it: the caller knows the length


LOST = "Excel 把此代码存成了数字并丢失了部分位数，请将该列设为文本格式后重新填写代码。"


@pytest.mark.parametrize(
    "value",
    [
        "3.7083E+11",  # the display dropped seven digits
        "3.708301022015E+11",  # more digits than the exponent: not a whole code
        370830102201234567.0,  # beyond the 15 digits a double holds
        1e15,
        3708.5,
        math.inf,
        math.nan,
    ],
)
def test_code_digits_refuses_lost_digits(value):
    with pytest.raises(LostDigits) as excinfo:
        cells.code_digits(value)
    assert str(excinfo.value) == LOST


@pytest.mark.parametrize("value", ["37083010220X", "-1", "12a", True, "3708-3010", "١٢٣"])
def test_code_digits_refuses_what_is_not_digits(value):
    assert refusal(cells.code_digits, value) == "代码只能由数字 0-9 组成。"


def test_code_digits_refuses_a_blank_cell():
    assert refusal(cells.code_digits, None) == REQUIRED


# ---------------------------------------------------------------------------- yes and no


@pytest.mark.parametrize(
    "value", ["是", " 是 ", "√", "✓", "Y", "y", "yes", "YES", "true", "TRUE", "1", 1, 1.0, True]
)
def test_yes(value):
    assert cells.yes_no(value) is True


@pytest.mark.parametrize(
    "value", ["否", "×", "✗", "N", "no", "false", "False", "0", 0, 0.0, False, "０"]
)
def test_no(value):
    assert cells.yes_no(value) is False


@pytest.mark.parametrize("value", ["也许", "是的吧", 2, 0.5, -1, "10", D(2024, 1, 5)])
def test_yes_no_refuses(value):
    assert refusal(cells.yes_no, value) == "请填写“是”或“否”（也可填 Y/N 或 1/0）。"


def test_yes_no_blank_and_the_words_of_english():
    assert refusal(cells.yes_no, "") == REQUIRED
    assert cells.yes_no(None, default=False) is False
    with translation.override("en"):
        assert cells.yes_no_words() == ("Yes", "No")
        assert "Enter yes or no" in refusal(cells.yes_no, "maybe")


# ---------------------------------------------------------------------------- choices


class Code(models.TextChoices):
    VILLAGE = "village", gettext_lazy("Village code")
    OTHER = "other", "Other"


def test_choice_reads_labels_in_either_language_values_and_synonyms():
    read = cells.Choice(Code, {"村编码": Code.VILLAGE})
    for typed in ("村代码", " 村 代码 ", "Village code", "VILLAGE CODE", "village", "村编码"):
        assert read(typed) == "village", typed
    assert read("村、代码") == "village"  # punctuation is ignored: 书记、主任 = 书记主任
    with translation.override("en"):
        assert read("村代码") == "village"
        assert read("Other") == "other"


def test_choice_refuses_what_it_does_not_know():
    read = cells.Choice(Code)
    assert refusal(read, "飞船") == "请从以下选项中选择：村代码、Other。"
    assert refusal(read, None) == REQUIRED
    assert read(None, default="other") == "other"


# ---------------------------------------------------------------------------- the exception


def test_every_refusal_is_one_exception_type_that_is_a_value_error():
    # Imports catch CellError; ValueError keeps a reader usable where a ValueError is expected.
    assert issubclass(LostDigits, CellError) and issubclass(CellError, ValueError)
