"""Celery tasks of the reports app: thin, taking ids, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.dates import today
from supervision.choices import PeriodKind
from supervision.periods import Period

from . import dashboards, freshness, services
from .generation import generate_report  # noqa: F401 -- defined there, listed with the tasks


@shared_task
def request_quarterly_reports(on: str | None = None) -> dict[str, int | str]:
    """After a quarter closes: request its report for every county and township."""
    day = dt.date.fromisoformat(on) if on else today()
    period = str(Period.containing(PeriodKind.QUARTER, day).previous())
    return {"period": period, "requested": services.request_closed_quarter(period=period)}


@shared_task(ignore_result=True)
def rebuild_figures(name: str, code: str, on: str, params: dict[str, str], language: str) -> bool:
    """Build a set of cached figures again after the writes of its county (reports/freshness.py);
    False when another process was building them."""
    assert name in freshness.RECIPES, dashboards  # the module registers the dashboards' recipes
    return freshness.rebuild(name, code, dt.date.fromisoformat(on), params, language)
