"""Official area codes as people write them, read back to the tree's significant digits.

The Ministry of Civil Affairs writes a province, city or county with 6 digits (370000 山东省,
370800 济宁市, 370830 汶上县) and the statistics bureau pads every code to 12 (370830000000);
the tree keys a region by its significant digits only (37, 3708, 370830, 370830102). Every
reader of a typed region code (the tree import, `setup_region`, forms) goes through
`region_code`, so that all of them accept the same forms and say the same thing when refusing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.cells import CellError, code_digits

from .choices import CODE_LENGTH, VILLAGE_CODE_LENGTH, RegionLevel

__all__ = ["AreaCodeError", "region_code", "level_of_code"]

# The written forms besides the significant digits themselves: the official 6 digits (down to
# the county), the 9 of a township and the 12 of the statistical code, padded with zeros.
PADDED_LENGTHS = (6, 9, VILLAGE_CODE_LENGTH)
# Digits of each level's own segment (the last one of its significant digits).
SEGMENT = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 2,
    RegionLevel.COUNTY: 2,
    RegionLevel.TOWNSHIP: 3,
}


class AreaCodeError(CellError):
    """A typed region code that is not a code of the expected level; `str()` is the message."""


def region_code(value: Any, level: RegionLevel | str) -> str:
    """The significant digits of a `level` region's code written as a cell or argument holds it:
    its significant digits (37, 3708), the official 6-digit form (370000, 370800, 370830), a
    township's 9 digits, or the 12-digit statistical form, each padded with zeros. Numbers,
    floats, scientific notation, full-width digits and stray spaces are read as in any code cell.

    Raises AreaCodeError (a CellError, with a translated message) for anything else.
    """
    level = RegionLevel(level)
    try:
        code = code_digits(value)
    except CellError as exc:
        raise AreaCodeError(str(exc)) from exc
    n = CODE_LENGTH[level]
    typed = code
    if len(code) != n:
        if len(code) not in PADDED_LENGTHS or len(code) < n or code[n:].strip("0"):
            raise AreaCodeError(_wrong_form(level, n))
        code = code[:n]
    if not code[n - SEGMENT[level] :].strip("0"):
        # 370000 read as a city is the province's own code, not a city of it.
        raise AreaCodeError(
            _("%(code)s is not a %(level)s code: its last digits are zeros.")
            % {"code": typed, "level": level.label}
        )
    return code


def level_of_code(code: str) -> RegionLevel | None:
    """The level of a region's significant digits (2, 4, 6 or 9), or None."""
    return next((level for level, n in CODE_LENGTH.items() if n == len(code)), None)


def _wrong_form(level: RegionLevel, n: int) -> str:
    example = {
        RegionLevel.PROVINCE: "370000",
        RegionLevel.CITY: "370800",
        RegionLevel.COUNTY: "370830",
        RegionLevel.TOWNSHIP: "370830102",
    }[level]
    return _(
        "A %(level)s code has %(n)d significant digits, written e.g. %(example)s or padded with "
        "zeros to 12 digits."
    ) % {"level": level.label, "n": n, "example": example}
