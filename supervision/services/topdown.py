"""Writes of the top-down part of 双监督: the county's versioned inspection checklists, the
township's quarterly inspections (一季一巡查) and semi-annual reviews (半年一评议)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeAlias, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Post
from core.dates import today
from core.rates import percent_of
from core.rights import Right, require
from core.types import Actor

from ..choices import (
    Grade,
    ParticipantKind,
    ProblemSource,
    RecordState,
    Severity,
    TaskKind,
    TemplateState,
)
from ..models import (
    Inspection,
    InspectionFinding,
    InspectionParticipant,
    InspectionScore,
    InspectionTemplate,
    InspectionTemplateItem,
    Review,
    ReviewScore,
    SupervisionTask,
)
from ..periods import Period
from ..selectors.topdown import sitting_posts
from .common import (
    each_row,
    locked,
    policy_for,
    require_draft,
    require_state,
    row_refused,
    task_done,
)
from .problems import problem_open

__all__ = [
    "grade_for",
    "inspection_add_finding",
    "inspection_complete",
    "inspection_remove_finding",
    "inspection_set_participants",
    "inspection_set_scores",
    "inspection_start",
    "inspection_update",
    "review_complete",
    "review_set_score",
    "review_set_scores",
    "review_start",
    "template_activate",
    "template_create",
    "template_new_version",
    "template_set_items",
]

TENTH = Decimal("0.1")

#: a number, or its text
Number: TypeAlias = Decimal | int | float | str
#: a number as a form, the API or a caller gives it (`_decimal` reads it; None is refused)
NumberInput: TypeAlias = Number | None


class ChecklistItem(TypedDict, total=False):
    """One item given to `template_create` / `template_set_items`; an item without a position
    takes its place in the list."""

    position: int
    section: str
    text: str
    weight: NumberInput


class ParticipantInput(TypedDict, total=False):
    """One participant given to `inspection_set_participants`."""

    name: str
    kind: str
    organization: str


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _decimal(value: NumberInput, message: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(message) from None
    if not number.is_finite():
        raise ValidationError(message)
    return number


# ------------------------------------------------------------------ checklists


def _write_items(template: InspectionTemplate, items: Iterable[ChecklistItem]) -> None:
    """Replace the draft's items by `items` (dicts: position, section, text, weight)."""
    rows: list[InspectionTemplateItem] = []
    errors: list[str] = []
    positions: set[int] = set()
    for n, item in enumerate(items, 1):
        given = item.get("position")
        # blank means "in the order given"; 0, negatives and words are refused, not replaced
        try:
            position = n if given is None or str(given).strip() == "" else int(str(given))
        except ValueError:
            position = 0
        if position < 1:
            errors.append(_("Item %(n)d: the position is a whole number from 1.") % {"n": n})
        text = (item.get("text") or "").strip()
        try:
            weight = _decimal(item.get("weight"), "")
        except ValidationError:
            weight = None
        if not text:
            errors.append(_("Item %(n)d: write what is checked.") % {"n": n})
        if weight is None or weight <= 0:
            errors.append(_("Item %(n)d: the weight must be more than 0.") % {"n": n})
        if position in positions:
            errors.append(_("Item %(n)d: position %(p)d is used twice.") % {"n": n, "p": position})
        positions.add(position)
        rows.append(
            InspectionTemplateItem(
                template=template,
                position=position,
                section=(item.get("section") or "").strip(),
                text=text,
                weight=weight or Decimal(0),
                area_code=template.area_code,
            )
        )
    if errors:
        raise ValidationError({"items": errors})
    for row in rows:
        row.full_clean(exclude=["template"])
    template.items.all().delete()
    InspectionTemplateItem.objects.bulk_create(rows)


