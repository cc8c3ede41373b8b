"""The village's hash chain of posted vouchers: the canonical bytes a voucher hashes to, the hash
that links it to the previous one, and the verification of a whole chain.

Two versions of the canonical form live side by side; each posted voucher records the version it
was hashed with (`Voucher.chain_version`), so a chain posted before version 2 still verifies.

- Version 1 (wave 1): village, number, date, summary, attachments, the reversed voucher's id,
  the previous hash and, per line, account code, debit, credit and counterparty.
- Version 2: everything that defines the books — version 1 plus the year, the chain position,
  the maker, the approver, the posting time, the reversed voucher's hash, and per line its
  position, the account's code and name as posted and the date.

The account code and name are read from the line (`VoucherLine.account_code/account_name`,
copied at posting), never from the chart: correcting the chart changes no hash.

Its own module so that the writes (`services`, which post into the chain) and the reads
(`selectors`, which show its verdict) both import it and neither imports the other for it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string  # C: ensure_ascii=False

from django.db import connection
from django.utils.translation import gettext as _

from villages.models import Village

from .choices import DisclosureState, VoucherState
from .models import Disclosure, Voucher, VoucherLine

__all__ = [
    "CHAIN_VERSION",
    "GENESIS",
    "ChainReport",
    "canonical_bytes",
    "canonical_bytes_v2",
    "chain_hash",
    "posting_time",
    "verify_chain",
]

#: the previous hash of a village's first voucher
GENESIS = "0" * 64
#: the version new postings are hashed with
CHAIN_VERSION = 2


def canonical_bytes(
    *,
    village: str,
    number: str,
    date: str,
    summary: str,
    attachments: int,
    reverses: int | None,
    prev: str,
    lines: Sequence[tuple[str, str, str, str]],
) -> bytes:
    """Version 1 of the bytes the chain hashes.

    Exactly `json.dumps({...}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))` of
    the voucher (`lines` as [account code, debit "0.00", credit "0.00", counterparty] in line
    order), written out by hand: verifying 100,000 vouchers spends most of its time here, and
    this is three times faster than building and encoding a dict (the test suite checks both
    give the same bytes)."""
    q = _json_string
    body = ",".join(f'[{q(c)},"{d}","{k}",{q(p)}]' for c, d, k, p in lines)
    return (
        f'{{"attachments":{attachments},"date":"{date}","lines":[{body}],'
        f'"number":{q(number)},"prev":{q(prev)},'
        f'"reverses":{"null" if reverses is None else reverses},'
        f'"summary":{q(summary)},"village":{q(village)}}}'
    ).encode()


def canonical_bytes_v2(
    *,
    village: str,
    year: int,
    number: str,
    seq: int,
    date: str,
    summary: str,
    attachments: int,
    reverses: str | None,
    made_by: int,
    approved_by: int,
    posted_at: str,
    prev: str,
    lines: Sequence[tuple[int, str, str, str, str, str, str]],
) -> bytes:
    """Version 2 of the bytes the chain hashes: the JSON (as in version 1, sorted keys, no
    spaces, UTF-8) of every field that defines the books. `reverses` is the reversed voucher's
    hash, `posted_at` the UTC posting time (`posting_time`), `lines` [position, account code,
    account name, debit "0.00", credit "0.00", counterparty, date] in position order."""
    q = _json_string
    body = ",".join(
        f'[{p},{q(c)},{q(n)},"{d}","{k}",{q(cp)},"{day}"]' for p, c, n, d, k, cp, day in lines
    )
    return (
        f'{{"approved_by":{approved_by},"attachments":{attachments},"date":"{date}",'
        f'"lines":[{body}],"made_by":{made_by},"number":{q(number)},'
        f'"posted_at":"{posted_at}","prev":{q(prev)},'
        f'"reverses":{"null" if reverses is None else q(reverses)},"seq":{seq},'
        f'"summary":{q(summary)},"v":2,"village":{q(village)},"year":{year}}}'
    ).encode()


def posting_time(moment: dt.datetime) -> str:
    """A posting time as the chain writes it: UTC, microseconds (what PostgreSQL keeps)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


