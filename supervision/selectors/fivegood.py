"""Reads of the 五好 rating: the county's criteria (its own or the defaults), the evidence of a
year for every village under an area code, what the evidence suggests for each 好, and the
ratings' list joins.

`fivegood_evidence(prefix=..., year=...)` runs a fixed number of queries (one per kind of record,
each grouped by village) whatever the number of villages: a township's or a whole county's
evidence costs the same."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, Sum

from cadres.choices import CertificateState
from cadres.models import QualificationCertificate
from core import rates
from core.dates import today
from core.rights import scope_for
from ledgers.choices import DisclosureState
from ledgers.models import Disclosure
from villages.choices import RegionLevel
from villages.models import Region

from ..choices import (
    DEFAULT_FIVE_GOOD_CRITERIA,
    FiveGood,
    Fulfilment,
    Grade,
    ProblemState,
    RecordState,
    TaskState,
    Verdict,
    WarningLevel,
)
from ..models import (
    CertificateInspection,
    FiveGoodCriterion,
    FiveGoodRating,
    Inspection,
    Problem,
    PromiseRedemption,
    PublicReportVote,
    ReviewScore,
    SupervisionTask,
    VillageWarning,
)

__all__ = [
    "Criterion",
    "FiveGoodEvidence",
    "fivegood_counties",
    "fivegood_county_name",
    "fivegood_criteria",
    "fivegood_evidence",
    "fivegood_ratings",
    "fivegood_suggestions",
    "year_periods",
]

#: the published statements a year needs for 好机制 (定期公开: at least quarterly)
DISCLOSURES_A_YEAR = 4


@dataclass(frozen=True)
class Criterion:
    """One 好 as a county applies it."""

    good: str
    label: str
    description: str
    threshold: Decimal
    is_default: bool = False


def fivegood_criteria(county_code: str) -> list[Criterion]:
    """The five criteria of the county, in order; a 好 the county has not set keeps the default.
    One query."""
    own = {
        c.good: c for c in FiveGoodCriterion.objects.filter(area_code=county_code[:6]).order_by()
    }
    result = []
    for good in FiveGood:
        if good.value in own:
            c = own[good.value]
            result.append(Criterion(good.value, str(good.label), c.description, c.threshold))
        else:
            text, threshold = DEFAULT_FIVE_GOOD_CRITERIA[good]
            result.append(Criterion(good.value, str(good.label), text, Decimal(threshold), True))
    return result


def fivegood_counties(user) -> list[str]:
    """The counties whose criteria `user` reads: those they work in (every county for an
    administrator), in code order."""
    scope = scope_for(user)
    if scope.everything:
        return list(
            Region.objects.filter(level=RegionLevel.COUNTY)
            .order_by("code")
            .values_list("code", flat=True)
        )
    return sorted(scope.counties())


def fivegood_county_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


@dataclass
class FiveGoodEvidence:
    """What the year's records say about one village (counts; rates are computed from them)."""

    # 好班子: the semi-annual reviews' grades of the village's cadres
    reviews_graded: int = 0
    reviews_good: int = 0  # 优秀 and 称职
    reviews_incompetent: int = 0
    # 好带头人: the annual certificate inspections, suspended certificates, pledges kept
    annual_decided: int = 0
    annual_failed: int = 0
    certificates_suspended: int = 0
    promises_fulfilled: int = 0
    promises_partly: int = 0
    promises_not_fulfilled: int = 0
    # 好机制: the duties of the cycle done on time, statements published
    duties_planned: int = 0
    duties_on_time: int = 0
    duties_overdue: int = 0
    disclosures: int = 0
    # 好业绩: inspections' scores, problems closed and overdue
    inspections: int = 0
    inspection_score: Decimal | None = None
    problems_opened: int = 0
    problems_closed: int = 0
    problems_overdue: int = 0
    # 好群众反映: the votes of the public reports, the warning
    ballots: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    warning_level: int = int(WarningLevel.NONE)

    @property
    def good_grade_rate(self) -> Decimal | None:
        return rates.share(self.reviews_good, self.reviews_graded)

    @property
    def fulfilment_rate(self) -> Decimal | None:
        return rates.fulfilment_rate(
            fulfilled=self.promises_fulfilled,
            partly=self.promises_partly,
            not_fulfilled=self.promises_not_fulfilled,
        )

    @property
    def on_time_rate(self) -> Decimal | None:
        return rates.on_time_rate(on_time=self.duties_on_time, planned=self.duties_planned)

    @property
    def closure_rate(self) -> Decimal | None:
        return rates.share(self.problems_closed, self.problems_opened)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rates.satisfaction_rate(
            satisfied=self.satisfied, basic=self.basically_satisfied, returned=self.ballots
        )

    def as_json(self) -> dict[str, Any]:
        """The evidence as stored on a rating: counts and rates as strings (exact decimals)."""
        data: dict[str, Any] = asdict(self)
        for name in (
            "good_grade_rate",
            "fulfilment_rate",
            "on_time_rate",
            "closure_rate",
            "satisfaction_rate",
        ):
            data[name] = getattr(self, name)
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


