"""`manage.py bench_tree_import [--rows N]`: time the tree import of N new villages (10,000 by
default) through the same service as the page, in a transaction rolled back at the end.

The target (issue #17): 10,000 villages in 10 s or less, reading, checking and writing included.
"""

from __future__ import annotations

import io
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from core.excel import new_workbook, workbook_bytes, write_row
from villages.choices import RegionLevel
from villages.imports import TOWNSHIP_COLUMNS, VILLAGE_COLUMNS, import_tree
from villages.models import Region

# A county code no real county has (Shandong has no city 99): the run leaves nothing behind.
BENCH_COUNTY = "379901"
VILLAGES_PER_TOWNSHIP = 500


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the tree import of N new villages; nothing is kept."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000, help="villages to import")

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        rows = options["rows"]
        started = time.perf_counter()
        data = self.workbook(rows)
        built = time.perf_counter() - started
        self.stdout.write(f"workbook: {rows} villages, {len(data) / 1e6:.1f} MB, {built:.2f} s")
        figures: dict[str, float] = {}
        cpus: dict[str, float] = {}  # this process only; the database's work is in the wall time
        try:
            with transaction.atomic():
                province, _ = Region.objects.get_or_create(
                    code="37", defaults={"name": "山东省", "level": RegionLevel.PROVINCE}
                )
                city = Region.objects.create(
                    code="3799", name="测试市", level=RegionLevel.CITY, parent=province
                )
                county = Region.objects.create(
                    code=BENCH_COUNTY, name="测试县", level=RegionLevel.COUNTY, parent=city
                )
                actor = get_user_model().objects.create_superuser("bench-tree-import")
                for label, dry_run in (("dry run", True), ("import", False)):
                    start, cpu = time.perf_counter(), time.process_time()
                    result = import_tree(
                        actor=actor, county=county, file=io.BytesIO(data), dry_run=dry_run
                    )
                    figures[label] = time.perf_counter() - start
                    cpus[label] = time.process_time() - cpu
                    assert result.villages_created == rows
                raise Rollback
        except Rollback:
            pass
        for label, seconds in figures.items():
            self.stdout.write(
                f"{label}: {seconds:.2f} s ({rows / seconds:,.0f} villages/s), "
                f"Python CPU {cpus[label]:.2f} s"
            )
        if rows >= 10_000:
            # Fixed costs weigh on small runs: judge only a run of the target's size or more.
            verdict = "OK" if figures["import"] <= 10 * rows / 10_000 else "SLOW"
            self.stdout.write(f"target 10,000 villages in <= 10 s: {verdict}")

    def workbook(self, rows: int) -> bytes:
        wb = new_workbook()
        ws = wb.active
        ws.title = "乡镇"
        write_row(ws, [str(c.label) for c in TOWNSHIP_COLUMNS])
        townships = (rows + VILLAGES_PER_TOWNSHIP - 1) // VILLAGES_PER_TOWNSHIP
        for t in range(townships):
            write_row(ws, [f"{BENCH_COUNTY}{101 + t:03d}", f"第{t + 1}镇"])
        ws = wb.create_sheet("村")
        write_row(ws, [str(c.label) for c in VILLAGE_COLUMNS])
        for i in range(rows):
            t, v = divmod(i, VILLAGES_PER_TOWNSHIP)
            township = f"{BENCH_COUNTY}{101 + t:03d}"
            write_row(
                ws,
                [
                    f"{township}{201 + v:03d}",
                    f"第{i + 1}村",
                    township,
                    300,
                    1200,
                    40,
                    "85000.00",
                    "否",
                    "",
                ],
            )
        return workbook_bytes(wb)
