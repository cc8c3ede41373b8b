"""`manage.py bench_reports`: the benchmark of the reports (issue #6, item 6), in one run.

1. builds the province-scale database with `seed_demo --villages N --quarters Q` unless it is
   there already;
2. serves the application with gunicorn and compares, interleaved (one round measures every view
   back to back, A B C D; `--rounds` rounds of `--seconds` seconds each, or `--requests` requests),
   the requests per second of the first county's dashboard (as a county supervisor) and of its first
   village's public page (anonymous, issue #20: served from the public pages' cache) with a bare
   Django view (`config/bench_urls.py`) at the same concurrency and number of requests. The
   dashboard is measured as users get it: its figures come from the cache (Redis, as deployed) once
   built, until a record of the county changes (reports/freshness.py); the time to build them
   without the cache is measured as well, and so is a signed-in empty page (session, user, roles),
   the floor of every page a user opens;
3. times a village's quarterly report (warm, median of 3) and the county's;
4. compares the county report's pages per second with WeasyPrint laying out a plain table of the
   same page count;
5. prints a summary: per view the median requests per second with the min and max of the rounds,
   per ratio the median of the per-round ratios (both views of a round measured back to back) with
   their min and max, and the load average at the start and the end. It measures and exits 0; it
   fails only when it cannot measure.

`make bench` runs it with `config.settings.bench` on its own database.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.dates import today
from reports.dashboards import dashboard_page_body
from reports.freshness import renew_all
from reports.load import percentile
from reports.management.bench import database_url
from reports.management.commands.bench_pdf_memory import BUDGET_MIB as PDF_BUDGET_MIB
from reports.management.commands.bench_pdf_memory import Command as PdfMemoryCommand
from reports.pdf import Pdf, html_to_pdf
from reports.quarterly import TEMPLATE, quarterly_context, render_quarterly
from supervision.choices import PeriodKind, TaskState
from supervision.demo import window
from supervision.models import SupervisionTask
from supervision.periods import Period
from villages import demo
from villages.choices import RoleKind
from villages.middleware import IdleSessionMiddleware
from villages.models import Region, StaffRole, Village

FANOUT = (1, 2, 4)  # worker processes rendering the same reports
BARE_PATH = "/bench/bare/"  # config/bench_urls.py
SIGNED_IN_PATH = "/bench/signed-in/"
BENCH_USER = "bench-county"
# The plain table: the report's paper, font and table rules, and nothing else.
PLAIN_HTML = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 15mm; }
html { font-family: "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.5; }
table { width: 100%%; border-collapse: collapse; }
th, td { border: 0.5pt solid #999; padding: 1mm 1.5mm; }
th { background: #eee; }
</style></head><body><table><thead><tr><th>序号</th><th>村</th><th>巡查</th><th>听证</th>
<th>问题</th><th>满意率</th></tr></thead><tbody>%s</tbody></table></body></html>"""
PLAIN_COLUMNS = 6


