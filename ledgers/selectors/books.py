"""Reads of the ledger: balances, the trial balance (科目余额表), journals, the income and
expense statement (the verification of the hash chain is in `ledgers.chain`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from villages.models import Village

from ..choices import AccountClass, NormalSide
from ..models import Account, OpeningBalance, VoucherLine

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


def balance_sums(village: Village, start: dt.date | None = None, end: dt.date | None = None):
    """The heavy query of the trial balance: per account, the posted debits and credits before
    `start` and within [`start`, `end`] (`bench_ledgers` times and explains this very query)."""
    # No default ordering: it would join the voucher table into the aggregate for nothing.
    lines = VoucherLine.objects.filter(area_code=village.code, posted=True).order_by()
    before = Q(date__lt=start) if start else Q(pk__in=[])
    within = Q()
    if start:
        within &= Q(date__gte=start)
    if end:
        within &= Q(date__lte=end)
    return lines.values("account_id").annotate(
        d_before=Sum("debit", filter=before),
        c_before=Sum("credit", filter=before),
        d=Sum("debit", filter=within),
        c=Sum("credit", filter=within),
    )


def trial_balance(
    village: Village, start: dt.date | None = None, end: dt.date | None = None
) -> list[BalanceRow]:
    """科目余额表: per account, the balance at `start`, the period's debits and credits, and the
    balance at `end` (opening balances of the verification included). Three queries."""
    sums = {row["account_id"]: row for row in balance_sums(village, start, end)}
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


def income_statement(
    village: Village, start: dt.date, end: dt.date
) -> tuple[list[BalanceRow], Decimal, Decimal]:
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
