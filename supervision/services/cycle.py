"""Writes of the cycle: plan each period's duties for every village, mark the late ones
overdue, remind the responsible people, and the county's policy of the cycle.

Every function here is safe to run twice or concurrently: planning relies on the unique
(village, kind, period) constraint, marking overdue is one conditional UPDATE, and a reminder's
notification has a unique key per recipient."""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.rights import Right, scope_for
from core.types import Actor
from core.validators import check_period_year
from villages.choices import RoleKind
from villages.models import ContactAssignment, StaffRole, Village
from villages.signals import bulk_written

from ..choices import (
    DEFAULT_GRADE_FLOORS,
    TASK_PERIOD,
    TOP_DOWN,
    PeriodKind,
    TaskKind,
    TaskState,
    WarningRule,
)
from ..models import Notification, SupervisionPolicy, SupervisionTask
from ..periods import Period
from .common import due_date

__all__ = [
    "notification_read",
    "notifications_read_all",
    "plan_current_periods",
    "plan_period",
    "policy_errors",
    "policy_update",
    "reminders_send",
    "tasks_mark_overdue",
]

#: villages per INSERT: big enough to be fast, small enough to keep statements modest
PLAN_CHUNK = 2000
OPEN_STATES = (TaskState.PLANNED, TaskState.OVERDUE)


