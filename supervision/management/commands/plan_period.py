"""`manage.py plan_period 2026Q4 [--area PREFIX]`: plan a period's duties by hand."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from supervision import services
from supervision.periods import Period


class Command(BaseCommand):
    help = (
        "Plan the duties of a period (2026Q4: inspections and hearings; 2026H2: reviews and "
        "public reports; 2026: redemption and annual inspection) for every village; planning "
        "a period again creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026Q4, 2026H2 or 2026")
        parser.add_argument(
            "--area", default="", help="only the villages whose area code starts with this"
        )

    def handle(self, *args, period, area, **options):
        try:
            parsed = Period.parse(period)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        if area and not area.isdigit():
            raise CommandError("--area takes the digits of an area code")
        try:
            created = services.plan_period(period=parsed, area_prefix=area)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        self.stdout.write(self.style.SUCCESS(f"{parsed}: {created} duties created"))
