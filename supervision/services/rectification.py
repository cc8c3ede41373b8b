"""Writes of 后进村整顿 (seed 002): designate a backward village for the year, plan its
rectification (一村一策), record monthly progress, apply for acceptance (申报验收), the county's
acceptance inspection (验收; a failed village is re-planned and applies again) and the follow-up
visits against relapse (回访)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.dates import today
from core.rights import AnyUser, Right, require, scope_for
from core.types import Actor
from core.validators import check_reason, check_year
from villages import services as village_services
from villages.models import Village

from ..choices import RectificationState
from ..models import FollowUpVisit, Rectification, RectificationProgress
from .common import locked, require_state

__all__ = [
    "RECTIFICATION_STEPS",
    "may_step",
    "rectification_accept",
    "rectification_add_progress",
    "rectification_add_visit",
    "rectification_apply",
    "rectification_designate",
    "rectification_plan",
]

S = RectificationState
#: states in which the plan may be made or revised (a failed village is re-diagnosed, 集体会诊)
PLANNABLE = (S.DESIGNATED, S.PLANNED, S.FAILED)
#: states in which the work goes on and is reported monthly
UNDER_WAY = (S.PLANNED, S.APPLIED, S.FAILED)
#: each step after the designation: the states it is taken from and the right it needs (the
#: county's acceptance inspection, the township's management, or the organizer side incl. the
#: contact cadre)
RECTIFICATION_STEPS: dict[str, tuple[tuple[str, ...], Right]] = {
    "plan": (PLANNABLE, Right.EDIT),
    "progress": (UNDER_WAY, Right.ORGANIZE),
    "apply": ((S.PLANNED,), Right.EDIT),
    "accept": ((S.APPLIED,), Right.SUPERVISE),
    "visit": ((S.PASSED,), Right.EDIT),
}


def may_step(
    user: AnyUser, rectification: Rectification, step: str, *, any_state: bool = False
) -> bool:
    """True if `user` may take `step` on the rectification (in its state, unless `any_state`)."""
    states, right = RECTIFICATION_STEPS[step]
    if not any_state and rectification.state not in states:
        return False
    return scope_for(user).allows(right, rectification.area_code)


def _set_backward(actor: Actor, village: Village, value: bool) -> None:
    if village.is_backward != value:
        village_services.village_update(actor=actor, village=village, is_backward=value)


@transaction.atomic
def rectification_designate(
    *, actor: Actor, village: Village, year: int, reasons: str
) -> Rectification:
    """Designate the village as backward for the year, with the reasons (county or township)."""
    require(actor, Right.EDIT, village.code)
    check_year(year)
    reasons = check_reason(reasons, field="reasons")
    if Rectification.objects.filter(village=village, year=year).exists():
        raise ValidationError({"year": _("The village is already designated for this year.")})
    rectification = Rectification(
        village=village,
        year=year,
        reasons=reasons,
        designated_by=actor,
        area_code=village.code,
    )
    rectification.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rectification.save()
    except IntegrityError:  # designated at the same moment by someone else
        raise ValidationError(
            {"year": _("The village is already designated for this year.")}
        ) from None
    _set_backward(actor, village, True)
    return rectification


@transaction.atomic
def rectification_plan(
    *,
    actor: Actor,
    rectification: Rectification,
    measures: str,
    leader: str,
    work_team: str,
    deadline: dt.date,
) -> Rectification:
    """一村一策: the measures, the responsible leader, the work team and the deadline; a failed
    village gets a revised plan and may apply again."""
    require(actor, Right.EDIT, rectification.area_code)
    rectification = locked(rectification)
    require_state(
        rectification, RECTIFICATION_STEPS["plan"][0], _("The plan can no longer change.")
    )
    errors: dict[str, str] = {}
    for field, value in (("measures", measures), ("leader", leader), ("work_team", work_team)):
        if not (value or "").strip():
            errors[field] = _("This field is required.")
    if deadline and deadline < today() and rectification.deadline != deadline:
        errors["deadline"] = _("The deadline is in the past.")
    if errors:
        raise ValidationError(errors)
    rectification.measures = measures.strip()
    rectification.leader = leader.strip()
    rectification.work_team = work_team.strip()
    rectification.deadline = deadline
    rectification.state = S.PLANNED
    rectification.full_clean()
    rectification.save()
    return rectification


@transaction.atomic
def rectification_add_progress(
    *, actor: Actor, rectification: Rectification, month: dt.date, progress: str
) -> RectificationProgress:
    """The month's progress report (one per month), by the work team or the contact cadre."""
    require(actor, Right.ORGANIZE, rectification.area_code)
    # locked: a double submit waits for the first and is then refused as already recorded
    rectification = locked(rectification)
    require_state(
        rectification,
        RECTIFICATION_STEPS["progress"][0],
        _("Progress is reported while the rectification is under way."),
    )
    month = month.replace(day=1)
    if month > today():
        raise ValidationError({"month": _("The month has not begun yet.")})
    if month.year < rectification.year - 1:
        raise ValidationError({"month": _("The month is before the designation.")})
    if not (progress or "").strip():
        raise ValidationError({"progress": _("Describe the progress of the month.")})
    if RectificationProgress.objects.filter(rectification=rectification, month=month).exists():
        raise ValidationError({"month": _("The progress of this month is already recorded.")})
    entry = RectificationProgress(
        rectification=rectification,
        month=month,
        progress=progress.strip(),
        recorded_by=actor,
        area_code=rectification.area_code,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def rectification_apply(
    *, actor: Actor, rectification: Rectification, on: dt.date | None = None
) -> Rectification:
    """申报验收: the township applies for the county's acceptance inspection."""
    require(actor, Right.EDIT, rectification.area_code)
    rectification = locked(rectification)
    require_state(
        rectification,
        RECTIFICATION_STEPS["apply"][0],
        _("Only a planned rectification can apply."),
    )
    on = on or today()
    if on > today():
        raise ValidationError({"on": _("The date is in the future.")})
    rectification.applied_on = on
    rectification.state = S.APPLIED
    rectification.full_clean()
    rectification.save(update_fields=["applied_on", "state"])
    return rectification


@transaction.atomic
def rectification_accept(
    *,
    actor: Actor,
    rectification: Rectification,
    passed: bool,
    by: str,
    notes: str = "",
    on: dt.date | None = None,
) -> Rectification:
    """验收 by the county: passed is final; a failed village is re-planned and applies again."""
    if not scope_for(actor).allows(Right.SUPERVISE, rectification.area_code):
        raise PermissionDenied(_("Only the county inspects rectifications for acceptance."))
    rectification = locked(rectification)
    require_state(
        rectification,
        RECTIFICATION_STEPS["accept"][0],
        _("The village has not applied for acceptance."),
    )
    on = on or today()
    errors: dict[str, str] = {}
    if not (by or "").strip():
        errors["by"] = _("Say who inspected it.")
    if on > today():
        errors["on"] = _("The date is in the future.")
    elif rectification.applied_on and on < rectification.applied_on:
        errors["on"] = _("The inspection is before the application.")
    if not passed and not (notes or "").strip():
        errors["notes"] = _("Say why the village failed.")
    if errors:
        raise ValidationError(errors)
    rectification.state = S.PASSED if passed else S.FAILED
    rectification.accepted_on = on
    rectification.acceptance_by = by.strip()
    rectification.acceptance_notes = (notes or "").strip()
    rectification.full_clean()
    rectification.save(update_fields=["state", "accepted_on", "acceptance_by", "acceptance_notes"])
    if passed:
        # The village leaves the list of backward villages; a relapse on a visit puts it back.
        _set_backward(actor, rectification.village, False)
    return rectification


@transaction.atomic
def rectification_add_visit(
    *,
    actor: Actor,
    rectification: Rectification,
    date: dt.date,
    visitor: str,
    findings: str,
    relapsed: bool = False,
) -> FollowUpVisit:
    """回访 after acceptance; a relapsed village is marked backward again."""
    require(actor, Right.EDIT, rectification.area_code)
    rectification = locked(rectification)
    require_state(
        rectification,
        RECTIFICATION_STEPS["visit"][0],
        _("Follow-up visits come after passing acceptance."),
    )
    errors: dict[str, str] = {}
    if date > today():
        errors["date"] = _("The date is in the future.")
    elif rectification.accepted_on and date < rectification.accepted_on:
        errors["date"] = _("The visit is before the acceptance.")
    if not (visitor or "").strip():
        errors["visitor"] = _("Say who visited.")
    if not (findings or "").strip():
        errors["findings"] = _("Describe what the visit found.")
    if errors:
        raise ValidationError(errors)
    visit = FollowUpVisit(
        rectification=rectification,
        date=date,
        visitor=visitor.strip(),
        findings=findings.strip(),
        relapsed=relapsed,
        recorded_by=actor,
        area_code=rectification.area_code,
    )
    visit.full_clean()
    visit.save()
    if relapsed:
        _set_backward(actor, rectification.village, True)
    return visit
