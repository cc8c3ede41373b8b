"""`manage.py bench_planning [--villages 20000]`: time the planning of one quarter, twice."""

import time

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.validators import last_year
from supervision import services
from supervision.choices import PeriodKind
from supervision.models import SupervisionTask
from supervision.periods import Period
from villages.models import Village


class Command(BaseCommand):
    help = (
        "Plan one quarter for every village twice and print both times and counts (goal: "
        "under 10 s for 20,000 villages; the second run creates nothing). Builds the demo tree "
        "with seed_demo --tree-only if the database has no villages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, default=20000)
        parser.add_argument(
            "--period",
            default=str(Period(last_year(), PeriodKind.QUARTER, 4)),
            help="the quarter to plan (default %(default)s: the last one the records allow)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the period's duties first (only duties without a record can go)",
        )

    def handle(self, *args, villages, period, reset, **options):
        try:
            quarter = Period.parse(period)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        have = Village.objects.count()
        if have < villages:
            if have:
                raise CommandError(
                    f"{have} villages exist, fewer than {villages}: run it on an empty "
                    "database (seed_demo fills only an empty one) or pass --villages {have}"
                )
            self.stdout.write(f"building {villages} villages with seed_demo --tree-only ...")
            call_command(
                "seed_demo", "--tree-only", "--villages", str(villages), stdout=self.stdout
            )
        if reset:
            SupervisionTask.objects.filter(period=str(quarter)).delete()
        total = Village.objects.count()
        for run in (1, 2):
            started = time.perf_counter()
            created = services.plan_period(period=quarter)
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"run {run}: planned {quarter} for {total} villages in {seconds:.2f} s, "
                f"{created} duties created"
            )
