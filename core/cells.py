"""Readers of single Excel cells, shared by every import.

Staff type cells by hand and Excel changes what they typed, so reading is forgiving wherever no
meaning is lost: full-width digits and punctuation, thousands separators, ¥ and 元, a formula's
binary noise (1199.9999999998 is 1200.00), the day number of a date cell that lost its format,
codes that Excel turned into numbers. Anything that could mean two things is refused with a
CellError whose translated message the import reports on the cell's sheet, row and column.

The readers are pure: no database, no clock. A blank cell is refused ("This cell is required.")
unless the reader is given a `default`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .validators import validate_multiline_text

__all__ = [
    "MAX_MONEY",
    "MAX_QUANTITY",
    "CellError",
    "Choice",
    "LostDigits",
    "aliases",
    "blank",
    "code_digits",
    "code_text",
    "count",
    "date",
    "is_scientific",
    "join",
    "money",
    "norm",
    "quantity",
    "squeeze",
    "text",
    "yes_no",
    "yes_no_words",
]

CENT = Decimal("0.01")
# The ledger's money columns hold 16 digits with 2 decimals.
MAX_MONEY = Decimal("99999999999999.99")
# Quantities and areas (亩) hold 12 digits with 2 decimals.
MAX_QUANTITY = Decimal("9999999999.99")
# A float this close to a whole cent is that cent: a formula's binary rounding, not a decimal.
NOISE = Decimal("0.000001")
# Dates outside these years are typing mistakes (or a count pasted into a date column).
FIRST_YEAR, LAST_YEAR = 1900, 2100

T = TypeVar("T")


class CellError(ValueError):
    """A cell that cannot be read; `str(error)` is the translated message for the user."""


class LostDigits(CellError):
    """Excel stored a code as a number and some of its digits are gone."""


# ---------------------------------------------------------------------------- text


def blank(value: Any) -> bool:
    """An empty cell, or one holding only spaces (full-width ones included)."""
    return value is None or isinstance(value, str) and not value.strip()


def text(value: Any) -> str:
    """A cell as trimmed text; a whole number that Excel stored as a float loses its `.0`.
    Control characters are refused as in any text typed in a form (line breaks and tabs,
    which Alt+Enter puts in a cell, are kept)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    typed = str(value).strip()
    try:
        validate_multiline_text(typed)
    except ValidationError as e:
        raise CellError(" ".join(e.messages)) from e
    return typed


def norm(value: Any) -> str:
    """Compare labels loosely: full-width forms, spaces, case and a required-marker `*`."""
    folded = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", folded).strip("*").casefold()


def aliases(label: Any) -> list[str]:
    """A label as the user's language, Chinese and English spell it (any may head a column)."""
    names = [str(label)]
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            names.append(str(label))
    return list(dict.fromkeys(norm(n) for n in names))


def join(items: Iterable[Any]) -> str:
    """A list in the user's language (、 in Chinese), e.g. of row numbers."""
    return pgettext("tree import", ", ").join(str(i) for i in items)


def _required(default: T | None) -> T:
    if default is None:
        raise CellError(_("This cell is required."))
    return default


# ---------------------------------------------------------------------------- codes

_SCIENTIFIC = re.compile(r"^(\d)(?:\.(\d+))?[eE]\+?(\d+)$")


def squeeze(value: Any) -> str:
    """A code cell's text as typed: full-width folded, spaces and Excel's text marker ' gone."""
    return unicodedata.normalize("NFKC", str(value)).strip().lstrip("'").replace(" ", "")


def is_scientific(typed: str) -> bool:
    """Text such as 3.70830102201E+11: a number copied from Excel's display."""
    return bool(_SCIENTIFIC.match(typed))


def code_text(value: Any) -> str:
    """The characters of a code cell, whether Excel kept it as text or turned it into a number.

    Raises LostDigits if Excel's number no longer holds every digit.
    """
    if isinstance(value, bool):
        return str(value)  # not digits: reported as such
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Beyond 15 significant digits a double no longer holds every digit of a code.
        if not value.is_integer() or abs(value) >= 1e15:
            raise LostDigits(_lost_digits())
        return str(int(value))
    typed = squeeze(value)
    match = _SCIENTIFIC.match(typed)
    if match:
        # Every digit must be shown: 3.70830102201E+11 is a code, 3.7083E+11 lost seven digits.
        head, tail, exponent = match.group(1), match.group(2) or "", int(match.group(3))
        if len(tail) != exponent:
            raise LostDigits(_lost_digits())
        return head + tail
    return typed


def _lost_digits() -> str:
    return _(
        "Excel stored this code as a number and digits were lost; format the column as "
        "text and enter the code again."
    )


