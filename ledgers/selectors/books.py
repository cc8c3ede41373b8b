"""Reads of the ledger: balances, the trial balance (科目余额表), journals, the income and
expense statement, and the verification of the hash chain."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from villages.models import Village

from ..choices import AccountClass, NormalSide, VoucherState
from ..models import Account, OpeningBalance, Voucher, VoucherLine
from ..services import GENESIS, canonical_bytes

ZERO = Decimal("0.00")


@dataclass
class BalanceRow:
    """One account of the trial balance, amounts signed on the account's normal side."""

    account: Account
    opening: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        if self.account.normal_side == NormalSide.DEBIT:
            return self.opening + self.debit - self.credit
        return self.opening + self.credit - self.debit


def _signed(account: Account, debit: Decimal, credit: Decimal) -> Decimal:
    return debit - credit if account.normal_side == NormalSide.DEBIT else credit - debit


def trial_balance(village: Village, start: dt.date | None = None, end: dt.date | None = None):
    """科目余额表: per account, the balance at `start`, the period's debits and credits, and the
    balance at `end` (opening balances of the verification included). Three queries."""
    # No default ordering: it would join the voucher table into the aggregate for nothing.
    lines = VoucherLine.objects.filter(area_code=village.code, posted=True).order_by()
    before = Q(date__lt=start) if start else Q(pk__in=[])
    within = Q()
    if start:
        within &= Q(date__gte=start)
    if end:
        within &= Q(date__lte=end)
    sums = {
        row["account_id"]: row
        for row in lines.values("account_id").annotate(
            d_before=Sum("debit", filter=before),
            c_before=Sum("credit", filter=before),
            d=Sum("debit", filter=within),
            c=Sum("credit", filter=within),
        )
    }
    openings = {
        row["account_id"]: (row["debit"], row["credit"])
        for row in OpeningBalance.objects.filter(
            area_code=village.code, verification__state="confirmed"
        ).values("account_id", "debit", "credit")
    }
    accounts = Account.objects.filter(pk__in=set(sums) | set(openings)).order_by("code")
    rows = []
    for account in accounts:
        s = sums.get(account.pk, {})
        od, oc = openings.get(account.pk, (ZERO, ZERO))
        opening = _signed(account, od, oc) + _signed(
            account, s.get("d_before") or ZERO, s.get("c_before") or ZERO
        )
        rows.append(BalanceRow(account, opening, s.get("d") or ZERO, s.get("c") or ZERO))
    return rows


def account_balances(village: Village, on: dt.date | None = None) -> dict[str, Decimal]:
    """Each account's balance on a date (normal side positive), by account code."""
    return {row.account.code: row.closing for row in trial_balance(village, end=on)}


@dataclass
class JournalRow:
    line: VoucherLine
    balance: Decimal


def journal(village: Village, account: Account, start: dt.date, end: dt.date):
    """A cash or bank journal (现金/银行存款日记账): the account's posted lines in a period with
    the running balance, opening with the balance at `start`."""
    opening_rows = [
        r for r in trial_balance(village, start=start, end=start) if r.account == account
    ]
    balance = opening_rows[0].opening if opening_rows else ZERO
    opening = balance
    rows = []
    for line in (
        VoucherLine.objects.filter(
            area_code=village.code, posted=True, account=account, date__gte=start, date__lte=end
        )
        .select_related("voucher")
        .order_by("date", "voucher__chain_seq", "position")
    ):
        balance += _signed(account, line.debit, line.credit)
        rows.append(JournalRow(line, balance))
    return opening, rows


def income_statement(village: Village, start: dt.date, end: dt.date):
    """Income and expense by account for a period (收益及收益分配 basis): the income and expense
    class only, each with its period movement on its normal side."""
    rows = [
        r
        for r in trial_balance(village, start=start, end=end)
        if r.account.account_class == AccountClass.INCOME
    ]
    income = sum(
        (
            _signed(r.account, r.debit, r.credit)
            for r in rows
            if r.account.normal_side == NormalSide.CREDIT
        ),
        ZERO,
    )
    expense = sum(
        (
            _signed(r.account, r.debit, r.credit)
            for r in rows
            if r.account.normal_side == NormalSide.DEBIT
        ),
        ZERO,
    )
    return rows, income, expense


@dataclass
class ChainReport:
    """The verdict of a village's chain: intact, or the first voucher where it breaks."""

    village: Village
    checked: int
    broken_at: Voucher | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(village: Village) -> ChainReport:
    """Recompute every posted voucher's hash from its content and the previous hash; report the
    first voucher whose stored hash, link or position does not match. Two queries."""
    from django.db import connection
    from django.utils.translation import gettext as _

    # Plain SQL rows, amounts as text (numeric(14, 2)::text is the canonical "0.00"), account
    # codes joined in: building model instances or Decimals would triple the time on 100,000.
    lines_by_voucher: dict[int, list[tuple[str, str, str, str]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT l.voucher_id, a.code, l.debit::text, l.credit::text, l.counterparty
                FROM {VoucherLine._meta.db_table} l
                JOIN {Account._meta.db_table} a ON a.id = l.account_id
                WHERE l.area_code = %s AND l.posted
                ORDER BY l.voucher_id, l.position""",
            [village.code],
        )
        for voucher_id, *line in cursor.fetchall():
            lines_by_voucher.setdefault(voucher_id, []).append(tuple(line))
        cursor.execute(
            f"""SELECT id, area_code, year, number, to_char(date, 'YYYY-MM-DD'), summary,
                       attachments, reverses_id, prev_hash, hash, chain_seq
                FROM {Voucher._meta.db_table}
                WHERE village_id = %s AND state = %s
                ORDER BY chain_seq""",
            [village.pk, VoucherState.POSTED],
        )
        rows = cursor.fetchall()
    previous, expected_seq, checked = GENESIS, 1, 0
    for pk, code, year, number, date, summary, attachments, reverses, prev, stored, seq in rows:
        checked += 1
        broken = ""
        if seq != expected_seq:
            broken = _("a voucher is missing before it")
        elif prev != previous:
            broken = _("its link to the previous voucher was changed")
        else:
            content = canonical_bytes(
                village=code,
                number=f"记-{year}-{number:04d}",
                date=date,
                summary=summary,
                attachments=attachments,
                reverses=reverses,
                prev=prev,
                lines=lines_by_voucher.get(pk, ()),
            )
            if hashlib.sha256(content).hexdigest() != stored:
                broken = _("its content no longer matches its hash")
        if broken:
            return ChainReport(village, checked, Voucher.objects.get(pk=pk), broken)
        previous, expected_seq = stored, expected_seq + 1
    return ChainReport(village, checked)