@dataclass
class Load:
    """The outcome of one load run against the server."""

    requests: int
    seconds: float
    failed: int
    statuses: dict[int, int]
    latencies: list[float] = field(default_factory=list)  # seconds, one per request

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Spread:
    """The median of a few rounds' figures with their min and max."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no values")
        return cls(statistics.median(values), min(values), max(values))

    def text(self, unit: str = "", digits: int = 2) -> str:
        return (
            f"{self.median:.{digits}f}{unit} "
            f"(min {self.low:.{digits}f}, max {self.high:.{digits}f})"
        )


def interleaved(
    names: Sequence[str], rounds: int, measure: Callable[[int, str], Load]
) -> dict[str, list[float]]:
    """Requests per second of every view in `names`, round after round: each round measures the
    views back to back in the same order (A B C A B C ...), so a slower moment of the machine
    weighs on every view of its round rather than on one view."""
    per_second: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names:
            per_second[name].append(measure(r, name).per_second)
    return per_second


def ratios(per_second: dict[str, list[float]], a: str, b: str) -> list[float]:
    """A / B round by round (each round's A and B measured back to back)."""
    return [x / y for x, y in zip(per_second[a], per_second[b], strict=True)]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


class Command(BaseCommand):
    help = (
        "Benchmark the reports: build the province-scale demo unless it is there, then the "
        "county dashboard against a bare view under gunicorn, a village and a county report, "
        "and the county report's pages per second against a plain table. Prints the figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, default=20000)
        parser.add_argument("--quarters", type=int, default=20, help="finished quarters kept")
        parser.add_argument(
            "--requests", type=int, default=400, help="requests per view and round (--seconds 0)"
        )
        parser.add_argument(
            "--seconds",
            type=float,
            default=4.0,
            help="measure each view for this many seconds per round (the same time for a fast "
            "view and a slow one: a fixed count measured the bare view for a quarter of a "
            "second); 0: --requests requests instead",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=5,
            help="rounds of the interleaved views (A B C D, A B C D, ...)",
        )
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument(
            "--fanout-reports",
            type=int,
            default=16,
            help="village reports rendered by real Celery workers of 1, 2 and 4 processes",
        )
        parser.add_argument(
            "--writes",
            type=float,
            default=4.0,
            help="writes per second in the county while the dashboard is measured under writes",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="keep the PDFs and gunicorn's logs in var/bench/ (default: a temporary "
            "directory, removed)",
        )

    def handle(
        self,
        *args,
        villages,
        quarters,
        requests,
        concurrency,
        workers,
        keep,
        rounds=5,
        seconds=4.0,
        writes=4.0,
        fanout_reports=16,
        **options,
    ):
        started = time.perf_counter()
        if min(villages, quarters, requests, concurrency, workers, rounds) < 1:
            raise CommandError("every number must be at least 1")
        if writes <= 0 or fanout_reports < 1:
            raise CommandError("--writes and --fanout-reports must be positive")
        self.writes_per_second = writes
        if seconds is None or seconds < 0:
            raise CommandError("--seconds must be positive, or 0 for --requests")
        self.rounds, self.seconds = rounds, (seconds or None)
        start_load = load_average()
        self.say(f"load average at the start: {start_load}")
        out = Path(settings.BASE_DIR) / "var" / "bench" if keep else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
        workdir = out or Path(tempfile.mkdtemp(prefix="cunjian-bench-"))
        rows: list[tuple[str, str, str]] = []  # (measure, figure, goal)
        try:
            build = self.ensure_data(villages, quarters)
            rows.append(
                (
                    f"build ({villages} villages x {quarters} quarters)",
                    "already there" if build is None else f"{build:.1f} s",
                    "",
                )
            )
            county = first_county()
            period = Period.containing(PeriodKind.QUARTER, today()).previous()
            county_villages = Village.objects.filter(code__startswith=county.code).count()
            self.say(
                f"first county: {county.name} ({county.code}), {county_villages} villages; "
                f"reports of {period}"
            )
            rows += self.serve(county, requests, concurrency, workers, workdir)
            rows += self.reports(county, str(period), workdir)
            rows += self.fanout(fanout_reports, str(period))
        finally:
            if not out:
                shutil.rmtree(workdir, ignore_errors=True)
        rows.append(("whole run", f"{time.perf_counter() - started:.1f} s", ""))
        end_load = load_average()
        self.say(f"load average at the end: {end_load}")
        rows.append(("load average at the start", start_load, ""))
        rows.append(("load average at the end", end_load, ""))
        self.summary(rows)

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    # ------------------------------------------------------------------ 1. the data

    def ensure_data(self, villages: int, quarters: int) -> float | None:
        """Build the demo unless the database holds it; the seconds it took, or None."""
        have = Village.objects.count()
        oldest = window(today(), quarters)[0]
        if have == 0:
            self.say(f"building {villages} villages with {quarters} quarters (seed_demo) ...")
            started = time.perf_counter()
            call_command(
                "seed_demo",
                "--villages",
                str(villages),
                "--quarters",
                str(quarters),
                stdout=self.stdout,
            )
            return time.perf_counter() - started
        # A database of another size or a shorter history would measure something else.
        if have != villages or not SupervisionTask.objects.filter(period=str(oldest)).exists():
            raise CommandError(
                f"the database holds {have} villages, not the benchmark's {villages} with duties "
                f"since {oldest}: use an empty database (make clean-db drops the benchmark's)"
            )
        self.say(f"{have} villages with duties since {oldest} already there")
        return None

    # ------------------------------------------------------------------ 2. gunicorn

    def serve(self, county, requests: int, concurrency: int, workers: int, workdir: Path):
        """Requests per second of the county dashboard (quiet and under writes), of a signed-in
        empty page, of a village's public page and of the bare view."""
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key(county)}"
        dashboard = reverse("reports:county-dashboard", kwargs={"code": county.code})
        renew_all()  # nothing cached by an earlier run (or release) is measured
        # The public page of the county's first village (issue #20), as an anonymous villager gets
        # it: from the public pages' cache (core/public_cache.py) once built.
        village = Village.objects.filter(code__startswith=county.code).order_by("code").first()
        public = reverse("public:village", args=[village.code])
        env = server_env()
        with (
            celery_worker(workdir, env) as worker_log,
            gunicorn(workers, workdir, env, recycle=False) as port,
        ):
            probe = asyncio.run(fetch(port, dashboard, cookie))
            if probe[0] != 200 or county.name.encode() not in probe[1]:
                raise CommandError(f"the dashboard answered {probe[0]}, not the county's page")
            probe = asyncio.run(fetch(port, public))
            if probe[0] != 200 or village.name.encode() not in probe[1]:
                raise CommandError(f"the public page answered {probe[0]}, not the village's")
            views = {
                "dashboard": (dashboard, cookie),
                # the same, while the county writes (reports/freshness.py keeps it served)
                "dashboard-writes": (dashboard, cookie),
                "bare": (BARE_PATH, None),  # no session: the bare view reads no database
                "signed-in": (SIGNED_IN_PATH, cookie),  # the floor of any signed-in page
                "public": (public, None),  # anonymous, as a villager
            }
            for path, with_cookie in views.values():
                # Warm every worker (templates, URL resolver, the database connection) first.
                asyncio.run(load(port, path, with_cookie, workers * 4, concurrency))
            latencies: dict[str, list[float]] = {name: [] for name in views}
            written = Writer(county, self.writes_per_second)

            def measure(r: int, name: str) -> Load:
                path, with_cookie = views[name]
                run = load(port, path, with_cookie, requests, concurrency, self.seconds)
                if name == "dashboard-writes":
                    with written:
                        result = asyncio.run(run)
                    # the next view measured finds the figures built again, the worker idle
                    settle(port, dashboard, cookie)
                else:
                    result = asyncio.run(run)
                latencies[name] += result.latencies
                self.say(
                    f"round {r + 1} {name}: {result.requests} requests, concurrency "
                    f"{concurrency}, {result.seconds:.2f} s, {result.per_second:.1f} req/s, "
                    f"{result.failed} not 200"
                )
                if result.failed:
                    raise CommandError(f"{name}: {result.failed} answers were not 200")
                return result

            rps = interleaved(list(views), self.rounds, measure)
            rebuilds = rebuild_times(worker_log)
        built = self.dashboard_build(county)
        n = f"{self.rounds} rounds"
        dash_bare = Spread.of(ratios(rps, "dashboard", "bare"))
        public_bare = Spread.of(ratios(rps, "public", "bare"))
        under_writes = Spread.of(ratios(rps, "dashboard-writes", "dashboard"))
        p99_quiet = percentile(latencies["dashboard"], 99) * 1000
        p99_writes = percentile(latencies["dashboard-writes"], 99) * 1000
        rebuilt = (
            f", {len(rebuilds)} rebuilds by the worker "
            f"(median {statistics.median(rebuilds) * 1000:.0f} ms)"
            if rebuilds
            else ", no rebuild by the worker"
        )
        return [
            ("county dashboard, built (no cache; median of 3)", f"{built * 1000:.0f} ms", ""),
            (f"county dashboard ({n})", Spread.of(rps["dashboard"]).text(" req/s", 1), ""),
            (
                f"county dashboard, {self.writes_per_second:g} writes/s in the county ({n})",
                Spread.of(rps["dashboard-writes"]).text(" req/s", 1),
                "",
            ),
            (
                "writes in the county",
                f"{written.count} in {written.seconds:.1f} s "
                f"({written.count / max(written.seconds, 1e-9):.1f}/s){rebuilt}",
                "",
            ),
            (
                "dashboard under writes / quiet",
                under_writes.text(),
                _goal(under_writes.median >= 0.8, ">= 0.80"),
            ),
            (
                "dashboard p99: quiet, under writes",
                f"{p99_quiet:.0f} ms, {p99_writes:.0f} ms",
                _goal(p99_writes < 200, "< 200 ms under writes"),
            ),
            (f"bare Django view ({n})", Spread.of(rps["bare"]).text(" req/s", 1), ""),
            (f"signed-in empty page ({n})", Spread.of(rps["signed-in"]).text(" req/s", 1), ""),
            ("dashboard / bare", dash_bare.text(), _goal(dash_bare.median >= 0.5, ">= 0.50")),
            (
                "dashboard under writes / bare",
                Spread.of(ratios(rps, "dashboard-writes", "bare")).text(),
                "",
            ),
            ("signed-in empty page / bare", Spread.of(ratios(rps, "signed-in", "bare")).text(), ""),
            (
                "dashboard / signed-in empty page",
                Spread.of(ratios(rps, "dashboard", "signed-in")).text(),
                "",
            ),
            (
                f"village public page, anonymous ({n})",
                Spread.of(rps["public"]).text(" req/s", 1),
                "",
            ),
            ("public page / bare", public_bare.text(), _goal(public_bare.median >= 0.8, ">= 0.80")),
        ]

    def dashboard_build(self, county) -> float:
        """Seconds to build the dashboard's figures without the cache (what a request pays after
        a change in the county), median of 3."""
        period = str(Period.containing(PeriodKind.QUARTER, today()))
        times = []
        with translation.override(settings.LANGUAGE_CODE):
            for _i in range(3):
                started = time.perf_counter()
                dashboard_page_body(county.code, today(), period)
                times.append(time.perf_counter() - started)
        self.say(
            "dashboard built without the cache: "
            + ", ".join(f"{t * 1000:.0f}" for t in times)
            + " ms"
        )
        return statistics.median(times)

    # ------------------------------------------------------------------ 3. and 4. reports

    def reports(self, county, period: str, workdir: Path):
        """A village's report (warm, median of 3), the county's, and a plain table's pages."""
        village = Village.objects.filter(code__startswith=county.code).order_by("code").first()
        render_quarterly(village.code, period)  # warms WeasyPrint: fonts, Pango
        times = []
        for _i in range(3):
            started = time.perf_counter()
            pdf = render_quarterly(village.code, period)
            times.append(time.perf_counter() - started)
        (workdir / f"village-{village.code}-{period}.pdf").write_bytes(pdf.content)
        village_s = statistics.median(times)
        self.say(
            f"village report {village.code}: {pdf.pages} pages, "
            + ", ".join(f"{t:.2f}" for t in times)
            + " s"
        )

        started = time.perf_counter()
        pdf = render_quarterly(county.code, period)
        county_s = time.perf_counter() - started
        pages = pdf.pages
        (workdir / f"county-{county.code}-{period}.pdf").write_bytes(pdf.content)
        self.say(f"county report {county.code}: {pages} pages in {county_s:.2f} s")

        rows_per_page, plain_s, plain_pages = self.plain_table(pages, workdir)
        self.say(f"plain table: {plain_pages} pages ({rows_per_page} rows each) in {plain_s:.2f} s")
        report_rate, plain_rate = pages / county_s, plain_pages / plain_s
        # How much each page holds: the report's tables are wider than the plain one.
        html = render_to_string(TEMPLATE, quarterly_context(county.code, period))
        report_cells = (html.count("<td") + html.count("<th")) / pages
        plain_cells = PLAIN_COLUMNS * (rows_per_page + 1)
        return [
            ("village report (median of 3)", f"{village_s:.2f} s", _goal(village_s <= 1, "<= 1 s")),
            ("county report", f"{county_s:.2f} s, {pages} pages", ""),
            ("county report pages/s", f"{report_rate:.2f}", ""),
            ("plain table pages/s", f"{plain_rate:.2f} ({plain_pages} pages)", ""),
            (
                "report / plain table",
                f"{report_rate / plain_rate:.2f}",
                _goal(report_rate >= plain_rate, ">= 1.00"),
            ),
            ("table cells per page: report, plain", f"{report_cells:.0f}, {plain_cells:.0f}", ""),
            (
                "report / plain table, cells per second",
                f"{report_rate * report_cells / (plain_rate * plain_cells):.2f}",
                "",
            ),
        ]

    def fanout(self, reports: int, period: str):
        """The same village reports rendered by a real worker of 1, 2 and 4 processes (as
        deployed: prefork, the memory limit per child): the seconds of each and the peak memory
        of the processes that rendered."""
        pdf = PdfMemoryCommand(stdout=self.stdout)
        seconds: dict[int, float] = {}
        peak = 0
        for processes in FANOUT:
            jobs = pdf.plan(reports, period)
            peaks, seconds[processes] = pdf.worker(jobs, processes, timeout=1800)
            peak = max(peak, *peaks.values())
        one = seconds[FANOUT[0]]
        return [
            (
                f"PDF fan-out: {reports} village reports, "
                + " / ".join(str(n) for n in FANOUT)
                + " worker processes",
                " / ".join(f"{seconds[n]:.1f} s" for n in FANOUT)
                + " (speed-up "
                + ", ".join(f"x{one / seconds[n]:.2f}" for n in FANOUT[1:])
                + f"; {os.cpu_count()} CPUs)",
                "",
            ),
            (
                "PDF worker process peak memory (VmHWM, highest)",
                f"{peak} MiB",
                _goal(peak <= PDF_BUDGET_MIB, f"<= {PDF_BUDGET_MIB} MiB"),
            ),
        ]

    def plain_table(self, pages: int, workdir: Path) -> tuple[int, float, int]:
        """Rows per page, seconds and pages of a plain table laid out to `pages` pages."""
        per_page = 40
        best = None
        for _i in range(6):  # a few layouts find the row count of the same page count
            rows = max(1, per_page * pages - per_page // 2)
            got = plain_pdf(plain_html(rows)).pages
            if best is None or abs(got - pages) < abs(best[1] - pages):
                best = (rows, got)
            if got == pages:
                break
            per_page = max(1, round(rows / got))
        rows = best[0]
        html = plain_html(rows)
        started = time.perf_counter()
        pdf = plain_pdf(html)
        seconds = time.perf_counter() - started
        (workdir / "plain-table.pdf").write_bytes(pdf.content)
        got = pdf.pages
        return round(rows / got), seconds, got

    # ------------------------------------------------------------------ 5. the summary

    def summary(self, rows: list[tuple[str, str, str]]) -> None:
        width = max(len(r[0]) for r in rows)
        value = max(len(r[1]) for r in rows)
        self.say("")
        self.say("benchmark of the reports")
        self.say("-" * (width + value + 24))
        for name, figure, goal in rows:
            self.say(f"{name:<{width}}  {figure:<{value}}  {goal}".rstrip())


def _goal(met: bool, goal: str) -> str:
    return f"goal {goal}: {'met' if met else 'MISSED'}"


def plain_html(rows: int) -> str:
    """A page with a table of `rows` rows of village-like figures, nothing else."""
    cells = (
        f"<tr><td>{n}</td><td>第{n % 97 + 1}村民委员会</td><td>{n % 13}</td><td>{n % 11}</td>"
        f"<td>{n % 7}</td><td>{(n * 37) % 1000 / 10:.1f}%</td></tr>"
        for n in range(1, rows + 1)
    )
    return PLAIN_HTML % "".join(cells)


def plain_pdf(html: str) -> Pdf:
    """The plain table laid out by WeasyPrint, as the reports are."""
    return html_to_pdf(html, str(settings.BASE_DIR))


def first_county() -> Region:
    """The demo's first county (汶上县, where its `county` supervisor works and the demos give
    full detail), the county a reader of the demo knows."""
    code = demo.first_county(Village.objects.values_list("code", flat=True))
    return Region.objects.get(code=code)


def session_key(county: Region) -> str:
    """A session of a county supervisor of `county`, as the login view would leave it."""
    user, _created = get_user_model().objects.get_or_create(username=BENCH_USER)
    if not StaffRole.objects.filter(
        user=user, kind=RoleKind.COUNTY_SUPERVISOR, area_code=county.code
    ).exists():
        role = StaffRole(user=user, kind=RoleKind.COUNTY_SUPERVISOR, region=county)
        role.full_clean()
        role.save()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[IdleSessionMiddleware.KEY] = int(time.time())
    session.create()
    return session.session_key


# ------------------------------------------------------------------ gunicorn and the load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict[str, str]:
    """The environment of the benchmark's server and worker: the deployment's settings on this
    database, tasks sent to a real worker on a broker database and a queue of the run's own."""
    broker = "redis://127.0.0.1:6379/5"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_TASK_DEFAULT_QUEUE": f"cunjian-bench-{uuid.uuid4().hex[:8]}",
    }


@contextmanager
def celery_worker(workdir: Path, env: dict[str, str]):
    """One Celery worker process (solo pool: one task at a time) with the server's settings; the
    path of its log."""
    log = workdir / "worker.log"
    log.write_text("")
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "info",
        "--queues",
        env["CELERY_TASK_DEFAULT_QUEUE"],
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--logfile",
        str(log),
    ]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text(errors="replace"):
            if process.poll() is not None:
                raise CommandError(f"the Celery worker stopped: {_tail(log)}")
            if time.monotonic() > deadline:
                raise CommandError(f"the Celery worker was not ready within 60 s: {_tail(log)}")
            time.sleep(0.2)
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


