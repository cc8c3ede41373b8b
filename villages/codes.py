"""Official area codes as people write them, read back to the tree's significant digits.

The Ministry of Civil Affairs writes a province, city or county with 6 digits (370000 山东省,
370800 济宁市, 370830 汶上县) and the statistics bureau pads every code to 12 (370830000000);
the tree keys a region by its significant digits only (37, 3708, 370830, 370830102). Every
reader of a typed region code (the tree import, `setup_region`, forms) goes through
`region_code`, so that all of them accept the same forms and say the same thing when refusing.

`parse_area_code` reads a code of any level and says which level it names (setup_region, the staff
import's area column), and `divisions()` reads the bundled list of provinces, cities and counties
(data/divisions.csv), so a county can be set up by its code or its name alone.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.cells import CellError, code_digits

from .choices import CODE_LENGTH, VILLAGE_CODE_LENGTH, RegionLevel

__all__ = [
    "AreaCode",
    "AreaCodeError",
    "Division",
    "divisions",
    "find_division",
    "full_name",
    "level_name",
    "level_of_code",
    "official_form",
    "parse_area_code",
    "region_code",
]

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


# ---------------------------------------------------------------------------- any level

DIVISIONS_FILE = Path(__file__).resolve().parent / "data" / "divisions.csv"

#: level of each significant length, village last
LEVEL_OF_LENGTH: dict[int, str] = {n: level for level, n in CODE_LENGTH.items()}
VILLAGE = "village"
LEVEL_OF_LENGTH[VILLAGE_CODE_LENGTH] = VILLAGE
#: the digits each level adds to its parent's (province 2, city 2, county 2, township 3, village 3)
_SEGMENTS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))


@dataclass(frozen=True)
class AreaCode:
    """A code reduced to its significant digits and the level they name."""

    code: str
    level: str

    @property
    def parent_code(self) -> str | None:
        """The significant digits of the level above (None for a province)."""
        lengths = [n for n in sorted(LEVEL_OF_LENGTH) if n < len(self.code)]
        return self.code[: lengths[-1]] if lengths else None

    def chain(self) -> list[str]:
        """Every code from the province down to this one: 37, 3708, 370830."""
        return [self.code[:n] for n in sorted(LEVEL_OF_LENGTH) if n <= len(self.code)]


def level_name(level: str) -> str:
    """The level's name in the user's language (省, 市, 县, 乡镇, 村)."""
    if level == VILLAGE:
        return _("village")
    return str(RegionLevel(level).label)


def parse_area_code(value: Any) -> AreaCode:
    """The significant digits of an official code and their level.

    Accepts the significant form (37, 3708, 370830, 370830102, 370830102001), the 6-digit form
    of the upper levels (370000, 370800, 370830) and the 12-digit form of any level
    (370000000000 ... 370830102001); full-width digits, spaces and numbers stored by Excel too.
    Raises ValidationError with a message that says what is wrong.
    """
    try:
        digits = code_digits(value)
    except CellError as e:
        raise ValidationError(str(e), code="digits") from e
    if len(digits) not in LEVEL_OF_LENGTH and len(digits) != 12:
        raise ValidationError(
            _(
                "An area code has 2, 4, 6, 9 or 12 digits (e.g. 370000, 370800, 370830, "
                "370830102000); this one has %(n)d."
            )
            % {"n": len(digits)},
            code="length",
        )
    padded = digits.ljust(VILLAGE_CODE_LENGTH, "0")
    if len(digits) == 6 or len(digits) == 12:
        # The padded form: the significant digits end at the last segment that is not zeros.
        segments = [padded[a:b] for a, b in _SEGMENTS]
        used = max((i for i, s in enumerate(segments) if s.strip("0")), default=-1)
        if used < 0:
            raise ValidationError(_("An area code cannot be all zeros."), code="zeros")
        significant = padded[: _SEGMENTS[used][1]]
    else:
        significant = digits
    # Every level above must be named: 370030 (a county without its city) is no official code.
    for a, b in _SEGMENTS:
        if b > len(significant):
            break
        if not significant[a:b].strip("0"):
            raise ValidationError(
                _("In %(code)s the digits %(from)d-%(to)d (the %(level)s) are zeros.")
                % {
                    "code": digits,
                    "from": a + 1,
                    "to": b,
                    "level": level_name(LEVEL_OF_LENGTH[b]),
                },
                code="gap",
            )
    return AreaCode(significant, LEVEL_OF_LENGTH[len(significant)])


def official_form(code: str) -> str:
    """The 6-digit form of a province, city or county (370000, 370800, 370830), the 12-digit
    form below."""
    return code.ljust(6, "0") if len(code) <= 6 else code.ljust(VILLAGE_CODE_LENGTH, "0")


@dataclass(frozen=True)
class Division:
    """One row of the bundled official list: a province, city or county."""

    code: str  # significant digits
    name: str
    level: str


@functools.cache
def divisions() -> dict[str, Division]:
    """The bundled official provinces, cities and counties, by significant code."""
    found: dict[str, Division] = {}
    with DIVISIONS_FILE.open(encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            area = parse_area_code(row["code"])
            found[area.code] = Division(area.code, row["name"].strip(), area.level)
    return found


def find_division(value: str) -> list[Division]:
    """The divisions a code or a name stands for: one for a code of the list, any number for
    a name (汶上县 is one county, 市辖区 is many; "济宁市汶上县" names its city too)."""
    value = (value or "").strip()
    if not value:
        return []
    listed = divisions()
    if any(c.isdigit() for c in value):
        area = parse_area_code(value)
        found = listed.get(area.code)
        return [found] if found else []
    exact = [d for d in listed.values() if d.name == value]
    if exact:
        return exact
    # A full name: the province, city and county names written together.
    return [d for d in listed.values() if d.level == RegionLevel.COUNTY and full_name(d) == value]


def full_name(division: Division) -> str:
    """山东省济宁市汶上县: the names along the chain, as addresses write them."""
    listed = divisions()
    names = [listed[c].name for c in AreaCode(division.code, division.level).chain() if c in listed]
    return "".join(n for n in names if n not in {"市辖区", "县"})
