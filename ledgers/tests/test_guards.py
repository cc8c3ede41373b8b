"""The books against an insider (issue #14): what the database refuses whoever writes to it,
and what the chain's verification finds when a superuser writes with every trigger off."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from core.testing import as_owner
from ledgers import chain, selectors, services
from ledgers.choices import VoucherState
from ledgers.models import Account, Voucher, VoucherLine
from ledgers.tests.conftest import as_superuser_with_triggers_off, lines, posted
from villages.choices import RoleKind
from villages.tests.factories import StaffRoleFactory, UserFactory

D = dt.date


FEB_1 = D(2026, 2, 1)


def refused(sql, args=()):
    """The statement fails as an integrity violation, the deferred checks run at once."""
    deferred = "ledgers_voucherline_posted_with_voucher"
    try:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, list(args))
            cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
    finally:
        # A rollback to the savepoint leaves the mode set: back to the default.
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")


def draft_sql_voucher(village, maker, number=99, day=FEB_1):
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO ledgers_voucher (village_id, year, number, date, summary, attachments,
                   state, made_by_id, prev_hash, hash, area_code, created_at)
               VALUES (%s, %s, %s, %s, '伪造', 0, 'draft', %s, '', '', %s, now()) RETURNING id""",
            [village.pk, day.year, number, day, maker.pk, village.code],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def books(clerk, insider, village, chart, open_books):
    """Two posted vouchers of the village."""
    return [
        posted(clerk, insider, village, chart, "cash", "income", "100", summary="第一笔"),
        posted(clerk, insider, village, chart, "cash", "income", "200", summary="第二笔"),
    ]


@pytest.fixture
def other_books(outsider, other_village, chart):
    """The other village's books, open, with one posted voucher."""
    clerk = UserFactory(username="other_clerk")
    StaffRoleFactory(user=clerk, kind=RoleKind.VILLAGE_CLERK, village=other_village)
    verification = services.verification_start(
        actor=clerk, village=other_village, as_of=D(2025, 12, 31)
    )
    services.verification_confirm(actor=outsider, verification=verification)
    return posted(clerk, outsider, other_village, chart, "cash", "income", "50")


# ------------------------------------------------------------------ what the database refuses


def test_a_posted_line_is_not_slipped_under_another_villages_voucher(
    books, other_books, village, chart
):
    """The attack of the review: two posted lines with this village's code under a posted
    voucher of another village moved 50,000.00 out of its bank balance."""
    for is_posted in (True, False):
        refused(
            """INSERT INTO ledgers_voucherline (voucher_id, position, account_id, debit, credit,
                   counterparty, date, posted, account_code, account_name, area_code)
               VALUES (%s, 9, %s, 0, 50000, '', %s, %s, '102', '银行存款', %s)""",
            [other_books.pk, chart["bank"].pk, other_books.date, is_posted, village.code],
        )
    assert selectors.verify_chain(village).intact


def test_a_voucher_is_not_inserted_posted(books, village, clerk, insider):
    last = books[-1]
    refused(
        """INSERT INTO ledgers_voucher (village_id, year, number, date, summary, attachments,
               state, made_by_id, approved_by_id, posted_at, chain_seq, prev_hash, hash,
               chain_version, area_code, created_at)
           VALUES (%s, 2026, 50, '2026-03-01', '伪造', 0, 'posted', %s, %s, now(), 3, %s,
               repeat('a', 64), 2, %s, now())""",
        [village.pk, clerk.pk, insider.pk, last.hash, village.code],
    )


