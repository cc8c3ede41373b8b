"""`manage.py demo_accounts`: print the demo accounts for `make run` to show."""

import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from villages import demo


def width(text: str) -> int:
    """Terminal columns of `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


class Command(BaseCommand):
    help = "List the demo accounts that exist, with their role, scope and password."

    def handle(self, *args, **options):
        accounts, cadres = demo.demo_accounts()
        if not accounts and not cadres:
            return
        rows = [(_("Username"), _("Full name"), _("Role"), _("Scope"), _("Password"))]
        rows += [(a.username, a.full_name, a.role, a.scope, a.password) for a in accounts]
        widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write(_("Demo accounts:"))
        for row in rows:
            cells = (pad(cell, w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
        if cadres:
            self.stdout.write(
                _(
                    "  and %(n)d contact-cadre accounts named c<township code>_NN "
                    "(e.g. %(example)s), password %(password)s"
                )
                % {"n": len(cadres), "example": cadres[0], "password": demo.DEMO_PASSWORD}
            )
