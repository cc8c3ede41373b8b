"""Reads of the warnings part of 双监督: the facts each warning rule looks at, gathered for many
villages at once (one aggregate query per rule, whatever the number of villages), and the board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace
from typing import TypedDict

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, F, Min, Q, Subquery

from cadres.choices import CertificateState
from cadres.models import QualificationCertificate
from cadres.selectors import poor_appraisal_facts, reserve_short_facts, yellow_card_townships
from core.rates import fulfilment_rate, satisfaction_expression
from ledgers.choices import DecisionState
from ledgers.models import Decision, Disclosure, SigningSession, Voucher
from ledgers.selectors.decisions import with_result_due
from ledgers.selectors.handover import OVERDUE_AFTER_DAYS, handovers_due
from ledgers.selectors.signing import signing_months, unsigned_drafts
from villages.models import Village

from ..choices import Fulfilment, PeriodKind, WarningLevel
from ..models import (
    Problem,
    PromiseRedemption,
    PublicReport,
    PublicReportVote,
    Rectification,
    Redemption,
    SupervisionPolicy,
    SupervisionTask,
    VillageWarning,
)
from ..periods import Period, week_start
from .links import idle_link_facts
from .presence import shortfall_facts
from .quarterly import missing_report_facts, report_quarter

__all__ = [
    "DISCLOSURE_GRACE_DAYS",
    "disclosure_quarter",
    "village_warning",
    "warning_facts",
    "warning_level_counts",
    "warnings_board",
]

#: a quarter's disclosure is looked for once this many days of the next quarter have passed
DISCLOSURE_GRACE_DAYS = 15

# The evaluation is the system's, not a user's: it reads every village (handovers_due is scoped).
_EVERY_VILLAGE = SimpleNamespace(is_authenticated=True, is_active=True, is_superuser=True)


def _in(qs, codes, field="area_code"):
    return qs if codes is None else qs.filter(**{f"{field}__in": codes})


def _latest_completed(model, codes):
    """Ids of each village's latest completed record of `model` (DISTINCT ON the village)."""
    qs = _in(model.objects.completed(), codes)
    return Subquery(qs.order_by("village_id", "-period").distinct("village_id").values("pk"))


def disclosure_quarter(on: dt.date) -> Period:
    """The quarter whose disclosure must be published by `on` (the last finished one, once the
    grace days for publishing it have passed)."""
    return Period.containing(
        PeriodKind.QUARTER, on - dt.timedelta(days=DISCLOSURE_GRACE_DAYS)
    ).previous()


class DutyFacts(TypedDict):
    """A village's overdue duties of one kind: how many, the first period and due date."""

    village_id: int
    kind: str
    n: int
    period: str
    due: dt.date


class ProblemFacts(TypedDict):
    """A village's problems past their deadline: how many, the first deadline."""

    village_id: int
    n: int
    due: dt.date


class SatisfactionFacts(TypedDict):
    """The lowest satisfaction rate of the village's latest completed public report."""

    report__village_id: int
    report__period: str
    low: Decimal


class HandoverFacts(TypedDict):
    """A village's overdue handovers: how many, the first end of a post."""

    village_id: int
    n: int
    ended: dt.date


class PledgeFacts(TypedDict):
    """One pledge's results in the village's latest completed redemption."""

    redemption__village_id: int
    redemption__period: str
    promise__pledge_id: int
    name: str
    n: int
    full: int
    part: int
    missed: int
    rate: Decimal | None  # None: none of the pledge's promises was due that year


class LateResultFacts(TypedDict):
    """A decision implemented whose result was not made public in time."""

    village_id: int
    year: int
    number: int
    implemented_on: dt.date
    result_due_days: int


class UnsignedFacts(TypedDict):
    """A village's drafts waiting for their signing for too long: how many, the first date."""

    village_id: int
    n: int
    first: dt.date


#: a draft still unsigned this many days after its date has missed a whole signing month
UNSIGNED_AFTER_DAYS = 31


