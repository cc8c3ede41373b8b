"""Writes of the warnings part of 双监督 (预警): evaluate the explainable rules for every village,
keep each village's level with its reasons in words, and record who acknowledged a warning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cadres.choices import AppraisalGrade, PostKind
from core.dates import today
from core.rates import format_percent
from core.rights import Right, require
from core.types import Actor
from ledgers.models import Decision
from villages.signals import bulk_written

from ..choices import (
    DEFAULT_RULE_LEVELS,
    RectificationState,
    TaskKind,
    WarningLevel,
    WarningRule,
)
from ..models import SupervisionPolicy, VillageWarning
from ..periods import Period
from ..selectors.warnings import WarningFacts, warning_facts

__all__ = [
    "warning_acknowledge",
    "warning_reasons",
    "warnings_evaluate",
]

# One evaluation at a time: the daily run and the refreshes after a change read the current
# warnings and write them back, so two at once could undo each other's acknowledgement rules.
_LOCK_KEY = 5_000_105
BATCH = 5000

#: fields written when a warning is new or its level rose (the acknowledgement is cleared)
_RISE_FIELDS = [
    "level",
    "reasons",
    "evaluated_at",
    "since",
    "acknowledged_by",
    "acknowledged_at",
    "acknowledgement_note",
    "area_code",
]
_CHANGE_FIELDS = ["level", "reasons", "evaluated_at", "since"]
_REASON_FIELDS = ["reasons", "evaluated_at"]


class WarningReason(TypedDict):
    """One reason of a village's warning, as stored in `VillageWarning.reasons`."""

    rule: str  # a WarningRule value
    level: int  # a WarningLevel value, at least yellow
    text: str


def _date(day: dt.date) -> str:
    return _cached_date(day, translation.get_language())


# Many villages share the same facts (the same quarter's duty, the same deadline): render each
# sentence once per evaluation language rather than once per village.
@lru_cache(maxsize=4096)
def _cached_date(day: dt.date, language: str) -> str:
    return date_format(day, "DATE_FORMAT")


def _duty_text(kind: str, n: int, period: str, due: dt.date) -> str:
    return _cached_duty_text(kind, n, period, due, translation.get_language())


@lru_cache(maxsize=4096)
def _cached_duty_text(kind: str, n: int, period: str, due: dt.date, language: str) -> str:
    label, date = Period.parse(period).label(), _date(due)
    if n == 1:
        one: dict[str, str] = {
            TaskKind.INSPECTION: _("%(period)s inspection overdue (due by %(due)s)"),
            TaskKind.HEARING: _("%(period)s village-affairs hearing overdue (due by %(due)s)"),
            TaskKind.REVIEW: _("%(period)s review of the cadres overdue (due by %(due)s)"),
            TaskKind.PUBLIC_REPORT: _("%(period)s public report overdue (due by %(due)s)"),
            TaskKind.REDEMPTION: _("%(period)s pledge redemption overdue (due by %(due)s)"),
            TaskKind.ANNUAL_INSPECTION: _(
                "%(period)s annual certificate inspection overdue (due by %(due)s)"
            ),
        }
        return one[kind] % {"period": label, "due": date}
    many: dict[str, str] = {
        TaskKind.INSPECTION: _(
            "%(n)d inspections overdue, the first of %(period)s (due by %(due)s)"
        ),
        TaskKind.HEARING: _(
            "%(n)d village-affairs hearings overdue, the first of %(period)s (due by %(due)s)"
        ),
        TaskKind.REVIEW: _(
            "%(n)d reviews of the cadres overdue, the first of %(period)s (due by %(due)s)"
        ),
        TaskKind.PUBLIC_REPORT: _(
            "%(n)d public reports overdue, the first of %(period)s (due by %(due)s)"
        ),
        TaskKind.REDEMPTION: _(
            "%(n)d pledge redemptions overdue, the first of %(period)s (due by %(due)s)"
        ),
        TaskKind.ANNUAL_INSPECTION: _(
            "%(n)d annual certificate inspections overdue, the first of %(period)s (due by %(due)s)"
        ),
    }
    return many[kind] % {"n": n, "period": label, "due": date}