#: the same text from PostgreSQL, for the verification's single query
_POSTING_TIME_SQL = """to_char(v.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def chain_hash(voucher: Voucher, lines: Sequence[VoucherLine], reverses_hash: str | None) -> str:
    """A voucher's version-2 hash, from the voucher about to be posted (chain position,
    previous hash, approver and posting time set) and its lines (account code and name copied):
    SHA-256 of its canonical bytes, which include the previous hash."""
    assert voucher.chain_seq is not None and voucher.posted_at is not None
    assert voucher.approved_by_id is not None
    content = canonical_bytes_v2(
        village=voucher.area_code,
        year=voucher.year,
        number=voucher.display_number,
        seq=voucher.chain_seq,
        date=voucher.date.isoformat(),
        summary=voucher.summary,
        attachments=voucher.attachments,
        reverses=reverses_hash,
        made_by=voucher.made_by_id,
        approved_by=voucher.approved_by_id,
        posted_at=posting_time(voucher.posted_at),
        prev=voucher.prev_hash,
        lines=[
            (
                x.position,
                x.account_code,
                x.account_name,
                f"{x.debit:.2f}",
                f"{x.credit:.2f}",
                x.counterparty,
                x.date.isoformat(),
            )
            for x in sorted(lines, key=lambda x: x.position)
        ],
    )
    return hashlib.sha256(content).hexdigest()


@dataclass
class ChainReport:
    """The verdict of a village's chain: intact, or the first voucher where it breaks (or,
    when the vouchers a published statement anchored are gone, that statement)."""

    village: Village
    checked: int
    broken_at: Voucher | None = None
    reason: str = ""
    #: published chain heads the chain was checked against
    anchors: int = 0
    statement: Disclosure | None = None

    @property
    def intact(self) -> bool:
        return not self.reason

    @property
    def where(self) -> str:
        """What a reader looks up: the voucher's number, else the statement's title."""
        if self.broken_at is not None:
            return self.broken_at.display_number
        return self.statement.title if self.statement is not None else ""


def verify_chain(village: Village) -> ChainReport:
    """Recompute every posted voucher's hash from its content and the previous hash; report the
    first voucher whose stored hash, link, position or lines do not match, then check the chain
    heads that published statements hold. Four queries.

    Lines are read through their voucher, never by the village code they carry: a line posted
    under another village's voucher with this village's code (which moves this village's
    balances) is named, and so is a line whose copies of its voucher's village, date or posting
    disagree with the voucher."""
    # Plain SQL rows, amounts as text (numeric(16, 2)::text is the canonical "0.00"): building
    # model instances or Decimals would triple the time on 100,000 vouchers.
    vouchers_table, lines_table = Voucher._meta.db_table, VoucherLine._meta.db_table
    lines_by_voucher: dict[int, list[tuple[int, str, str, str, str, str, str]]] = {}
    disagreeing: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT l.voucher_id, l.position, l.account_code, l.account_name, l.debit::text,
                       l.credit::text, l.counterparty, to_char(l.date, 'YYYY-MM-DD'),
                       l.area_code = v.area_code AND l.date = v.date AND l.posted
                FROM {lines_table} l JOIN {vouchers_table} v ON v.id = l.voucher_id
                WHERE v.village_id = %s AND v.state = %s
                ORDER BY l.voucher_id, l.position""",
            [village.pk, VoucherState.POSTED],
        )
        for voucher_id, *line, agrees in cursor.fetchall():
            lines_by_voucher.setdefault(voucher_id, []).append(tuple(line))
            if not agrees:
                disagreeing.add(voucher_id)
        cursor.execute(
            f"""SELECT v.id, v.area_code, v.year, v.number, to_char(v.date, 'YYYY-MM-DD'),
                       v.summary, v.attachments, v.reverses_id, r.hash, v.made_by_id,
                       v.approved_by_id, {_POSTING_TIME_SQL}, v.prev_hash, v.hash, v.chain_seq,
                       v.chain_version
                FROM {vouchers_table} v LEFT JOIN {vouchers_table} r ON r.id = v.reverses_id
                WHERE v.village_id = %s AND v.state = %s
                ORDER BY v.chain_seq""",
            [village.pk, VoucherState.POSTED],
        )
        rows = cursor.fetchall()
        # This village's code on posted lines of vouchers that are not this village's posted
        # ones: money moved in its balances from outside its chain.
        cursor.execute(
            f"""SELECT l.voucher_id FROM {lines_table} l
                JOIN {vouchers_table} v ON v.id = l.voucher_id
                WHERE l.area_code = %s AND l.posted AND (v.village_id <> %s OR v.state <> %s)
                ORDER BY l.voucher_id LIMIT 1""",
            [village.code, village.pk, VoucherState.POSTED],
        )
        stray = cursor.fetchone()
        # The heads published statements froze (format 2 on): villagers hold them on paper.
        cursor.execute(
            f"""SELECT id, (content -> 'chain_head' ->> 'seq')::integer,
                       content -> 'chain_head' ->> 'hash'
                FROM {Disclosure._meta.db_table}
                WHERE village_id = %s AND state = %s
                    AND jsonb_typeof(content -> 'chain_head') = 'object'
                ORDER BY 2, id""",
            [village.pk, DisclosureState.PUBLISHED],
        )
        heads = cursor.fetchall()
    previous, expected_seq, checked = GENESIS, 1, 0
    by_seq: dict[int, tuple[int, str]] = {}
    for row in rows:
        pk, code, year, number, date, summary, attachments, reverses_id, reverses_hash = row[:9]
        made_by, approved_by, posted_at, prev, stored, seq, version = row[9:]
        checked += 1
        broken = ""
        lines = lines_by_voucher.get(pk, [])
        if seq != expected_seq:
            broken = _("a voucher is missing before it")
        elif prev != previous:
            broken = _("its link to the previous voucher was changed")
        elif pk in disagreeing:
            broken = _("a line's copy of the voucher's village, date or posting was changed")
        else:
            display = f"记-{year}-{number:04d}"
            if version == 1:
                content = canonical_bytes(
                    village=code,
                    number=display,
                    date=date,
                    summary=summary,
                    attachments=attachments,
                    reverses=reverses_id,
                    prev=prev,
                    lines=[(c, d, k, cp) for _p, c, _n, d, k, cp, _day in lines],
                )
            else:
                content = canonical_bytes_v2(
                    village=code,
                    year=year,
                    number=display,
                    seq=seq,
                    date=date,
                    summary=summary,
                    attachments=attachments,
                    reverses=reverses_hash,
                    made_by=made_by,
                    approved_by=approved_by,
                    posted_at=posted_at,
                    prev=prev,
                    lines=lines,
                )
            if hashlib.sha256(content).hexdigest() != stored:
                broken = _("its content no longer matches its hash")
        if broken:
            return ChainReport(village, checked, Voucher.objects.get(pk=pk), broken)
        by_seq[seq] = (pk, stored)
        previous, expected_seq = stored, expected_seq + 1
    if stray is not None:
        return ChainReport(
            village,
            checked,
            Voucher.objects.get(pk=stray[0]),
            _("it carries lines posted with this village's code outside this village's chain"),
        )
    # A chain consistent in itself may still have lost its end, been restored from an older
    # backup or been rewritten as a whole: the published heads say what it was.
    for statement_id, seq, digest in heads:
        if seq not in by_seq:
            return ChainReport(
                village,
                checked,
                None,
                _("the chain ends before voucher no. %(n)d, whose hash a published statement holds")
                % {"n": seq},
                len(heads),
                Disclosure.objects.get(pk=statement_id),
            )
        pk, stored = by_seq[seq]
        if stored != digest:
            return ChainReport(
                village,
                checked,
                Voucher.objects.get(pk=pk),
                _("a published statement holds another hash for it: the chain was rewritten"),
                len(heads),
                Disclosure.objects.get(pk=statement_id),
            )
    return ChainReport(village, checked, anchors=len(heads))