def code_digits(value: Any) -> str:
    """A code cell's digits (an area code, an account code...): CellError if Excel lost some of
    them, the cell is blank, or it holds anything but the digits 0-9."""
    if blank(value):
        raise CellError(_("This cell is required."))
    code = code_text(value)
    if not code.isascii() or not code.isdigit():
        raise CellError(_("A code consists of digits 0-9 only."))
    return code


# ---------------------------------------------------------------------------- numbers


def count(value: Any, *, default: int | None = None, maximum: int | None = None) -> int:
    """A whole number of 0 or more (households, people): 1,150 and " 320 " are read too."""
    if blank(value):
        return _required(default)
    invalid = _("Enter a whole number of 0 or more.")
    if isinstance(value, bool):
        raise CellError(invalid)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(invalid)
        whole = round(value)
        # A formula's 11.999999999998 is 12; 11.5 is not a count.
        if abs(value - whole) > 1e-6:
            raise CellError(invalid)
        value = whole
    elif isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise CellError(invalid)
        value = int(value)
    elif isinstance(value, str):
        typed = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", typed):
            raise CellError(invalid)
        value = int(typed)
    if not isinstance(value, int):
        raise CellError(invalid)
    if value < 0:
        raise CellError(_("The number cannot be negative."))
    if maximum is not None and value > maximum:
        raise CellError(_("The number is too large."))
    return value


@dataclass(frozen=True)
class _Words:
    """The messages of one kind of decimal cell."""

    invalid: Any
    negative: Any
    zero: Any
    places: Any
    large: Any


_MONEY = _Words(
    invalid=gettext_lazy("Enter an amount in yuan, e.g. 85000.00."),
    negative=gettext_lazy("The amount cannot be negative."),
    zero=gettext_lazy("The amount must be greater than zero."),
    places=gettext_lazy("An amount has at most two decimal places."),
    large=gettext_lazy("The amount is too large."),
)
_QUANTITY = _Words(
    invalid=gettext_lazy("Enter a number, e.g. 12.5."),
    negative=gettext_lazy("The number cannot be negative."),
    zero=gettext_lazy("The number must be greater than zero."),
    places=gettext_lazy("At most two decimal places."),
    large=gettext_lazy("The number is too large."),
)


def money(
    value: Any,
    *,
    default: Decimal | None = None,
    positive: bool = False,
    signed: bool = False,
    maximum: Decimal = MAX_MONEY,
) -> Decimal:
    """An amount in yuan with at most two decimals: 1200, 1,200.5, ¥1,200.00, 1200元, and a
    formula's 1199.9999999998 (1200.00). Refused: a third decimal, below 0 unless `signed`,
    0 if `positive`, beyond `maximum` (in absolute value)."""
    if blank(value):
        return _required(default)
    return _two_places(value, _MONEY, currency=True, positive=positive, signed=signed, top=maximum)


def quantity(
    value: Any,
    *,
    default: Decimal | None = None,
    positive: bool = False,
    maximum: Decimal = MAX_QUANTITY,
) -> Decimal:
    """A quantity or an area in 亩 with at most two decimals (1,250.5 and formula noise read)."""
    if blank(value):
        return _required(default)
    return _two_places(
        value, _QUANTITY, currency=False, positive=positive, signed=False, top=maximum
    )


def _two_places(
    value: Any, words: _Words, *, currency: bool, positive: bool, signed: bool, top: Decimal
) -> Decimal:
    if isinstance(value, bool):
        raise CellError(str(words.invalid))
    if isinstance(value, float):
        number = Decimal(repr(value))
        if number.is_finite() and abs(number) <= top:
            rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
            if abs(number - rounded) < NOISE:
                number = rounded
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        typed = unicodedata.normalize("NFKC", value).strip()
        if currency:
            typed = re.sub(r"元$|^[¥￥]", "", typed.strip()).strip()
        typed = re.sub(r"[,\s]", "", typed)
        try:
            number = Decimal(typed)
        except InvalidOperation:
            raise CellError(str(words.invalid)) from None
    else:
        raise CellError(str(words.invalid))
    if not number.is_finite():
        raise CellError(str(words.invalid))
    if positive and number <= 0:
        raise CellError(str(words.zero))
    if number < 0 and not signed:
        raise CellError(str(words.negative))
    # Before the decimals: quantizing 1E+30 to the cent overflows Decimal's precision.
    if abs(number) > top:
        raise CellError(str(words.large))
    if number != number.quantize(CENT):
        raise CellError(str(words.places))
    return number.quantize(CENT) + 0  # + 0: -0.00 is 0.00


