"""Writes of 四述双评: the township records a person's quarterly report, then the on-the-spot
comment and score (final: a correction is a new report naming the one it replaces), the county
sets its grade bands (a new version each time), and the township confirms the year-end
evaluation of everyone who reported to it that year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cadres.models import Cadre, Post
from core.dates import today
from core.rights import Right, require
from core.types import Actor
from villages.choices import RegionLevel
from villages.models import ContactAssignment, Region

from ..choices import (
    QUARTERLY_REPORT_GRACE_DAYS,
    QUARTERLY_REPORT_TRANSITIONS,
    YEAR_END_FROM_MONTH,
    PeriodKind,
    QuarterlyReportState,
    ReporterKind,
)
from ..models import GradeBands, QuarterlyReport, WorkTeamMember, YearEndEvaluation
from ..periods import Period
from ..selectors.quarterly import bands_for, year_rollup
from .common import locked, require_state

__all__ = [
    "grade_bands_set",
    "quarterly_report_correct",
    "quarterly_report_hear",
    "quarterly_report_record",
    "quarterly_report_score",
    "year_end_confirm",
]

_TEXTS = ("duties", "integrity", "law", "ethics")


def _transition(report: QuarterlyReport, to: str) -> None:
    """Refuse a transition the table does not allow (the one place they are checked)."""
    allowed = [s for s, targets in QUARTERLY_REPORT_TRANSITIONS.items() if to in targets]
    require_state(report, allowed, _("This report is already scored: correct it instead."))


def _check_period(year: int, quarter: int, reported_on: dt.date) -> Period:
    if quarter not in range(1, 5):
        raise ValidationError({"quarter": _("A quarter is 1 to 4.")})
    if not 2000 <= year <= 2099:
        raise ValidationError({"year": _("Enter a year from 2000 to 2099.")})
    period = Period(year, PeriodKind.QUARTER, quarter)
    if reported_on > today():
        raise ValidationError({"reported_on": _("A report cannot be recorded before it is heard.")})
    latest = period.end + dt.timedelta(days=QUARTERLY_REPORT_GRACE_DAYS)
    if not period.start <= reported_on <= latest:
        raise ValidationError(
            {
                "reported_on": _("The quarter's report is heard from %(start)s to %(end)s.")
                % {
                    "start": date_format(period.start, "DATE_FORMAT"),
                    "end": date_format(latest, "DATE_FORMAT"),
                }
            }
        )
    return period


def _texts(data: dict[str, str]) -> dict[str, str]:
    texts = {k: (data.get(k) or "").strip() for k in _TEXTS}
    empty = {k: _("Write this part of the report.") for k, v in texts.items() if not v}
    if empty:
        raise ValidationError(empty)
    return texts


def _cadre_post(cadre: Cadre, period: Period) -> Post:
    """The two-committee post the cadre held at the quarter's end (or last held in it)."""
    posts = (
        Post.objects.two_committees()
        .filter(cadre=cadre, start_date__lte=period.end)
        .exclude(end_date__lt=period.start)
        .select_related("village")
        .order_by("-start_date", "-pk")
    )
    post = posts.first()
    if post is None:
        raise ValidationError(
            {"cadre": _("This cadre held no post of the two committees in the quarter.")}
        )
    return post


def _leader_township(person: Any, township: Region, period: Period) -> None:
    assigned = (
        ContactAssignment.objects.filter(
            cadre=person, village__township=township, start_date__lte=period.end
        )
        .exclude(end_date__lt=period.start)
        .exists()
    ) or (
        WorkTeamMember.objects.leads()
        .filter(person=person, village__township=township, start_date__lte=period.end)
        .exclude(end_date__lt=period.start)
        .exists()
    )
    if not assigned:
        raise ValidationError(
            {"person": _("This person led no contact team in the township that quarter.")}
        )


def _save(report: QuarterlyReport) -> QuarterlyReport:
    report.full_clean(exclude=["recorded_by", "scored_by"])
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as e:  # recorded concurrently: the constraint's answer
        raise ValidationError(_("This person's report of the quarter is recorded.")) from e
    return report


@transaction.atomic
def quarterly_report_record(
    *,
    actor: Actor,
    year: int,
    quarter: int,
    reported_on: dt.date,
    cadre: Cadre | None = None,
    person: Any = None,
    township: Region | None = None,
    **texts: str,
) -> QuarterlyReport:
    """Record a report heard by the township: a village cadre's (`cadre`, of the post they held
    in the quarter) or a contact-team leader's (`person`, in `township`). Township staff."""
    if (cadre is None) == (person is None):
        raise ValidationError(_("Choose the village cadre or the contact-team leader."))
    period = _check_period(year, quarter, reported_on)
    parts = _texts(texts)
    if cadre is not None:
        post = _cadre_post(cadre, period)
        require(actor, Right.EDIT, post.area_code)
        report = QuarterlyReport(
            kind=ReporterKind.VILLAGE_CADRE,
            cadre=cadre,
            post=post,
            village=post.village,
            township=post.village.township,
            area_code=post.area_code,
        )
    else:
        if township is None or township.level != RegionLevel.TOWNSHIP:
            raise ValidationError({"township": _("Choose a township.")})
        require(actor, Right.EDIT, township.code)
        _leader_township(person, township, period)
        report = QuarterlyReport(
            kind=ReporterKind.CONTACT_LEADER,
            person=person,
            township=township,
            area_code=township.code,
        )
    for name, value in parts.items():
        setattr(report, name, value)
    report.year, report.quarter, report.reported_on = year, quarter, reported_on
    report.recorded_by = actor
    return _save(report)


