"""`manage.py import_tree FILE [--dry-run] [--update]`: the tree import of the page, from a shell.

For a county's first import or one too large to upload comfortably: the same checks, the same
all-or-nothing write, every error on stderr with its sheet, row and column.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from villages.imports import ImportResult, TreeImportError, import_tree
from villages.models import Region


class Command(BaseCommand):
    help = "Import a county's upper levels, townships and villages from the Excel template."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the filled-in template (.xlsx)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and list what would change; write nothing"
        )
        parser.add_argument(
            "--update", action="store_true", help="change existing townships and villages"
        )
        parser.add_argument(
            "--county", help="6-digit code of the county (default: the upper-levels sheet's)"
        )
        parser.add_argument(
            "--user", help="account the import is made by (default: the first superuser)"
        )

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        actor = self.actor(options["user"])
        county = None
        if options["county"]:
            county = Region.objects.counties().filter(code=options["county"]).first()
            if county is None:
                raise CommandError(_("No county %(code)s.") % {"code": options["county"]})
        try:
            with open(options["file"], "rb") as f:
                result = import_tree(
                    actor=actor,
                    county=county,
                    file=f,
                    update=options["update"],
                    dry_run=options["dry_run"],
                )
        except OSError as e:
            raise CommandError(str(e)) from e
        except PermissionDenied as e:
            raise CommandError(str(e)) from e
        except TreeImportError as e:
            for error in e.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Nothing was written.") + " " + str(e)) from e
        self.report(result)

    def actor(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(_("No active account %(name)s.") % {"name": username})
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("Create a superuser first (createsuperuser), or pass --user."))
        return user

    def report(self, result: ImportResult) -> None:
        for change in result.changes:
            fields = "; ".join(f"{label}: {old} → {new}" for label, old, new in change.fields)
            self.stdout.write(
                f"{change.action}\t{change.level_label}\t{change.code}\t{change.name}\t{fields}"
            )
        counts = " ".join(f"{k}={v}" for k, v in result.counts().items())
        if result.dry_run:
            self.stdout.write(_("Dry run, nothing written: %(counts)s") % {"counts": counts})
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported: %(counts)s") % {"counts": counts}))
