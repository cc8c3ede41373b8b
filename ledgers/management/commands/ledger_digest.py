"""`manage.py ledger_digest`: sign every village's chain head now and write the digest into the
digest storage (`LEDGER_DIGEST_DIR` or the S3-compatible bucket), what the nightly task does;
`--new-key` prints a new Ed25519 key pair for `LEDGER_SIGNING_KEY` instead (keep the private key
secret and backed up, publish the public key)."""

from django.core.management.base import BaseCommand, CommandParser

from ledgers import digests


class Command(BaseCommand):
    help = "Write a signed digest of every village's chain head, or make a new signing key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="print a new key pair")
        parser.add_argument("--dir", default="", help="write into this directory instead")

    def handle(self, *args: object, new_key: bool, dir: str, **options: object) -> None:
        if new_key:
            private, public = digests.generate_key()
            self.stdout.write(f"LEDGER_SIGNING_KEY={private}\npublic key: {public}")
            return
        self.stdout.write(digests.write_digest(dir or None))