def _period_lock(period: Period) -> None:
    """Serialize plans of the same period (a transaction-level advisory lock), so that two runs
    at once each report truthfully how many duties they created; the unique constraint alone
    already keeps each duty single."""
    key = zlib.crc32(f"supervision.plan:{period}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def plan_period(*, period: Period, area_prefix: str = "") -> int:
    """Plan the period's duties (e.g. a quarter's inspection and hearing) for every village
    whose code starts with `area_prefix`, due as each county's policy says; return how many
    were created (0 when the period was planned already)."""
    check_period_year(period)
    kinds = [kind for kind, kind_period in TASK_PERIOD.items() if kind_period == period.kind]
    code = str(period)
    _period_lock(period)
    policies = {p.area_code: p for p in SupervisionPolicy.objects.all()}  # one query, few rows
    dues: dict[tuple[str, str], dt.date] = {}

    def due(county: str, kind: str) -> dt.date:
        if (county, kind) not in dues:
            policy = policies.get(county) or SupervisionPolicy(area_code=county)
            dues[county, kind] = due_date(policy, kind, period)
        return dues[county, kind]

    planned = set(
        SupervisionTask.objects.filter(
            period=code, kind__in=kinds, area_code__startswith=area_prefix
        ).values_list("village_id", "kind")
    )
    villages = (
        Village.objects.filter(code__startswith=area_prefix)
        .order_by("pk")
        .values_list("pk", "code")
        .iterator(chunk_size=PLAN_CHUNK)
    )
    created, batch = 0, []
    for pk, village_code in villages:
        for kind in kinds:
            if (pk, kind) in planned:
                continue
            batch.append(
                SupervisionTask(
                    village_id=pk,
                    kind=kind,
                    period=code,
                    due_date=due(village_code[:6], kind),
                    area_code=village_code,
                )
            )
        if len(batch) >= PLAN_CHUNK:
            created += _insert(batch)
            batch = []
    if batch:
        created += _insert(batch)
    if created:
        bulk_written.send(SupervisionTask, area_codes=[area_prefix] if area_prefix else None)
    return created


def _insert(batch: list[SupervisionTask]) -> int:
    # ignore_conflicts: a duty planned meanwhile by `task_for` (a record started early) stays.
    SupervisionTask.objects.bulk_create(batch, ignore_conflicts=True)
    return len(batch)


def plan_current_periods(on: dt.date) -> dict[str, int]:
    """Plan the quarter containing `on`, the half-year when that quarter starts one and the
    year in the first quarter; harmless on any day of the quarter. Returns created per period."""
    quarter = Period.containing(PeriodKind.QUARTER, on)
    periods = [quarter]
    if quarter.number in (1, 3):
        periods.append(Period.containing(PeriodKind.HALF, on))
    if quarter.number == 1:
        periods.append(Period.containing(PeriodKind.YEAR, on))
    return {str(p): plan_period(period=p) for p in periods}


def tasks_mark_overdue(*, on: dt.date) -> int:
    """Mark planned duties past their due date overdue (one conditional UPDATE)."""
    return SupervisionTask.objects.filter(state=TaskState.PLANNED, due_date__lt=on).update(
        state=TaskState.OVERDUE
    )


# ------------------------------------------------------------------ reminders


def _responsible(tasks: list[SupervisionTask], on: dt.date) -> dict[int, list[User]]:
    """The people to remind of each duty: a top-down duty's township staff, a bottom-up duty's
    active contact cadres (two queries for all the duties)."""
    townships = {t.area_code[:9] for t in tasks if t.kind in TOP_DOWN}
    villages = {t.village_id for t in tasks if t.kind not in TOP_DOWN}
    staff: defaultdict[str, list[User]] = defaultdict(list)
    for role in StaffRole.objects.filter(
        kind=RoleKind.TOWNSHIP_STAFF, area_code__in=townships, user__is_active=True
    ).select_related("user"):
        staff[role.area_code].append(role.user)
    contacts: defaultdict[int, list[User]] = defaultdict(list)
    for a in (
        ContactAssignment.objects.active(on)
        .filter(village_id__in=villages, cadre__is_active=True)
        .select_related("cadre")
    ):
        contacts[a.village_id].append(a.cadre)
    return {
        t.pk: staff[t.area_code[:9]] if t.kind in TOP_DOWN else contacts[t.village_id]
        for t in tasks
    }


def _message(task: SupervisionTask, overdue: bool) -> str:
    values = {
        "village": task.village.name,
        "duty": task.get_kind_display(),
        "period": Period.parse(task.period).label(),
        "date": formats.date_format(task.due_date, "DATE_FORMAT"),
    }
    if overdue:
        return _("%(village)s: the %(duty)s of %(period)s was due on %(date)s and is overdue.") % (
            values
        )
    return _("%(village)s: the %(duty)s of %(period)s is due on %(date)s.") % values


def reminders_send(*, on: dt.date) -> int:
    """Remind the responsible people of each open duty due within its county's reminder days,
    and once more when it is overdue: an in-app notification each, and an e-mail to those with
    an address. Returns the notifications created; a second run creates none."""
    reminder_days = {p.area_code: p.reminder_days for p in SupervisionPolicy.objects.all()}
    default_days = SupervisionPolicy().reminder_days
    horizon = on + dt.timedelta(days=max([default_days, *reminder_days.values()]))
    # Messages are stored, not rendered per request: write them in the site's language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        # skip_locked: a run at the same time takes the other duties, never the same ones.
        candidates = list(
            SupervisionTask.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("village")
            .filter(state__in=OPEN_STATES, due_date__lte=horizon)
            # Not reminded yet, or reminded before it fell overdue (the overdue reminder).
            .filter(_not_reminded(on))
            .order_by("pk")
        )
        due = [
            t
            for t in candidates
            if (t.due_date - on).days <= reminder_days.get(t.area_code[:6], default_days)
        ]
        if not due:
            return 0
        people = _responsible(due, on)
        wanted = []
        for task in due:
            overdue = task.due_date < on
            key = f"task:{task.pk}:{'overdue' if overdue else 'due'}"
            url = reverse("supervision:supervision-task-detail", args=[task.pk])
            message = _message(task, overdue)
            for user in people[task.pk]:
                wanted.append(
                    Notification(
                        user=user,
                        task=task,
                        key=key,
                        message=message,
                        url=url,
                        area_code=task.area_code,
                        emailed=bool(user.email),
                    )
                )
        existing = set(
            Notification.objects.filter(task__in=due, key__in={n.key for n in wanted}).values_list(
                "user_id", "key"
            )
        )
        new = [n for n in wanted if (n.user_id, n.key) not in existing]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        SupervisionTask.objects.filter(pk__in=[t.pk for t in due]).update(reminded_on=on)
        subject = _("Supervision reminder")
        mails = [
            EmailMessage(subject, f"{n.message}\n", to=[n.user.email]) for n in new if n.emailed
        ]
        if mails:
            # Inside the transaction: if the mail server refuses, nothing is recorded and the
            # next run tries again (rather than notifications marked e-mailed that were not).
            get_connection().send_messages(mails)
    return len(new)


def _not_reminded(on: dt.date) -> Q:
    """Duties never reminded, or reminded while still due and now overdue."""
    return Q(reminded_on__isnull=True) | Q(due_date__lt=on, reminded_on__lte=F("due_date"))


# ------------------------------------------------------------------ notifications


def notification_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (idempotent)."""
    if notification.user_id != actor.pk:
        raise PermissionDenied(_("This is not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_read_all(*, actor: Actor) -> int:
    """Mark all the actor's unread notifications read; return how many."""
    return Notification.objects.for_user(actor).unread().update(read_at=timezone.now())


# ------------------------------------------------------------------ policy

POLICY_FIELDS = (
    "due_months",
    "reminder_days",
    "review_dimensions",
    "grade_floors",
    "satisfaction_threshold",
    "redemption_threshold",
    "rule_levels",
    "escalate_after_reasons",
    "county_escalation_days",
)


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def policy_errors(fields: Mapping[str, object]) -> dict[str, list[str]]:
    """What is wrong with the policy fields given (the form and the API both ask here)."""
    errors: dict[str, list[str]] = {}
    if "due_months" in fields:
        months = fields["due_months"]
        if not isinstance(months, dict) or set(months) - set(TaskKind.values):
            errors["due_months"] = [_("Give the due months of the duties of the cycle only.")]
        elif any((n := _whole(v)) is None or not 1 <= n <= 24 for v in months.values()):
            errors["due_months"] = [_("A due date lies 1 to 24 months after a period starts.")]
    if "review_dimensions" in fields:
        dims = fields["review_dimensions"]
        if (
            not isinstance(dims, list)
            or not dims
            or not all(isinstance(d, str) and d.strip() for d in dims)
        ):
            errors["review_dimensions"] = [_("Name at least one review dimension.")]
        elif len({d.strip() for d in dims}) != len(dims):
            errors["review_dimensions"] = [_("Each review dimension once.")]
    if "grade_floors" in fields:
        floors = fields["grade_floors"]
        if not isinstance(floors, dict) or set(floors) != set(DEFAULT_GRADE_FLOORS):
            errors["grade_floors"] = [_("Give the lowest score of every grade.")]
        else:
            values = [_whole(floors[g]) for g in DEFAULT_GRADE_FLOORS]  # best grade first
            scores = [v for v in values if v is not None and 0 <= v <= 100]
            if len(scores) != len(values):
                errors["grade_floors"] = [_("A lowest score lies between 0 and 100.")]
            # strictly: two grades with one floor would leave the lower one unreachable
            elif any(better <= worse for better, worse in zip(scores, scores[1:], strict=False)):
                errors["grade_floors"] = [_("A better grade needs a higher score.")]
    for name in ("satisfaction_threshold", "redemption_threshold"):
        if name in fields:
            try:
                rate = Decimal(str(fields[name]))
            except ArithmeticError:
                rate = None
            if rate is None or not rate.is_finite() or not 0 <= rate <= 1:
                errors[name] = [_("A threshold lies between 0 and 1.")]
    if "rule_levels" in fields:
        levels = fields["rule_levels"]
        if not isinstance(levels, dict) or set(levels) - set(WarningRule.values):
            errors["rule_levels"] = [_("Give the levels of the warning rules only.")]
        elif any((n := _whole(v)) is None or not 0 <= n <= 3 for v in levels.values()):
            errors["rule_levels"] = [_("A rule raises the level by 0 to 3.")]
    return errors


def _normalized(policy: SupervisionPolicy, fields: Mapping[str, object]) -> dict[str, object]:
    """JSON fields with whole numbers and trimmed names; the kinds and rules not given keep
    their current values. The fields passed `policy_errors` (the JSON ones have their shape)."""
    out = dict(fields)
    for name in ("due_months", "rule_levels"):
        if isinstance(given := out.get(name), dict):
            current: dict[str, int] = getattr(policy, name)
            out[name] = {**current, **{k: _whole(v) for k, v in given.items()}}
    if isinstance(floors := out.get("grade_floors"), dict):
        out["grade_floors"] = {k: _whole(v) for k, v in floors.items()}
    if isinstance(dims := out.get("review_dimensions"), list):
        out["review_dimensions"] = [d.strip() for d in dims]
    return out


@transaction.atomic
def policy_update(*, actor: Actor, county_code: str, **fields: object) -> SupervisionPolicy:
    """Change the county's policy of the cycle; only the county's supervisor may."""
    if not scope_for(actor).allows(Right.SUPERVISE, county_code):
        raise PermissionDenied(_("Only the county's supervisor changes its policy."))
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not policy fields: {sorted(unknown)}")
    errors = policy_errors(fields)
    if errors:
        raise ValidationError(errors)
    policy, _created = SupervisionPolicy.objects.select_for_update().get_or_create(
        area_code=county_code
    )
    for name, value in _normalized(policy, fields).items():
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    return policy