REBUILT = re.compile(r"reports\.tasks\.rebuild_figures\[[^\]]+\] succeeded in ([\d.]+)s: True")


def rebuild_times(worker_log: Path) -> list[float]:
    """Seconds of each rebuild of the figures the worker made (from its log)."""
    return [float(m[1]) for m in REBUILT.finditer(worker_log.read_text(errors="replace"))]


def settle(port: int, path: str, cookie: str, seconds: float = 30) -> None:
    """Wait until `path` serves figures taken after the last write (the worker built them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, body = asyncio.run(fetch(port, path, cookie))
        if status == 200 and b'data-testid="renewing"' not in body:
            return
        time.sleep(0.2)
    raise CommandError(f"{path}: the figures were still being built after {seconds:.0f} s")


class Writer:
    """Writes in the county at a steady rate from a thread, as a working county does, while the
    dashboard is measured: an open duty's reminder date set or cleared (a source of the figures,
    so each write renews the county's stamp once committed). Counts across every use."""

    def __init__(self, county: Region, per_second: float):
        self.county, self.interval = county, 1 / per_second
        self.count, self.seconds = 0, 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Writer:
        duties = SupervisionTask.objects.filter(
            area_code__startswith=self.county.code, state=TaskState.PLANNED
        ).order_by("pk")
        self.duties = list(duties.values_list("pk", flat=True)[:100])
        if not self.duties:
            raise CommandError(f"{self.county.code}: no open duty to write to")
        self._stop.clear()
        self._thread = threading.Thread(target=self._write, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def _write(self) -> None:
        started = time.perf_counter()
        try:
            n = 0
            while not self._stop.wait(max(0.0, started + n * self.interval - time.perf_counter())):
                duty = SupervisionTask.objects.get(pk=self.duties[self.count % len(self.duties)])
                duty.reminded_on = None if duty.reminded_on else today()
                duty.save(update_fields=["reminded_on"])
                self.count += 1
                n += 1
        finally:
            self.seconds += time.perf_counter() - started
            connections.close_all()  # this thread's connection


@contextmanager
def gunicorn(workers: int, workdir: Path, env: dict[str, str] | None = None, recycle: bool = True):
    """gunicorn with the deployment's settings, `workers` workers, on a free local port. Without
    `recycle` its workers are never replaced: the deployment's one after 1,000 requests comes
    every second or two at a benchmark's rate, and a restart is what would be measured."""
    port = free_port()
    env = env or {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database_url(),
    }
    log = workdir / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "-c",
        "deploy/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        str(workdir / "access.log"),
        "--error-logfile",
        str(log),
        *([] if recycle else ["--max-requests", "0"]),
    ]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise CommandError(f"gunicorn stopped: {_tail(log)}")
            try:
                if asyncio.run(fetch(port, BARE_PATH))[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise CommandError(f"gunicorn did not answer within 60 s: {_tail(log)}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"


async def fetch(port: int, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    """One GET over a fresh connection (gunicorn's sync workers close it after each answer)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    writer.write((head + "\r\n").encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


async def load(
    port: int,
    path: str,
    cookie: str | None,
    requests: int,
    concurrency: int,
    seconds: float | None = None,
) -> Load:
    """`requests` GETs of `path` (or as many as `seconds` allow), `concurrency` at a time; the
    wall time of all of them."""
    todo = iter(range(requests)) if seconds is None else itertools.count()
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + seconds if seconds is not None else None

    latencies: list[float] = []

    async def client():
        for _n in todo:  # one shared iterator: each request is taken once
            if deadline is not None and time.perf_counter() >= deadline:
                break
            sent = time.perf_counter()
            status, _body = await fetch(port, path, cookie)
            latencies.append(time.perf_counter() - sent)
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(client() for _c in range(concurrency)))
    elapsed = time.perf_counter() - started
    done = sum(statuses.values())
    return Load(done, elapsed, done - statuses.get(200, 0), statuses, latencies)