def year_periods(year: int) -> list[str]:
    """The period codes of a year's duties: its quarters, halves and the year."""
    return [f"{year}Q{n}" for n in (1, 2, 3, 4)] + [f"{year}H1", f"{year}H2", str(year)]


def fivegood_evidence(
    *, prefix: str, year: int, on: dt.date | None = None
) -> dict[str, FiveGoodEvidence]:
    """The evidence of `year` for every village under `prefix` that has any record (a village
    without one gets an empty `FiveGoodEvidence` from the caller). Ten queries."""
    on = on or today()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    as_of = min(end, on)
    area = Q(area_code__startswith=prefix)
    per: dict[str, FiveGoodEvidence] = defaultdict(FiveGoodEvidence)

    for row in (
        ReviewScore.objects.filter(
            area, review__period__in=[f"{year}H1", f"{year}H2"], review__state=RecordState.COMPLETED
        )
        .values("area_code")
        .annotate(
            n=Count("pk"),
            good=Count("pk", filter=Q(grade__in=[Grade.EXCELLENT, Grade.COMPETENT])),
            bad=Count("pk", filter=Q(grade=Grade.INCOMPETENT)),
        )
        .order_by()
    ):
        e = per[row["area_code"]]
        e.reviews_graded, e.reviews_good, e.reviews_incompetent = row["n"], row["good"], row["bad"]

    for row in (
        CertificateInspection.objects.filter(area, year=year, state=RecordState.COMPLETED)
        .values("area_code")
        .annotate(n=Count("pk"), failed=Count("pk", filter=Q(verdict=Verdict.FAIL)))
        .order_by()
    ):
        e = per[row["area_code"]]
        e.annual_decided, e.annual_failed = row["n"], row["failed"]

    for row in (
        QualificationCertificate.objects.filter(area, state=CertificateState.SUSPENDED)
        .values("area_code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per[row["area_code"]].certificates_suspended = row["n"]

    for row in (
        PromiseRedemption.objects.filter(
            area, redemption__period=str(year), redemption__state=RecordState.COMPLETED
        )
        .values("area_code")
        .annotate(
            full=Count("pk", filter=Q(result=Fulfilment.FULFILLED)),
            partly=Count("pk", filter=Q(result=Fulfilment.PARTLY)),
            missed=Count("pk", filter=Q(result=Fulfilment.NOT)),
        )
        .order_by()
    ):
        e = per[row["area_code"]]
        e.promises_fulfilled, e.promises_partly = row["full"], row["partly"]
        e.promises_not_fulfilled = row["missed"]

    for row in (
        SupervisionTask.objects.filter(area, period__in=year_periods(year))
        .values("area_code")
        .annotate(
            planned=Count("pk"),
            on_time=Count("pk", filter=Q(state=TaskState.DONE, done_on__lte=F("due_date"))),
            overdue=Count("pk", filter=~Q(state=TaskState.DONE) & Q(due_date__lt=as_of)),
        )
        .order_by()
    ):
        e = per[row["area_code"]]
        e.duties_planned, e.duties_on_time = row["planned"], row["on_time"]
        e.duties_overdue = row["overdue"]

    for row in (
        Disclosure.objects.filter(
            area, state=DisclosureState.PUBLISHED, start__gte=start, end__lte=end
        )
        .values("area_code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per[row["area_code"]].disclosures = row["n"]

    for row in (
        Inspection.objects.filter(area, period__startswith=f"{year}Q", state=RecordState.COMPLETED)
        .values("area_code")
        .annotate(n=Count("pk"), score=Avg("total_score"))
        .order_by()
    ):
        e = per[row["area_code"]]
        e.inspections = row["n"]
        if row["score"] is not None:
            e.inspection_score = Decimal(row["score"]).quantize(Decimal("0.1"))

    for row in (
        Problem.objects.filter(area)
        .values("area_code")
        .annotate(
            opened=Count("pk", filter=Q(opened_on__range=(start, end))),
            closed=Count(
                "pk",
                filter=Q(opened_on__range=(start, end), state=ProblemState.CLOSED),
            ),
            overdue=Count(
                "pk",
                filter=Q(opened_on__lte=as_of, deadline__lt=as_of)
                & (~Q(state=ProblemState.CLOSED) | Q(closed_on__gt=as_of)),
            ),
        )
        .order_by()
    ):
        e = per[row["area_code"]]
        e.problems_opened, e.problems_closed = row["opened"], row["closed"]
        e.problems_overdue = row["overdue"]

    for row in (
        PublicReportVote.objects.filter(
            area,
            report__period__in=[f"{year}H1", f"{year}H2"],
            report__state=RecordState.COMPLETED,
        )
        .values("area_code")
        .annotate(
            s=Sum("satisfied"),
            b=Sum("basically_satisfied"),
            n=Sum(F("satisfied") + F("basically_satisfied") + F("dissatisfied")),
        )
        .order_by()
    ):
        e = per[row["area_code"]]
        e.satisfied, e.basically_satisfied, e.ballots = row["s"] or 0, row["b"] or 0, row["n"] or 0

    for code, level in VillageWarning.objects.filter(area).values_list("area_code", "level"):
        per[code].warning_level = int(level)

    return dict(per)


def _at_least(rate: Decimal | None, threshold: Decimal, *, empty: bool) -> bool:
    """A rate against its threshold; `empty` is the answer when there is no rate."""
    return empty if rate is None else rate >= threshold


def fivegood_suggestions(evidence: FiveGoodEvidence, criteria: list[Criterion]) -> dict[str, bool]:
    """What the evidence suggests for each 好 (the township decides; this pre-fills its form):

    - 好班子: the share of cadres graded 优秀 or 称职 in the year's reviews reaches the
      threshold and none was graded 不称职 (no review graded: not met);
    - 好带头人: no annual inspection failed, no certificate suspended, and the pledge fulfilment
      rate reaches the threshold (no promise due: the rate does not count);
    - 好机制: the duties of the year done on time reach the threshold, and four statements
      were published;
    - 好业绩: the problems of the year struck off reach the threshold (none registered: met)
      and none is overdue;
    - 好群众反映: the vote satisfaction reaches the threshold (no vote: not met) and the village
      has no orange or red warning.
    """
    t = {c.good: c.threshold for c in criteria}
    e = evidence
    return {
        FiveGood.TEAM: e.reviews_incompetent == 0
        and _at_least(e.good_grade_rate, t[FiveGood.TEAM], empty=False),
        FiveGood.LEADER: e.annual_failed == 0
        and e.certificates_suspended == 0
        and _at_least(e.fulfilment_rate, t[FiveGood.LEADER], empty=True),
        FiveGood.SYSTEM: e.disclosures >= DISCLOSURES_A_YEAR
        and _at_least(e.on_time_rate, t[FiveGood.SYSTEM], empty=False),
        FiveGood.RESULTS: e.problems_overdue == 0
        and _at_least(e.closure_rate, t[FiveGood.RESULTS], empty=True),
        FiveGood.REPUTATION: e.warning_level < WarningLevel.ORANGE
        and _at_least(e.satisfaction_rate, t[FiveGood.REPUTATION], empty=False),
    }


def fivegood_ratings():
    """Ratings with their village, township and who proposed and decided, unscoped: the caller
    scopes it with `visible_to`."""
    return FiveGoodRating.objects.select_related(
        "village__township__parent", "proposed_by", "decided_by", "corrects"
    ).annotate(correction_pk=F("correction__pk"))