@transaction.atomic
def template_create(
    *, actor: Actor, county_code: str, name: str, items: Iterable[ChecklistItem] = ()
) -> InspectionTemplate:
    """A county's new checklist, a draft numbered after the county's last version."""
    county_code = county_code[:6]
    require(actor, Right.EDIT, county_code)
    # one writer at a time per county: the version numbers stay consecutive
    versions = InspectionTemplate.objects.select_for_update().filter(area_code=county_code)
    last = max(versions.values_list("version", flat=True), default=0)
    template = InspectionTemplate(
        area_code=county_code, version=last + 1, name=name.strip(), created_by=actor
    )
    template.full_clean()
    template.save()
    _write_items(template, items)
    return template


@transaction.atomic
def template_set_items(
    *, actor: Actor, template: InspectionTemplate, items: Iterable[ChecklistItem]
) -> InspectionTemplate:
    """Replace the items of a draft checklist (a checklist in use changes by a new version)."""
    require(actor, Right.EDIT, template.area_code)
    template = locked(template)
    require_state(
        template,
        [TemplateState.DRAFT],
        _("This checklist is in use or retired: make a new version to change it."),
    )
    _write_items(template, items)
    return template


@transaction.atomic
def template_activate(*, actor: Actor, template: InspectionTemplate) -> InspectionTemplate:
    """Put a draft in use; the county's checklist in use until now is retired."""
    require(actor, Right.EDIT, template.area_code)
    template = locked(template)
    require_state(template, [TemplateState.DRAFT], _("Only a draft checklist can be put in use."))
    if not template.items.exists():
        raise ValidationError(_("Add the checklist's items before putting it in use."))
    InspectionTemplate.objects.select_for_update().filter(
        area_code=template.area_code, state=TemplateState.ACTIVE
    ).update(state=TemplateState.RETIRED)
    template.state = TemplateState.ACTIVE
    template.activated_at = timezone.now()
    template.full_clean()
    template.save(update_fields=["state", "activated_at"])
    return template


@transaction.atomic
def template_new_version(*, actor: Actor, county_code: str, name: str = "") -> InspectionTemplate:
    """A new draft copying the items of the county's checklist in use (or its latest version)."""
    county_code = county_code[:6]
    require(actor, Right.EDIT, county_code)
    # the county's versions locked first: two clicks at once make one draft, not two
    templates = InspectionTemplate.objects.filter(area_code=county_code)
    list(templates.select_for_update().values_list("pk", flat=True))
    if templates.filter(state=TemplateState.DRAFT).exists():
        raise ValidationError(
            _("A draft version is already being prepared: edit it or put it in use first.")
        )
    source = templates.filter(state=TemplateState.ACTIVE).first() or templates.first()
    if source is None:
        raise ValidationError(_("The county has no checklist yet: create the first one."))
    items: list[ChecklistItem] = [
        {"position": i.position, "section": i.section, "text": i.text, "weight": i.weight}
        for i in source.items.all()
    ]
    return template_create(
        actor=actor, county_code=county_code, name=name or source.name, items=items
    )


# ------------------------------------------------------------------ inspections


def _require_kind(task: SupervisionTask, kind: str) -> None:
    if task.kind != kind:
        raise ValidationError(
            _("This duty is a %(kind)s, not a %(wanted)s.")
            % {"kind": task.get_kind_display(), "wanted": TaskKind(kind).label}
        )


def _check_record_date(task: SupervisionTask, date: dt.date) -> None:
    if date < Period.parse(task.period).start:
        raise ValidationError({"date": _("The date is before the period of the duty begins.")})


