"""`manage.py verify_ledgers [--village CODE]`: check every village's hash chain of vouchers."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ledgers.selectors import verify_chain
from villages.models import Village


class Command(BaseCommand):
    help = "Recompute the hash chain of posted vouchers; exit 1 at the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--village", help="12-digit area code of one village")

    def handle(self, *args, village=None, **options):
        villages = Village.objects.filter(vouchers__isnull=False).distinct().order_by("code")
        if village:
            villages = Village.objects.filter(code=village)
            if not villages.exists():
                raise CommandError(_("No village has the area code %(c)s.") % {"c": village})
        broken = 0
        for v in villages:
            report = verify_chain(v)
            if report.intact:
                self.stdout.write(
                    _("%(code)s %(name)s: intact (%(n)d vouchers)")
                    % {"code": v.code, "name": v.name, "n": report.checked}
                )
            else:
                broken += 1
                self.stdout.write(
                    self.style.ERROR(
                        _("%(code)s %(name)s: BROKEN at %(where)s: %(reason)s")
                        % {
                            "code": v.code,
                            "name": v.name,
                            "where": report.where,
                            "reason": report.reason,
                        }
                    )
                )
        if broken:
            raise CommandError(_("%(n)d village ledgers are broken.") % {"n": broken}, returncode=1)
