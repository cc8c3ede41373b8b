"""`manage.py setup_region CODE`: the first step of a deployment, the county's province › city ›
county from its official code (370830, 370830000000) or its name (汶上县)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from villages.codes import official_form, parse_area_code
from villages.setup import region_setup


class Command(BaseCommand):
    help = (
        "Create a county with its city and province from the official code (6 or 12 digits: "
        "370830, 370830000000; also 370000 or 370800 alone) or a name of the bundled official "
        "list (villages/data/divisions.csv). Regions already there are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="official code or name, e.g. 370830 or 汶上县")
        parser.add_argument(
            "--name",
            action="append",
            default=[],
            metavar="CODE=NAME",
            help="name of a level the official list lacks, e.g. --name 370830=汶上县 (repeatable)",
        )

    def handle(self, *args, code, name, **options):
        names = {}
        try:
            for item in name:
                key, sep, value = item.partition("=")
                if not sep or not value.strip():
                    raise CommandError(f"--name takes CODE=NAME, not {item!r}")
                names[parse_area_code(key).code] = value.strip()
            result = region_setup(actor=None, code=code, names=names)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from e
        for region in result.created:
            self.stdout.write(f"created  {official_form(region.code)} {region.name}")
        for region in result.existing:
            self.stdout.write(f"existing {official_form(region.code)} {region.name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.region.name} ({official_form(result.region.code)}) is ready: "
                f"{len(result.created)} created, {len(result.existing)} already there."
            )
        )