@transaction.atomic
def inspection_start(
    *,
    actor: Actor,
    task: SupervisionTask,
    date: dt.date,
    template: InspectionTemplate | None = None,
) -> Inspection:
    """Start the quarterly inspection of a duty on the county's checklist in use."""
    require(actor, Right.EDIT, task.area_code)
    task = locked(task)
    _require_kind(task, TaskKind.INSPECTION)
    if Inspection.objects.filter(task=task).exists():
        raise ValidationError(_("This duty already has its inspection."))
    county = task.area_code[:6]
    if template is None:
        template = InspectionTemplate.objects.filter(
            area_code=county, state=TemplateState.ACTIVE
        ).first()
        if template is None:
            raise ValidationError(
                _(
                    "The county has no inspection checklist in use: "
                    "the county supervisor must put one in use first."
                )
            )
    elif template.area_code != county or template.state != TemplateState.ACTIVE:
        raise ValidationError({"template": _("Use the county's checklist in use.")})
    _check_record_date(task, date)
    inspection = Inspection(
        task=task,
        village=task.village,
        period=task.period,
        template=template,
        date=date,
        created_by=actor,
        area_code=task.area_code,
    )
    inspection.full_clean()
    inspection.save()
    return inspection


def _editable_inspection(actor: Actor, inspection: Inspection) -> Inspection:
    require(actor, Right.EDIT, inspection.area_code)
    inspection = locked(inspection)
    require_draft(inspection)
    return inspection


@transaction.atomic
def inspection_update(
    *, actor: Actor, inspection: Inspection, date: dt.date, summary: str = ""
) -> Inspection:
    """Change the date and summary of a draft inspection."""
    inspection = _editable_inspection(actor, inspection)
    _check_record_date(inspection.task, date)
    inspection.date = date
    inspection.summary = summary
    inspection.full_clean()
    inspection.save(update_fields=["date", "summary"])
    return inspection


@transaction.atomic
def inspection_set_scores(
    *, actor: Actor, inspection: Inspection, scores: Mapping[int, tuple[NumberInput, str]]
) -> Inspection:
    """Score items of the checklist: `{item_id: (score, note)}`; 0 ≤ score ≤ the item's weight.
    Items not named keep their score."""
    inspection = _editable_inspection(actor, inspection)
    items = {i.pk: i for i in inspection.template.items.all()}
    errors: list[str] = []
    values: dict[InspectionTemplateItem, tuple[Decimal, str]] = {}
    for item_id, (score, note) in scores.items():
        item = items.get(int(item_id))
        if item is None:
            errors.append(_("Item %(id)s is not on this inspection's checklist.") % {"id": item_id})
            continue
        message = _("“%(item)s”: the score must be between 0 and %(weight)s.") % {
            "item": item.text,
            "weight": item.weight,
        }
        try:
            value = _decimal(score, message)
        except ValidationError:
            errors.append(message)
            continue
        if not 0 <= value <= item.weight:
            errors.append(message)
            continue
        values[item] = (_tenth(value), (note or "").strip()[:300])
    if errors:
        raise ValidationError({"scores": errors})
    for item, (value, note) in values.items():
        InspectionScore.objects.update_or_create(
            inspection=inspection,
            item=item,
            defaults={"score": value, "note": note, "area_code": inspection.area_code},
        )
    return inspection


@transaction.atomic
def inspection_set_participants(
    *, actor: Actor, inspection: Inspection, participants: Iterable[ParticipantInput]
) -> Inspection:
    """Replace who took part: `[{name, kind, organization}]`."""
    inspection = _editable_inspection(actor, inspection)
    rows: list[InspectionParticipant] = []
    errors: list[str] = []
    for n, p in enumerate(participants, 1):
        name = (p.get("name") or "").strip()
        kind = p.get("kind") or ""
        if not name:
            errors.append(_("Participant %(n)d: write the name.") % {"n": n})
        if kind not in ParticipantKind.values:
            errors.append(_("Participant %(n)d: choose how they take part.") % {"n": n})
        rows.append(
            InspectionParticipant(
                inspection=inspection,
                name=name,
                kind=kind,
                organization=(p.get("organization") or "").strip(),
                area_code=inspection.area_code,
            )
        )
    if errors:
        raise ValidationError({"participants": errors})
    for row in rows:
        row.full_clean(exclude=["inspection"])
    inspection.participants.all().delete()
    InspectionParticipant.objects.bulk_create(rows)
    return inspection


