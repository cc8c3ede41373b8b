"""A real Celery worker on the real Redis evaluates a village's warnings, also when a change
asks for it after its commit (`warnings_refresh_later`)."""

import pytest
from django.db import transaction

from core.dates import today
from supervision import tasks_warnings
from supervision.choices import TaskKind, WarningLevel, WarningRule
from supervision.models import VillageWarning
from supervision.selectors import disclosure_quarter
from supervision.tasks_warnings import evaluate_village_warnings

from .warnings_helpers import disclose, overdue_duty


def nothing_else_wrong(village):
    """The statement the rules look for today is published."""
    disclose(village, str(disclosure_quarter(today())))


def overdue_inspection(village):
    return overdue_duty(village, TaskKind.INSPECTION, "2025Q1")  # due by 2025-02-28


pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_real_worker_evaluates_the_villages_warnings(worker_queue, village, other_village):
    nothing_else_wrong(village)
    overdue_inspection(village)

    result = evaluate_village_warnings.apply_async(args=[[village.code]], queue=worker_queue)

    assert result.get(timeout=30) == 1
    warning = VillageWarning.objects.get(village=village)
    assert warning.level == WarningLevel.YELLOW
    assert [r["rule"] for r in warning.reasons] == [WarningRule.TASK_OVERDUE]
    assert not VillageWarning.objects.filter(village=other_village).exists()  # not asked for
    # Twice is harmless: nothing changes.
    again = evaluate_village_warnings.apply_async(args=[[village.code]], queue=worker_queue)
    assert again.get(timeout=30) == 0


def test_refresh_later_reaches_the_worker_after_the_commit(worker_queue, monkeypatch, village):
    nothing_else_wrong(village)
    sent = []

    def delay(codes):
        sent.append(evaluate_village_warnings.apply_async(args=[codes], queue=worker_queue))

    monkeypatch.setattr(tasks_warnings.evaluate_village_warnings, "delay", delay)
    with transaction.atomic():
        overdue_inspection(village)
        tasks_warnings.warnings_refresh_later(village.code)
        assert sent == []  # not before the commit: the worker would not see the duty

    assert len(sent) == 1 and sent[0].get(timeout=30) == 1
    assert VillageWarning.objects.get(village=village).level == WarningLevel.YELLOW
