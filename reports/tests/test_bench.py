"""`bench_reports` at a tiny size, gunicorn included, so the benchmark of `make bench` cannot rot;
and the history length it asks of `seed_demo`."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.dates import today
from reports.management.commands.bench_reports import Command, plain_html, plain_pdf
from reports.tests.runs_helpers import pdfinfo_pages
from supervision.choices import TaskKind
from supervision.demo import window
from supervision.models import SupervisionTask

TINY = ["--villages", "30", "--quarters", "2", "--requests", "20", "--concurrency", "2"]


def test_the_window_reaches_back_as_many_quarters_as_asked():
    on = dt.date(2026, 11, 23)
    assert [str(p) for p in window(on)[:5]] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    five_years = window(on, 20)
    quarters = [str(p) for p in five_years if p.kind == "quarter"]
    assert len(quarters) == 21 and quarters[0] == "2021Q4" and quarters[-1] == "2026Q4"
    assert [str(p) for p in five_years if p.kind == "year"] == [str(y) for y in range(2021, 2027)]
    with pytest.raises(ValueError):
        window(on, 0)


def test_the_plain_table_grows_page_by_page():
    one, three = plain_pdf(plain_html(10)), plain_pdf(plain_html(120))
    assert one.pages == pdfinfo_pages(one.content) == 1
    assert three.pages == pdfinfo_pages(three.content) > 1
    assert plain_pdf(plain_html(200)).pages > three.pages


# Transactional: gunicorn's workers read the rows this process commits.
@pytest.mark.django_db(transaction=True)
def test_a_tiny_benchmark_builds_serves_renders_and_prints_every_figure():
    out = StringIO()
    call_command("bench_reports", *TINY, stdout=out)
    text = out.getvalue()

    # 1. seed_demo was told the history: two finished quarters and the current one
    first, *_rest = [str(p) for p in window(today(), 2)]
    inspections = SupervisionTask.objects.filter(kind=TaskKind.INSPECTION)
    assert inspections.filter(period=first).count() == 30
    assert set(inspections.values_list("period", flat=True)) == set(
        str(p) for p in window(today(), 2) if p.kind == "quarter"
    )
    assert re.search(r"build \(30 villages x 2 quarters\)\s+[\d.]+ s", text), text

    # 2. both views served by gunicorn, every answer a 200 (the command fails otherwise)
    dashboard = re.search(r"county dashboard\s+([\d.]+) req/s", text)
    bare = re.search(r"bare Django view\s+([\d.]+) req/s", text)
    assert dashboard and bare and float(dashboard[1]) > 0 and float(bare[1]) > 0, text
    assert re.search(r"dashboard / bare\s+[\d.]+\s+goal >= 0.50: (met|MISSED)", text), text
    assert "dashboard: 20 requests, concurrency 2" in text and "0 not 200" in text
    # the floor of a signed-in page, and the dashboard built without its cache
    assert re.search(r"signed-in empty page\s+[\d.]+ req/s", text), text
    assert re.search(r"county dashboard, built \(no cache; median of 3\)\s+\d+ ms", text), text

    # 3. and 4. the reports and the plain table of the same page count
    assert re.search(r"village report \(median of 3\)\s+[\d.]+ s\s+goal <= 1 s", text), text
    county = re.search(r"county report\s+[\d.]+ s, (\d+) pages", text)
    plain = re.search(r"plain table pages/s\s+[\d.]+ \((\d+) pages\)", text)
    assert county and plain and int(county[1]) >= 2, text
    assert abs(int(plain[1]) - int(county[1])) <= 1, text
    assert re.search(r"report / plain table\s+[\d.]+\s+goal >= 1.00", text), text
    assert re.search(r"whole run\s+[\d.]+ s", text)

    # a second run finds the data; another size is refused rather than measured
    assert Command(stdout=StringIO()).ensure_data(30, 2) is None
    with pytest.raises(CommandError, match="holds 30 villages"):
        Command(stdout=StringIO()).ensure_data(31, 2)
    with pytest.raises(CommandError, match="holds 30 villages"):
        Command(stdout=StringIO()).ensure_data(30, 5)
