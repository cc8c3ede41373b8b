"""Celery tasks of the supervision cycle (schedules: `manage.py setup_periodic_tasks`).

Thin and idempotent: each takes plain arguments (a date as "YYYY-MM-DD", today in Beijing time
when left out) and calls the services, which are safe to run twice or at the same time.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.dates import today

from . import services


def _day(on: str | None) -> dt.date:
    return dt.date.fromisoformat(on) if on else today()


@shared_task
def plan_current_periods(on: str | None = None) -> dict[str, int]:
    """Plan the current quarter (and half-year and year at their start) for every village."""
    return services.plan_current_periods(_day(on))


@shared_task
def daily_cycle(on: str | None = None) -> dict[str, int]:
    """The nightly round: mark overdue duties, escalate overdue problems, evaluate the warnings,
    then remind the responsible people."""
    day = _day(on)
    return {
        "overdue": services.tasks_mark_overdue(on=day),
        "escalated": services.problems_escalate(on=day),
        "warnings": services.warnings_evaluate(on=day),
        "reminders": services.reminders_send(on=day),
    }


@shared_task
def weekly_presence(on: str | None = None) -> dict[str, int]:
    """Monday's round: the shortfalls of the week that ended (在岗/驻村), then the warnings."""
    return services.presence_weekly(on=_day(on))
