"""Writes of the problem ledger (问题台账): register, rectify, submit, close (销号) or send back,
reopen, and escalate overdue problems (挂账督办). Every step is a `ProblemStep`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from villages.models import Village
from villages.scoping import require_organizing, today

from ..choices import ProblemAction, ProblemSource, ProblemState, Severity
from ..models import Problem, ProblemStep

__all__ = ["problem_open", "record_step"]

SOURCE_LINKS = ("inspection_finding", "hearing_question", "audit_finding", "disclosure_question")


def record_step(problem: Problem, *, action: str, from_state: str, actor, note: str = "") -> None:
    ProblemStep.objects.create(
        problem=problem,
        action=action,
        from_state=from_state,
        to_state=problem.state,
        note=note,
        actor=actor,
        area_code=problem.area_code,
    )


@transaction.atomic
def problem_open(
    *,
    actor,
    village: Village,
    source: str,
    title: str,
    category: str,
    owner_name: str,
    deadline: dt.date,
    severity: str = Severity.GENERAL,
    description: str = "",
    standard: str = "",
    owner=None,
    opened_on: dt.date | None = None,
    check_permission: bool = True,
    **source_link,
) -> Problem:
    """Register a problem in the ledger. `source_link` names the record it came from
    (`inspection_finding=`, `hearing_question=`, `audit_finding=`, `disclosure_question=`).
    `actor` may be None when the system registers it (an unsatisfied question on completion)."""
    if check_permission:
        require_organizing(actor, village.code)
    unknown = set(source_link) - set(SOURCE_LINKS)
    if unknown:
        raise ValueError(f"not problem sources: {sorted(unknown)}")
    if source not in ProblemSource.values:
        raise ValidationError({"source": _("Choose where the problem was found.")})
    if owner is not None and owner.village_id != village.pk:
        raise ValidationError({"owner": _("The responsible cadre must be of the same village.")})
    opened_on = opened_on or today()
    if deadline < opened_on:
        raise ValidationError({"deadline": _("The deadline is before the day it is registered.")})
    problem = Problem(
        village=village,
        source=source,
        title=title,
        description=description,
        category=category,
        severity=severity,
        owner_name=owner_name,
        owner=owner,
        standard=standard,
        deadline=deadline,
        opened_by=actor,
        opened_on=opened_on,
        area_code=village.code,
        **source_link,
    )
    problem.full_clean()
    problem.save()
    record_step(problem, action=ProblemAction.OPEN, from_state="", actor=actor)
    return problem


# re-exported names used by problem transitions elsewhere
OPEN_STATES = (ProblemState.OPEN, ProblemState.RECTIFYING, ProblemState.SUBMITTED)
