"""The memory of a PDF worker (issue #22, item 4): a process rendering village reports stays
within 250 MiB (VmHWM, measured in a fresh process and in a real prefork worker), the lean font
handling embeds exactly what stock WeasyPrint embeds, and the worker replaces a child grown fat."""

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from config import celery_app
from reports.management.bench import database_url
from reports.management.commands.bench_pdf_memory import BUDGET_MIB
from reports.models import ReportRun
from reports.pdf import html_to_pdf

from .runs_helpers import PERIOD, build_county, pdffonts

HTML = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><style>
html { font-family: "Noto Sans CJK SC", sans-serif; }
h1 { font-family: "Noto Serif CJK SC", serif; }
</style></head><body><h1>季度监督评议报告</h1><p>南旺镇南旺村：<b>问题 3 个</b>，已销号 2 个。</p>
</body></html>"""


def highest(output: str) -> int:
    return int(re.search(r"^highest: (\d+) MiB", output, re.M)[1])


def test_lean_fonts_embed_the_same_bytes_as_stock_weasyprint(monkeypatch):
    from weasyprint import HTML as WeasyHTML
    from weasyprint.pdf import fonts, stream
    from weasyprint.text import fonts as text_fonts

    lean = html_to_pdf(HTML, str(settings.BASE_DIR)).content
    # Installed: if a WeasyPrint upgrade moved these internals, the fonts are copied whole again.
    assert stream.Font is not fonts.Font
    assert "Noto-Serif-CJK-SC" in pdffonts(lean) and "Noto-Sans-CJK-SC" in pdffonts(lean)
    monkeypatch.setattr(stream, "Font", fonts.Font)
    monkeypatch.setattr(fonts, "get_hb_object_data", text_fonts.get_hb_object_data)
    stock = WeasyHTML(string=HTML, base_url=str(settings.BASE_DIR)).write_pdf()
    assert lean == stock


def test_the_worker_prefetches_one_task_and_replaces_a_child_past_its_memory():
    assert celery_app.conf.worker_prefetch_multiplier == 1
    # KiB: a child past it after a task is replaced, below the budget so the next report fits
    assert 100 * 1024 <= celery_app.conf.worker_max_memory_per_child < BUDGET_MIB * 1024


@pytest.mark.django_db(transaction=True)  # the other process must see the rows
def test_a_fresh_process_renders_village_reports_within_250_mib():
    build_county(villages=4)
    done = subprocess.run(
        [sys.executable, "manage.py", "bench_pdf_memory", "--inline", "--reports", "4"]
        + ["--period", PERIOD],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count(f"{PERIOD}: ") == 4, done.stdout
    assert highest(done.stdout) <= BUDGET_MIB, done.stdout


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the worker must see the rows
def test_a_real_worker_renders_village_reports_within_250_mib(monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_PRIVATE_MEDIA_ROOT", str(tmp_path))  # the worker's files
    build_county(villages=3)
    out = StringIO()
    call_command(
        "bench_pdf_memory", "--reports", "4", "--concurrency", "1", "--period", PERIOD,
        "--timeout", "300", stdout=out,
    )  # fmt: skip
    output = out.getvalue()
    assert len(re.findall(r"worker process \d+ peak RSS \d+ MiB", output)) == 4, output
    assert ReportRun.objects.filter(state="done").count() == 4
    assert highest(output) <= BUDGET_MIB, output
