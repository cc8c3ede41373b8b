"""Celery task of the warnings part (预警): re-evaluate some villages' warnings after a change,
and the helper the services call to enqueue it once their change commits.

Thin and safe to run twice: the evaluation recomputes the warnings from the records and writes
only what changed (the daily run over every village is `supervision.tasks.daily_cycle`).

The services import this module whole (`from .. import tasks_warnings`, not a name from it):
importing `supervision.services.warnings` here runs the services package first, which imports
this module back while it is half loaded. A worker that loads supervision.tasks, and with it the
services, knows the task."""

import logging

from celery import shared_task
from django.db import transaction

from .services.warnings import warnings_evaluate

logger = logging.getLogger(__name__)


@shared_task
def evaluate_village_warnings(codes: list[str] | None = None) -> int:
    """Evaluate the warnings of the villages `codes` (all when None); how many changed."""
    return warnings_evaluate(village_codes=codes)


def warnings_refresh_later(village_code: str) -> None:
    """Re-evaluate the village's warning once the current transaction commits (after a record
    that a rule looks at has changed); the daily evaluation catches up if the broker is down."""

    def enqueue():
        try:
            evaluate_village_warnings.delay([village_code])
        except Exception:  # the change itself is committed; a warning may wait for the daily run
            logger.exception("could not enqueue the warning evaluation of %s", village_code)

    transaction.on_commit(enqueue)
