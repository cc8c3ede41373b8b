# ruff: noqa: F811 -- pytest fixtures are imported from runs_helpers
"""A real Celery worker generates a requested report run (Redis broker, committed rows)."""

import time

import pytest

from reports import services
from reports.choices import RunState
from reports.models import ReportRun

from .runs_helpers import PERIOD, media  # noqa: F401 (fixture)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_a_real_worker_generates_the_requested_run(worker_queue, media, insider, village):
    run, created = services.report_request(
        actor=insider, kind="quarterly", area_code=village.code, period=PERIOD
    )
    assert created
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.state in (RunState.DONE, RunState.FAILED):
            break
        time.sleep(0.2)
    assert run.state == RunState.DONE, run.error
    assert run.file.read().startswith(b"%PDF") and run.pages >= 2
    assert ReportRun.objects.count() == 1
