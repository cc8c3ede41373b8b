"""Reads of 四述双评: who owes a township a report each quarter, the quarter's sheet (who has
reported, who has not), and the year-end roll-up graded by the county's bands.

Who owes a quarter's report: a village cadre holding a two-committee post in one of the
township's villages on the quarter's last day, and a contact cadre assigned to one of its
villages on that day (the township's contact-team leaders), or, for a village whose work team
roster has a leader (first secretary, team leader) on that day, that leader instead. A quarter
is owed once it has begun. A person who reported a quarter also owed it (they were heard).
Each selector is a fixed number of queries whatever the number of people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Q

from cadres.models import Post
from core.dates import today
from core.rights import AnyUser
from villages.models import ContactAssignment, Region
from villages.templatetags.cunjian import person_name

from ..choices import (
    DEFAULT_GRADE_BANDS,
    QUARTERLY_REPORT_GRACE_DAYS,
    PeriodKind,
    QuarterlyReportState,
    ReporterKind,
    YearEndGrade,
)
from ..models import GradeBands, QuarterlyReport, WorkTeamMember, YearEndEvaluation
from ..periods import Period

__all__ = [
    "Bands",
    "Reporter",
    "Rollup",
    "bands_for",
    "grade_bands_of",
    "missing_report_facts",
    "report_quarter",
    "grade_of",
    "quarter_sheet",
    "quarterly_reports",
    "roll_up",
    "year_rollup",
]

_CENT = Decimal("0.01")


def quarterly_reports():
    """Quarterly reports with what their lists show (unscoped: callers scope them)."""
    return QuarterlyReport.objects.select_related(
        "cadre", "person", "post", "village", "township", "correction"
    )


# ------------------------------------------------------------------ bands and grades


@dataclass(frozen=True)
class Bands:
    """The lowest overall score of each grade, and the county's row they come from (None: the
    defaults)."""

    excellent_min: Decimal
    competent_min: Decimal
    basic_min: Decimal
    row: GradeBands | None = None


def bands_for(county_code: str, year: int) -> Bands:
    """The county's bands in force for `year`: the latest set whose first year is not after it."""
    row = (
        GradeBands.objects.filter(area_code=county_code[:6], from_year__lte=year)
        .order_by("-from_year", "-set_at", "-pk")
        .first()
    )
    if row is None:
        return Bands(**{k: Decimal(v) for k, v in DEFAULT_GRADE_BANDS.items()})
    return Bands(row.excellent_min, row.competent_min, row.basic_min, row)


def grade_bands_of(user: AnyUser, county: Region):
    """The county's settings of the bands, newest first (the versions)."""
    return (
        GradeBands.objects.visible_to(user)
        .filter(area_code=county.code)
        .select_related("set_by")
        .order_by("-from_year", "-set_at", "-pk")
    )


def grade_of(overall: Decimal, bands: Bands) -> str:
    """The grade of an overall score: each band includes its lowest score."""
    if overall >= bands.excellent_min:
        return YearEndGrade.EXCELLENT
    if overall >= bands.competent_min:
        return YearEndGrade.COMPETENT
    if overall >= bands.basic_min:
        return YearEndGrade.BASIC
    return YearEndGrade.INCOMPETENT


@dataclass
class Rollup:
    """One person's year: quarters owed, reported, scored, missed; the average of the scored
    quarters; the overall score, in which an owed quarter without a score counts 0; the grade."""

    expected: list[int]
    reported: list[int]
    missing: list[int]
    pending: list[int]
    average: Decimal | None
    overall: Decimal
    grade: str


def roll_up(expected: set[int], reports: dict[int, QuarterlyReport | None], bands: Bands) -> Rollup:
    """The roll-up of one person's year from the quarters owed and their current reports."""
    reported = sorted(q for q, r in reports.items() if r is not None)
    owed = sorted(set(expected) | set(reported))
    scores = {
        q: r.score
        for q, r in reports.items()
        if r is not None and r.state == QuarterlyReportState.SCORED and r.score is not None
    }
    average = None
    if scores:
        average = (sum(scores.values(), Decimal(0)) / len(scores)).quantize(_CENT, ROUND_HALF_UP)
    overall = Decimal(0)
    if owed:
        overall = (sum(scores.values(), Decimal(0)) / len(owed)).quantize(_CENT, ROUND_HALF_UP)
    return Rollup(
        expected=owed,
        reported=reported,
        missing=[q for q in owed if q not in reported],
        pending=[q for q in reported if q not in scores],
        average=average,
        overall=overall,
        grade=grade_of(overall, bands),
    )


