# ruff: noqa: F811 -- pytest fixtures are imported from runs_helpers
"""A real Celery worker generates a requested report run (Redis broker, committed rows)."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from config import celery_app
from reports import services
from reports.choices import RunState
from reports.models import ReportRun

from .runs_helpers import PERIOD, media  # noqa: F401 (fixture)


@pytest.fixture
def worker_queue():
    """A real Celery worker in a thread, on the real Redis broker, consuming its own queue
    (copied from tests/test_jobs.py)."""
    queue = f"cunjian-test-{uuid.uuid4().hex[:12]}"
    overrides = {
        "task_always_eager": False,
        "worker_hijack_root_logger": False,
        "task_default_queue": queue,  # generate_report.delay() goes to this worker
    }
    saved = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
        ):
            yield queue
    finally:
        celery_app.conf.update(saved)
        with celery_app.connection_for_write() as conn:
            redis = conn.default_channel.client
            for key in redis.scan_iter(match=f"*{queue}*"):
                redis.delete(key)


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
