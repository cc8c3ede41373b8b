"""`manage.py seed_demo`: load the demo county (or a province's worth) into an empty database."""

import inspect

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from villages import demo
from villages.models import Village
from villages.signals import bulk_written


class Command(BaseCommand):
    help = (
        f"Build demo data: 汶上县 with its townships, villages, contact cadres and one account "
        f"per role (password {demo.DEMO_PASSWORD}). Larger --villages totals add counties."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--townships",
            type=int,
            default=demo.DEFAULT_TOWNSHIPS,
            help="townships per county (default %(default)s)",
        )
        parser.add_argument(
            "--villages",
            type=int,
            default=demo.DEFAULT_VILLAGES,
            help="total number of villages (default %(default)s)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="random seed: the same seed builds the same data (default %(default)s)",
        )
        parser.add_argument(
            "--tree-only",
            action="store_true",
            help="build only the administrative tree and accounts, not the other apps' records",
        )
        parser.add_argument(
            "--quarters",
            type=int,
            default=None,
            help="finished quarters of history, for the builders that take it (default: "
            "each builder's own, four for supervision; the benchmark asks for 20)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing, successfully, if the database already holds villages",
        )

    def handle(
        self, *args, townships, villages, seed, if_empty, tree_only=False, quarters=None, **options
    ):
        # Demo rows never mix with real ones: only an empty tree is filled.
        if demo.database_has_villages():
            if if_empty:
                self.stdout.write(_("Villages already exist; the demo data was not loaded."))
                return
            raise CommandError(
                _(
                    "The database already holds villages; seed_demo only fills an empty "
                    "database (pass --if-empty to skip it without an error)."
                )
            )
        if quarters is not None and quarters < 1:
            raise CommandError(_("--quarters must be at least 1."))
        try:
            plan = demo.plan_demo(townships=townships, villages=villages, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            result = demo.build_demo(plan)
            # Higher apps add their own demo records; they name a builder in their AppConfig
            # (`demo_builder`), so this lower app never imports them.
            extras = [] if tree_only else self.build_app_demos(seed, quarters)
            bulk_written.send(Village, area_codes=None)  # every demo record, written in bulk
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo data loaded in %(seconds).1f s: %(counties)d counties, "
                    "%(townships)d townships, %(villages)d villages, %(accounts)d accounts "
                    "(password %(password)s)."
                )
                % {
                    "seconds": result.seconds,
                    "counties": result.counties,
                    "townships": result.townships,
                    "villages": result.villages,
                    "accounts": result.accounts,
                    "password": demo.DEMO_PASSWORD,
                }
            )
        )
        for line in extras:
            self.stdout.write(self.style.SUCCESS(line))

    def build_app_demos(self, seed: int, quarters: int | None = None) -> list[str]:
        """Run every installed app's demo builder, lowest app first; return their summaries."""
        lines = []
        for config in apps.get_app_configs():
            builder = getattr(config, "demo_builder", None)
            if builder:
                build = import_string(builder)
                extra = {}
                # Only builders with a history length are told it; the others build as always.
                if quarters is not None and "quarters" in inspect.signature(build).parameters:
                    extra["quarters"] = quarters
                result = build(seed=seed, villages=Village.objects.all(), **extra)
                lines.append(result.summary())
        return lines