class WarningFacts(TypedDict):
    """What `warning_facts` gathers, keyed by village id (or county code for the policies)."""

    villages: list[tuple[int, str, bool]]  # (pk, code, is_backward)
    policies: dict[str, SupervisionPolicy]
    duties: dict[int, list[DutyFacts]]
    problems: dict[int, ProblemFacts]
    satisfaction: dict[int, SatisfactionFacts]
    disclosure_quarter: Period
    disclosed: set[int]
    handovers: dict[int, HandoverFacts]
    handover_days: int
    suspended: dict[int, list[str]]  # the names of the cadres, sorted
    redemption: dict[int, list[PledgeFacts]]
    rectifications: dict[int, tuple[int, str]]  # (year, state)
    presence_week: dt.date  # the Monday of the last finished week
    presence: dict[int, list[dict]]  # its shortfalls: name, required, recorded
    late_results: dict[int, list[LateResultFacts]]  # oldest implementation first
    reserves: dict[int, list[tuple[str, int, int]]]  # key posts short: (post, active, norm)
    appraisals: dict[int, tuple[int, str, str]]  # secretary graded poor: (year, name, grade)
    yellow_cards: dict[str, int]  # township code → year of its latest yellow card
    signing_month: tuple[int, int]  # (year, month): the last finished month
    no_signing: set[int]  # villages with a signing day, vouchers that month and no signing
    unsigned: dict[int, UnsignedFacts]  # drafts unsigned for more than UNSIGNED_AFTER_DAYS
    report_quarter: Period  # the last quarter whose 四述双评 reports are due
    reports_missing: dict[int, list[str]]  # the cadres without it, by name
    idle_quarter: Period  # the last finished quarter
    idle_leaders: dict[int, list[str]]  # linked leaders who never visited in it, by name


