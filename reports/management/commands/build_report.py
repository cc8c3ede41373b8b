"""Generate a report from the shell, synchronously, by the same code path as the Celery task."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.choices import ReportKind, RunState
from reports.services import report_generate, report_request


class Command(BaseCommand):
    help = (
        "Generate a report now (kept as a report run like one made by the worker) and write "
        "it to --out; prints the pages, seconds and SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", default=ReportKind.QUARTERLY, choices=ReportKind.values)
        parser.add_argument(
            "--scope", required=True, help="area code of a county, township or village"
        )
        parser.add_argument("--period", required=True, help="a quarter, e.g. 2026Q3")
        parser.add_argument("--out", help="where to write the PDF (default: only keep the run)")

    def handle(self, *args, kind, scope, period, out=None, **options):
        try:
            run, created = report_request(
                actor=None, kind=kind, area_code=scope, period=period, enqueue=False
            )
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        if not created:
            raise CommandError(
                f"this report is being generated already (run {run.pk}, {run.get_state_display()})"
            )
        report_generate(run.pk)
        run.refresh_from_db()
        if run.state != RunState.DONE:
            raise CommandError(f"run {run.pk} failed: {run.error}")
        if out:
            with run.file.open("rb") as f:
                Path(out).write_bytes(f.read())
        self.stdout.write(
            f"run {run.pk} v{run.version}: {run.pages} pages, {run.seconds:.2f} s, "
            f"SHA-256 {run.sha256}" + (f" -> {out}" if out else "")
        )
