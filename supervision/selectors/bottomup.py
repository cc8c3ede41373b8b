"""Reads of bottom-up supervision: pledge fulfilment rates and the evidence of the annual
certificate inspection (两证年检)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q

from cadres.models import QualificationCertificate
from core.rates import fulfilment_rate

from ..choices import Fulfilment, RecordState, is_due
from ..models import (
    Inspection,
    Problem,
    PromiseRedemption,
    PublicReportVote,
    ReviewScore,
)

__all__ = [
    "annual_evidence",
    "outcome_counts",
    "pledge_fulfilment_rates",
    "results_fulfilment_rate",
    "village_fulfilment_rates",
]


def results_fulfilment_rate(results: Iterable[PromiseRedemption], year: int) -> Decimal | None:
    """The fulfilment rate of promise results already loaded (with their promise) at the
    redemption of `year`; a promise due that year and not yet marked counts as not fulfilled,
    one due later and not yet marked is not counted."""
    counts = dict.fromkeys(Fulfilment.values, 0)
    for r in results:
        if r.result:
            counts[r.result] += 1
        elif is_due(r.promise.due_date, year):
            counts[Fulfilment.NOT] += 1
    return fulfilment_rate(
        fulfilled=counts[Fulfilment.FULFILLED],
        partly=counts[Fulfilment.PARTLY],
        not_fulfilled=counts[Fulfilment.NOT],
    )


def _completed_results(village_codes: Iterable[str], year: int):
    return PromiseRedemption.objects.filter(
        area_code__in=list(village_codes),
        redemption__period=str(year),
        redemption__state=RecordState.COMPLETED,
    )


def outcome_counts(prefix: str = "") -> dict[str, Count]:
    """Aggregates counting the results of each outcome (`fulfilled`, `partly`, `not_fulfilled`,
    `on_track`, `not_due`), over the relation `prefix` (e.g. "results__") if given."""
    names = {
        "fulfilled": Fulfilment.FULFILLED,
        "partly": Fulfilment.PARTLY,
        "not_fulfilled": Fulfilment.NOT,
        "on_track": Fulfilment.ON_TRACK,
        "not_due": Fulfilment.NOT_DUE,
    }
    return {
        name: Count(prefix + "pk", filter=Q(**{prefix + "result": value}))
        for name, value in names.items()
    }


def _rates(rows, key: str) -> dict:
    counted = rows.values(key).annotate(**outcome_counts())
    return {
        r[key]: fulfilment_rate(
            fulfilled=r["fulfilled"], partly=r["partly"], not_fulfilled=r["not_fulfilled"]
        )
        for r in counted
    }


def pledge_fulfilment_rates(village_codes: Iterable[str], year: int) -> dict[int, Decimal | None]:
    """{pledge id: rate} from the year's completed redemptions of the villages (one query);
    None for a pledge with no promise due that year."""
    return _rates(_completed_results(village_codes, year), "promise__pledge_id")


def village_fulfilment_rates(village_codes: Iterable[str], year: int) -> dict[str, Decimal | None]:
    """{village code: rate} over the promises due in the year's redemption (one query)."""
    return _rates(_completed_results(village_codes, year), "area_code")


def _average(values: list[Decimal]) -> str | None:
    if not values:
        return None
    return str((sum(values) / len(values)).quantize(Decimal("0.1")))


def annual_evidence(certificate: QualificationCertificate, year: int) -> dict:
    """The year's evidence of one certificate, JSON-able (decimals as strings): the village's
    completed inspections, the post's review grades and vote satisfaction, the post's pledge
    fulfilment and the village's unresolved problems."""
    code, post_id, prefix = certificate.area_code, certificate.post_id, str(year)
    inspections = list(
        Inspection.objects.completed()
        .filter(area_code=code, period__startswith=prefix)
        .order_by("period")
        .values_list("period", "total_score")
    )
    reviews = list(
        ReviewScore.objects.filter(
            post_id=post_id,
            review__state=RecordState.COMPLETED,
            review__period__startswith=prefix,
        )
        .order_by("review__period")
        .values_list("review__period", "average", "grade")
    )
    votes = (
        PublicReportVote.objects.filter(
            post_id=post_id,
            report__state=RecordState.COMPLETED,
            report__period__startswith=prefix,
        )
        .select_related("report")
        .order_by("report__period")
    )
    promises = _completed_results([code], year).filter(promise__pledge__post_id=post_id)
    counts = promises.aggregate(n=Count("pk"), **outcome_counts())
    rate = fulfilment_rate(
        fulfilled=counts["fulfilled"],
        partly=counts["partly"],
        not_fulfilled=counts["not_fulfilled"],
    )
    scores = [s for _, s in inspections if s is not None]
    problems = Problem.objects.unresolved().filter(area_code=code)
    return {
        "year": year,
        "inspections": [
            {"period": p, "score": None if s is None else str(s)} for p, s in inspections
        ],
        "inspection_average": _average(scores),
        "reviews": [{"period": p, "average": str(a), "grade": g} for p, a, g in reviews],
        "votes": [
            {
                "period": v.report.period,
                "satisfied": v.satisfied,
                "basically_satisfied": v.basically_satisfied,
                "dissatisfied": v.dissatisfied,
                "rate": None if v.satisfaction_rate is None else str(v.satisfaction_rate),
            }
            for v in votes
        ],
        "promises": {
            "total": counts["n"],
            "fulfilled": counts["fulfilled"],
            "partly": counts["partly"],
            "not_fulfilled": counts["not_fulfilled"],
            "on_track": counts["on_track"],
            "not_due": counts["not_due"],
        },
        "fulfilment_rate": None if rate is None else str(rate),
        "open_problems": problems.count(),
        "overdue_problems": problems.overdue().count(),
    }
