"""Celery task of the cadre pipeline (schedule: `manage.py setup_periodic_tasks`).

Thin and safe to run twice: the evaluation issues a township at most one yellow card a year."""

from __future__ import annotations

from celery import shared_task

from core.dates import today

from .services_appraisal import yellow_cards_evaluate


@shared_task
def evaluate_yellow_cards(year: int | None = None) -> int:
    """Evaluate the county's yellow-card rule for `year` (the year that ended, by default) and
    issue the townships' cards; how many were issued."""
    return yellow_cards_evaluate(year=year or today().year - 1)
