"""Writes of the yearly 述职评议 of village party secretaries, of the county's pipeline norms
(the reserve norm, the yellow-card rule) and of the townships' yellow cards (黄牌警告).

An appraisal is drafted (the report), then concluded with the township's grade and score, and
final from then on (the service, and a trigger in the database). A mistake in a concluded one
is corrected by a new appraisal that references it, with the reason; once concluded, the
correction stands in its place (`SecretaryAppraisalQuerySet.current`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rights import Right, require
from core.types import Actor
from core.validators import check_reason
from villages.models import Region
from villages.signals import bulk_written

from .choices import APPRAISAL_TRANSITIONS, SECRETARY_SEAT, AppraisalState
from .models import Post, ReserveNorm, SecretaryAppraisal, YellowCard, YellowCardRule
from .selectors import yellow_card_facts

__all__ = [
    "appraisal_conclude",
    "appraisal_correct",
    "appraisal_create",
    "appraisal_delete",
    "appraisal_update",
    "pipeline_policy_set",
    "yellow_cards_evaluate",
]

#: fields of an appraisal the township fills in; the rest is the workflow's
APPRAISAL_FIELDS = (
    "report_date",
    "report_summary",
    "appraised_on",
    "grade",
    "score",
    "appraisers",
    "comment",
)
# One yellow-card evaluation at a time per database (it reads, then inserts).
_LOCK_KEY = 5_000_119


def _check_transition(appraisal: SecretaryAppraisal, to: str) -> None:
    if to not in APPRAISAL_TRANSITIONS[AppraisalState(appraisal.state)]:
        raise ValidationError(
            _("A %(state)s appraisal cannot become %(to)s.")
            % {
                "state": appraisal.get_state_display(),
                "to": AppraisalState(to).label,
            }
        )


def _check_year(year: int, report_date: dt.date) -> None:
    if year < 2000 or year > report_date.year or report_date.year > year + 1:
        raise ValidationError(
            {"report_date": _("The report on a year is given in that year or early the next.")}
        )


def _check_dates(appraisal: SecretaryAppraisal) -> None:
    if appraisal.appraised_on and appraisal.appraised_on < appraisal.report_date:
        raise ValidationError({"appraised_on": _("The appraisal cannot be before the report.")})


@transaction.atomic
def appraisal_create(
    *,
    actor: Actor,
    post: Post,
    year: int,
    report_date: dt.date,
    report_summary: str,
    appraised_on: dt.date | None = None,
    grade: str = "",
    score: Decimal | None = None,
    appraisers: str = "",
    comment: str = "",
) -> SecretaryAppraisal:
    """Record a secretary's yearly report (a draft, which the township grades and concludes)."""
    require(actor, Right.EDIT, post.area_code)
    if post.kind not in SECRETARY_SEAT:
        raise ValidationError({"post": _("Only a party secretary's post reports here.")})
    if post.start_date.year > year or (post.end_date and post.end_date.year < year):
        raise ValidationError({"year": _("The secretary did not hold the post that year.")})
    _check_year(year, report_date)
    if SecretaryAppraisal.objects.filter(post=post, year=year, corrects__isnull=True).exists():
        raise ValidationError(
            {"year": _("This secretary's report on this year is already recorded.")}
        )
    appraisal = SecretaryAppraisal(
        post=post,
        village_id=post.village_id,
        area_code=post.area_code,
        year=year,
        report_date=report_date,
        report_summary=report_summary,
        appraised_on=appraised_on,
        grade=grade,
        score=score,
        appraisers=appraisers,
        comment=comment,
        created_by=actor,
    )
    _check_dates(appraisal)
    appraisal.full_clean()
    appraisal.save()
    return appraisal


