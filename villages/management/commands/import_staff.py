"""`manage.py import_staff FILE`: staff accounts from the Excel template, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from villages.staff import StaffImportError, accounts_workbook, import_staff


class Command(BaseCommand):
    help = (
        "Create the staff accounts of an Excel file (the template of 导入工作人员账号): every row "
        "is checked first and nothing is written unless all are valid. The initial passwords "
        "are printed once (or written to --passwords FILE.xlsx) and must be changed at the "
        "first login."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--passwords",
            type=Path,
            metavar="OUT.xlsx",
            help="write the accounts and initial passwords to this workbook instead of printing",
        )

    def handle(self, *args, file, passwords, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            accounts = import_staff(actor=None, file=file.read_bytes())
        except StaffImportError as e:
            for error in e.errors:
                self.stderr.write(str(error))
            raise CommandError(str(e)) from e
        if passwords:
            passwords.write_bytes(accounts_workbook(accounts, viewer=None))
            self.stdout.write(f"initial passwords written to {passwords}")
        else:
            for a in accounts:
                self.stdout.write(f"{a.username}\t{a.password}\t{a.role}\t{a.area_name}\t{a.name}")
        self.stdout.write(self.style.SUCCESS(f"{len(accounts)} accounts created."))
