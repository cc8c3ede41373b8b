"""Signed digests of every village's chain head, kept outside PostgreSQL (issue #14).

A digest lists, for each village with posted vouchers, the position and hash of its last posted
voucher at a moment, signed with the county's Ed25519 key (`LEDGER_SIGNING_KEY`). Written by a
nightly task into storage the database cannot touch (`LEDGER_DIGEST_DIR`, a directory or volume,
or an S3-compatible bucket configured as the `digests` storage, see `digest_storage`), it
anchors the chains the way printed statements do: a chain cut short, a database restored from
an older backup, or a chain rewritten as a whole (every hash recomputed, consistent in itself)
no longer shows the digested hash at the digested position. `manage.py verify_ledgers --digests
DIR` checks every digest in DIR against the live chains.

A digest file is JSON: {"digest": {...}, "signature": base64, "public_key": base64}; the
signature covers the canonical bytes of "digest" (sorted keys, no spaces, UTF-8). Verification
trusts the configured public key, never the one inside the file."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from villages.models import Village

from .choices import VoucherState
from .models import Voucher

__all__ = [
    "DIGEST_FORMAT",
    "DigestFinding",
    "Head",
    "chain_heads",
    "check_digests",
    "digest_file",
    "digest_files",
    "digest_storage",
    "generate_key",
    "public_key_text",
    "signing_key",
    "trusted_public_key",
    "write_digest",
]

DIGEST_FORMAT = 1
#: the names write_digest gives (the only files the download page serves)
FILE_NAME = re.compile(r"^chain-digest-(\d{8}T\d{12})Z\.json$")


class AtomicFileSystemStorage(FileSystemStorage):
    """A directory where a file appears whole or not at all (written under a temporary name,
    then renamed): a verification running at 03:30 never reads half a digest."""

    def _save(self, name: str, content: File[Any]) -> str:
        full = Path(self.path(name))
        full.parent.mkdir(parents=True, exist_ok=True)
        partial = full.with_suffix(".partial")
        with partial.open("wb") as out:
            for chunk in content.chunks():
                out.write(chunk)
        os.replace(partial, full)
        return name


def digest_storage(directory: Path | str | None = None) -> Storage:
    """Where digests are written and read: `directory` when a command names one; else the
    `digests` storage when STORAGES has one (an S3-compatible bucket, README); else the
    directory `LEDGER_DIGEST_DIR`."""
    if directory is None and "digests" in settings.STORAGES:
        return storages["digests"]
    return AtomicFileSystemStorage(location=str(directory or settings.LEDGER_DIGEST_DIR))


@dataclass(frozen=True)
class Head:
    """A village's chain at a moment: its last posted voucher's position and hash."""

    village: str
    seq: int
    hash: str


@dataclass(frozen=True)
class DigestFinding:
    """What a digest says the live chains no longer hold."""

    file: str
    reason: str
    village: str = ""
    seq: int | None = None
    voucher: str = ""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def generate_key() -> tuple[str, str]:
    """A new key pair as (private, public), base64 of the raw 32 bytes each."""
    key = Ed25519PrivateKey.generate()
    return _b64(key.private_bytes_raw()), public_key_text(key.public_key())


def signing_key() -> Ed25519PrivateKey:
    """The county's signing key from `LEDGER_SIGNING_KEY` (base64 of 32 raw bytes)."""
    text = settings.LEDGER_SIGNING_KEY
    if not text:
        raise ImproperlyConfigured(
            "LEDGER_SIGNING_KEY is not set: make one with `manage.py ledger_digest --new-key`"
        )
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except ValueError as error:
        raise ImproperlyConfigured(f"LEDGER_SIGNING_KEY is not an Ed25519 key: {error}") from None


def public_key_text(key: Ed25519PublicKey) -> str:
    return _b64(key.public_bytes_raw())


def trusted_public_key(text: str = "") -> Ed25519PublicKey:
    """The public key digests are checked with: `text` if given, else `LEDGER_PUBLIC_KEY`, else
    the signing key's."""
    text = text or settings.LEDGER_PUBLIC_KEY
    if not text:
        return signing_key().public_key()
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError as error:
        raise ImproperlyConfigured(f"not an Ed25519 public key: {error}") from None


def chain_heads() -> list[Head]:
    """Every village's chain head, one query (the index of posted vouchers in chain order)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT DISTINCT ON (v.village_id) v.area_code, v.chain_seq, v.hash
                FROM {Voucher._meta.db_table} v WHERE v.state = %s
                ORDER BY v.village_id, v.chain_seq DESC""",
            [VoucherState.POSTED],
        )
        return sorted(Head(code, seq, digest) for code, seq, digest in cursor.fetchall())


