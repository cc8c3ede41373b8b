"""Writes of the reports app: requesting a report run and generating it (the Celery task's body)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.types import Actor
from villages.scoping import scope_for

from .choices import ReportKind, RunState
from .models import ReportRun, ReportRunQuerySet
from .pdf import Pdf
from .quarterly import parse_quarter, render_quarterly, resolve_area

__all__ = ["report_generate", "report_request"]

log = logging.getLogger(__name__)

#: the renderer of each kind of report: (area code, period code, progress) -> Pdf
RENDERERS: dict[str, Callable[..., Pdf]] = {ReportKind.QUARTERLY: render_quarterly}


def report_request(
    *, actor: Actor | None, kind: str, area_code: str, period: str, enqueue: bool = True
) -> tuple[ReportRun, bool]:
    """Ask for a report of an area the actor may see (`actor=None`: the schedule). A request
    while the same report is queued or running joins that run (`created` is False); otherwise
    the next version is created and, once committed, handed to a Celery worker."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Unknown report.")})
    period = str(parse_quarter(period))
    area = resolve_area(area_code)
    if actor is not None and not scope_for(actor).covers(area.code):
        raise PermissionDenied(_("You may not see reports of this area."))
    same = ReportRun.objects.filter(kind=kind, area_code=area.code, period=period)
    _fail_stale(same)
    active = _active_run(same)
    if active:
        return active, False
    try:
        # A savepoint: a concurrent request that wins the partial unique constraint leaves the
        # caller's transaction usable, and this request joins the winner.
        with transaction.atomic():
            version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
            run = ReportRun.objects.create(
                kind=kind,
                area_code=area.code,
                period=period,
                version=version,
                requested_by=actor,
            )
    except IntegrityError:
        active = _active_run(same)
        if active is None:
            raise
        return active, False
    if enqueue:
        from .tasks import generate_report

        transaction.on_commit(lambda: generate_report.delay(run.pk))
    return run, True


#: a run queued or running this long was lost with its worker: a new request starts afresh
STALE_AFTER = dt.timedelta(minutes=30)


def _fail_stale(runs: ReportRunQuerySet[ReportRun]) -> int:
    """Mark runs lost with their worker (no finish after STALE_AFTER) failed, so a new request
    does not join one that will never end."""
    before = timezone.now() - STALE_AFTER
    return (
        runs.active()
        .filter(Q(started_at__lt=before) | Q(started_at__isnull=True, created_at__lt=before))
        .update(
            state=RunState.FAILED,
            finished_at=timezone.now(),
            error=_("No worker finished it within %(m)d minutes; request it again.")
            % {"m": STALE_AFTER.seconds // 60},
        )
    )


def _active_run(runs: ReportRunQuerySet[ReportRun]) -> ReportRun | None:
    return runs.active().first()


def _progress(run_id: int) -> Callable[[int], None]:
    last = [-1]

    def report(percent: int) -> None:
        percent = max(0, min(int(percent), 99))
        if percent // 5 != last[0] // 5:  # a write per 5 %: each is an audited row
            ReportRun.objects.filter(pk=run_id, state=RunState.RUNNING).update(progress=percent)
            last[0] = percent

    return report


def report_generate(run_id: int) -> str:
    """Generate a queued run: mark it running, render it reporting progress, store the PDF with
    its SHA-256, pages and seconds; a failure is recorded on the run. A run that is not queued
    (done, failed, or taken by another worker) is left alone, so the task may run twice."""
    claimed = ReportRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return ReportRun.objects.filter(pk=run_id).values_list("state", flat=True).first() or ""
    run = ReportRun.objects.get(pk=run_id)
    began = time.perf_counter()
    try:
        pdf = RENDERERS[run.kind](run.area_code, run.period, progress=_progress(run_id))
        run.file.save("report.pdf", ContentFile(pdf.content), save=False)  # upload_to names it
        run.sha256 = hashlib.sha256(pdf.content).hexdigest()
        run.pages = pdf.pages
        run.state = RunState.DONE
        run.progress = 100
    except Exception as e:  # noqa: BLE001 -- any failure is the run's, shown on its page
        log.exception("report run %s failed", run_id)
        run.state = RunState.FAILED
        run.error = f"{type(e).__name__}: {e}"[:2000]
    run.seconds = round(time.perf_counter() - began, 3)
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "file", "sha256", "pages", "state", "progress", "error", "seconds", "finished_at"
        ]
    )  # fmt: skip
    return run.state


def request_closed_quarter(*, period: str) -> int:
    """Request the quarterly report of `period` for every county and township (by the
    schedule); returns how many runs were created."""
    from villages.choices import RegionLevel
    from villages.models import Region

    # Areas that have the report already (or have it coming) are skipped: the job may run twice.
    have = set(
        ReportRun.objects.filter(kind=ReportKind.QUARTERLY, period=period)
        .exclude(state=RunState.FAILED)
        .values_list("area_code", flat=True)
    )
    created = 0
    for code in (
        Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        .exclude(code__in=have)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        _run, new = report_request(
            actor=None, kind=ReportKind.QUARTERLY, area_code=code, period=period
        )
        created += new
    return created
