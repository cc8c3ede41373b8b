# ruff: noqa: F811 -- pytest fixtures are imported from the ledger tests' conftest
"""The application's runtime role (issue #14): it reads and writes rows, posts vouchers through
the services, and is refused what would switch the database's rules off — ALTER TABLE ...
DISABLE TRIGGER, `session_replication_role`, TRUNCATE — and, like everyone, a voucher inserted
already posted. Against the real PostgreSQL, through a connection as that role."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from psycopg2 import errors

from core.testing import RUNTIME_ROLE, as_owner
from ledgers import services
from ledgers.choices import VoucherState
from ledgers.tests.conftest import chart, lines, open_books  # noqa: F401 -- fixtures

ROLE = "cunjian_runtime_test"

pytestmark = pytest.mark.django_db(transaction=True)  # the role's own connection sees commits


@pytest.fixture
def runtime_role():
    with as_owner() as cursor:  # the release step's part
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        if cursor.fetchone() is None:
            try:
                with transaction.atomic():
                    cursor.execute(f"CREATE ROLE {ROLE} LOGIN")
            except DatabaseError:  # another test run made it meanwhile
                pass
        call_command("grant_runtime_role", ROLE)
    return ROLE


@pytest.fixture
def runtime(runtime_role):
    """A connection as the runtime role to the test database."""
    settings = connection.settings_dict
    conn = psycopg2.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=runtime_role,
    )
    conn.autocommit = True
    yield conn.cursor()
    conn.close()


@contextmanager
def django_as(role):
    """Django's own connection as `role` for the block (the services run as in production)."""
    original = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = role
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["USER"] = original


def test_the_runtime_role_is_refused_what_switches_the_rules_off(runtime):
    runtime.execute("SELECT count(*) FROM ledgers_voucher")  # rows: yes
    for statement in (
        "ALTER TABLE ledgers_voucher DISABLE TRIGGER ledgers_voucher_guard",
        "ALTER TABLE ledgers_voucherline DISABLE TRIGGER ALL",
        "SET session_replication_role = replica",
        "TRUNCATE ledgers_voucher CASCADE",
        "DROP TRIGGER ledgers_voucher_guard ON ledgers_voucher",
        "CREATE OR REPLACE FUNCTION ledgers_no_truncate() RETURNS trigger"
        " LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'",
    ):
        with pytest.raises(errors.InsufficientPrivilege):
            runtime.execute(statement)


def test_the_runtime_role_cannot_insert_a_posted_voucher(runtime, village, insider):
    with pytest.raises(errors.IntegrityConstraintViolation):
        runtime.execute(
            """INSERT INTO ledgers_voucher (village_id, year, number, date, summary, attachments,
                   state, made_by_id, approved_by_id, posted_at, chain_seq, prev_hash, hash,
                   chain_version, area_code, created_at)
               VALUES (%s, 2026, 1, '2026-01-10', '伪造', 0, 'posted', %s, %s, now(), 1,
                   repeat('0', 64), repeat('a', 64), 2, %s, now())""",
            [village.pk, insider.pk, insider.pk, village.code],
        )


def test_the_application_posts_a_voucher_as_the_runtime_role(
    runtime_role, village, clerk, insider, chart, open_books
):
    with django_as(runtime_role):
        voucher = services.voucher_create(
            actor=clerk,
            village=village,
            date=dt.date(2026, 1, 10),
            summary="收取租金",
            lines=lines(chart, "cash", "income", "500"),
        )
        posted = services.voucher_post(actor=insider, voucher=voucher)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == runtime_role
    assert posted.state == VoucherState.POSTED
    assert sum(x.debit for x in posted.lines.all()) == Decimal("500.00")


def test_a_superuser_or_the_owner_is_not_made_the_runtime_role():
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_runtime_role", connection.settings_dict["USER"] or "postgres")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_runtime_role", "no_such_role_here")


def test_the_test_suite_itself_runs_as_a_runtime_role():
    """Every test meets the database as production's application does (core.testing)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (RUNTIME_ROLE, False)
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("SET session_replication_role = replica")
