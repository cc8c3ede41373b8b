"""Generating a requested report run: the Celery task and its body (rendering the PDF, storing
it with its checksum and pages, the progress the run's page shows).

Apart from the requests (`reports.services`), which enqueue the task here: the scheduled task
in `reports.tasks` requests runs, so the task that generates one cannot live there too without
the two modules importing each other."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from .choices import ReportKind, RunState
from .models import ReportRun
from .pdf import Pdf, peak_rss_mib
from .quarterly import render_quarterly

__all__ = ["generate_report", "report_generate"]

log = logging.getLogger(__name__)

#: the renderer of each kind of report: (area code, period code, progress) -> Pdf
RENDERERS: dict[str, Callable[..., Pdf]] = {ReportKind.QUARTERLY: render_quarterly}


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
    # The worker's memory per report (README: a worker stays under 250 MiB; bench_pdf_memory).
    log.info(
        "report run %s %s %s: %s, %s pages, %.2f s, process %d peak RSS %d MiB",
        run_id, run.area_code, run.period, run.state, run.pages, run.seconds, os.getpid(),
        peak_rss_mib(),
    )  # fmt: skip
    run.save(
        update_fields=[
            "file", "sha256", "pages", "state", "progress", "error", "seconds", "finished_at"
        ]
    )  # fmt: skip
    return run.state


# Named as when it lived in reports.tasks: runs queued before an upgrade still find it.
@shared_task(name="reports.tasks.generate_report")
def generate_report(run_id: int) -> str:
    """Generate one report run (a run no longer queued is left alone)."""
    return report_generate(run_id)
