"""Supervision periods as values: a quarter (`2026Q3`), a half-year (`2026H2`), a year (`2026`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import PeriodKind

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:(?P<letter>[QH])(?P<n>\d))?$")
_MONTHS = {PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month; months past 12 roll into the following years."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, order=True)
class Period:
    """One supervision period; `str()` gives its code and `Period.parse` reads it back."""

    year: int
    kind: str = PeriodKind.YEAR
    number: int = 1

    @classmethod
    def parse(cls, code: str) -> Period:
        match = _PATTERN.match((code or "").strip().upper())
        if not match:
            raise ValidationError(
                _("%(code)s is not a period: write 2026Q3, 2026H2 or 2026.") % {"code": code}
            )
        year, letter, n = int(match["year"]), match["letter"], int(match["n"] or 1)
        kind = {"Q": PeriodKind.QUARTER, "H": PeriodKind.HALF, None: PeriodKind.YEAR}[letter]
        if not 1 <= n <= 12 // _MONTHS[kind] or not 2000 <= year <= 2099:
            raise ValidationError(_("%(code)s is not a period.") % {"code": code})
        return cls(year, kind, n)

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        return cls(day.year, kind, (day.month - 1) // _MONTHS[kind] + 1)

    def __str__(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}Q{self.number}"
        if self.kind == PeriodKind.HALF:
            return f"{self.year}H{self.number}"
        return str(self.year)

    @property
    def code(self) -> str:
        return str(self)

    @property
    def first_month(self) -> int:
        return (self.number - 1) * _MONTHS[self.kind] + 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return month_end(self.year, self.first_month + _MONTHS[self.kind] - 1)

    def due_date(self, months: int) -> dt.date:
        """The last day of the `months`-th month counted from the period's first month."""
        return month_end(self.year, self.first_month + months - 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, 12 // _MONTHS[self.kind])

    def next(self) -> Period:
        if self.number < 12 // _MONTHS[self.kind]:
            return Period(self.year, self.kind, self.number + 1)
        return Period(self.year + 1, self.kind, 1)

    def label(self) -> str:
        """The period in Chinese conventions: 2026年第3季度, 2026年下半年, 2026年度."""
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)d, quarter %(n)d") % {"year": self.year, "n": self.number}
        if self.kind == PeriodKind.HALF:
            if self.number == 1:
                return _("%(year)d, first half") % {"year": self.year}
            return _("%(year)d, second half") % {"year": self.year}
        return _("year %(year)d") % {"year": self.year}

    def quarters(self) -> list[Period]:
        """The quarters inside this period."""
        first = (self.first_month - 1) // 3 + 1
        return [
            Period(self.year, PeriodKind.QUARTER, q)
            for q in range(first, first + _MONTHS[self.kind] // 3)
        ]


# ------------------------------------------------------------------ weeks of presence
# A week is the ISO week, Monday to Sunday, of the county's local date (core.dates.today):
# a visit's date is a local date, so a visit late on Sunday evening counts in the week ending
# that Sunday. Every rule about weeks (the norm, the evaluation, the pages) asks these helpers.


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week containing `day`."""
    return day - dt.timedelta(days=day.weekday())


def week_end(day: dt.date) -> dt.date:
    """The Sunday of the ISO week containing `day`."""
    return week_start(day) + dt.timedelta(days=6)


def week_label(day: dt.date) -> str:
    """The ISO week of `day` as 2026-W49 (the ISO year: 2026-12-31 may be 2027-W01)."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