def test_posting_outside_the_service_goes_only_to_the_end_of_the_chain(
    books, village, clerk, insider, chart
):
    voucher_id = draft_sql_voucher(village, clerk)
    with connection.cursor() as cursor:
        for position, debit, credit, account in ((1, 10, 0, "cash"), (2, 0, 10, "income")):
            cursor.execute(
                """INSERT INTO ledgers_voucherline (voucher_id, position, account_id, debit,
                       credit, counterparty, date, posted, account_code, account_name, area_code)
                   VALUES (%s, %s, %s, %s, %s, '', '2026-02-01', false, 'x', 'x', %s)""",
                [voucher_id, position, chart[account].pk, debit, credit, village.code],
            )
    post_sql = """UPDATE ledgers_voucher SET state = 'posted', approved_by_id = %s,
            posted_at = now(), chain_seq = %s, prev_hash = %s, hash = repeat('b', 64),
            chain_version = %s WHERE id = %s"""
    tail = books[-1]
    mark_lines = "UPDATE ledgers_voucherline SET posted = true WHERE voucher_id = %s;"
    # In the middle of the chain, or linked to another hash, or with the old canonical form.
    refused(mark_lines + post_sql, [voucher_id, insider.pk, 2, books[0].hash, 2, voucher_id])
    refused(mark_lines + post_sql, [voucher_id, insider.pk, 3, books[0].hash, 2, voucher_id])
    refused(mark_lines + post_sql, [voucher_id, insider.pk, 3, tail.hash, 1, voucher_id])
    # Lines not posted with it.
    refused(post_sql, [insider.pk, 3, tail.hash, 2, voucher_id])
    # Approved by its maker.
    refused(mark_lines + post_sql, [voucher_id, clerk.pk, 3, tail.hash, 2, voucher_id])
    # Lines marked posted under a voucher that stays a draft (they would count in balances).
    refused(mark_lines, [voucher_id])
    # At the end, linked, approved by another: the database lets it in, and the verification
    # names it, its hash being no hash of its content.
    with connection.cursor() as cursor:
        cursor.execute(mark_lines + post_sql, [voucher_id, insider.pk, 3, tail.hash, 2, voucher_id])
    report = selectors.verify_chain(village)
    assert report.broken_at.pk == voucher_id
    assert report.reason == _("its content no longer matches its hash")


def test_posting_needs_two_balanced_lines_that_agree_with_the_voucher(
    books, village, clerk, insider, chart
):
    tail = books[-1]
    post_sql = """UPDATE ledgers_voucherline SET posted = true WHERE voucher_id = %s;
        UPDATE ledgers_voucher SET state = 'posted', approved_by_id = %s, posted_at = now(),
            chain_seq = 3, prev_hash = %s, hash = repeat('b', 64), chain_version = 2
        WHERE id = %s"""
    line_sql = """INSERT INTO ledgers_voucherline (voucher_id, position, account_id, debit,
            credit, counterparty, date, posted, account_code, account_name, area_code)
        VALUES (%s, %s, %s, %s, %s, '', %s, false, 'x', 'x', %s)"""
    cases = {
        "one line": [(1, 10, 0, D(2026, 2, 1), village.code)],
        "unbalanced": [(1, 10, 0, D(2026, 2, 1), village.code), (2, 0, 9, D(2026, 2, 1), "")],
        "another date": [(1, 10, 0, D(2026, 2, 1), ""), (2, 0, 10, D(2026, 9, 1), "")],
        "another village": [(1, 10, 0, D(2026, 2, 1), ""), (2, 0, 10, D(2026, 2, 1), "x")],
    }
    for number, rows in enumerate(cases.values(), start=100):
        voucher_id = draft_sql_voucher(village, clerk, number=number)
        with connection.cursor() as cursor:
            for position, debit, credit, day, code in rows:
                account = chart["cash"] if debit else chart["income"]
                code = {"": village.code, "x": "370830102299"}.get(code, code)
                cursor.execute(
                    line_sql, [voucher_id, position, account.pk, debit, credit, day, code]
                )
        refused(post_sql, [voucher_id, insider.pk, tail.hash, voucher_id])


def test_lines_of_a_posted_voucher_are_final(books, village, chart):
    posted, line = books[0], books[0].lines.first()
    refused("UPDATE ledgers_voucherline SET counterparty = 'x' WHERE id = %s", [line.pk])
    refused("UPDATE ledgers_voucher SET approved_by_id = made_by_id WHERE id = %s", [posted.pk])
    refused(
        """INSERT INTO ledgers_voucherline (voucher_id, position, account_id, debit, credit,
               counterparty, date, posted, area_code)
           VALUES (%s, 3, %s, 5, 0, '', %s, false, %s)""",
        [posted.pk, chart["cash"].pk, posted.date, village.code],
    )


