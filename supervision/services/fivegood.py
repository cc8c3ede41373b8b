"""Writes of the 五好 rating: the county sets its criteria; the township proposes a village's
rating of a year (met / not met with a note for each 好, over the evidence of the year's
records, both copied onto the rating); the county returns it to the township or confirms it.
A confirmed rating is final (a database trigger refuses any change); the county corrects it by
a new confirmed rating that names the one it replaces, with the reason.

Allowed transitions (`RATING_STEPS`):

=========  ======================  ==================  ==========================
step       from                    to                  who
=========  ======================  ==================  ==========================
propose    (none), returned        proposed            township (Right.EDIT)
return     proposed                returned            county (Right.SUPERVISE)
confirm    proposed                confirmed           county (Right.SUPERVISE)
correct    confirmed (current)     a new confirmed     county (Right.SUPERVISE)
=========  ======================  ==================  ==========================
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rights import AnyUser, Right, require, scope_for
from core.types import Actor
from core.validators import check_reason, check_year
from villages.models import Village

from ..choices import FiveGood, RatingState
from ..models import FIVE_GOOD_FIELDS, FiveGoodCriterion, FiveGoodRating
from ..selectors.fivegood import (
    FiveGoodEvidence,
    fivegood_criteria,
    fivegood_evidence,
)
from .common import locked, require_state

__all__ = [
    "RATING_STEPS",
    "Assessment",
    "fivegood_confirm",
    "fivegood_correct",
    "fivegood_criteria_set",
    "fivegood_propose",
    "fivegood_return",
    "rating_step_allowed",
]

S = RatingState
#: one 好's outcome: (met, note)
Assessment = tuple[bool, str]
RATING_STEPS: dict[str, tuple[tuple[str | None, ...], Right]] = {
    "propose": ((None, S.RETURNED), Right.EDIT),
    "return": ((S.PROPOSED,), Right.SUPERVISE),
    "confirm": ((S.PROPOSED,), Right.SUPERVISE),
    "correct": ((S.CONFIRMED,), Right.SUPERVISE),
}


def rating_step_allowed(
    user: AnyUser, rating: FiveGoodRating | None, step: str, code: str = ""
) -> bool:
    """True if `user` may take `step` on `rating` (None: the village `code` has no rating yet)."""
    states, right = RATING_STEPS[step]
    if (rating.state if rating else None) not in states:
        return False
    if rating is not None and step == "correct" and _is_corrected(rating):
        return False
    return scope_for(user).allows(right, rating.area_code if rating else code)


def _is_corrected(rating: FiveGoodRating) -> bool:
    pk = getattr(rating, "correction_pk", None)
    if pk is not None or hasattr(rating, "correction_pk"):
        return pk is not None
    return FiveGoodRating.objects.filter(corrects=rating).exists()


@transaction.atomic
def fivegood_criteria_set(
    *, actor: Actor, county_code: str, criteria: Mapping[str, tuple[str, Decimal]]
) -> list[FiveGoodCriterion]:
    """The county's five criteria: description and threshold of each 好 (all five at once)."""
    require(actor, Right.SUPERVISE, county_code)
    errors: dict[str, str] = {}
    for good in FiveGood.values:
        if good not in criteria:
            errors[good] = _("Describe each of the five criteria.")
            continue
        description, threshold = criteria[good]
        if not (description or "").strip():
            errors[f"{good}_description"] = _("This field is required.")
        if threshold is None or not Decimal(0) <= threshold <= Decimal(1):
            errors[f"{good}_threshold"] = _("Enter a rate from 0 to 1.")
    if errors:
        raise ValidationError(errors)
    saved = []
    for good in FiveGood.values:
        description, threshold = criteria[good]
        criterion = (
            FiveGoodCriterion.objects.select_for_update()
            .filter(area_code=county_code, good=good)
            .first()
        ) or FiveGoodCriterion(area_code=county_code, good=good)
        criterion.description = description.strip()
        criterion.threshold = threshold
        criterion.updated_by = actor
        criterion.full_clean(validate_constraints=False)
        criterion.save()
        saved.append(criterion)
    return saved


def _check_assessments(assessments: Mapping[str, Assessment]) -> dict[str, Assessment]:
    """Each 好 met or not; a 好 not met needs a note saying why."""
    errors: dict[str, str] = {}
    clean: dict[str, Assessment] = {}
    for good in FIVE_GOOD_FIELDS:
        met, note = assessments.get(good, (False, ""))
        note = (note or "").strip()
        if len(note) > 300:
            errors[f"{good}_note"] = _("At most 300 characters.")
        elif not met and not note:
            errors[f"{good}_note"] = _("Say why this criterion is not met.")
        clean[good] = (bool(met), note)
    if errors:
        raise ValidationError(errors)
    return clean


