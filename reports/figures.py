"""The figures of a period for every village under an area code, aggregated in the database:
the one source of the dashboards and the quarterly review reports.

`period_figures(prefix=..., period=...)` runs a fixed number of queries (one per kind of fact,
each grouped by village) whatever the number of villages, and returns a row per village plus
the sums per township and for the whole area. Rates are computed from the sums, never averaged
from rates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncQuarter

from cadres.choices import CertificateState
from core import rates
from core.dates import today
from ledgers.choices import DisclosureState, HandoverState
from ledgers.models import Decision, Disclosure, Handover
from ledgers.selectors.decisions import with_result_due
from supervision.choices import (
    Fulfilment,
    PeriodKind,
    ProblemState,
    QuarterlyReportState,
    RatingState,
    RecordState,
    TaskKind,
    TaskState,
    WarningLevel,
)
from supervision.models import (
    FiveGoodRating,
    PresenceShortfall,
    Problem,
    PromiseRedemption,
    PublicReportVote,
    QuarterlyReport,
    SupervisionTask,
    VillageWarning,
)
from supervision.periods import Period
from villages.choices import RegionLevel
from villages.models import Region, Village

__all__ = [
    "ACTIVITIES",
    "SOURCES",
    "Figures",
    "FigureSet",
    "five_good_rate",
    "period_figures",
    "quarter_trend",
]

#: every model the figures are read from: a change to one renews the cached dashboards of its
#: county (reports.freshness); add a model here when a query below starts reading it
SOURCES = (
    "supervision.SupervisionTask",
    "supervision.PublicReport",
    "supervision.PublicReportVote",
    "supervision.Redemption",
    "supervision.PromiseRedemption",
    "supervision.Problem",
    "supervision.VillageWarning",
    "supervision.PresenceShortfall",
    "supervision.FiveGoodRating",
    "supervision.QuarterlyReport",
    "ledgers.Disclosure",
    "ledgers.Handover",
    "ledgers.Decision",
    "ledgers.DecisionPolicy",
    "cadres.QualificationCertificate",
    "cadres.YellowCard",
    "villages.Village",
    "villages.Region",
)

#: the duties the dashboards count "done on time" for, with the period they recur on
ACTIVITIES = (
    TaskKind.INSPECTION,
    TaskKind.HEARING,
    TaskKind.REVIEW,
    TaskKind.PUBLIC_REPORT,
)


def five_good_rate(five_good: int, rated: int) -> Decimal | None:
    """五好率: the villages whose party organization is rated 五好, over the villages rated, for
    one year. Both count only ratings the county has confirmed (a correction counts as it
    corrected; a proposal awaiting the county counts in neither). A village not rated that year
    is left out of the denominator, not counted as failing: the figure is shown with how many
    villages were rated, so that a county half-way through rating is not read as 100% or 0%.
    No village rated: None ("—")."""
    return rates.share(five_good, rated)


@dataclass
class Figures:
    """The sums of one village, one township or the whole area for a period."""

    villages: int = 0
    #: per duty kind: planned, done, done on time, overdue (not done and past due)
    planned: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    done: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    on_time: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    overdue: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ballots: int = 0  # ballots counted in the half-year's votes
    satisfied: int = 0  # of them 满意
    basically_satisfied: int = 0  # of them 基本满意
    promises: int = 0  # promises redeemed in the year, due or not
    fulfilled: int = 0  # of them 兑现
    partly: int = 0  # of them 部分兑现
    not_fulfilled: int = 0  # of them 未兑现 (the rest are 按计划推进 or 未到期: not due)
    problems_opened: int = 0
    problems_closed: int = 0
    problems_overdue: int = 0  # unresolved and past the deadline at the period's end (or today)
    warnings: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # level → villages
    disclosures: int = 0  # statements published covering a month or quarter of the period
    handovers_signed: int = 0
    certificates_suspended: int = 0
    #: 在岗/驻村: (contact cadre, village, week) duties short of the county's norm, for the weeks
    #: of the period evaluated so far (a week counts in the period its Monday falls in)
    presence_shortfalls: int = 0
    #: 实施结果公开 (ledgers.selectors.with_result_due says when a result is due): decisions
    #: implemented by the period's end (or today) whose result was not yet made public, and of
    #: them those past their due day; decisions whose result fell due in the period and whose
    #: fate is known (due before that day, or made public), and of them those made public by
    #: their due day
    decisions_awaiting_result: int = 0
    decision_results_overdue: int = 0
    decision_results_due: int = 0
    decision_results_on_time: int = 0
    #: 五好: villages with a confirmed rating of the period's year, and of them those rated 五好
    five_good_rated: int = 0
    five_good: int = 0
    #: 四述双评: village cadres' quarterly reports of the period's quarters, commented and
    #: scored (a corrected report counts once, as its correction), and the sum of their scores
    quarterly_scored: int = 0
    quarterly_score_sum: Decimal = Decimal(0)

    def add(self, other: Figures) -> None:
        self.villages += other.villages
        for name in ("planned", "done", "on_time", "overdue", "warnings"):
            mine = getattr(self, name)
            for key, value in getattr(other, name).items():
                mine[key] += value
        for name in (
            "ballots",
            "satisfied",
            "basically_satisfied",
            "promises",
            "fulfilled",
            "partly",
            "not_fulfilled",
            "problems_opened",
            "problems_closed",
            "problems_overdue",
            "disclosures",
            "handovers_signed",
            "certificates_suspended",
            "presence_shortfalls",
            "decisions_awaiting_result",
            "decision_results_overdue",
            "decision_results_due",
            "decision_results_on_time",
            "five_good_rated",
            "five_good",
            "quarterly_scored",
            "quarterly_score_sum",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def five_good_rate(self) -> Decimal | None:
        return five_good_rate(self.five_good, self.five_good_rated)

    @property
    def quarterly_average(self) -> Decimal | None:
        """The average score of the quarterly reports scored (None: none), to one decimal."""
        if not self.quarterly_scored:
            return None
        return (self.quarterly_score_sum / self.quarterly_scored).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )

    def on_time_rate(self, kind: str) -> Decimal | None:
        """Share of the planned duties of `kind` done by their due date."""
        return rates.on_time_rate(
            on_time=self.on_time.get(kind, 0), planned=self.planned.get(kind, 0)
        )

    @property
    def decision_results_rate(self) -> Decimal | None:
        """Share of the decision results due in the period made public by their due day."""
        return rates.on_time_rate(
            on_time=self.decision_results_on_time, planned=self.decision_results_due
        )

    @property
    def satisfied_ballots(self) -> int:
        """The ballots that count as satisfied (core.rates decides which)."""
        return rates.satisfied_ballots(self.satisfied, self.basically_satisfied)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rates.satisfaction_rate(
            satisfied=self.satisfied, basic=self.basically_satisfied, returned=self.ballots
        )

    @property
    def fulfilment_points(self) -> Decimal:
        """The promises kept, a partly fulfilled one counting half (core.rates decides)."""
        return rates.fulfilment_points(self.fulfilled, self.partly)

    @property
    def promises_due(self) -> int:
        """The promises the fulfilment rate counts: due in the year, or kept early."""
        return rates.promises_due(self.fulfilled, self.partly, self.not_fulfilled)

    @property
    def fulfilment_rate(self) -> Decimal | None:
        return rates.fulfilment_rate(
            fulfilled=self.fulfilled, partly=self.partly, not_fulfilled=self.not_fulfilled
        )

    @property
    def warning_level(self) -> int:
        """The highest level among the villages (for one village: its level)."""
        return max((lvl for lvl, n in self.warnings.items() if n), default=WarningLevel.NONE)


@dataclass
class Row:
    """One village's or township's figures with what names it."""

    code: str
    name: str
    figures: Figures
    township_code: str = ""
    township_name: str = ""


@dataclass
class FigureSet:
    """The figures of an area for a period: per village, per township and in total."""

    prefix: str
    period: Period
    on: dt.date
    villages: list[Row]
    townships: list[Row]
    total: Figures


def _periods_of(period: Period) -> dict[str, Period]:
    """The half-year and year a quarter belongs to (a half-year's or a year's own period)."""
    start = period.start
    return {
        PeriodKind.QUARTER: period if period.kind == PeriodKind.QUARTER else None,
        PeriodKind.HALF: Period.containing(PeriodKind.HALF, start)
        if period.kind != PeriodKind.YEAR
        else None,
        PeriodKind.YEAR: Period.containing(PeriodKind.YEAR, start),
    }


def period_figures(*, prefix: str, period: Period, on: dt.date | None = None) -> FigureSet:
    """Every village's figures under `prefix` for `period` (a quarter, half-year or year):
    duties of the quarter and of the half-year it falls in, votes of that half-year, the year's
    pledge redemption, problems opened and closed in the period and overdue at its end, current
    warnings, disclosures and handovers of the period. A fixed number of queries."""
    on = on or today()
    as_of = min(period.end, on)
    periods = _periods_of(period)
    # A quarter counts the half-year's and the year's duties only when it closes them (Q2, Q4).
    codes = [str(p) for p in periods.values() if p is not None and p.end <= period.end]
    if period.kind == PeriodKind.YEAR:
        codes += [str(q) for q in period.quarters()]
        codes += [str(Period(period.year, PeriodKind.HALF, n)) for n in (1, 2)]
    elif period.kind == PeriodKind.HALF:
        codes += [str(q) for q in period.quarters()]
    in_area = Q(area_code__startswith=prefix)
    per: dict[str, Figures] = defaultdict(Figures)

    tasks = (
        SupervisionTask.objects.filter(in_area, period__in=codes)
        .values("area_code", "kind")
        .annotate(
            planned=Count("pk"),
            done=Count("pk", filter=Q(state=TaskState.DONE)),
            on_time=Count("pk", filter=Q(state=TaskState.DONE, done_on__lte=F("due_date"))),
            overdue=Count("pk", filter=~Q(state=TaskState.DONE) & Q(due_date__lt=as_of)),
        )
        .order_by()
    )
    for row in tasks:
        figures = per[row["area_code"]]
        for name in ("planned", "done", "on_time", "overdue"):
            getattr(figures, name)[row["kind"]] += row[name]

    half = periods[PeriodKind.HALF]
    vote_periods = [str(half)] if half else [f"{period.year}H1", f"{period.year}H2"]
    for row in (
        PublicReportVote.objects.filter(
            in_area, report__period__in=vote_periods, report__state=RecordState.COMPLETED
        )
        .values("area_code")
        .annotate(
            n_satisfied=Sum("satisfied"),
            n_basic=Sum("basically_satisfied"),
            returned=Sum(F("satisfied") + F("basically_satisfied") + F("dissatisfied")),
        )
        .order_by()
    ):
        figures = per[row["area_code"]]
        figures.satisfied += row["n_satisfied"] or 0
        figures.basically_satisfied += row["n_basic"] or 0
        figures.ballots += row["returned"] or 0

    for row in (
        PromiseRedemption.objects.filter(
            in_area,
            redemption__period=str(periods[PeriodKind.YEAR]),
            redemption__state=RecordState.COMPLETED,
        )
        .values("area_code")
        .annotate(
            n=Count("pk"),
            full=Count("pk", filter=Q(result=Fulfilment.FULFILLED)),
            partly=Count("pk", filter=Q(result=Fulfilment.PARTLY)),
            missed=Count("pk", filter=Q(result=Fulfilment.NOT)),
        )
        .order_by()
    ):
        figures = per[row["area_code"]]
        figures.promises += row["n"]
        figures.fulfilled += row["full"]
        figures.partly += row["partly"]
        figures.not_fulfilled += row["missed"]

    for row in (
        Problem.objects.filter(in_area)
        .values("area_code")
        .annotate(
            opened=Count("pk", filter=Q(opened_on__range=(period.start, period.end))),
            closed=Count(
                "pk",
                filter=Q(state=ProblemState.CLOSED, closed_on__range=(period.start, period.end)),
            ),
            overdue=Count(
                "pk",
                filter=Q(opened_on__lte=as_of, deadline__lt=as_of)
                & (~Q(state=ProblemState.CLOSED) | Q(closed_on__gt=as_of)),
            ),
        )
        .order_by()
    ):
        figures = per[row["area_code"]]
        figures.problems_opened += row["opened"]
        figures.problems_closed += row["closed"]
        figures.problems_overdue += row["overdue"]

    for code, level in VillageWarning.objects.filter(in_area).values_list("area_code", "level"):
        per[code].warnings[int(level)] += 1

    for row in (
        Disclosure.objects.filter(
            in_area,
            state=DisclosureState.PUBLISHED,
            start__gte=period.start,
            end__lte=period.end,
        )
        .values("area_code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per[row["area_code"]].disclosures += row["n"]

    for row in (
        Handover.objects.filter(
            in_area,
            state=HandoverState.SIGNED,
            supervisor_signed_on__range=(period.start, period.end),
        )
        .values("area_code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per[row["area_code"]].handovers_signed += row["n"]

    from cadres.models import QualificationCertificate

    for row in (
        QualificationCertificate.objects.filter(in_area, state=CertificateState.SUSPENDED)
        .values("area_code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per[row["area_code"]].certificates_suspended += row["n"]

    for row in (
        PresenceShortfall.objects.filter(in_area, week__range=(period.start, as_of))
        .values("area_code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per[row["area_code"]].presence_shortfalls += row["n"]

    unpublished = Q(result_published_on__isnull=True) | Q(result_published_on__gt=as_of)
    due_in_period = Q(result_due__range=(period.start, period.end))
    on_time = Q(result_published_on__lte=F("result_due"))
    for row in (
        with_result_due(Decision.objects.filter(in_area, implemented_on__lte=as_of))
        .values("area_code")
        .annotate(
            awaiting=Count("pk", filter=unpublished),
            overdue=Count("pk", filter=unpublished & Q(result_due__lt=as_of)),
            due=Count("pk", filter=due_in_period & (Q(result_due__lt=as_of) | on_time)),
            on_time=Count("pk", filter=due_in_period & on_time),
        )
        .order_by()
    ):
        figures = per[row["area_code"]]
        figures.decisions_awaiting_result += row["awaiting"]
        figures.decision_results_overdue += row["overdue"]
        figures.decision_results_due += row["due"]
        figures.decision_results_on_time += row["on_time"]
    for row in (
        FiveGoodRating.objects.filter(in_area, year=period.year, state=RatingState.CONFIRMED)
        .current()
        .values("area_code")
        .annotate(n=Count("pk"), good=Count("pk", filter=Q(is_five_good=True)))
        .order_by()
    ):
        figures = per[row["area_code"]]
        figures.five_good_rated += row["n"]
        figures.five_good += row["good"]
    # A quarter's reports count in the periods containing the quarter (not by the day heard).
    quarters = [q.number for q in period.quarters()]
    for row in (
        QuarterlyReport.objects.current()
        .filter(
            in_area,
            village__isnull=False,
            state=QuarterlyReportState.SCORED,
            year=period.year,
            quarter__in=quarters,
        )
        .values("area_code")
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by()
    ):
        per[row["area_code"]].quarterly_scored += row["n"]
        per[row["area_code"]].quarterly_score_sum += row["total"] or 0

    return _assemble(prefix, period, on, per)


def _assemble(prefix: str, period: Period, on: dt.date, per: dict[str, Figures]) -> FigureSet:
    townships = {
        r.code: r.name
        for r in Region.objects.filter(code__startswith=prefix[:9], level=RegionLevel.TOWNSHIP)
    }
    total = Figures()
    by_township: dict[str, Figures] = defaultdict(Figures)
    villages = []
    for code, name in (
        Village.objects.filter(code__startswith=prefix).order_by("code").values_list("code", "name")
    ):
        figures = per.get(code) or Figures()
        figures.villages = 1
        if not figures.warnings:
            figures.warnings[int(WarningLevel.NONE)] += 1
        villages.append(Row(code, name, figures, code[:9], townships.get(code[:9], "")))
        by_township[code[:9]].add(figures)
        total.add(figures)
    township_rows = [
        Row(code, townships.get(code, code), figures)
        for code, figures in sorted(by_township.items())
    ]
    return FigureSet(prefix, period, on, villages, township_rows, total)


def quarter_trend(*, prefix: str, last: Period, count: int = 8) -> list[tuple[Period, dict]]:
    """Done-on-time rates of the quarterly duties over the `count` quarters up to `last`, and
    problems opened per quarter: two queries."""
    quarters = [last]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    by_period: dict[str, dict] = {str(q): defaultdict(int) for q in quarters}
    for row in (
        SupervisionTask.objects.filter(
            area_code__startswith=prefix,
            period__in=list(by_period),
            kind__in=[TaskKind.INSPECTION, TaskKind.HEARING],
        )
        .values("period", "kind")
        .annotate(
            planned=Count("pk"),
            on_time=Count("pk", filter=Q(state=TaskState.DONE, done_on__lte=F("due_date"))),
        )
        .order_by()
    ):
        by_period[row["period"]][f"{row['kind']}_planned"] += row["planned"]
        by_period[row["period"]][f"{row['kind']}_on_time"] += row["on_time"]
    first, end = quarters[0].start, quarters[-1].end
    for start, n in (
        Problem.objects.filter(area_code__startswith=prefix, opened_on__range=(first, end))
        .annotate(quarter=TruncQuarter("opened_on"))
        .values("quarter")
        .annotate(n=Count("pk"))
        .values_list("quarter", "n")
        .order_by()
    ):
        by_period[str(Period.containing(PeriodKind.QUARTER, start))]["problems_opened"] += n
    result = []
    for q in quarters:
        data = by_period[str(q)]
        result.append(
            (
                q,
                {
                    "inspection": rates.on_time_rate(
                        on_time=data["inspection_on_time"], planned=data["inspection_planned"]
                    ),
                    "hearing": rates.on_time_rate(
                        on_time=data["hearing_on_time"], planned=data["hearing_planned"]
                    ),
                    "problems_opened": data["problems_opened"],
                },
            )
        )
    return result