def test_a_line_is_not_moved_out_of_or_into_a_posted_voucher(books, village, clerk, chart):
    draft = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 2, 1),
        summary="草稿",
        lines=lines(chart, "cash", "income", "5"),
    )
    move = "UPDATE ledgers_voucherline SET voucher_id = %s WHERE id = %s"
    refused(move, [books[0].pk, draft.lines.first().pk])
    refused(move, [draft.pk, books[0].lines.first().pk])


def test_the_guards_do_not_step_aside_for_pgtriggers_ignore(books):
    """Any session may set `pgtrigger.ignore`, which switches off django-pgtrigger's triggers:
    the guards of the books are not among them."""
    line = books[0].lines.first()
    with connection.cursor() as cursor:
        # Posting left checks deferred to the commit; TRUNCATE refuses to run before them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql, args in [
        ("UPDATE ledgers_voucherline SET debit = 1 WHERE id = %s", [line.pk]),
        ("DELETE FROM ledgers_voucher WHERE id = %s", [books[0].pk]),
        ("TRUNCATE ledgers_voucher, ledgers_voucherline CASCADE", []),
    ]:
        everything = (
            "{ledgers_voucher:ledgers_voucher_guard,ledgers_voucherline:ledgers_voucherline_guard,"
            "ledgers_voucher:ledgers_voucher_no_truncate}"
        )
        # As the tables' owner: the guards hold even for it (the runtime role may not TRUNCATE).
        with pytest.raises(IntegrityError), as_owner() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [everything])
            cursor.execute(sql, args)


# ------------------------------------------------------------------ what the verification finds


@pytest.mark.parametrize(
    "tampering,reason",
    [
        (
            "UPDATE ledgers_voucherline SET date = '2026-11-10' WHERE voucher_id = %(v)s",
            "a line's copy of the voucher's village, date or posting was changed",
        ),
        (
            "UPDATE ledgers_voucher SET date = '2026-11-10' WHERE id = %(v)s;"
            "UPDATE ledgers_voucherline SET date = '2026-11-10' WHERE voucher_id = %(v)s",
            "its content no longer matches its hash",
        ),
        (
            # Balanced: the trial balance still balances.
            "UPDATE ledgers_voucherline SET debit = 2000 WHERE voucher_id = %(v)s AND debit > 0;"
            "UPDATE ledgers_voucherline SET credit = 2000 WHERE voucher_id = %(v)s AND credit > 0",
            "its content no longer matches its hash",
        ),
        (
            "UPDATE ledgers_voucher SET approved_by_id = %(other)s WHERE id = %(v)s",
            "its content no longer matches its hash",
        ),
        (
            "UPDATE ledgers_voucher SET posted_at = posted_at + interval '1 day' WHERE id = %(v)s",
            "its content no longer matches its hash",
        ),
        (
            "UPDATE ledgers_voucherline SET account_name = '改名' WHERE voucher_id = %(v)s",
            "its content no longer matches its hash",
        ),
        (
            "DELETE FROM ledgers_voucherline WHERE voucher_id = %(v)s;"
            "DELETE FROM ledgers_voucher WHERE id = %(v)s",
            "a voucher is missing before it",
        ),
    ],
    ids=["line date", "voucher date", "amounts", "approver", "posting time", "name", "deleted"],
)
def test_tampering_with_the_triggers_off_is_found(books, village, tampering, reason):
    first, second = books
    other = UserFactory(username="someone")
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute(tampering, {"v": first.pk, "other": other.pk})
    report = selectors.verify_chain(village)
    assert not report.intact
    assert report.reason == _(reason)
    assert report.broken_at == (first if Voucher.objects.filter(pk=first.pk).exists() else second)


