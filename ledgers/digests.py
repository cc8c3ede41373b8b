"""Signed digests of every village's chain head, kept outside PostgreSQL (issue #14).

A digest lists, for each village with posted vouchers, the position and hash of its last posted
voucher at a moment, signed with the county's Ed25519 key (`LEDGER_SIGNING_KEY`). Written by a
nightly task into `LEDGER_DIGEST_DIR`, a directory (volume) the database cannot touch, it
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

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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
    "generate_key",
    "public_key_text",
    "signing_key",
    "trusted_public_key",
    "write_digest",
]

DIGEST_FORMAT = 1
#: the names write_digest gives (the only files the download page serves)
FILE_NAME = re.compile(r"^chain-digest-\d{8}T\d{12}Z\.json$")


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


def write_digest(directory: Path | str | None = None, *, now: dt.datetime | None = None) -> Path:
    """Sign the chain heads of this moment and write them as a new file in `directory`
    (`LEDGER_DIGEST_DIR`); written under a temporary name and renamed, so a reader never sees
    half a file."""
    target = Path(directory or settings.LEDGER_DIGEST_DIR)
    target.mkdir(parents=True, exist_ok=True)
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
    path = target / f"chain-digest-{moment.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, path)
    return path


def _read(path: Path, key: Ed25519PublicKey) -> tuple[list[Head], str]:
    """The heads of a digest file whose signature the trusted key confirms, or a reason."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        body = document["digest"]
        key.verify(base64.b64decode(document["signature"]), _canonical(body))
        heads = [Head(h["village"], int(h["seq"]), h["hash"]) for h in body["heads"]]
    except InvalidSignature:
        return [], _("its signature does not match the county's key")
    except (ValueError, KeyError, TypeError):
        return [], _("it is not a digest file")
    return heads, ""


def check_digests(directory: Path | str, key: Ed25519PublicKey) -> tuple[int, list[DigestFinding]]:
    """Check every digest file of `directory` against the live chains: the number of files and
    what they say is gone or changed (one query per file)."""
    files = sorted(Path(directory).glob("chain-digest-*.json"))
    findings: list[DigestFinding] = []
    for path in files:
        heads, problem = _read(path, key)
        if problem:
            findings.append(DigestFinding(path.name, problem))
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
                        path.name,
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
                        path.name,
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
    size: int
    written_at: dt.datetime


def digest_files(directory: Path | str | None = None) -> list[DigestFile]:
    """The digest files of `directory` (`LEDGER_DIGEST_DIR`), newest first."""
    target = Path(directory or settings.LEDGER_DIGEST_DIR)
    if not target.is_dir():
        return []
    found = []
    for path in target.iterdir():
        if FILE_NAME.match(path.name) and path.is_file():
            stat = path.stat()
            found.append(
                DigestFile(
                    path.name, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
                )
            )
    return sorted(found, key=lambda f: f.name, reverse=True)


def digest_file(name: str, directory: Path | str | None = None) -> Path | None:
    """The path of the digest file called `name`, or None: nothing but a digest's own name
    (no directory, no other file) is ever looked up."""
    if not FILE_NAME.match(name):
        return None
    path = Path(directory or settings.LEDGER_DIGEST_DIR) / name
    return path if path.is_file() else None