def warning_reasons(
    facts: WarningFacts,
    village_id: int,
    is_backward: bool,
    policy: SupervisionPolicy,
    code: str = "",
) -> list[WarningReason]:
    """The rules that fire for one village, each `{"rule", "level", "text"}` with a sentence that
    names the facts; a rule the county set to level 0 is switched off."""
    found: list[tuple[WarningRule, str]] = []
    for row in sorted(facts["duties"].get(village_id, []), key=lambda r: (r["due"], r["kind"])):
        found.append(
            (WarningRule.TASK_OVERDUE, _duty_text(row["kind"], row["n"], row["period"], row["due"]))
        )
    if problems := facts["problems"].get(village_id):
        text = ngettext(
            "%(n)d problem past its deadline for rectification (due by %(due)s)",
            "%(n)d problems past their deadline for rectification (the first due by %(due)s)",
            problems["n"],
        ) % {"n": problems["n"], "due": _date(problems["due"])}
        found.append((WarningRule.PROBLEM_OVERDUE, text))
    if vote := facts["satisfaction"].get(village_id):
        low = vote["low"]
        if low < policy.satisfaction_threshold:
            text = _(
                "%(period)s public report: lowest satisfaction rate %(rate)s, below %(min)s"
            ) % {
                "period": Period.parse(vote["report__period"]).label(),
                "rate": format_percent(low),
                "min": format_percent(policy.satisfaction_threshold, trim=True),
            }
            found.append((WarningRule.LOW_SATISFACTION, text))
    if village_id not in facts["disclosed"]:
        text = _("No disclosure published for %(period)s") % {
            "period": facts["disclosure_quarter"].label()
        }
        found.append((WarningRule.NO_DISCLOSURE, text))
    if handovers := facts["handovers"].get(village_id):
        text = ngettext(
            "Handover overdue: %(n)d post ended more than %(days)d days ago without a handover "
            "(ended %(end)s)",
            "Handover overdue: %(n)d posts ended more than %(days)d days ago without a handover "
            "(the first ended %(end)s)",
            handovers["n"],
        ) % {"n": handovers["n"], "days": facts["handover_days"], "end": _date(handovers["ended"])}
        found.append((WarningRule.HANDOVER_OVERDUE, text))
    if names := facts["suspended"].get(village_id):
        text = _("Qualification certificate suspended: %(names)s") % {"names": "、".join(names)}
        found.append((WarningRule.CERTIFICATE_SUSPENDED, text))
    # A pledge with no promise due that year has no rate (None): nothing to warn about.
    low_pledges = [
        (row, rate)
        for row in facts["redemption"].get(village_id, [])
        if (rate := row["rate"]) is not None and rate < policy.redemption_threshold
    ]
    if low_pledges:
        low_pledges.sort(key=lambda pair: (pair[1], pair[0]["name"]))
        text = _("%(period)s pledge fulfilment %(pledges)s, below %(min)s") % {
            "period": Period.parse(low_pledges[0][0]["redemption__period"]).label(),
            "pledges": "、".join(
                _("%(name)s %(rate)s") % {"name": r["name"], "rate": format_percent(rate)}
                for r, rate in low_pledges
            ),
            "min": format_percent(policy.redemption_threshold, trim=True),
        }
        found.append((WarningRule.LOW_REDEMPTION, text))
    if rectification := facts["rectifications"].get(village_id):
        year, state = rectification
        text = _(
            "Designated a backward village in %(year)d; the rectification has not passed "
            "acceptance (%(state)s)"
        ) % {"year": year, "state": RectificationState(state).label}
        found.append((WarningRule.BACKWARD, text))
    elif is_backward:
        found.append((WarningRule.BACKWARD, _("Designated a backward village")))
    if short := facts["presence"].get(village_id):
        text = _("Week of %(week)s below the presence norm: %(people)s") % {
            "week": _date(facts["presence_week"]),
            "people": "、".join(
                _("%(name)s %(recorded)d of %(required)d half days")
                % {"name": r["name"], "recorded": r["recorded"], "required": r["required"]}
                for r in short
            ),
        }
        found.append((WarningRule.PRESENCE_SHORT, text))
    if names := facts["reports_missing"].get(village_id):
        text = _("No quarterly report to the township for %(period)s: %(names)s") % {
            "period": facts["report_quarter"].label(),
            "names": "、".join(names),
        }
        found.append((WarningRule.QUARTERLY_MISSING, text))
    if leaders := facts["idle_leaders"].get(village_id):
        text = _("No visit of the linked leader in %(period)s: %(names)s") % {
            "period": facts["idle_quarter"].label(),
            "names": "、".join(leaders),
        }
        found.append((WarningRule.LEADER_IDLE, text))

    if late := facts["late_results"].get(village_id):
        first = late[0]
        text = ngettext(
            "%(n)d decision implemented without its result made public within %(days)d days "
            "(%(number)s, implemented %(date)s)",
            "%(n)d decisions implemented without their result made public within %(days)d "
            "days (the earliest %(number)s, implemented %(date)s)",
            len(late),
        ) % {
            "n": len(late),
            "days": first["result_due_days"],
            "number": Decision.number_text(first["year"], first["number"]),
            "date": _date(first["implemented_on"]),
        }
        found.append((WarningRule.DECISION_RESULT_LATE, text))
    if short_posts := facts["reserves"].get(village_id):
        text = _("Reserve cadres below the norm: %(posts)s") % {
            "posts": "、".join(
                _("%(post)s %(active)d of %(norm)d")
                % {"post": PostKind(post).label, "active": active, "norm": norm}
                for post, active, norm in short_posts
            )
        }
        found.append((WarningRule.RESERVE_SHORT, text))
    if poor := facts["appraisals"].get(village_id):
        text = _("Secretary %(name)s graded %(grade)s in the %(year)d report and appraisal") % {
            "name": poor[1],
            "grade": AppraisalGrade(poor[2]).label,
            "year": poor[0],
        }
        found.append((WarningRule.APPRAISAL_POOR, text))
    if (card := facts["yellow_cards"].get(code[:9])) is not None:
        text = _("The township was given a yellow card for %(year)d") % {"year": card}
        found.append((WarningRule.YELLOW_CARD, text))
    if village_id in facts["no_signing"]:
        year, month = facts["signing_month"]
        text = _("No signing day (联签) recorded in %(y)d-%(m)02d, though it has vouchers") % {
            "y": year,
            "m": month,
        }
        found.append((WarningRule.NO_SIGNING, text))
    if waiting := facts["unsigned"].get(village_id):
        text = ngettext(
            "%(n)d voucher waiting for its signatures (联签) for more than a month (dated %(d)s)",
            "%(n)d vouchers waiting for their signatures (联签) for more than a month (the "
            "first dated %(d)s)",
            waiting["n"],
        ) % {"n": waiting["n"], "d": _date(waiting["first"])}
        found.append((WarningRule.UNSIGNED_VOUCHERS, text))

    levels = policy.rule_levels or {}
    reasons: list[WarningReason] = []
    for rule, text in found:
        level = int(levels.get(str(rule), DEFAULT_RULE_LEVELS[rule]))
        if level > WarningLevel.NONE:
            reasons.append({"rule": str(rule), "level": min(level, WarningLevel.RED), "text": text})
    return reasons