@transaction.atomic
def appraisal_update(
    *, actor: Actor, appraisal: SecretaryAppraisal, **fields: object
) -> SecretaryAppraisal:
    """Change a draft appraisal's report, grade, score or appraisers; a concluded one is final."""
    require(actor, Right.EDIT, appraisal.area_code)
    appraisal = SecretaryAppraisal.objects.select_for_update().get(pk=appraisal.pk)
    if appraisal.is_concluded:
        raise ValidationError(_("A concluded appraisal is final: record a correction instead."))
    unknown = set(fields) - set(APPRAISAL_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    for name, value in fields.items():
        setattr(appraisal, name, value)
    _check_year(appraisal.year, appraisal.report_date)
    _check_dates(appraisal)
    appraisal.full_clean()
    appraisal.save(update_fields=[*fields])
    return appraisal


@transaction.atomic
def appraisal_conclude(*, actor: Actor, appraisal: SecretaryAppraisal) -> SecretaryAppraisal:
    """Conclude the appraisal: grade, score and date are needed; from now on it is final."""
    require(actor, Right.EDIT, appraisal.area_code)
    appraisal = SecretaryAppraisal.objects.select_for_update().get(pk=appraisal.pk)
    _check_transition(appraisal, AppraisalState.CONCLUDED)
    missing = {
        name: _("Needed to conclude the appraisal.")
        for name in ("appraised_on", "grade", "score", "appraisers")
        if getattr(appraisal, name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)
    appraisal.state = AppraisalState.CONCLUDED
    appraisal.concluded_by = actor
    appraisal.concluded_at = timezone.now()
    appraisal.full_clean()
    appraisal.save(update_fields=["state", "concluded_by", "concluded_at"])
    return appraisal


@transaction.atomic
def appraisal_delete(*, actor: Actor, appraisal: SecretaryAppraisal) -> None:
    """Delete a draft entered by mistake (kept in the history); a concluded one is final."""
    require(actor, Right.EDIT, appraisal.area_code)
    appraisal = SecretaryAppraisal.objects.select_for_update().get(pk=appraisal.pk)
    if appraisal.is_concluded:
        raise ValidationError(_("A concluded appraisal is final: record a correction instead."))
    appraisal.delete()


@transaction.atomic
def appraisal_correct(
    *, actor: Actor, appraisal: SecretaryAppraisal, reason: str
) -> SecretaryAppraisal:
    """Open a correction of a concluded appraisal: a new draft, copied from it, that references
    it with the reason; the original stays as it was."""
    require(actor, Right.EDIT, appraisal.area_code)
    reason = check_reason(reason, field="correction_reason")
    original = SecretaryAppraisal.objects.select_for_update().get(pk=appraisal.pk)
    if not original.is_concluded:
        raise ValidationError(_("A draft is changed directly; only a concluded one is corrected."))
    if SecretaryAppraisal.objects.filter(corrects=original).exists():
        raise ValidationError(_("This appraisal has already been corrected."))
    correction = SecretaryAppraisal(
        post=original.post,
        village_id=original.village_id,
        area_code=original.area_code,
        year=original.year,
        **{name: getattr(original, name) for name in APPRAISAL_FIELDS},
        corrects=original,
        correction_reason=reason,
        created_by=actor,
    )
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def pipeline_policy_set(
    *,
    actor: Actor,
    county: Region,
    per_post: int,
    share_threshold: Decimal,
    count_mediocre: bool,
) -> tuple[ReserveNorm, YellowCardRule]:
    """The county's norms of the cadre pipeline: reserve candidates per key post in ordinary
    villages (backward ones always need two) and the yellow-card rule's threshold."""
    require(actor, Right.SUPERVISE, county.code)
    if county.level != "county":
        raise ValidationError(_("The norms are set for a county."))
    if per_post < 0 or per_post > 10:
        raise ValidationError({"per_post": _("Between 0 and 10 candidates per post.")})
    if not Decimal(0) <= share_threshold <= Decimal(100):
        raise ValidationError({"share_threshold": _("A share between 0 and 100 %.")})
    norm, _created = ReserveNorm.objects.select_for_update().get_or_create(
        county=county, defaults={"per_post": per_post}
    )
    norm.per_post = per_post
    norm.full_clean()
    norm.save()
    rule, _created = YellowCardRule.objects.select_for_update().get_or_create(county=county)
    rule.share_threshold = share_threshold
    rule.count_mediocre = count_mediocre
    rule.full_clean()
    rule.save()
    return norm, rule


def yellow_cards_evaluate(*, year: int, county_codes: list[str] | None = None) -> int:
    """Evaluate the yellow-card rule of every county (or of `county_codes`) for `year` and issue
    the cards its townships earn; how many were issued. Safe to run twice: a township has one
    card a year (a unique constraint, and an insert that skips an existing one); a card issued
    stays (it is final), even if a later correction changes a grade."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        facts = yellow_card_facts(year, county_codes)
        already = set(
            YellowCard.objects.filter(
                year=year, township_id__in=[f.township.pk for f in facts]
            ).values_list("township_id", flat=True)
        )
        cards = [
            YellowCard(
                township=f.township,
                area_code=f.township.code,
                year=year,
                villages=f.villages,
                failing=f.failing,
                share=f.share,
                threshold=f.threshold,
                reasons=f.reasons,
            )
            for f in facts
            if f.earns_card and f.township.pk not in already
        ]
        YellowCard.objects.bulk_create(cards, ignore_conflicts=True)
        if cards:
            bulk_written.send(YellowCard, area_codes=sorted({c.area_code[:6] for c in cards}))
    return len(cards)