@transaction.atomic
def inspection_add_finding(
    *,
    actor: Actor,
    inspection: Inspection,
    description: str,
    category: str,
    owner_name: str,
    deadline: dt.date,
    severity: str = Severity.GENERAL,
) -> InspectionFinding:
    """A problem found by a draft inspection; it enters the problem ledger on completion."""
    inspection = _editable_inspection(actor, inspection)
    if deadline < inspection.date:
        raise ValidationError({"deadline": _("The deadline is before the inspection.")})
    finding = InspectionFinding(
        inspection=inspection,
        description=description.strip(),
        category=category,
        severity=severity,
        owner_name=owner_name.strip(),
        deadline=deadline,
        area_code=inspection.area_code,
    )
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def inspection_remove_finding(*, actor: Actor, finding: InspectionFinding) -> Inspection:
    """Take a finding off a draft inspection."""
    inspection = _editable_inspection(actor, finding.inspection)
    finding.delete()
    return inspection


def total_score(scores: Iterable[Decimal], weights: Iterable[Decimal]) -> Decimal:
    """100 × the points scored / the points possible, to 0.1 (core.rates); 0 if none possible."""
    score = percent_of(sum(scores, Decimal(0)), sum(weights, Decimal(0)))
    return Decimal(0) if score is None else score


@transaction.atomic
def inspection_complete(*, actor: Actor, inspection: Inspection) -> Inspection:
    """Complete the inspection: score it, register its findings as problems, mark the duty
    done. It is final from here on (the database refuses changes too)."""
    inspection = _editable_inspection(actor, inspection)
    items = list(inspection.template.items.all())
    scores = {s.item_id: s.score for s in inspection.scores.all()}
    missing = [i.text for i in items if i.pk not in scores]
    if missing:
        raise ValidationError(
            _("Score every item of the checklist first; not scored: %(items)s.")
            % {"items": "、".join(missing)}
        )
    if not inspection.participants.exists():
        raise ValidationError(_("Record at least one participant of the inspection."))
    if inspection.date > today():
        raise ValidationError(_("An inspection cannot be completed before its date."))
    for finding in inspection.findings.all():
        problem_open(
            actor=actor,
            village=inspection.village,
            source=ProblemSource.INSPECTION,
            inspection_finding=finding,
            title=finding.description[:100],
            description=finding.description,
            category=finding.category,
            severity=finding.severity,
            owner_name=finding.owner_name,
            deadline=finding.deadline,
            opened_on=inspection.date,
            check_permission=False,  # the township's right was checked above
        )
    inspection.total_score = total_score(scores.values(), [i.weight for i in items])
    inspection.state = RecordState.COMPLETED
    inspection.completed_by = actor
    inspection.completed_at = timezone.now()
    inspection.save(update_fields=["total_score", "state", "completed_by", "completed_at"])
    task_done(inspection.task, on=inspection.date)
    return inspection


# ------------------------------------------------------------------ reviews


def grade_for(average: Decimal, floors: Mapping[str, Number]) -> str:
    """The best grade whose lowest score the average reaches (the county's `grade_floors`)."""
    for grade, floor in sorted(floors.items(), key=lambda kv: -Decimal(str(kv[1]))):
        if grade in Grade.values and average >= Decimal(str(floor)):
            return grade
    return Grade.INCOMPETENT


@transaction.atomic
def review_start(*, actor: Actor, task: SupervisionTask, date: dt.date, panel: str) -> Review:
    """Start the semi-annual review of a duty on the county's dimensions."""
    require(actor, Right.EDIT, task.area_code)
    task = locked(task)
    _require_kind(task, TaskKind.REVIEW)
    if Review.objects.filter(task=task).exists():
        raise ValidationError(_("This duty already has its review."))
    _check_record_date(task, date)
    dimensions = [str(d) for d in policy_for(task.area_code).review_dimensions]
    review = Review(
        task=task,
        village=task.village,
        period=task.period,
        date=date,
        panel=panel.strip(),
        dimensions=dimensions,
        created_by=actor,
        area_code=task.area_code,
    )
    review.full_clean()
    review.save()
    return review


