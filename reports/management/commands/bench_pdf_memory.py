"""`manage.py bench_pdf_memory`: the memory of the PDF worker (issue #22, item 4), measured.

By default it starts a real Celery worker (`celery -A config worker`, prefork, the settings of
this process: those of the deployment's worker, with its own queue), requests `--reports` village
quarterly reports and sends them to it, then prints per report its time and the peak resident
memory (VmHWM) of the worker process that rendered it, as the task logs it, and per process its
peak; a child that grew past `CELERY_WORKER_MAX_MEMORY_PER_CHILD` is replaced, so a report may
name a new process. The runs are kept (numbered versions, as `build_report` keeps its own): use
a benchmark database. With `--inline` the same rendering runs in this (fresh) process instead,
storing nothing: what the memory test runs.

An empty database gets the demo first (`seed_demo --villages 12 --townships 2`). It measures and
exits 0; it fails only when it cannot measure.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from config import celery_app
from core.dates import today
from reports.choices import ReportKind, RunState
from reports.generation import generate_report
from reports.management.bench import database_url
from reports.quarterly import parse_quarter, render_quarterly
from reports.services import report_request
from supervision.choices import PeriodKind
from supervision.periods import Period
from villages.models import Village

BUDGET_MIB = 250  # issue #22: a PDF worker process
#: what the task logs once a run is done (reports/generation.py)
LOGGED = re.compile(
    r"report run (\d+) \S+ \S+: \w+, \S+ pages, [\d.]+ s, process (\d+) peak RSS (\d+) MiB"
)


def vm_hwm_mib(pid: int | str = "self") -> int:
    """A process's peak resident memory (VmHWM of /proc/PID/status), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise CommandError(f"no VmHWM for process {pid}")