def warning_facts(on: dt.date, codes: list[str] | None) -> WarningFacts:
    """Everything the rules need, for the villages `codes` (None: all), as plain values keyed by
    village id; a fixed number of queries."""
    villages = list(
        _in(Village.objects.order_by(), codes, "code").values_list("pk", "code", "is_backward")
    )
    policies = {p.area_code: p for p in SupervisionPolicy.objects.all()}

    duties = defaultdict(list)
    for row in (
        _in(SupervisionTask.objects.overdue(on), codes)
        .order_by()
        .values("village_id", "kind")
        .annotate(n=Count("pk"), period=Min("period"), due=Min("due_date"))
    ):
        duties[row["village_id"]].append(row)

    problems = {
        row["village_id"]: row
        for row in _in(Problem.objects.overdue(on), codes)
        .order_by()
        .values("village_id")
        .annotate(n=Count("pk"), due=Min("deadline"))
    }

    rate = satisfaction_expression(
        satisfied="satisfied",
        basic="basically_satisfied",
        returned=F("satisfied") + F("basically_satisfied") + F("dissatisfied"),
    )
    satisfaction = {
        row["report__village_id"]: row
        for row in PublicReportVote.objects.filter(
            report__in=_latest_completed(PublicReport, codes)
        )
        .order_by()
        .values("report__village_id", "report__period")
        .annotate(low=Min(rate))
        if row["low"] is not None
    }

    quarter = disclosure_quarter(on)
    disclosed = set(
        _in(Disclosure.objects.published(), codes)
        .filter(start__lte=quarter.end, end__gte=quarter.start)
        .order_by()
        .values_list("village_id", flat=True)
        .distinct()
    )

    handovers = {
        row["village_id"]: row
        for row in _in(handovers_due(_EVERY_VILLAGE, on).filter(overdue=True), codes)
        .order_by()
        .values("village_id")
        .annotate(n=Count("pk"), ended=Min("end_date"))
    }

    suspended = {
        row["post__village_id"]: sorted(row["names"])
        for row in _in(
            QualificationCertificate.objects.filter(
                state=CertificateState.SUSPENDED, post__end_date__isnull=True
            ),
            codes,
        )
        .order_by()
        .values("post__village_id")
        .annotate(names=ArrayAgg("post__cadre__name"))
    }

    redemption = defaultdict(list)
    for row in (
        PromiseRedemption.objects.filter(redemption__in=_latest_completed(Redemption, codes))
        .order_by()
        .values(
            "redemption__village_id",
            "redemption__period",
            "promise__pledge_id",
            name=F("promise__pledge__post__cadre__name"),
        )
        .annotate(
            n=Count("pk"),
            full=Count("pk", filter=Q(result=Fulfilment.FULFILLED)),
            part=Count("pk", filter=Q(result=Fulfilment.PARTLY)),
            missed=Count("pk", filter=Q(result=Fulfilment.NOT)),
        )
    ):
        row["rate"] = fulfilment_rate(
            fulfilled=row["full"], partly=row["part"], not_fulfilled=row["missed"]
        )
        redemption[row["redemption__village_id"]].append(row)

    rectifications = {
        village_id: (year, state)
        for village_id, year, state in _in(
            Rectification.objects.in_year(on.year).unaccepted(), codes
        )
        .order_by()
        .values_list("village_id", "year", "state")
    }

    presence_week = week_start(on) - dt.timedelta(days=7)
    last_quarter = Period.containing(PeriodKind.QUARTER, on).previous()

    late_results = defaultdict(list)
    for row in (
        _in(with_result_due(Decision.objects.filter(state=DecisionState.PUBLISHED)), codes)
        .filter(result_due__lt=on)
        .order_by("village_id", "implemented_on", "year", "number")
        .values("village_id", "year", "number", "implemented_on", "result_due_days")
    ):
        late_results[row["village_id"]].append(row)
    # 联签: the last finished month, in the villages that sign on a day of the month (their own
    # or their county's): vouchers dated in it but no signing day recorded in it.
    month_start = (on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    month_end = on.replace(day=1) - dt.timedelta(days=1)
    signing = signing_months()
    with_vouchers = set(
        _in(Voucher.objects.filter(date__gte=month_start, date__lte=month_end), codes)
        .filter(signing, reverses__isnull=True)
        .order_by()
        .values_list("village_id", flat=True)
        .distinct()
    )
    signed = set(
        _in(
            SigningSession.objects.filter(signed_on__gte=month_start, signed_on__lte=month_end),
            codes,
        )
        .order_by()
        .values_list("village_id", flat=True)
        .distinct()
    )
    unsigned = {
        row["village_id"]: row
        for row in _in(
            unsigned_drafts().filter(signing, date__lt=on - dt.timedelta(days=UNSIGNED_AFTER_DAYS)),
            codes,
        )
        .order_by()
        .values("village_id")
        .annotate(n=Count("pk"), first=Min("date"))
    }

    return {
        "villages": villages,
        "policies": policies,
        "duties": duties,
        "problems": problems,
        "satisfaction": satisfaction,
        "disclosure_quarter": quarter,
        "disclosed": disclosed,
        "handovers": handovers,
        "handover_days": OVERDUE_AFTER_DAYS,
        "suspended": suspended,
        "redemption": redemption,
        "rectifications": rectifications,
        "presence_week": presence_week,
        "presence": shortfall_facts(presence_week, codes),
        "late_results": late_results,
        "reserves": reserve_short_facts(codes),
        "appraisals": poor_appraisal_facts(on.year, codes),
        "yellow_cards": yellow_card_townships(on.year),
        "signing_month": (month_start.year, month_start.month),
        "no_signing": with_vouchers - signed,
        "unsigned": unsigned,
        "report_quarter": report_quarter(on),
        "reports_missing": missing_report_facts(report_quarter(on), codes),
        "idle_quarter": last_quarter,
        "idle_leaders": idle_link_facts(last_quarter, codes),
    }


def warnings_board(user):
    """The raised warnings the user sees, with what the board shows (one query per page)."""
    return (
        VillageWarning.objects.visible_to(user)
        .raised()
        .select_related("village__township", "acknowledged_by")
    )


def warning_level_counts(queryset) -> dict:
    """How many warnings of each level, and how many unacknowledged, in one query."""
    counts = queryset.order_by().aggregate(
        **{
            f"level_{level.value}": Count("pk", filter=Q(level=level.value))
            for level in WarningLevel
            if level != WarningLevel.NONE
        },
        unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        total=Count("pk"),
    )
    counts["levels"] = [
        (level.value, level.label, counts[f"level_{level.value}"])
        for level in reversed(WarningLevel)
        if level != WarningLevel.NONE
    ]
    return counts


def village_warning(user, village) -> VillageWarning | None:
    """The village's warning if it is raised and the user sees it (for the village tab's badge)."""
    return warnings_board(user).filter(village=village).first()