def _level(reasons: list[WarningReason], policy: SupervisionPolicy) -> int:
    """The highest level among the reasons, one step higher (at most red) when there are many."""
    if not reasons:
        return WarningLevel.NONE
    level = max(r["level"] for r in reasons)
    if policy.escalate_after_reasons and len(reasons) >= policy.escalate_after_reasons:
        level = min(level + 1, WarningLevel.RED)
    return int(level)


def warnings_evaluate(
    *, on: dt.date | None = None, village_codes: Iterable[str] | None = None
) -> int:
    """Evaluate the warning rules for every village (or those of `village_codes`) as of `on` and
    store each village's level and reasons; returns how many villages' warnings changed. A fixed
    number of queries however many villages; safe to run twice or concurrently."""
    on = on or today()
    codes = None if village_codes is None else sorted(set(village_codes))
    if codes == []:
        return 0
    now = timezone.now()
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        facts = warning_facts(on, codes)
        existing: dict[int, tuple[int, list[WarningReason]]] = {
            village_id: (level, reasons)
            for village_id, level, reasons in (
                VillageWarning.objects
                if codes is None
                else VillageWarning.objects.filter(area_code__in=codes)
            )
            .order_by()
            .values_list("village_id", "level", "reasons")
        }
        defaults: dict[str, SupervisionPolicy] = {}
        rose, changed, reworded = [], [], []
        for village_id, code, is_backward in facts["villages"]:
            policy = facts["policies"].get(code[:6]) or defaults.setdefault(
                code[:6], SupervisionPolicy(area_code=code[:6])
            )
            reasons = warning_reasons(facts, village_id, is_backward, policy, code)
            level = _level(reasons, policy)
            old_level, old_reasons = existing.get(village_id, (None, None))
            if old_level is None and level == WarningLevel.NONE:
                continue
            if old_level == level and old_reasons == reasons:
                continue
            warning = VillageWarning(
                village_id=village_id,
                level=level,
                reasons=reasons,
                evaluated_at=now,
                since=now,
                area_code=code,
            )
            if old_level is None or level > old_level:
                rose.append(warning)  # a new or higher warning needs a new acknowledgement
            elif level != old_level:
                changed.append(warning)
            else:
                reworded.append(warning)
        for rows, fields in (
            (rose, _RISE_FIELDS),
            (changed, _CHANGE_FIELDS),
            (reworded, _REASON_FIELDS),
        ):
            if rows:
                VillageWarning.objects.bulk_create(
                    rows,
                    batch_size=BATCH,
                    update_conflicts=True,
                    unique_fields=["village"],
                    update_fields=fields,
                )
        if rose or changed or reworded:
            bulk_written.send(VillageWarning, area_codes=codes)
    return len(rose) + len(changed) + len(reworded)


@transaction.atomic
def warning_acknowledge(*, actor: Actor, warning: VillageWarning, note: str = "") -> VillageWarning:
    """A township or county manager records that they have seen the warning (who and when)."""
    require(actor, Right.EDIT, warning.area_code)
    warning = VillageWarning.objects.select_for_update().get(pk=warning.pk)
    if warning.level == WarningLevel.NONE:
        raise ValidationError(_("This village has no warning to acknowledge."))
    if warning.acknowledged_at is not None:
        raise ValidationError(_("This warning has already been acknowledged."))
    warning.acknowledged_by = actor
    warning.acknowledged_at = timezone.now()
    warning.acknowledgement_note = (note or "").strip()
    warning.full_clean()
    warning.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    return warning
