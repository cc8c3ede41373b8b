# ruff: noqa: F811 -- pytest fixtures are imported from runs_helpers
"""Requesting and generating report runs: scope, joining a running run, versions, failures,
idempotence, the schedule, and the command."""

import hashlib
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from reports import generation, services
from reports.choices import RunState
from reports.models import ReportRun
from reports.tasks import request_quarterly_reports

from .runs_helpers import PERIOD, media, pdfinfo_pages  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def request(actor, code, period=PERIOD):
    return services.report_request(actor=actor, kind="quarterly", area_code=code, period=period)


def test_a_user_may_not_request_a_report_outside_their_scope(insider, outsider, township, village):
    with pytest.raises(PermissionDenied):
        request(outsider, township.code)
    with pytest.raises(PermissionDenied):
        request(outsider, village.code)
    with pytest.raises(PermissionDenied):
        request(insider, township.parent.code)  # the county is above the township staff
    assert not ReportRun.objects.exists()


def test_the_supervisor_requests_the_county_and_insiders_their_villages(
    supervisor, insider, contact, county, village, django_capture_on_commit_callbacks
):
    with (  # the mock outermost: the callbacks run as the capture ends
        mock.patch("reports.tasks.generate_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        run, created = request(supervisor, county.code)
        assert created and run.version == 1 and run.state == RunState.QUEUED
        assert request(insider, village.code)[1]
        assert request(contact, village.code)[1] is False  # joins the insider's run
    assert len(callbacks) == 2
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted(
        ReportRun.objects.values_list("pk", flat=True)
    )


def test_a_second_request_joins_the_running_run(insider, supervisor, township):
    first, created = request(insider, township.code)
    ReportRun.objects.filter(pk=first.pk).update(state=RunState.RUNNING, progress=40)
    second, again = request(supervisor, township.code)
    assert created and not again and second.pk == first.pk
    assert ReportRun.objects.count() == 1


def test_the_race_lost_on_the_constraint_returns_the_winner(insider, township):
    winner, _ = request(insider, township.code)
    # The loser checked before the winner committed: it sees no active run, then its insert
    # hits the partial unique constraint.
    real, calls = services._active_run, []

    def first_blind(runs):
        calls.append(runs)
        return None if len(calls) == 1 else real(runs)

    with mock.patch.object(services, "_active_run", first_blind):
        run, created = request(insider, township.code)
    assert (run.pk, created) == (winner.pk, False) and len(calls) == 2
    assert ReportRun.objects.count() == 1


def test_a_new_request_after_the_run_is_done_is_the_next_version(insider, township):
    first, _ = request(insider, township.code)
    ReportRun.objects.filter(pk=first.pk).update(state=RunState.DONE)
    second, created = request(insider, township.code)
    assert created and second.version == 2


def test_the_database_refuses_two_active_runs(insider, township):
    request(insider, township.code)
    with pytest.raises(IntegrityError):
        ReportRun.objects.create(
            kind="quarterly", area_code=township.code, period=PERIOD, version=9
        )


@pytest.mark.parametrize("period", ["2026", "2026H2", "nonsense"])
def test_only_quarters_are_reported(insider, township, period):
    with pytest.raises(ValidationError):
        request(insider, township.code, period)


def test_an_unknown_area_is_refused(supervisor):
    with pytest.raises(ValidationError):
        request(supervisor, "370830999")


def test_generate_writes_the_pdf_with_its_hash_and_pages(media, insider, village):
    run, _ = request(insider, village.code)
    assert services.report_generate(run.pk) == RunState.DONE
    run.refresh_from_db()
    content = run.file.read()
    assert content.startswith(b"%PDF")
    assert run.sha256 == hashlib.sha256(content).hexdigest()
    assert run.pages == pdfinfo_pages(content) >= 2
    assert run.progress == 100 and run.seconds > 0 and run.started_at and run.finished_at
    assert run.file.name == f"reports/{PERIOD}/quarterly-{village.code}-{PERIOD}-v1.pdf"
    # kept outside MEDIA_ROOT, which nginx serves to anyone
    assert (media.parent / "private" / run.file.name).is_file()
    assert not (media / run.file.name).exists()
    # a second delivery of the task leaves the done run alone
    assert services.report_generate(run.pk) == RunState.DONE
    again = ReportRun.objects.get(pk=run.pk)
    assert (again.sha256, again.finished_at) == (run.sha256, run.finished_at)


def test_a_failure_is_recorded_on_the_run(media, insider, village):
    run, _ = request(insider, village.code)
    with mock.patch.dict(
        generation.RENDERERS, {"quarterly": mock.Mock(side_effect=RuntimeError("no fonts"))}
    ):
        assert services.report_generate(run.pk) == RunState.FAILED
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "no fonts" in run.error and not run.file
    assert request(insider, village.code)[0].version == 2  # a failed run does not block


def test_the_schedule_requests_the_closed_quarter_for_the_county_and_townships(
    county, township, other_township, village
):
    result = request_quarterly_reports.run(on="2026-10-05")
    assert result == {"period": "2026Q3", "requested": 3}
    runs = ReportRun.objects.all()
    assert sorted(runs.values_list("area_code", flat=True)) == sorted(
        [county.code, township.code, other_township.code]
    )
    assert {(r.period, r.requested_by) for r in runs} == {("2026Q3", None)}
    # run twice: nothing more
    assert request_quarterly_reports.run(on="2026-10-05")["requested"] == 0


def test_the_schedule_is_declared():
    from villages.management.commands.setup_periodic_tasks import SCHEDULES

    job = next(j for j in SCHEDULES if j.task == "reports.tasks.request_quarterly_reports")
    assert job.crontab == {
        "minute": "0", "hour": "2", "day_of_month": "5", "month_of_year": "1,4,7,10"
    }  # fmt: skip


def test_the_command_writes_the_file(media, tmp_path, village):
    out = tmp_path / "report.pdf"
    stdout = StringIO()
    call_command(
        "build_report", "--kind", "quarterly", "--scope", village.code, "--period", PERIOD,
        "--out", str(out), stdout=stdout,
    )  # fmt: skip
    content = out.read_bytes()
    run = ReportRun.objects.get()
    assert content.startswith(b"%PDF") and run.state == RunState.DONE
    assert hashlib.sha256(content).hexdigest() in stdout.getvalue()
    assert f"{run.pages} pages" in stdout.getvalue()


def test_the_command_refuses_an_unknown_area():
    with pytest.raises(CommandError):
        call_command("build_report", "--scope", "999999", "--period", PERIOD)


def test_a_run_lost_with_its_worker_is_failed_and_a_new_request_starts_afresh(supervisor, county):
    import datetime as dt

    from django.utils import timezone

    from reports.choices import RunState
    from reports.models import ReportRun
    from reports.services import report_request

    lost, _ = report_request(
        actor=supervisor, kind="quarterly", area_code=county.code, period="2026Q3", enqueue=False
    )
    ReportRun.objects.filter(pk=lost.pk).update(
        state=RunState.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1)
    )
    fresh, created = report_request(
        actor=supervisor, kind="quarterly", area_code=county.code, period="2026Q3", enqueue=False
    )
    lost.refresh_from_db()
    assert created and fresh.version == lost.version + 1
    assert lost.state == RunState.FAILED and lost.error
