"""Fixtures and builders of the top-down tests (checklists, inspections, reviews); import the
fixtures into a test module with `from .topdown_helpers import *`."""

import datetime as dt

import pytest

from supervision import services
from supervision.choices import ParticipantKind, TaskKind
from supervision.periods import Period

__all__ = [
    "D",
    "PARTICIPANT",
    "complete_inspection",
    "inspection",
    "inspection_task",
    "review",
    "review_task",
    "score_all",
]

D = dt.date
PARTICIPANT = {
    "name": "王镇长",
    "kind": ParticipantKind.TOWNSHIP_OFFICIAL,
    "organization": "镇党委",
}


@pytest.fixture
def inspection_task(village):
    return services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))


@pytest.fixture
def review_task(village):
    return services.task_for(village, TaskKind.REVIEW, Period.parse("2026H2"))


@pytest.fixture
def inspection(insider, inspection_task, checklist):
    return services.inspection_start(actor=insider, task=inspection_task, date=D(2026, 8, 3))


@pytest.fixture
def review(insider, review_task, sitting):
    return services.review_start(
        actor=insider, task=review_task, date=D(2026, 11, 10), panel="王镇长、刘副镇长"
    )


def score_all(actor, inspection, scores=(36, 27, 30)):
    items = inspection.template.items.order_by("position")
    services.inspection_set_scores(
        actor=actor,
        inspection=inspection,
        scores={item.pk: (score, "") for item, score in zip(items, scores, strict=True)},
    )


def complete_inspection(actor, inspection, finding=True):
    """Score, staff and (with a finding) complete the inspection."""
    score_all(actor, inspection)
    services.inspection_set_participants(
        actor=actor, inspection=inspection, participants=[PARTICIPANT]
    )
    if finding:
        services.inspection_add_finding(
            actor=actor,
            inspection=inspection,
            description="三务公开栏未及时更新",
            category="affairs",
            owner_name="李书记",
            deadline=D(2026, 12, 31),
        )
    return services.inspection_complete(actor=actor, inspection=inspection)