def _apply(rating: FiveGoodRating, assessments: Mapping[str, Assessment]) -> None:
    for good, (met, note) in assessments.items():
        setattr(rating, f"{good}_met", met)
        setattr(rating, f"{good}_note", note)
    rating.is_five_good = all(met for met, _note in assessments.values())


def _snapshot(village: Village, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The village's evidence of the year and the county's criteria, as stored on a rating."""
    evidence = fivegood_evidence(prefix=village.code, year=year).get(
        village.code, FiveGoodEvidence()
    )
    criteria = {
        c.good: {"description": c.description, "threshold": str(c.threshold)}
        for c in fivegood_criteria(village.code[:6])
    }
    return evidence.as_json(), criteria


@transaction.atomic
def fivegood_propose(
    *, actor: Actor, village: Village, year: int, assessments: Mapping[str, Assessment]
) -> FiveGoodRating:
    """The township's proposal for the village's year: the outcome of each 好, with the evidence
    and criteria of today copied onto the rating. A returned rating is proposed again."""
    require(actor, Right.EDIT, village.code)
    check_year(year)
    clean = _check_assessments(assessments)
    rating = (
        FiveGoodRating.objects.select_for_update()
        .filter(village=village, year=year, corrects__isnull=True)
        .first()
    )
    if rating is not None:
        require_state(
            rating,
            [S.RETURNED],
            _("The village's rating of this year is already proposed or confirmed."),
        )
    else:
        rating = FiveGoodRating(village=village, year=year, area_code=village.code)
    rating.evidence, rating.criteria = _snapshot(village, year)
    _apply(rating, clean)
    rating.state = S.PROPOSED
    rating.proposed_by = actor
    rating.proposed_at = timezone.now()
    rating.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:  # proposed at the same moment by someone else
        raise ValidationError(
            _("The village's rating of this year is already proposed or confirmed.")
        ) from None
    return rating


def _decide(actor: Actor, rating: FiveGoodRating, step: str, note: str) -> FiveGoodRating:
    require(actor, RATING_STEPS[step][1], rating.area_code)
    rating = locked(rating)
    states = [s for s in RATING_STEPS[step][0] if s is not None]
    require_state(rating, states, _("The rating is no longer awaiting the county."))
    rating.county_note = note
    rating.decided_by = actor
    rating.decided_at = timezone.now()
    rating.state = S.RETURNED if step == "return" else S.CONFIRMED
    rating.save(update_fields=["county_note", "decided_by", "decided_at", "state"])
    return rating


@transaction.atomic
def fivegood_return(*, actor: Actor, rating: FiveGoodRating, note: str) -> FiveGoodRating:
    """The county sends a proposal back to the township, saying why."""
    return _decide(actor, rating, "return", check_reason(note, field="note"))


@transaction.atomic
def fivegood_confirm(*, actor: Actor, rating: FiveGoodRating, note: str = "") -> FiveGoodRating:
    """The county confirms the township's proposal: the rating is final from now on."""
    return _decide(actor, rating, "confirm", (note or "").strip())


@transaction.atomic
def fivegood_correct(
    *,
    actor: Actor,
    rating: FiveGoodRating,
    assessments: Mapping[str, Assessment],
    reason: str,
) -> FiveGoodRating:
    """A county supervisor corrects a confirmed rating: a new confirmed rating with the corrected
    outcomes and the reason replaces it (the original stays, final, and names its correction)."""
    require(actor, Right.SUPERVISE, rating.area_code)
    reason = check_reason(reason)
    clean = _check_assessments(assessments)
    rating = locked(rating)
    require_state(rating, [S.CONFIRMED], _("Only a confirmed rating is corrected."))
    if FiveGoodRating.objects.filter(corrects=rating).exists():
        raise ValidationError(_("This rating has already been corrected."))
    now = timezone.now()
    correction = FiveGoodRating(
        village=rating.village,
        year=rating.year,
        area_code=rating.area_code,
        state=S.CONFIRMED,
        evidence=rating.evidence,
        criteria=rating.criteria,
        proposed_by=rating.proposed_by,
        proposed_at=rating.proposed_at,
        county_note=reason,
        decided_by=actor,
        decided_at=now,
        corrects=rating,
    )
    _apply(correction, clean)
    correction.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        raise ValidationError(_("This rating has already been corrected.")) from None
    return correction
