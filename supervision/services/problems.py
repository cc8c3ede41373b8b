"""Writes of the problem ledger (问题台账): register, rectify, submit, close (销号) or send back,
reopen, and escalate overdue problems (挂账督办). Every step is a `ProblemStep`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, NotRequired, TypedDict, TypeVar, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ForeignObjectRel, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Left
from django.utils.translation import gettext as _

from cadres.models import Cadre
from core.dates import today
from core.public_cache import public_changed
from core.rights import AnyUser, Right, require, scope_for
from core.types import Actor
from core.validators import check_reason, check_same_village
from ledgers.models import AuditFinding, DisclosureQuestion
from villages.models import Village

from .. import tasks_warnings
from ..choices import (
    Escalation,
    ProblemAction,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    Severity,
)
from ..models import HearingQuestion, InspectionFinding, Problem, ProblemStep, SupervisionPolicy
from .common import locked, require_state

__all__ = [
    "PROBLEM_TRANSITIONS",
    "may_take",
    "problem_close",
    "problem_from_audit_finding",
    "problem_from_disclosure_question",
    "problem_from_record",
    "problem_open",
    "problem_register_record",
    "problem_reopen",
    "problem_send_back",
    "problem_start",
    "problem_submit",
    "problem_update",
    "problems_escalate",
    "record_step",
]

#: days a problem has to be rectified when its registration does not say (a hearing's, one tap)
PROBLEM_DAYS = 30
SOURCE_LINKS = ("inspection_finding", "hearing_question", "audit_finding", "disclosure_question")
OPEN_STATES = (
    ProblemState.OPEN,
    ProblemState.REOPENED,
    ProblemState.RECTIFYING,
    ProblemState.SUBMITTED,
)
EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "severity",
    "owner",
    "owner_name",
    "standard",
)
#: escalation levels from the lowest; a problem only ever moves up
ESCALATION_ORDER: list[str] = [Escalation.NONE, Escalation.TOWNSHIP, Escalation.COUNTY]


@dataclass(frozen=True)
class Transition:
    """One allowed move of a problem: from which states, to which, and the right it needs (the
    township's or county's management, or the organizer side incl. the contact cadre)."""

    sources: tuple[str, ...]
    target: str
    right: Right


#: the one table of the problem's flow; services and the detail page's action forms read it
PROBLEM_TRANSITIONS: dict[str, Transition] = {
    ProblemAction.START: Transition(
        (ProblemState.OPEN, ProblemState.REOPENED), ProblemState.RECTIFYING, Right.ORGANIZE
    ),
    ProblemAction.SUBMIT: Transition(
        (ProblemState.RECTIFYING,), ProblemState.SUBMITTED, Right.ORGANIZE
    ),
    ProblemAction.CLOSE: Transition((ProblemState.SUBMITTED,), ProblemState.CLOSED, Right.EDIT),
    ProblemAction.REJECT: Transition(
        (ProblemState.SUBMITTED,), ProblemState.RECTIFYING, Right.EDIT
    ),
    ProblemAction.REOPEN: Transition((ProblemState.CLOSED,), ProblemState.REOPENED, Right.EDIT),
}


class SourceLink(TypedDict, total=False):
    """The record a problem came from (`problem_open`'s keywords; at most one, see SOURCE_LINKS)."""

    inspection_finding: InspectionFinding
    hearing_question: HearingQuestion
    audit_finding: AuditFinding
    disclosure_question: DisclosureQuestion


class ProblemFacts(TypedDict, total=False):
    """The facts `problem_update` corrects (EDITABLE_FIELDS)."""

    title: str
    description: str
    category: str
    severity: str
    owner: Cadre | None
    owner_name: str
    standard: str


class _Changes(TypedDict, total=False):
    """The fields a transition sets besides the state (`_move`)."""

    rectification: str
    closure_evidence: str
    closed_by: Actor | None
    closed_on: dt.date | None


def may_take(user: AnyUser, problem: Problem, action: str) -> bool:
    """True if `user` may make the `action` on the problem now (its state and their rights)."""
    move = PROBLEM_TRANSITIONS[action]
    if problem.state not in move.sources:
        return False
    return scope_for(user).allows(move.right, problem.area_code)


def record_step(
    problem: Problem, *, action: str, from_state: str, actor: Actor | None, note: str = ""
) -> None:
    ProblemStep.objects.create(
        problem=problem,
        action=action,
        from_state=from_state,
        to_state=problem.state,
        note=note,
        actor=actor,
        area_code=problem.area_code,
    )
    # Every change of a problem passes here: the villagers' problems are on the public pages.
    public_changed(problem.area_code)


@transaction.atomic
def problem_open(
    *,
    actor: Actor | None,
    village: Village,
    source: str,
    title: str,
    category: str,
    owner_name: str,
    deadline: dt.date,
    severity: str = Severity.GENERAL,
    description: str = "",
    standard: str = "",
    owner: Cadre | None = None,
    opened_on: dt.date | None = None,
    check_permission: bool = True,
    **source_link: Unpack[SourceLink],
) -> Problem:
    """Register a problem in the ledger. `source_link` names the record it came from
    (`inspection_finding=`, `hearing_question=`, `audit_finding=`, `disclosure_question=`).
    `actor` may be None when the system registers it (an unsatisfied question on completion)."""
    if check_permission:
        require(actor, Right.ORGANIZE, village.code)
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


def _move(
    problem: Problem, action: str, *, actor: Actor, note: str = "", **changes: Unpack[_Changes]
) -> Problem:
    """Check the transition against PROBLEM_TRANSITIONS, apply it with `changes`, log the step."""
    move = PROBLEM_TRANSITIONS[action]
    require(actor, move.right, problem.area_code)
    problem = locked(problem)
    require_state(problem, move.sources, _("This step is not possible in the problem's state."))
    from_state = problem.state
    problem.state = move.target
    for field, value in changes.items():
        setattr(problem, field, value)
    problem.full_clean()
    problem.save(update_fields=["state", *changes])
    record_step(problem, action=action, from_state=from_state, actor=actor, note=note)
    tasks_warnings.warnings_refresh_later(problem.area_code)
    return problem


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def problem_start(*, actor: Actor, problem: Problem, note: str = "") -> Problem:
    """The village starts rectifying the problem (the organizer side)."""
    return _move(problem, ProblemAction.START, actor=actor, note=note)


@transaction.atomic
def problem_submit(*, actor: Actor, problem: Problem, rectification: str) -> Problem:
    """The rectification is done: submit it, saying what was done, for the township to verify."""
    done = _required(rectification, "rectification", _("Say what was done."))
    return _move(problem, ProblemAction.SUBMIT, actor=actor, note=done, rectification=done)


@transaction.atomic
def problem_close(
    *, actor: Actor, problem: Problem, evidence: str, on: dt.date | None = None
) -> Problem:
    """销号: the township or county verifies the rectification and closes the problem."""
    evidence = _required(evidence, "evidence", _("Give the evidence that the problem is solved."))
    on = on or today()
    if on > today():
        raise ValidationError({"on": _("The date is in the future.")})
    if on < problem.opened_on:
        raise ValidationError({"on": _("The problem cannot be closed before it was registered.")})
    return _move(
        problem,
        ProblemAction.CLOSE,
        actor=actor,
        note=evidence,
        closure_evidence=evidence,
        closed_by=actor,
        closed_on=on,
    )


@transaction.atomic
def problem_send_back(*, actor: Actor, problem: Problem, note: str) -> Problem:
    """The township finds the rectification insufficient and sends it back, saying why."""
    note = _required(note, "note", _("Say why the rectification is sent back."))
    return _move(problem, ProblemAction.REJECT, actor=actor, note=note)


@transaction.atomic
def problem_reopen(*, actor: Actor, problem: Problem, reason: str) -> Problem:
    """A closed problem has come back: reopen it (the only change a closed problem allows)."""
    reason = check_reason(reason)
    return _move(
        problem,
        ProblemAction.REOPEN,
        actor=actor,
        note=reason,
        closed_by=None,
        closed_on=None,
    )


def _label(name: str) -> str:
    """The verbose name of one of the problem's own fields (EDITABLE_FIELDS)."""
    field = Problem._meta.get_field(name)
    if isinstance(field, ForeignObjectRel):
        raise TypeError(f"{name!r} is a relation to the problem, not one of its fields")
    return str(field.verbose_name)


@transaction.atomic
def problem_update(
    *,
    actor: Actor,
    problem: Problem,
    deadline: dt.date | None = None,
    **facts: Unpack[ProblemFacts],
) -> Problem:
    """Correct the facts of an unresolved problem (四明确: task, owner, deadline, standard).
    Moving the deadline is the township's decision and is logged as a step."""
    unknown = set(facts) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable problem fields: {sorted(unknown)}")
    require(actor, Right.ORGANIZE, problem.area_code)
    problem = locked(problem)
    if problem.state == ProblemState.CLOSED:
        raise ValidationError(_("A closed problem cannot be edited, only reopened."))
    owner = facts.get("owner", problem.owner)
    if isinstance(owner, Cadre) and owner.village_id != problem.village_id:
        raise ValidationError({"owner": _("The responsible cadre must be of the same village.")})
    changes = {f: v for f, v in facts.items() if getattr(problem, f) != v}
    changed = list(changes)
    notes: list[str] = []
    if changed:
        labels = ", ".join(_label(f) for f in changed)
        notes.append(_("Changed: %(fields)s.") % {"fields": labels})
    if deadline is not None and deadline != problem.deadline:
        # The deadline decides escalation: the organizer side may not move its own.
        if not scope_for(actor).allows(Right.EDIT, problem.area_code):
            raise PermissionDenied(_("Only the township or the county may move a deadline."))
        if deadline < problem.opened_on:
            raise ValidationError(
                {"deadline": _("The deadline is before the day it is registered.")}
            )
        notes.append(
            _("Deadline moved from %(old)s to %(new)s.")
            % {
                "old": problem.deadline.isoformat(),
                "new": deadline.isoformat(),
            }
        )
        problem.deadline = deadline
        changed.append("deadline")
    if not changed:
        return problem
    for field, value in changes.items():
        setattr(problem, field, value)
    problem.full_clean()
    problem.save(update_fields=changed)
    record_step(
        problem,
        action=ProblemAction.EDIT,
        from_state=problem.state,
        actor=actor,
        note=" ".join(notes),
    )
    if "deadline" in changed:
        tasks_warnings.warnings_refresh_later(problem.area_code)
    return problem


# ------------------------------------------------------------------ escalation (挂账督办)


def _target_level(days_overdue: int, county_days: int) -> str:
    return Escalation.COUNTY if days_overdue >= county_days else Escalation.TOWNSHIP


@transaction.atomic
def problems_escalate(*, on: dt.date) -> int:
    """挂账督办: unresolved problems past their deadline are supervised by the township, and
    those overdue by the county policy's `county_escalation_days` by the county. Set-based
    (one select, one update per level, one insert of steps) and safe to run twice or at once."""
    default_days = SupervisionPolicy._meta.get_field("county_escalation_days").default
    county_days = SupervisionPolicy.objects.filter(area_code=Left(OuterRef("area_code"), 6))
    rows = list(
        Problem.objects.filter(state__in=OPEN_STATES, deadline__lt=on)
        .exclude(escalation=Escalation.COUNTY)
        .annotate(
            county_days=Coalesce(
                Subquery(county_days.values("county_escalation_days")[:1]),
                Value(default_days),
                output_field=IntegerField(),
            )
        )
        # A concurrent run skips the rows this one holds: each escalation happens once.
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", "area_code", "state", "escalation", "deadline", "county_days")
    )
    moves: dict[str, list[int]] = {Escalation.TOWNSHIP: [], Escalation.COUNTY: []}
    steps: list[ProblemStep] = []
    for pk, area_code, state, escalation, deadline, days in rows:
        overdue = (on - deadline).days
        target = _target_level(overdue, days)
        if ESCALATION_ORDER.index(target) <= ESCALATION_ORDER.index(escalation):
            continue
        moves[target].append(pk)
        note = _("%(days)d days past the deadline: %(level)s.") % {
            "days": overdue,
            "level": Escalation(target).label,
        }
        steps.append(
            ProblemStep(
                problem_id=pk,
                action=ProblemAction.ESCALATE,
                from_state=state,
                to_state=state,
                note=note,
                actor=None,
                area_code=area_code,
            )
        )
    for target, pks in moves.items():
        if pks:
            Problem.objects.filter(pk__in=pks).update(escalation=target)
    ProblemStep.objects.bulk_create(steps, batch_size=2000)
    return len(steps)


# ------------------------------------------------------------------ from the ledgers


def _title(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 100 else text[:99] + "…"


_R = TypeVar("_R", AuditFinding, DisclosureQuestion)


@dataclass(frozen=True)
class _Origin(Generic[_R]):
    """What a problem registered from a record of the ledgers takes from that record."""

    model: type[_R]  # the record's model
    #: the problem's field that points at the record (one problem per record), as the keyword
    #: `problem_open` takes
    link: Callable[[_R], SourceLink]
    category: str  # the category proposed when none is given
    village: Callable[[_R], Village]
    text: Callable[[_R], str]  # the description, and the title when none is given
    note: Callable[[_R], str]  # a line added to the description, or ""

    def link_of(self, record: AuditFinding | DisclosureQuestion) -> SourceLink:
        return self.link(self._own(record))

    def read(self, record: AuditFinding | DisclosureQuestion) -> tuple[str, str, Village]:
        """The record's text, note and village."""
        own = self._own(record)
        return self.text(own), self.note(own), self.village(own)

    def _own(self, record: AuditFinding | DisclosureQuestion) -> _R:
        """`record`, which must be of this origin's model (the source and the record agree)."""
        if not isinstance(record, self.model):
            raise TypeError(f"not a {self.model.__name__}: {record!r}")
        return record


_ORIGINS: dict[str, _Origin[AuditFinding] | _Origin[DisclosureQuestion]] = {
    ProblemSource.AUDIT: _Origin(
        model=AuditFinding,
        link=lambda finding: {"audit_finding": finding},
        category=ProblemCategory.FINANCE,
        village=lambda finding: finding.audit.village,
        text=lambda finding: finding.description,
        note=lambda finding: (
            _("Amount involved: %(amount)s yuan") % {"amount": finding.amount}
            if finding.amount
            else ""
        ),
    ),
    ProblemSource.DISCLOSURE: _Origin(
        model=DisclosureQuestion,
        link=lambda question: {"disclosure_question": question},
        category=ProblemCategory.AFFAIRS,
        village=lambda question: question.disclosure.village,
        text=lambda question: question.question,
        note=lambda question: (
            _("Answer given: %(answer)s") % {"answer": question.answer} if question.answer else ""
        ),
    ),
}


@transaction.atomic
def problem_from_record(
    *,
    actor: Actor,
    source: str,
    record: AuditFinding | DisclosureQuestion,
    deadline: dt.date,
    owner_name: str,
    title: str = "",
    category: str = "",
    severity: str = Severity.GENERAL,
    standard: str = "",
    owner: Cadre | None = None,
    village: Village | None = None,
) -> Problem:
    """Register a record of the ledgers as a problem, one problem per record: an audit finding
    (定期审计, `source` AUDIT) or a villager's question about a published statement
    (DISCLOSURE). The problem is the record's village's; a `village` named too must be it."""
    origin = _ORIGINS[source]
    link = origin.link_of(record)
    if Problem.objects.filter(**link).exists():
        raise ValidationError(_("This record is already registered as a problem."))
    text, note, own_village = origin.read(record)
    if village is not None:
        check_same_village(
            village.pk,
            own_village.pk,
            field=next(iter(link)),
            what=str(origin.model._meta.verbose_name),
        )
    village = own_village
    return problem_open(
        actor=actor,
        village=village,
        source=source,
        title=title or _title(text),
        description=f"{text}\n{note}" if note else text,
        category=category or origin.category,
        severity=severity,
        owner_name=owner_name,
        owner=owner,
        standard=standard,
        deadline=deadline,
        **link,
    )


class RecordProblemFields(TypedDict):
    """The keywords of `problem_from_record` besides the source and the record."""

    actor: Actor
    deadline: dt.date
    owner_name: str
    title: NotRequired[str]
    category: NotRequired[str]
    severity: NotRequired[str]
    standard: NotRequired[str]
    owner: NotRequired[Cadre | None]
    village: NotRequired[Village | None]


def problem_from_audit_finding(
    *, finding: AuditFinding, **fields: Unpack[RecordProblemFields]
) -> Problem:
    """Register an audit finding (定期审计) as a problem (`problem_from_record`)."""
    return problem_from_record(source=ProblemSource.AUDIT, record=finding, **fields)


def problem_from_disclosure_question(
    *, question: DisclosureQuestion, **fields: Unpack[RecordProblemFields]
) -> Problem:
    """Register a villager's question about a published statement as a problem."""
    return problem_from_record(source=ProblemSource.DISCLOSURE, record=question, **fields)


def problem_register_record(
    *,
    actor: Actor,
    source: str,
    record: AuditFinding | DisclosureQuestion,
) -> Problem:
    """Register a ledger record as a problem in one tap (`problem_from_record`), today: due in
    PROBLEM_DAYS days, the village committees responsible, both editable on the problem."""
    return problem_from_record(
        actor=actor,
        source=source,
        record=record,
        deadline=today() + dt.timedelta(days=PROBLEM_DAYS),
        owner_name=_("The village committees"),
    )
