"""`manage.py verify_ledgers [--village CODE] [--digests [DIR] [--public-key KEY]]`: check every
village's hash chain of vouchers, against the heads its published statements hold and, with
`--digests`, against every signed digest in DIR (without DIR: in the digest storage the nightly
task writes to, a directory or an S3-compatible bucket; ledgers/digests.py)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ledgers import digests as digests_module
from ledgers.selectors import verify_chain
from villages.models import Village


class Command(BaseCommand):
    help = "Recompute the hash chain of posted vouchers; exit 1 at the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--village", help="12-digit area code of one village")
        parser.add_argument(
            "--digests",
            metavar="DIR",
            nargs="?",
            const="",
            help="also check the digests in DIR (without DIR: the configured digest storage)",
        )
        parser.add_argument(
            "--public-key",
            default="",
            help="the county's public key (base64); default: LEDGER_SIGNING_KEY's",
        )

    def handle(self, *args, village=None, digests=None, public_key="", **options):
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
        findings = self.check_digests(digests or None, public_key) if digests is not None else 0
        if broken:
            raise CommandError(_("%(n)d village ledgers are broken.") % {"n": broken}, returncode=1)
        if findings:
            raise CommandError(
                _("%(n)d digested chain heads are no longer in the ledgers.") % {"n": findings},
                returncode=1,
            )

    def check_digests(self, directory, public_key):
        try:
            key = digests_module.trusted_public_key(public_key)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        files, findings = digests_module.check_digests(directory, key)
        if not files:
            where = directory or _("the digest storage")
            raise CommandError(_("No digest file in %(d)s.") % {"d": where})
        for f in findings:
            self.stdout.write(
                self.style.ERROR(
                    _("%(file)s: %(village)s voucher no. %(seq)s %(voucher)s: %(reason)s")
                    % {
                        "file": f.file,
                        "village": f.village or "-",
                        "seq": f.seq if f.seq is not None else "-",
                        "voucher": f.voucher,
                        "reason": f.reason,
                    }
                )
            )
        self.stdout.write(_("%(n)d digest files checked.") % {"n": files})
        return len(findings)