# ---------------------------------------------------------------------------- dates

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel counts days from 1900-01-00 and believes 1900 was a leap year (Lotus 1-2-3's bug):
# day 60 is a 29 February 1900 that never was, and from day 61 on the count is one day ahead.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FAKE_LEAP_DAY = 60


def date(value: Any, *, default: dt.date | None = None) -> dt.date:
    """A date cell: an Excel date, a day number (45296), or text such as 2024-01-05, 2024/1/5,
    2024.1.5, 2024年1月5日 or 20240105, in full-width digits too; years 1900 to 2100."""
    if blank(value):
        return _required(default)
    invalid = _("Enter a date such as 2024-01-05 (2024/1/5 and 2024年1月5日 are read too).")
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, bool):
        raise CellError(invalid)
    elif isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError(invalid)
        match = _COMPACT_DATE.match(str(int(value))) if float(value).is_integer() else None
        if match:
            day = _real_date(match.groups(), str(int(value)))
        else:
            day = _serial_date(value, invalid)
    elif isinstance(value, str):
        typed = unicodedata.normalize("NFKC", value).strip()
        match = _DATE.match(typed) or _COMPACT_DATE.match(typed)
        if not match:
            raise CellError(invalid)
        day = _real_date(match.groups()[:3], typed)
    else:
        raise CellError(invalid)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CellError(invalid)
    return day


def _real_date(parts: Iterable[str], typed: str) -> dt.date:
    try:
        return dt.date(*(int(p) for p in parts))
    except ValueError:
        raise CellError(_("The date %(value)s does not exist.") % {"value": typed}) from None


def _serial_date(serial: float, invalid: str) -> dt.date:
    """The day of a date cell that lost its format; the fraction (the time of day) is dropped."""
    days = math.floor(serial)
    if days < 1 or days > (dt.date(LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days:
        raise CellError(invalid)
    if days == _FAKE_LEAP_DAY:
        raise CellError(_("The date %(value)s does not exist.") % {"value": "1900-02-29"})
    if days < _FAKE_LEAP_DAY:
        days += 1  # before the fake leap day Excel's count is not yet ahead
    return _EXCEL_EPOCH + dt.timedelta(days=days)


# ---------------------------------------------------------------------------- yes and no

_YES = {"是", "y", "yes", "1", "true", "√", "✓", "✔"}
_NO = {"否", "n", "no", "0", "false", "×", "✗", "✘"}


def yes_no_words() -> tuple[str, str]:
    """是 and 否 in the user's language: the words a template's yes/no dropdowns offer."""
    return pgettext("tree import", "Yes"), pgettext("tree import", "No")


def yes_no(value: Any, *, default: bool | None = None) -> bool:
    """是/否, √/×, Y/N, true/false, 1/0 and the words of the user's language."""
    if blank(value):
        return _required(default)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = norm(value)
    yes, no = (norm(w) for w in yes_no_words())
    if word in _YES or word == yes:
        return True
    if word in _NO or word == no:
        return False
    raise CellError(
        _("Enter %(yes)s or %(no)s (Y/N and 1/0 are accepted too).") % {"yes": yes, "no": no}
    )


# ---------------------------------------------------------------------------- choices

_PUNCTUATION = re.compile(r"[、,，.。;；/\\“”\"'‘’·（）()\[\]【】]")


def _key(value: Any) -> str:
    """Compare choice labels loosely: also without punctuation (书记、主任 = 书记主任)."""
    return _PUNCTUATION.sub("", norm(value))


class Choice:
    """A reader of a choice cell: a label in the user's language, Chinese or English, the stored
    value, or one of `synonyms` (the words people type besides the dropdown's labels)."""

    def __init__(self, choices: Any, synonyms: Mapping[str, str] | None = None):
        self.choices = choices
        self.synonyms = dict(synonyms or {})
        self._tables: dict[str, dict[str, str]] = {}

    def table(self) -> dict[str, str]:
        """Every way to write a choice -> its value, built once per language."""
        language = translation.get_language() or ""
        table = self._tables.get(language)
        if table is None:
            table = {}
            for value, label in zip(self.choices.values, self.choices.labels, strict=True):
                for name in (*aliases(label), value):
                    table[_key(name)] = value
            for word, value in self.synonyms.items():
                table[_key(word)] = value
            self._tables[language] = table
        return table

    def __call__(self, value: Any, *, default: str | None = None) -> str:
        if blank(value):
            return _required(default)
        found = self.table().get(_key(value))
        if found is None:
            labels = join(str(label) for label in self.choices.labels)
            raise CellError(_("Choose one of: %(choices)s.") % {"choices": labels})
        return found