# ------------------------------------------------------------------ who reports


@dataclass
class Reporter:
    """A person who owes the township quarterly reports in a year, and which quarters."""

    kind: str
    pk: int
    name: str
    area_code: str
    #: the Cadre (a village cadre) or the account (a contact-team leader)
    obj: Any = None
    where: list[str] = field(default_factory=list)
    expected: set[int] = field(default_factory=set)
    reports: dict[int, QuarterlyReport | None] = field(default_factory=dict)
    evaluation: YearEndEvaluation | None = None
    rollup: Rollup | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)

    @property
    def is_cadre(self) -> bool:
        return self.kind == ReporterKind.VILLAGE_CADRE

    @property
    def quarters(self) -> list[tuple[int, QuarterlyReport | None, bool]]:
        """Each quarter of the year: its report (or None), and whether it was owed."""
        owed = set(self.rollup.expected) if self.rollup else self.expected
        return [(q, self.reports.get(q), q in owed) for q in range(1, 5)]

    @property
    def grade_label(self) -> str:
        return str(YearEndGrade(self.rollup.grade).label) if self.rollup else ""

    @property
    def choice(self) -> str:
        """The reporter's value in a form's choice: `kind:pk`."""
        return f"{self.kind}:{self.pk}"


def _quarters_begun(year: int, on: dt.date) -> list[Period]:
    return [
        Period(year, PeriodKind.QUARTER, q)
        for q in range(1, 5)
        if Period(year, PeriodKind.QUARTER, q).start <= on
    ]


def _held_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or end >= day)


def _user_name(user: Any) -> str:
    return person_name(user)


def _add(found: dict, kind: str, obj: Any, name: str, area_code: str, where: str) -> Reporter:
    reporter = found.get((kind, obj.pk))
    if reporter is None:
        reporter = found[(kind, obj.pk)] = Reporter(kind, obj.pk, name, area_code, obj)
    if where not in reporter.where:
        reporter.where.append(where)
    return reporter


def _reporters(
    user: AnyUser, township: Region, year: int, on: dt.date
) -> dict[tuple[str, int], Reporter]:
    """Everyone owing `township` a report in `year` (quarters begun by `on`), with their current
    reports of the year and their confirmed evaluation: five queries."""
    begun = _quarters_begun(year, on)
    found: dict[tuple[str, int], Reporter] = {}
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overlapping = Q(start_date__lte=year_end) & (
        Q(end_date__isnull=True) | Q(end_date__gte=year_start)
    )
    posts = (
        Post.objects.visible_to(user)
        .two_committees()
        .filter(overlapping, village__township=township)
        .select_related("cadre", "village")
        .order_by("area_code", "kind", "start_date")
    )
    for post in posts:
        quarters = {p.number for p in begun if _held_on(post.start_date, post.end_date, p.end)}
        if not quarters:
            continue
        reporter = _add(
            found,
            ReporterKind.VILLAGE_CADRE,
            post.cadre,
            post.cadre.name,
            post.area_code,
            f"{post.village.name} {post.get_kind_display()}",
        )
        reporter.expected |= quarters
    # A village whose work team roster has a leader (first secretary, team leader) on a
    # quarter's last day: that leader reports as the contact-team leader; elsewhere, as before
    # the rosters, the village's contact cadre does.
    leads = list(
        WorkTeamMember.objects.visible_to(user)
        .leads()
        .filter(overlapping, village__township=township)
        .select_related("person", "village")
        .order_by("area_code", "start_date")
    )
    led: dict[int, set[int]] = {p.number: set() for p in begun}
    for m in leads:
        quarters = {p.number for p in begun if _held_on(m.start_date, m.end_date, p.end)}
        for q in quarters:
            led[q].add(m.village_id)
        if not quarters:
            continue
        reporter = _add(
            found,
            ReporterKind.CONTACT_LEADER,
            m.person,
            _user_name(m.person),
            township.code,
            f"{m.village.name} {m.get_role_display()}",
        )
        reporter.expected |= quarters
    assignments = (
        ContactAssignment.objects.visible_to(user)
        .filter(overlapping, village__township=township)
        .select_related("cadre", "village")
        .order_by("area_code", "start_date")
    )
    for a in assignments:
        quarters = {
            p.number
            for p in begun
            if _held_on(a.start_date, a.end_date, p.end) and a.village_id not in led[p.number]
        }
        if not quarters:
            continue
        reporter = _add(
            found,
            ReporterKind.CONTACT_LEADER,
            a.cadre,
            _user_name(a.cadre),
            township.code,
            f"{a.village.name} {ReporterKind.CONTACT_LEADER.label}",
        )
        reporter.expected |= quarters
    reports = (
        quarterly_reports()
        .visible_to(user)
        .current()
        .filter(township=township, year=year)
        .order_by("quarter", "pk")
    )
    for r in reports:
        if r.cadre_id:
            where = f"{r.village.name} {r.post.get_kind_display()}" if r.post_id else ""
            reporter = _add(found, r.kind, r.cadre, r.cadre.name, r.area_code, where)
        else:
            reporter = _add(found, r.kind, r.person, _user_name(r.person), r.area_code, "")
        reporter.reports[r.quarter] = r
    evaluations = YearEndEvaluation.objects.visible_to(user).filter(township=township, year=year)
    for e in evaluations:
        pk = e.cadre_id or e.person_id
        if (e.kind, pk) in found:
            found[(e.kind, pk)].evaluation = e
    for reporter in found.values():
        reporter.where = [w for w in reporter.where if w]
    return found