class Command(BaseCommand):
    help = (
        "Render village quarterly reports in a real Celery worker (or, with --inline, in this "
        "process) and print the peak memory (VmHWM) of each worker process and the time of "
        "each report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=12, help="village reports to render")
        parser.add_argument(
            "--concurrency", type=int, default=2, help="worker processes (prefork children)"
        )
        parser.add_argument(
            "--inline", action="store_true", help="render in this process, with no worker"
        )
        parser.add_argument(
            "--period", help="the first quarter, e.g. 2026Q3 (default: the last closed one)"
        )
        parser.add_argument("--timeout", type=int, default=600, help="seconds to wait in all")

    def handle(self, *args, reports, concurrency, inline, timeout, period=None, **options):
        if reports < 1 or concurrency < 1:
            raise CommandError("--reports and --concurrency take a positive number")
        if not Village.objects.exists():
            self.say("no village: building the demo (seed_demo --villages 12 --townships 2) ...")
            call_command("seed_demo", "--villages", "12", "--townships", "2", stdout=self.stdout)
        jobs = self.plan(reports, period)
        if inline:
            peaks = self.inline(jobs)
        else:
            peaks, _seconds = self.worker(jobs, concurrency, timeout)
        peak = max(peaks.values())
        verdict = "ok" if peak <= BUDGET_MIB else "OVER"
        self.say(
            "peak RSS per process (VmHWM): "
            + ", ".join(f"{pid}: {mib} MiB" for pid, mib in peaks.items())
        )
        self.say(f"highest: {peak} MiB (budget {BUDGET_MIB} MiB: {verdict})")

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def plan(self, reports: int, period: str | None) -> list[tuple[str, str]]:
        """(village, quarter) of each report: every village of the quarter, then of the quarter
        before, and so on (a village's report cannot be asked twice at once)."""
        codes = list(Village.objects.order_by("code").values_list("code", flat=True))
        try:
            quarter = parse_quarter(period) if period else None
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        quarter = quarter or Period.containing(PeriodKind.QUARTER, today()).previous()
        jobs = []
        for i in range(reports):
            if i and i % len(codes) == 0:
                quarter = quarter.previous()
            jobs.append((codes[i % len(codes)], str(quarter)))
        return jobs

    def inline(self, jobs: list[tuple[str, str]]) -> dict[int, int]:
        """Render in this process, as the task does, storing nothing."""
        self.say(f"this process ({os.getpid()}) before rendering: {vm_hwm_mib()} MiB")
        times = []
        for code, period in jobs:
            started = time.perf_counter()
            pdf = render_quarterly(code, period)
            times.append(time.perf_counter() - started)
            self.say(
                f"village {code} {period}: {pdf.pages} pages, {times[-1]:.2f} s, "
                f"peak RSS {vm_hwm_mib()} MiB"
            )
        self.times(times)
        return {os.getpid(): vm_hwm_mib()}

    def worker(
        self, jobs: list[tuple[str, str]], concurrency: int, timeout: int
    ) -> tuple[dict[int, int], float]:
        """Request the runs, have a real worker render them, read its log: the peak memory of
        each process that rendered, and the seconds from the first task sent to the last done
        (the worker ready before)."""
        runs = []
        for code, period in jobs:
            run, created = report_request(
                actor=None, kind=ReportKind.QUARTERLY, area_code=code, period=period, enqueue=False
            )
            if not created:
                raise CommandError(f"{code} {period} is being generated already (run {run.pk})")
            runs.append(run)
        queue = f"bench-pdf-{uuid.uuid4().hex[:12]}"
        celery_app.conf.task_always_eager = False  # the benchmark's settings run tasks in place
        with tempfile.TemporaryDirectory(prefix="bench-pdf-") as workdir:
            log = Path(workdir) / "worker.log"
            env = {**os.environ, "DATABASE_URL": database_url()}
            command = [
                sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info",
                "-P", "prefork", "-c", str(concurrency), "-Q", queue, "-n", f"{queue}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ]  # fmt: skip
            self.say(f"worker: {' '.join(command[1:])}")
            with log.open("wb") as out:
                worker = subprocess.Popen(
                    command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            try:
                self.ready(worker, log)
                started = time.perf_counter()
                self.wait(runs, queue, worker, log, timeout)
                seconds = time.perf_counter() - started
                main_peak = vm_hwm_mib(worker.pid)
            finally:
                worker.terminate()  # warm shutdown
                try:
                    worker.wait(60)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
                text = log.read_text(errors="replace")
        logged = {int(m[1]): (int(m[2]), int(m[3])) for m in LOGGED.finditer(text)}
        times, peaks = [], {}
        for run in runs:
            run.refresh_from_db()
            if run.state != RunState.DONE or run.pk not in logged:
                raise CommandError(f"run {run.pk} {run.area_code}: {run.state} {run.error}")
            pid, mib = logged[run.pk]
            peaks[pid] = max(peaks.get(pid, 0), mib)
            times.append(run.seconds)
            self.say(
                f"village {run.area_code} {run.period}: {run.pages} pages, {run.seconds:.2f} s, "
                f"worker process {pid} peak RSS {mib} MiB"
            )
        self.times(times)
        self.say(
            f"worker processes that rendered: {len(peaks)} with concurrency {concurrency} (a "
            f"child is replaced after a task once its peak passes "
            f"{getattr(settings, 'CELERY_WORKER_MAX_MEMORY_PER_CHILD', None)} KiB, "
            f"CELERY_WORKER_MAX_MEMORY_PER_CHILD); the main process, which renders nothing: "
            f"{main_peak} MiB"
        )
        self.say(f"{len(runs)} reports with {concurrency} worker processes: {seconds:.2f} s")
        return peaks, seconds

    def ready(self, worker, log, seconds: float = 60) -> None:
        """Wait for the worker to take tasks, so that its start is not timed."""
        deadline = time.monotonic() + seconds
        while " ready." not in log.read_text(errors="replace"):
            if worker.poll() is not None:
                raise CommandError(f"the worker stopped: {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise CommandError(f"the worker was not ready within {seconds:.0f} s")
            time.sleep(0.2)

    def wait(self, runs, queue, worker, log, timeout):
        results = [generate_report.apply_async(args=[run.pk], queue=queue) for run in runs]
        deadline = time.monotonic() + timeout
        for result in results:
            while not result.ready():
                if worker.poll() is not None:
                    raise CommandError(f"the worker stopped: {log.read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise CommandError(f"the reports took over {timeout} s")
                time.sleep(0.2)
            result.forget()

    def times(self, times: list[float]) -> None:
        self.say(
            f"{len(times)} reports: median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s, max {max(times):.2f} s"
        )