def _canonical(body: dict[str, object]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def write_digest(directory: Path | str | None = None, *, now: dt.datetime | None = None) -> str:
    """Sign the chain heads of this moment and write them as a new file (see `digest_storage`);
    the file's name."""
    moment = (now or timezone.now()).astimezone(dt.UTC)
    key = signing_key()
    body: dict[str, object] = {
        "format": DIGEST_FORMAT,
        "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "heads": [{"village": h.village, "seq": h.seq, "hash": h.hash} for h in chain_heads()],
    }
    document = {
        "digest": body,
        "signature": _b64(key.sign(_canonical(body))),
        "public_key": public_key_text(key.public_key()),
    }
    name = f"chain-digest-{moment.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    return digest_storage(directory).save(name, ContentFile(content))


def _read(file: IO[bytes], key: Ed25519PublicKey) -> tuple[list[Head], str]:
    """The heads of a digest file whose signature the trusted key confirms, or a reason."""
    try:
        document = json.loads(file.read().decode("utf-8"))
        body = document["digest"]
        key.verify(base64.b64decode(document["signature"]), _canonical(body))
        heads = [Head(h["village"], int(h["seq"]), h["hash"]) for h in body["heads"]]
    except InvalidSignature:
        return [], _("its signature does not match the county's key")
    except (ValueError, KeyError, TypeError):
        return [], _("it is not a digest file")
    return heads, ""


def _names(storage: Storage) -> list[str]:
    try:
        _dirs, files = storage.listdir("")
    except FileNotFoundError:  # a directory not made yet: no digest written so far
        return []
    return sorted(f for f in files if f.startswith("chain-digest-") and f.endswith(".json"))


def check_digests(
    directory: Path | str | None, key: Ed25519PublicKey
) -> tuple[int, list[DigestFinding]]:
    """Check every digest file (of `directory`, or of `digest_storage()`) against the live
    chains: the number of files and what they say is gone or changed (one query per file)."""
    storage = digest_storage(directory)
    files = _names(storage)
    findings: list[DigestFinding] = []
    for name in files:
        with storage.open(name, "rb") as file:
            heads, problem = _read(file, key)
        if problem:
            findings.append(DigestFinding(name, problem))
            continue
        if not heads:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT h.village, h.seq, v.hash, v.year, v.number
                    FROM unnest(%s::text[], %s::integer[]) AS h (village, seq)
                    LEFT JOIN {Village._meta.db_table} place ON place.code = h.village
                    LEFT JOIN {Voucher._meta.db_table} v ON v.village_id = place.id
                        AND v.chain_seq = h.seq AND v.state = %s""",
                [[h.village for h in heads], [h.seq for h in heads], VoucherState.POSTED],
            )
            live = {(code, seq): tuple(rest) for code, seq, *rest in cursor.fetchall()}
        for head in heads:
            digest, year, number = live.get((head.village, head.seq), (None, None, None))
            if digest is None:
                findings.append(
                    DigestFinding(
                        name,
                        _(
                            "the chain ends before the digested voucher: cut short or restored "
                            "from an older backup"
                        ),
                        head.village,
                        head.seq,
                    )
                )
            elif digest != head.hash:
                findings.append(
                    DigestFinding(
                        name,
                        _("the voucher's hash is not the digested one: the chain was rewritten"),
                        head.village,
                        head.seq,
                        f"记-{year}-{number:04d}",
                    )
                )
    return len(files), findings


@dataclass(frozen=True)
class DigestFile:
    name: str
    written_at: dt.datetime


def digest_files(directory: Path | str | None = None) -> list[DigestFile]:
    """The digest files (see `digest_storage`), newest first; when each was written is in its
    name, so listing a bucket takes one request whatever the number of files."""
    found = []
    for name in _names(digest_storage(directory)):
        match = FILE_NAME.match(name)
        if match:
            moment = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=dt.UTC)
            found.append(DigestFile(name, moment))
    return sorted(found, key=lambda f: f.name, reverse=True)


def digest_file(name: str, directory: Path | str | None = None) -> IO[bytes] | None:
    """The digest file called `name`, open for reading, or None: nothing but a digest's own name
    (no directory, no other file) is ever looked up."""
    if not FILE_NAME.match(name):
        return None
    storage = digest_storage(directory)
    if not storage.exists(name):
        return None
    return storage.open(name, "rb")