def _editable_review(actor: Actor, review: Review) -> Review:
    require(actor, Right.EDIT, review.area_code)
    review = locked(review)
    require_draft(review)
    return review


@transaction.atomic
def review_set_score(
    *,
    actor: Actor,
    review: Review,
    post: Post,
    scores: Mapping[str, NumberInput],
    comment: str = "",
) -> ReviewScore:
    """Score one cadre sitting in the village on the review's date: `{dimension: 0..100}`."""
    review = _editable_review(actor, review)
    if not sitting_posts(review.village, review.date).filter(pk=post.pk).exists():
        raise ValidationError(
            {"post": _("This post does not sit in the village on the date of the review.")}
        )
    errors: list[str] = []
    values: dict[str, str] = {}
    for dimension in review.dimensions:
        message = _("%(dimension)s: give a score from 0 to 100.") % {"dimension": dimension}
        try:
            value = _decimal(scores.get(dimension, ""), message)
        except ValidationError:
            errors.append(message)
            continue
        if not 0 <= value <= 100:
            errors.append(message)
        values[dimension] = str(_tenth(value))
    if errors:
        raise ValidationError({"scores": errors})
    if not values:  # a review saved without dimensions has nothing to average
        raise ValidationError({"scores": _("The review has no dimensions to score.")})
    average = _tenth(sum((Decimal(v) for v in values.values()), Decimal(0)) / len(values))
    grade = grade_for(average, policy_for(review.area_code).grade_floors)
    row, _created = ReviewScore.objects.update_or_create(
        review=review,
        post=post,
        defaults={
            "scores": values,
            "average": average,
            "grade": grade,
            "comment": (comment or "").strip()[:300],
            "area_code": review.area_code,
        },
    )
    return row


class ScoreInput(TypedDict):
    """One cadre's scores as typed on the one-page review form."""

    scores: Mapping[str, NumberInput]
    comment: str


@transaction.atomic
def review_set_scores(
    *,
    actor: Actor,
    review: Review,
    scores: Mapping[Post, ScoreInput],
    complete: bool = False,
) -> Review:
    """The one-page review: score the cadres typed (all or none, RowErrors says which cadre's
    row is refused); with `complete`, every sitting cadre needs scores and the review is
    completed in the same transaction."""
    review = _editable_review(actor, review)
    writes: dict[int, Callable[[], object]] = {
        post.pk: lambda post=post, row=row: review_set_score(  # type: ignore[misc]
            actor=actor, review=review, post=post, **row
        )
        for post, row in scores.items()
    }
    if complete:
        scored = set(review.scores.values_list("post_id", flat=True)) | set(writes)
        for post in sitting_posts(review.village, review.date):
            if post.pk not in scored:
                writes[post.pk] = row_refused(_("Score this cadre to complete the review."))
    each_row(writes)
    if complete:
        review_complete(actor=actor, review=review)
    return review


@transaction.atomic
def review_complete(*, actor: Actor, review: Review) -> Review:
    """Complete the review once every sitting cadre is scored; the duty is done."""
    review = _editable_review(actor, review)
    sitting = set(sitting_posts(review.village, review.date).values_list("pk", flat=True))
    if not sitting:
        raise ValidationError(_("No cadre sits in the village on the date of the review."))
    scored = set(review.scores.values_list("post_id", flat=True))
    if sitting - scored:
        raise ValidationError(
            _("Score every sitting cadre first: %(n)d not scored.") % {"n": len(sitting - scored)}
        )
    if review.date > today():
        raise ValidationError(_("A review cannot be completed before its date."))
    review.state = RecordState.COMPLETED
    review.completed_by = actor
    review.completed_at = timezone.now()
    review.save(update_fields=["state", "completed_by", "completed_at"])
    task_done(review.task, on=review.date)
    return review