def test_lines_with_this_villages_code_outside_its_chain_are_found(
    books, other_books, village, chart
):
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute(
            """INSERT INTO ledgers_voucherline (voucher_id, position, account_id, debit, credit,
                   counterparty, date, posted, account_code, account_name, area_code)
               VALUES (%s, 9, %s, 0, 50000, '', %s, true, '102', '银行存款', %s)""",
            [other_books.pk, chart["bank"].pk, other_books.date, village.code],
        )
    report = selectors.verify_chain(village)
    assert report.broken_at == other_books
    assert report.reason == _(
        "it carries lines posted with this village's code outside this village's chain"
    )


def test_a_correction_of_the_chart_changes_no_hash(books, village, chart):
    """The chain keeps each line's account code and name as posted."""
    Account.objects.filter(pk=chart["income"].pk).update(code="599", name="其他收入")
    assert selectors.verify_chain(village).intact
    line = VoucherLine.objects.get(voucher=books[0], position=2)
    assert (line.account_code, line.account_name) == ("501", "经营收入")


def test_a_chain_posted_with_version_1_still_verifies(books, village, clerk, insider):
    """Vouchers posted before version 2 keep their version-1 hash (migration ledgers 0009)."""
    tail = books[-1]
    day = D(2026, 3, 1)
    content = chain.canonical_bytes(
        village=village.code,
        number="记-2026-0077",
        date=day.isoformat(),
        summary="旧凭证",
        attachments=0,
        reverses=None,
        prev=tail.hash,
        lines=[("101", "30.00", "0.00", ""), ("501", "0.00", "30.00", "")],
    )
    digest = hashlib.sha256(content).hexdigest()
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute(
            """INSERT INTO ledgers_voucher (village_id, year, number, date, summary, attachments,
                   state, made_by_id, approved_by_id, posted_at, chain_seq, prev_hash, hash,
                   chain_version, area_code, created_at)
               VALUES (%s, 2026, 77, %s, '旧凭证', 0, 'posted', %s, %s, now(), 3, %s, %s, 1, %s,
                   now()) RETURNING id""",
            [village.pk, day, clerk.pk, insider.pk, tail.hash, digest, village.code],
        )
        old = cursor.fetchone()[0]
        for position, code, debit, credit in ((1, "101", 30, 0), (2, "501", 0, 30)):
            cursor.execute(
                """INSERT INTO ledgers_voucherline (voucher_id, position, account_id, debit,
                       credit, counterparty, date, posted, account_code, account_name, area_code)
                   VALUES (%s, %s, (SELECT id FROM ledgers_account WHERE area_code = ''
                       AND code = %s), %s, %s, '', %s, true, %s, '名', %s)""",
                [old, position, code, debit, credit, day, code, village.code],
            )
    assert selectors.verify_chain(village).checked == 3
    assert selectors.verify_chain(village).intact
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute(
            "UPDATE ledgers_voucherline SET debit = 31 WHERE voucher_id = %s AND debit > 0", [old]
        )
    assert selectors.verify_chain(village).broken_at.pk == old


def test_posting_keeps_the_account_and_hashes_version_2(books, village, clerk, insider):
    voucher = Voucher.objects.get(pk=books[1].pk)
    assert voucher.state == VoucherState.POSTED and voucher.chain_version == chain.CHAIN_VERSION
    assert voucher.prev_hash == books[0].hash and voucher.chain_seq == 2
    assert voucher.hash == chain.chain_hash(voucher, list(voucher.lines.all()), None)
    assert [(x.account_code, x.account_name, x.debit) for x in voucher.lines.all()] == [
        ("101", "库存现金", Decimal("200.00")),
        ("501", "经营收入", Decimal("0.00")),
    ]


def test_a_reversal_hashes_the_reversed_vouchers_hash(books, village, clerk, insider):
    reversal = services.voucher_reverse(
        actor=clerk, voucher=books[0], date=D(2026, 1, 20), reason="录错"
    )
    reversal = services.voucher_post(actor=insider, voucher=reversal)
    assert reversal.hash == chain.chain_hash(reversal, list(reversal.lines.all()), books[0].hash)
    assert reversal.hash != chain.chain_hash(reversal, list(reversal.lines.all()), None)
    assert selectors.verify_chain(village).intact