def _ordered(reporters) -> list[Reporter]:
    return sorted(
        reporters, key=lambda r: (r.kind != ReporterKind.VILLAGE_CADRE, r.area_code, r.name)
    )


def quarter_sheet(
    user: AnyUser, township: Region, year: int, quarter: int, on: dt.date | None = None
) -> list[Reporter]:
    """The quarter's sheet of a township: everyone owing the quarter's report, with it or
    without (those without first)."""
    on = on or today()
    rows = [
        r
        for r in _reporters(user, township, year, on).values()
        if quarter in r.expected or r.reports.get(quarter)
    ]
    return sorted(_ordered(rows), key=lambda r: r.reports.get(quarter) is not None)


def year_rollup(
    user: AnyUser, township: Region, year: int, on: dt.date | None = None
) -> list[Reporter]:
    """The year's roll-up of a township: each person's quarters and grade (their confirmed
    evaluation, if the township confirmed the year)."""
    on = on or today()
    bands = bands_for(township.code, year)
    rows = _ordered(_reporters(user, township, year, on).values())
    for r in rows:
        reports = {q: r.reports.get(q) for q in range(1, 5)}
        r.rollup = roll_up(r.expected, reports, bands)
    return rows


# ------------------------------------------------------------------ the warning rule


def report_quarter(on: dt.date) -> Period:
    """The last quarter whose reports must have been heard by `on` (its grace days passed)."""
    return Period.containing(
        PeriodKind.QUARTER, on - dt.timedelta(days=QUARTERLY_REPORT_GRACE_DAYS)
    ).previous()


def missing_report_facts(quarter: Period, codes: list[str] | None) -> dict[int, list[str]]:
    """The village cadres (by name, per village id) who held a two-committee post at the end of
    `quarter` and have no report of it, in townships that record 四述双评 (a report of that
    quarter or an earlier one): a township that never started is not flooded with warnings on
    the first day. One query."""
    reported = QuarterlyReport.objects.filter(
        cadre_id=OuterRef("cadre_id"), year=quarter.year, quarter=quarter.number
    )
    started = QuarterlyReport.objects.filter(township_id=OuterRef("village__township_id")).filter(
        Q(year__lt=quarter.year) | Q(year=quarter.year, quarter__lte=quarter.number)
    )
    posts = (
        Post.objects.two_committees()
        .filter(start_date__lte=quarter.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=quarter.end))
        .filter(Exists(started))
        .exclude(Exists(reported))
    )
    if codes is not None:
        posts = posts.filter(area_code__in=codes)
    return {
        row["village_id"]: sorted(set(row["names"]))
        for row in posts.order_by().values("village_id").annotate(names=ArrayAgg("cadre__name"))
    }
