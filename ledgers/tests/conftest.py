"""Fixtures of the ledger: accounts of the chart, a clerk, a village whose books are open."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest

from core.testing import as_owner
from ledgers import services
from ledgers.models import Account
from villages.choices import RoleKind
from villages.tests.factories import StaffRoleFactory, UserFactory

D = dt.date


def account(code, name, account_class, side):
    obj, _ = Account.objects.get_or_create(
        area_code="",
        code=code,
        defaults={
            "name": name,
            "account_class": account_class,
            "normal_side": side,
            "is_official": True,
        },
    )
    return obj


@pytest.fixture
def chart(db):
    return {
        "cash": account("101", "库存现金", "asset", "debit"),
        "bank": account("102", "银行存款", "asset", "debit"),
        "capital": account("301", "资本", "equity", "credit"),
        "income": account("501", "经营收入", "income", "credit"),
        "expense": account("513", "管理费用", "income", "debit"),
        "depreciation": account("152", "累计折旧", "asset", "credit"),
    }


@pytest.fixture
def clerk(village):
    user = UserFactory(username="clerk")
    StaffRoleFactory(user=user, kind=RoleKind.VILLAGE_CLERK, village=village)
    return user


@pytest.fixture
def open_books(chart, village, clerk, insider):
    """The village's verification on 2025-12-31: 10,000 cash and 90,000 bank against capital."""
    verification = services.verification_start(actor=clerk, village=village, as_of=D(2025, 12, 31))
    services.verification_set_balances(
        actor=clerk,
        verification=verification,
        balances=[
            {"account": chart["cash"], "debit": Decimal("10000.00")},
            {"account": chart["bank"], "debit": Decimal("90000.00")},
            {"account": chart["capital"], "credit": Decimal("100000.00")},
        ],
    )
    return services.verification_confirm(actor=insider, verification=verification)


def lines(chart, debit_key, credit_key, amount, counterparty=""):
    amount = Decimal(amount)
    return [
        {"account": chart[debit_key], "debit": amount, "counterparty": counterparty},
        {"account": chart[credit_key], "credit": amount, "counterparty": counterparty},
    ]


@contextmanager
def as_superuser_with_triggers_off():
    """What a database superuser can do and the application's role cannot: write with every
    trigger switched off (`session_replication_role = replica`), the guards of the books, the
    change log and the foreign keys' checks included. The tests tamper this way to show that
    what the guards cannot stop, the chain's verification finds."""
    # In a transaction (or savepoint) of its own: SET LOCAL does nothing outside one.
    with as_owner() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield cursor
        finally:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


JAN_10 = D(2026, 1, 10)


def posted(clerk, insider, village, chart, debit, credit, amount, day=JAN_10, summary="x"):
    """A voucher the clerk makes and the township posts."""
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=day,
        summary=summary,
        lines=lines(chart, debit, credit, amount),
    )
    return services.voucher_post(actor=insider, voucher=voucher)
