"""The shared validators at their boundaries (tests/test_validation.py checks that every form
and serializer of the apps uses them)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import override_settings
from rest_framework import serializers

from core.api import CleanSerializer
from core.dates import today
from core.forms import CleanForm
from core.validators import (
    check_not_before,
    check_period_year,
    check_reason,
    check_same_village,
    check_year,
    validate_multiline_text,
    validate_text,
)

D = dt.date
NEXT_YEAR = today().year + 1


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------- text

#: one character of each class that is refused everywhere
REFUSED_EVERYWHERE = {
    "NUL": "\x00",
    "C0 (SOH)": "\x01",
    "C0 (bell)": "\x07",
    "C0 (backspace)": "\x08",
    "C0 (vertical tab)": "\x0b",
    "C0 (form feed)": "\x0c",
    "C0 (escape)": "\x1b",
    "C0 (unit separator)": "\x1f",
    "DEL": "\x7f",
    "C1 (first)": "\x80",
    "C1 (next line)": "\x85",
    "C1 (last)": "\x9f",
}


@pytest.mark.parametrize("char", REFUSED_EVERYWHERE.values(), ids=REFUSED_EVERYWHERE.keys())
def test_control_characters_are_refused_in_any_text(char):
    for validator in (validate_text, validate_multiline_text):
        with pytest.raises(ValidationError) as refused:
            validator(f"违纪{char}事实")
        assert refused.value.code == "control_characters"
        assert f"U+{ord(char):04X}" in messages(refused.value)
        assert "控制字符" in messages(refused.value)


@pytest.mark.parametrize("char", ["\n", "\t", "\r"])
def test_line_breaks_and_tabs_only_in_multiline_text(char):
    validate_multiline_text(f"第一行{char}第二行")
    with pytest.raises(ValidationError):
        validate_text(f"第一行{char}第二行")


@pytest.mark.parametrize(
    "text",
    ["村规民约未修订", "Ｆｕｌｌ－ｗｉｄｔｈ　全角", "no\u00a0break (U+00A0, after C1)", "~ 0x7e"],
)
def test_ordinary_text_passes(text):
    validate_text(text)
    validate_multiline_text(text)


def test_a_form_checks_every_text_field_even_one_added_in_init():
    class Form(CleanForm):
        name = forms.CharField(max_length=30)
        notes = forms.CharField(widget=forms.Textarea)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["later"] = forms.CharField(required=False)

    assert Form({"name": "李四", "notes": "一\r\n二\t三"}).is_valid()
    form = Form({"name": "李\n四", "notes": "一\x01二", "later": "\x1b[31m"})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "notes", "later"}
    assert "控制字符" in form.errors["notes"][0]


def test_a_serializer_checks_nested_and_listed_text():
    class Line(CleanSerializer):
        summary = serializers.CharField(max_length=100)

    class Body(CleanSerializer):
        reason = serializers.CharField()
        code = serializers.CharField(max_length=12)
        lines = Line(many=True)
        tags = serializers.ListField(child=serializers.CharField(max_length=10))

    good = {"reason": "一\n二", "code": "1", "lines": [{"summary": "摘要"}], "tags": ["甲"]}
    assert Body(data=good).is_valid()
    bad = {"reason": "违\x85纪", "code": "1\t2", "lines": [{"summary": "\x7f"}], "tags": ["\x01"]}
    bad = Body(data=bad)
    assert not bad.is_valid()
    assert set(bad.errors) == {"reason", "code", "lines", "tags"}


# ---------------------------------------------------------------------------- reasons


@pytest.mark.parametrize("reason", ["", "   ", "0", "x", "违", "00", "..", "1 2"])
def test_meaningless_reasons_are_refused(reason):
    with pytest.raises(ValidationError) as refused:
        check_reason(reason)
    assert list(refused.value.message_dict) == ["reason"]
    assert "请用文字说明理由，至少2个字。" in messages(refused.value)


def test_a_reason_in_words_is_kept_stripped():
    assert check_reason("  违纪 ") == "违纪"
    assert check_reason("ok", field="reasons") == "ok"
    with pytest.raises(ValidationError) as refused:
        check_reason("违纪\x00", field="reasons")
    assert list(refused.value.message_dict) == ["reasons"]


# ---------------------------------------------------------------------------- dates


def test_a_date_before_the_start_of_the_record_is_refused():
    issued = D(2026, 9, 8)
    with pytest.raises(ValidationError) as refused:
        check_not_before(issued - dt.timedelta(days=1), issued, field="on", what="发证日期")
    assert refused.value.message_dict == {"on": ["日期不能早于发证日期（2026年9月8日）。"]}
    check_not_before(issued, issued, field="on", what="发证日期")  # the issue day itself


@override_settings(FIRST_RECORD_YEAR=2020)
def test_years_run_from_the_first_record_year_to_next_year():
    for year in (2020, today().year, NEXT_YEAR):
        assert check_year(year) == year
    for year in (2019, NEXT_YEAR + 1, 2014, 0):
        with pytest.raises(ValidationError) as refused:
            check_year(year, field="period")
        assert refused.value.message_dict == {
            "period": [f"请选择2020年至{NEXT_YEAR}年之间的年份。"]
        }


@override_settings(FIRST_RECORD_YEAR=2020)
def test_periods_follow_their_year():
    # Any period with a year (supervision.periods.Period, which core may not import).
    check_period_year(SimpleNamespace(year=2020))
    check_period_year(SimpleNamespace(year=NEXT_YEAR))
    for year in (2019, NEXT_YEAR + 1, 2018):
        with pytest.raises(ValidationError):
            check_period_year(SimpleNamespace(year=year))


# ---------------------------------------------------------------------------- references


def test_a_reference_to_another_village_is_refused():
    check_same_village(1, 1, field="village", what="审计发现")
    check_same_village(None, 2, field="village", what="审计发现")
    with pytest.raises(ValidationError) as refused:
        check_same_village(1, 2, field="village", what="审计发现")
    assert refused.value.message_dict == {"village": ["所选审计发现属于另一个村。"]}


def test_an_excel_cell_with_control_characters_is_refused():
    from core.cells import CellError, text

    assert text("第一行\n第二行 ") == "第一行\n第二行"
    with pytest.raises(CellError, match="U\\+0007"):
        text("报销\x07凭证")
