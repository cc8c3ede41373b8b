"""Demo data of the 五好 rating: about 55% of the first county's villages rated 五好 (the seed
county's 55.4%). The previous year is rated and confirmed for every village; in the last two
months of a year the current year is rated too, most ratings confirmed, some awaiting the county,
one returned and a few villages not rated yet. Each rating starts from what the year's evidence
suggests (supervision.selectors.fivegood) and is adjusted to the proportion, with a note for
every 好 not met."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from .choices import FiveGood, RatingState
from .models import FIVE_GOOD_FIELDS, FiveGoodRating
from .selectors.fivegood import (
    FiveGoodEvidence,
    fivegood_criteria,
    fivegood_evidence,
    fivegood_suggestions,
)

__all__ = ["FIVE_GOOD_SHARE", "build_fivegood_demo"]

FIVE_GOOD_SHARE = 0.554
NOTES = {
    FiveGood.TEAM: "半年评议中有干部评为基本称职，班子合力不强。",
    FiveGood.LEADER: "书记年检为基本合格，承诺兑现不到位。",
    FiveGood.SYSTEM: "听证质询会未按季召开，三资公开不及时。",
    FiveGood.RESULTS: "问题台账仍有逾期未整改事项。",
    FiveGood.REPUTATION: "公开述职测评满意率偏低，群众有意见。",
}


def _five_good_villages(rng, villages, evidence, criteria) -> set[str]:
    """The villages rated 五好: round(55.4%) of them, those whose evidence suggests the most
    met first (ties at random)."""
    scored = []
    for v in villages:
        suggested = fivegood_suggestions(evidence.get(v.code, FiveGoodEvidence()), criteria)
        scored.append((-sum(suggested.values()), rng.random(), v.code))
    scored.sort()
    return {code for _n, _r, code in scored[: round(FIVE_GOOD_SHARE * len(villages))]}


def _rating(rng, village, year, evidence, criteria, state, township_user, county_user, on, good):
    suggested = fivegood_suggestions(evidence.get(village.code, FiveGoodEvidence()), criteria)
    if good:
        met = {g: True for g in FIVE_GOOD_FIELDS}
    else:
        met = {g: bool(suggested[g]) for g in FIVE_GOOD_FIELDS}
        if all(met.values()):
            met[rng.choice(FIVE_GOOD_FIELDS)] = False
    when = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    r = FiveGoodRating(
        village=village,
        year=year,
        state=state,
        evidence=evidence.get(village.code, FiveGoodEvidence()).as_json(),
        criteria={
            c.good: {"description": c.description, "threshold": str(c.threshold)} for c in criteria
        },
        proposed_by_id=township_user,
        proposed_at=when,
        area_code=village.code,
    )
    for g in FIVE_GOOD_FIELDS:
        setattr(r, f"{g}_met", met[g])
        setattr(r, f"{g}_note", "" if met[g] else NOTES[FiveGood(g)])
    r.is_five_good = all(met.values())
    if state != RatingState.PROPOSED:
        r.decided_by_id = county_user
        r.decided_at = when + dt.timedelta(days=3)
        r.county_note = "请补充好业绩的整改证据。" if state == RatingState.RETURNED else "同意。"
    return r


def build_fivegood_demo(*, seed: int, villages, on: dt.date, people) -> int:
    """Rate the villages of one county (a list, all of the same county); returns the ratings
    written. Villages already rated keep their ratings."""
    if not villages:
        return 0
    rng = random.Random(f"{seed}-fivegood")
    county = villages[0].code[:6]
    criteria = fivegood_criteria(county)
    county_user = people.county_staff.get(county) or people.admin or people.persona
    if county_user is None:  # nobody to have rated: a tree without staff
        return 0
    years = [on.year - 1] + ([on.year] if on.month >= 11 else [])
    rated = set(
        FiveGoodRating.objects.filter(area_code__startswith=county, year__in=years).values_list(
            "area_code", "year"
        )
    )
    rows = []
    for year in years:
        evidence = fivegood_evidence(prefix=county, year=year, on=on)
        current = year == on.year
        good = _five_good_villages(rng, villages, evidence, criteria)
        for v in villages:
            if (v.code, year) in rated:
                continue
            state = RatingState.CONFIRMED
            if current:
                roll = rng.random()
                if roll < 0.05:
                    continue  # not rated yet
                if roll < 0.12:
                    state = RatingState.PROPOSED
                elif roll < 0.14:
                    state = RatingState.RETURNED
            township_user = people.township_staff.get(v.code[:9]) or people.persona or people.admin
            day = dt.date(year, 12, 1) if not current else on - dt.timedelta(days=5)
            rows.append(
                _rating(
                    rng,
                    v,
                    year,
                    evidence,
                    criteria,
                    state,
                    township_user,
                    county_user,
                    day,
                    v.code in good,
                )
            )
    FiveGoodRating.objects.bulk_create(rows)
    return len(rows)
