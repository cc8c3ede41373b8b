"""Celery task of the warnings part (预警): re-evaluate some villages' warnings after a change.

Thin and safe to run twice: the evaluation recomputes the warnings from the records and writes
only what changed (the daily run over every village is `supervision.tasks.daily_cycle`)."""

from celery import shared_task


@shared_task
def evaluate_village_warnings(codes: list[str] | None = None) -> int:
    """Evaluate the warnings of the villages `codes` (all when None); how many changed."""
    from .services.warnings import warnings_evaluate

    return warnings_evaluate(village_codes=codes)