@transaction.atomic
def quarterly_report_score(
    *, actor: Actor, report: QuarterlyReport, commented_by: str, comment: str, score: Decimal
) -> QuarterlyReport:
    """Record the township leader's on-the-spot comment and the score (0 to 100): final."""
    require(actor, Right.EDIT, report.area_code)
    report = locked(report)
    _transition(report, QuarterlyReportState.SCORED)
    commented_by, comment = (commented_by or "").strip(), (comment or "").strip()
    errors = {}
    if not commented_by:
        errors["commented_by"] = _("Name the leader who commented.")
    if not comment:
        errors["comment"] = _("Write the on-the-spot comment.")
    if score is None or not Decimal(0) <= Decimal(score) <= Decimal(100):
        errors["score"] = _("A score is from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    report.commented_by, report.comment, report.score = commented_by, comment, Decimal(score)
    report.state = QuarterlyReportState.SCORED
    report.scored_by, report.scored_at = actor, timezone.now()
    report.full_clean(exclude=["recorded_by", "scored_by"])
    report.save(
        update_fields=["commented_by", "comment", "score", "state", "scored_by", "scored_at"]
    )
    return report


@transaction.atomic
def quarterly_report_hear(
    *,
    actor: Actor,
    commented_by: str = "",
    comment: str = "",
    score: Decimal | None = None,
    **report: Any,
) -> QuarterlyReport:
    """A report heard and, when the leader commented on the spot, scored at once (the page's
    one form): `quarterly_report_record`, then `quarterly_report_score` if a score is given."""
    recorded = quarterly_report_record(actor=actor, **report)
    if score is None and not (commented_by or comment):
        return recorded
    return quarterly_report_score(
        actor=actor,
        report=recorded,
        commented_by=commented_by,
        comment=comment,
        score=score,  # type: ignore[arg-type]
    )


@transaction.atomic
def quarterly_report_correct(
    *, actor: Actor, report: QuarterlyReport, reason: str, **texts: str
) -> QuarterlyReport:
    """Correct a scored report: a new report of the same person and quarter, naming the one it
    replaces and why, to be commented and scored again (the original stays as it was)."""
    require(actor, Right.EDIT, report.area_code)
    report = locked(report)
    require_state(
        report, [QuarterlyReportState.SCORED], _("A report is corrected once it is scored.")
    )
    if QuarterlyReport.objects.filter(corrects=report).exists():
        raise ValidationError(_("This report is already corrected: correct the latest one."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is corrected.")})
    given = {k: texts.get(k) or getattr(report, k) for k in _TEXTS}
    fields = [
        "kind", "cadre", "post", "person", "township", "village", "year", "quarter",
        "reported_on", "area_code",
    ]  # fmt: skip
    correction = QuarterlyReport(
        **{f: getattr(report, f) for f in fields},
        **_texts(given),
        corrects=report,
        correction_reason=reason,
        recorded_by=actor,
    )
    return _save(correction)


@transaction.atomic
def grade_bands_set(
    *,
    actor: Actor,
    county: Region,
    from_year: int,
    excellent_min: Decimal,
    competent_min: Decimal,
    basic_min: Decimal,
) -> GradeBands:
    """The county supervisor sets the grade bands from a year on (a new version; evaluations
    already confirmed keep the bands they were graded by)."""
    if county.level != RegionLevel.COUNTY:
        raise ValidationError({"county": _("Choose a county.")})
    require(actor, Right.SUPERVISE, county.code)
    bands = GradeBands(
        county=county,
        from_year=from_year,
        excellent_min=excellent_min,
        competent_min=competent_min,
        basic_min=basic_min,
        set_by=actor,
        area_code=county.code,
    )
    bands.full_clean(exclude=["set_by"])
    bands.save()
    return bands


@transaction.atomic
def year_end_confirm(
    *, actor: Actor, township: Region, year: int, on: dt.date | None = None
) -> list[YearEndEvaluation]:
    """The township confirms the year-end evaluation (from December on): each person who owed
    it reports that year gets their roll-up and grade stored, final. Refused while a report of
    the year awaits its score; people already confirmed are left as they are."""
    if township.level != RegionLevel.TOWNSHIP:
        raise ValidationError({"township": _("Choose a township.")})
    require(actor, Right.EDIT, township.code)
    on = on or today()
    if (on.year, on.month) < (year, YEAR_END_FROM_MONTH):
        raise ValidationError(
            _("The year-end evaluation of %(year)d is confirmed from December on.") % {"year": year}
        )
    # One confirmation of a township's year at a time.
    Region.objects.select_for_update().filter(pk=township.pk).first()
    rows = year_rollup(actor, township, year, on=on)
    pending = [r.name for r in rows if r.rollup and r.rollup.pending]
    if pending:
        raise ValidationError(
            _("Reports awaiting their score: %(names)s.") % {"names": "、".join(pending[:10])}
        )
    bands = bands_for(township.code, year)
    created = []
    for r in rows:
        if r.evaluation is not None or r.rollup is None:
            continue
        up = r.rollup
        evaluation = YearEndEvaluation(
            kind=r.kind,
            township=township,
            year=year,
            quarters_expected=len(up.expected),
            quarters_reported=len(up.reported),
            missing_quarters=",".join(str(q) for q in up.missing),
            average=up.average,
            overall=up.overall,
            grade=up.grade,
            bands=bands.row,
            confirmed_by=actor,
            area_code=r.area_code,
        )
        if r.is_cadre:
            evaluation.cadre_id = r.pk
        else:
            evaluation.person_id = r.pk
        created.append(evaluation)
    if not created:
        raise ValidationError(_("Nobody's evaluation of the year is left to confirm."))
    YearEndEvaluation.objects.bulk_create(created)
    return created
