"""`manage.py load_run`: the load run (issue #15, item 8), in one command.

Serves the application with gunicorn (deploy/gunicorn.conf.py, the settings of the process:
`config.settings.bench` under `make load`), plays `--users` users on the demo county for
`--duration` seconds (reports/load.py: signed-in reads of dashboards, village pages, lists and the
API; problems and vouchers written through the API and the problem form; villagers' questions on
the public page), then checks in the database that every acknowledged write is stored exactly
once. Prints the figures; fails on any error or any write missing or stored twice.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import load
from reports.management.commands.bench_reports import gunicorn


class Command(BaseCommand):
    help = (
        "Load the application under gunicorn with signed-in reads and writes at a fixed "
        "concurrency, then check that every acknowledged write is stored exactly once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=float, default=600, help="seconds (default 600)")
        parser.add_argument(
            "--concurrency", "--users", type=int, default=16, help="simultaneous users"
        )
        parser.add_argument(
            "--workers",
            type=int,
            # As deployed: deploy/gunicorn.conf.py's count without WEB_CONCURRENCY.
            default=min(2 * multiprocessing.cpu_count() + 1, 8),
            help="gunicorn workers (default as deployed: %(default)s here)",
        )
        parser.add_argument("--keep", action="store_true", help="keep gunicorn's logs in var/load/")

    def handle(self, *args, duration, concurrency, workers, keep, **options):
        if duration <= 0 or min(concurrency, workers) < 1:
            raise CommandError("the duration, users and workers must be positive")
        try:
            plan = load.prepare()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        workdir = Path(tempfile.mkdtemp(prefix="cunjian-load-"))
        try:
            with gunicorn(workers, workdir) as port:
                self.say(
                    f"{concurrency} users for {duration:.0f} s against gunicorn "
                    f"({workers} workers, port {port}) ..."
                )
                tally = asyncio.run(
                    load.drive(
                        f"http://127.0.0.1:{port}", plan, seconds=duration, users=concurrency
                    )
                )
        finally:
            if keep:
                out = Path("var") / "load"
                out.mkdir(parents=True, exist_ok=True)
                for log in workdir.iterdir():
                    shutil.copy(log, out / log.name)
            shutil.rmtree(workdir, ignore_errors=True)
        checks = load.verify(tally.acknowledged, tally.run)
        self.report(tally, checks, concurrency, workers)
        failed = [c for c in checks if not c.ok]
        if tally.error_count or failed:
            raise CommandError(
                f"{tally.error_count} errors; writes missing or stored twice in: "
                f"{', '.join(c.kind for c in failed) or 'none'}"
            )

    def say(self, line: str = "") -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def report(self, tally: load.Tally, checks: list[load.Check], users: int, workers: int) -> None:
        self.say()
        self.say(
            f"load run {tally.run}: {users} users, {tally.seconds:.1f} s, "
            f"gunicorn {workers} workers"
        )
        head = f"{'kind':<20}{'answers':>9}{'refused':>9}{'errors':>8}"
        self.say(head + f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for kind, answers, refused, errors, p50, p95, p99 in tally.rows():
            self.say(
                f"{kind:<20}{answers:>9}{refused:>9}{errors:>8}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}"
            )
        everything = [t for times in tally.times.values() for t in times]
        self.say(
            f"{'all':<20}{len(everything):>9}{sum(tally.refused.values()):>9}"
            f"{tally.error_count:>8}"
            + "".join(f"{load.percentile(everything, p) * 1000:>9.0f}" for p in (50, 95, 99))
        )
        rate = tally.requests / tally.seconds if tally.seconds else 0.0
        self.say(
            f"requests {tally.requests}, {rate:.1f} requests/s, errors {tally.error_count} "
            "(5xx, no answer, or a status the request does not expect)"
        )
        self.say()
        self.say(
            f"{'writes':<20}{'acknowledged':>13}{'found':>8}{'missing':>9}{'twice':>7}"
            f"{'no answer':>11}{'stored unacked':>16}"
        )
        for c in checks:
            self.say(
                f"{c.kind:<20}{c.acknowledged:>13}{c.found:>8}{len(c.missing):>9}"
                f"{len(c.duplicated):>7}{len(tally.unanswered.get(c.kind, [])):>11}"
                f"{c.unacknowledged:>16}"
            )
        for example in tally.examples:
            self.say(f"error: {example}")
        for c in checks:
            for marker in c.missing[:5]:
                self.say(f"missing: {marker}")
            for marker in c.duplicated[:5]:
                self.say(f"stored twice: {marker}")
