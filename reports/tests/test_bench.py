"""`bench_reports` at a tiny size, gunicorn included, so the benchmark of `make bench` cannot rot;
and the history length it asks of `seed_demo`."""

import datetime as dt
import re
from io import StringIO

import environ
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.dates import today
from reports.management.commands.bench_reports import (
    Command,
    Load,
    Spread,
    interleaved,
    plain_html,
    plain_pdf,
    ratios,
)
from reports.tests.runs_helpers import pdfinfo_pages
from supervision.choices import TaskKind
from supervision.demo import window
from supervision.models import SupervisionTask

TINY = [
    "--villages",
    "30",
    "--quarters",
    "2",
    "--requests",
    "20",
    "--concurrency",
    "2",
    "--rounds",
    "2",
    "--fanout-reports",
    "2",
    "--seconds",
    "0",
]
SPREAD = r"[\d.]+( req/s)? \(min [\d.]+, max [\d.]+\)"


def test_the_views_are_measured_interleaved_round_by_round_with_medians_min_and_max():
    """A fake timer: each measure takes a known time, so the arithmetic is exact."""
    seconds = {  # per view, per round: the time 100 requests took
        "a": [1.0, 2.0, 0.5, 1.0, 4.0],
        "b": [2.0, 2.0, 2.0, 1.0, 2.0],
    }
    order = []

    def measure(r, name):
        order.append((r, name))
        return Load(100, seconds[name][r], 0, {200: 100})

    rps = interleaved(["a", "b"], 5, measure)
    assert order == [(r, name) for r in range(5) for name in ("a", "b")]  # A B A B ...
    assert rps["a"] == [100.0, 50.0, 200.0, 100.0, 25.0]
    assert Spread.of(rps["a"]) == Spread(100.0, 25.0, 200.0)
    assert Spread.of(rps["b"]) == Spread(50.0, 50.0, 100.0)
    # the ratio is taken per round (A and B measured back to back), then its median
    per_round = ratios(rps, "a", "b")
    assert per_round == [2.0, 1.0, 4.0, 1.0, 0.5]
    assert Spread.of(per_round) == Spread(1.0, 0.5, 4.0)
    assert Spread.of([3.0, 1.0]).median == 2.0  # an even count: the mean of the middle two
    assert Spread(1.0, 0.5, 4.0).text() == "1.00 (min 0.50, max 4.00)"


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
def test_a_tiny_benchmark_builds_serves_renders_and_prints_every_figure(settings):
    # The writes this process makes renew the stamps in the server's cache, as with `make bench`
    # (config.settings.bench: Redis, keys prefixed with the database's name).
    settings.CACHES = {
        "default": {
            **environ.Env.cache_url_config("redis://127.0.0.1:6379/4"),
            "KEY_PREFIX": connection.settings_dict["NAME"],
        }
    }
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
    dashboard = re.search(r"county dashboard \(2 rounds\)\s+([\d.]+) req/s", text)
    bare = re.search(r"bare Django view \(2 rounds\)\s+([\d.]+) req/s", text)
    assert dashboard and bare and float(dashboard[1]) > 0 and float(bare[1]) > 0, text
    assert re.search(rf"dashboard / bare\s+{SPREAD}\s+goal >= 0.50: (met|MISSED)", text), text
    assert re.search(rf"dashboard under writes / bare\s+{SPREAD}", text), text
    # interleaved: round 1 measures every view, then round 2
    lines = [line for line in text.splitlines() if line.startswith("round ")]
    assert [line.split(":")[0] for line in lines] == [
        f"round {r} {name}"
        for r in (1, 2)
        for name in ("dashboard", "dashboard-writes", "bare", "signed-in", "public")
    ], text
    assert "round 1 dashboard: 20 requests, concurrency 2" in text and "0 not 200" in text
    assert re.search(r"load average at the start\s+[\d.]+ [\d.]+ [\d.]+", text), text
    assert re.search(r"load average at the end\s+[\d.]+ [\d.]+ [\d.]+", text), text
    # under writes: the writer wrote, the worker built the figures again, the page kept serving
    writes = re.search(
        r"writes in the county\s+(\d+) in [\d.]+ s \([\d.]+/s\), (\d+) rebuilds", text
    )
    assert writes and int(writes[1]) > 0 and int(writes[2]) > 0, text
    assert re.search(
        rf"dashboard under writes / quiet\s+{SPREAD}\s+goal >= 0.80: (met|MISSED)", text
    )
    assert re.search(r"dashboard p99: quiet, under writes\s+\d+ ms, \d+ ms\s+goal < 200 ms", text)
    # the floor of a signed-in page, and the dashboard built without its cache
    assert re.search(rf"signed-in empty page \(2 rounds\)\s+{SPREAD}", text), text
    assert re.search(r"county dashboard, built \(no cache; median of 3\)\s+\d+ ms", text), text

    # 3. and 4. the reports and the plain table of the same page count
    assert re.search(r"village report \(median of 3\)\s+[\d.]+ s\s+goal <= 1 s", text), text
    county = re.search(r"county report\s+[\d.]+ s, (\d+) pages", text)
    plain = re.search(r"plain table pages/s\s+[\d.]+ \((\d+) pages\)", text)
    assert county and plain and int(county[1]) >= 2, text
    assert abs(int(plain[1]) - int(county[1])) <= 1, text
    assert re.search(r"report / plain table\s+[\d.]+\s+goal >= 1.00", text), text
    # 5. the fan-out of village reports over real workers of 1, 2 and 4 processes, their memory
    assert re.search(
        r"PDF fan-out: 2 village reports, 1 / 2 / 4 worker processes\s+[\d.]+ s / [\d.]+ s / "
        r"[\d.]+ s \(speed-up x[\d.]+, x[\d.]+; \d+ CPUs\)",
        text,
    ), text
    assert re.search(r"PDF worker process peak memory \(VmHWM, highest\)\s+\d+ MiB\s+goal", text)
    assert re.search(r"whole run\s+[\d.]+ s", text)

    # a second run finds the data; another size is refused rather than measured
    assert Command(stdout=StringIO()).ensure_data(30, 2) is None
    with pytest.raises(CommandError, match="holds 30 villages"):
        Command(stdout=StringIO()).ensure_data(31, 2)
    with pytest.raises(CommandError, match="holds 30 villages"):
        Command(stdout=StringIO()).ensure_data(30, 5)
