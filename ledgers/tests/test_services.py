import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from core.testing import as_owner
from ledgers import chain, selectors, services
from ledgers.choices import VoucherState
from ledgers.models import OpeningBalance, Verification, Voucher
from ledgers.tests.conftest import as_superuser_with_triggers_off, lines, posted

pytestmark = pytest.mark.django_db
D = dt.date


def test_an_unbalanced_voucher_is_refused(clerk, village, chart, open_books):
    with pytest.raises(ValidationError) as e:
        services.voucher_create(
            actor=clerk,
            village=village,
            date=D(2026, 1, 5),
            summary="收款",
            lines=[
                {"account": chart["cash"], "debit": "100"},
                {"account": chart["income"], "credit": "90"},
            ],
        )
    assert "不平" in " ".join(e.value.messages) or "differ" in " ".join(e.value.messages)
    assert not Voucher.objects.exists()


def test_a_line_has_one_side(clerk, village, chart, open_books):
    with pytest.raises(ValidationError):
        services.voucher_create(
            actor=clerk,
            village=village,
            date=D(2026, 1, 5),
            summary="x",
            lines=[
                {"account": chart["cash"], "debit": "100", "credit": "100"},
                {"account": chart["income"], "credit": "0"},
            ],
        )


def test_vouchers_are_numbered_per_village_and_year(clerk, village, chart, open_books):
    a = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 1, 5),
        summary="a",
        lines=lines(chart, "cash", "income", "10"),
    )
    b = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 2, 5),
        summary="b",
        lines=lines(chart, "cash", "income", "10"),
    )
    c = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2027, 1, 5),
        summary="c",
        lines=lines(chart, "cash", "income", "10"),
    )
    assert [v.display_number for v in (a, b, c)] == ["记-2026-0001", "记-2026-0002", "记-2027-0001"]


def test_posting_builds_the_chain_and_updates_balances(clerk, insider, village, chart, open_books):
    first = posted(clerk, insider, village, chart, "cash", "income", "1200.50")
    second = posted(clerk, insider, village, chart, "expense", "bank", "300")
    assert (first.chain_seq, second.chain_seq) == (1, 2)
    assert first.prev_hash == chain.GENESIS and second.prev_hash == first.hash
    balances = selectors.account_balances(village)
    assert balances["101"] == Decimal("11200.50")
    assert balances["102"] == Decimal("89700.00")
    assert balances["501"] == Decimal("1200.50")
    assert selectors.verify_chain(village).intact


def test_nothing_posts_before_the_verification_is_confirmed(clerk, insider, village, chart):
    services.verification_start(actor=clerk, village=village, as_of=D(2025, 12, 31))
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 1, 5),
        summary="x",
        lines=lines(chart, "cash", "income", "5"),
    )
    with pytest.raises(ValidationError):
        services.voucher_post(actor=insider, voucher=voucher)


def test_an_unbalanced_verification_cannot_be_confirmed(clerk, insider, village, chart):
    v = services.verification_start(actor=clerk, village=village, as_of=D(2025, 12, 31))
    services.verification_set_balances(
        actor=clerk, verification=v, balances=[{"account": chart["cash"], "debit": "5"}]
    )
    with pytest.raises(ValidationError):
        services.verification_confirm(actor=insider, verification=v)


def test_the_clerk_cannot_confirm_or_post(clerk, village, chart, open_books):
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 1, 5),
        summary="x",
        lines=lines(chart, "cash", "income", "5"),
    )
    with pytest.raises(PermissionDenied):
        services.voucher_post(actor=clerk, voucher=voucher)


def test_the_maker_does_not_approve(insider, village, chart, open_books):
    voucher = services.voucher_create(
        actor=insider,
        village=village,
        date=D(2026, 1, 5),
        summary="x",
        lines=lines(chart, "cash", "income", "5"),
    )
    with pytest.raises(ValidationError):
        services.voucher_post(actor=insider, voucher=voucher)


def test_outsider_keeps_no_books_here(outsider, village, chart, open_books):
    with pytest.raises(PermissionDenied):
        services.voucher_create(
            actor=outsider,
            village=village,
            date=D(2026, 1, 5),
            summary="x",
            lines=lines(chart, "cash", "income", "5"),
        )


def test_a_posted_voucher_cannot_change_through_the_service(
    clerk, insider, village, chart, open_books
):
    voucher = posted(clerk, insider, village, chart, "cash", "income", "100")
    with pytest.raises(ValidationError):
        services.voucher_update_draft(
            actor=clerk,
            voucher=voucher,
            date=D(2026, 1, 10),
            summary="改",
            lines=lines(chart, "cash", "income", "1"),
        )
    with pytest.raises(ValidationError):
        services.voucher_discard_draft(actor=clerk, voucher=voucher)


def test_the_database_refuses_update_delete_and_truncate_of_posted_rows(
    clerk, insider, village, chart, open_books
):
    voucher = posted(clerk, insider, village, chart, "cash", "income", "100")
    line = voucher.lines.first()
    with connection.cursor() as cursor:
        # Posting left checks deferred to the commit; TRUNCATE refuses to run before them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql, args in [
        ("UPDATE ledgers_voucher SET summary = 'x' WHERE id = %s", [voucher.pk]),
        ("DELETE FROM ledgers_voucher WHERE id = %s", [voucher.pk]),
        ("UPDATE ledgers_voucherline SET debit = 1 WHERE id = %s", [line.pk]),
        ("DELETE FROM ledgers_voucherline WHERE id = %s", [line.pk]),
        ("TRUNCATE ledgers_voucherline CASCADE", []),
        ("TRUNCATE ledgers_voucher CASCADE", []),
    ]:
        # As the tables' owner: the guards hold even for it (the runtime role may not TRUNCATE).
        with pytest.raises(IntegrityError), as_owner() as cursor:
            cursor.execute(sql, args)
    voucher.refresh_from_db()
    assert voucher.summary == "x" and voucher.lines.count() == 2


def test_a_reversal_restores_the_balances(clerk, insider, village, chart, open_books):
    before = selectors.account_balances(village)
    original = posted(clerk, insider, village, chart, "cash", "income", "880")
    reversal = services.voucher_reverse(
        actor=clerk, voucher=original, date=D(2026, 1, 20), reason="金额录错"
    )
    services.voucher_post(actor=insider, voucher=reversal)
    after = selectors.account_balances(village)
    assert {k: after.get(k, Decimal(0)) for k in before} == before
    assert after["501"] == Decimal("0.00")
    assert reversal.reverses == original and "记-2026-0001" in reversal.summary
    with pytest.raises(ValidationError):
        services.voucher_reverse(actor=clerk, voucher=original, date=D(2026, 1, 21), reason="再")


def test_a_closed_month_takes_no_more_postings(clerk, insider, village, chart, open_books):
    posted(clerk, insider, village, chart, "cash", "income", "10", day=D(2026, 1, 3))
    services.period_close(actor=insider, village=village, year=2026, month=1)
    late = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 1, 30),
        summary="迟",
        lines=lines(chart, "cash", "income", "5"),
    )
    with pytest.raises(ValidationError):
        services.voucher_post(actor=insider, voucher=late)


def test_a_confirmed_verification_is_final_in_the_database(open_books):
    with pytest.raises(DatabaseError), transaction.atomic():
        OpeningBalance.objects.filter(verification=open_books).update(debit=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Verification.objects.filter(pk=open_books.pk).update(as_of=D(2020, 1, 1))


def test_trial_balance_and_income_statement(clerk, insider, village, chart, open_books):
    posted(clerk, insider, village, chart, "cash", "income", "500", day=D(2026, 1, 10))
    posted(clerk, insider, village, chart, "bank", "income", "700", day=D(2026, 2, 10))
    posted(clerk, insider, village, chart, "expense", "cash", "200", day=D(2026, 2, 15))
    rows = {
        r.account.code: r for r in selectors.trial_balance(village, D(2026, 2, 1), D(2026, 2, 28))
    }
    assert rows["101"].opening == Decimal("10500.00") and rows["101"].credit == Decimal("200")
    assert rows["101"].closing == Decimal("10300.00")
    assert sum(r.debit for r in rows.values()) == sum(r.credit for r in rows.values())
    _, income, expense = selectors.income_statement(village, D(2026, 2, 1), D(2026, 2, 28))
    assert (income, expense) == (Decimal("700.00"), Decimal("200.00"))
    opening, journal = selectors.journal(village, chart["cash"], D(2026, 1, 1), D(2026, 12, 31))
    assert opening == Decimal("10000.00")
    assert [r.balance for r in journal] == [Decimal("10500.00"), Decimal("10300.00")]


def test_tampering_by_sql_is_found_by_verify_ledgers(
    clerk, insider, village, chart, open_books, capsys
):
    posted(clerk, insider, village, chart, "cash", "income", "100", summary="第一笔")
    second = posted(clerk, insider, village, chart, "cash", "income", "200", summary="第二笔")
    posted(clerk, insider, village, chart, "cash", "income", "300", summary="第三笔")
    call_command("verify_ledgers", "--village", village.code)
    assert "记-" not in capsys.readouterr().out  # an intact chain names no voucher
    # A database administrator bypasses the triggers and changes an amount.
    with as_superuser_with_triggers_off() as c:
        c.execute(
            "UPDATE ledgers_voucherline SET debit = 2000 WHERE voucher_id = %s AND debit > 0",
            [second.pk],
        )
    report = selectors.verify_chain(village)
    assert not report.intact and report.broken_at == second
    with pytest.raises(CommandError) as failure:
        call_command("verify_ledgers", "--village", village.code)
    assert failure.value.returncode == 1  # manage.py exits with this code
    assert second.display_number in capsys.readouterr().out


def test_county_sub_accounts(supervisor, county, chart):
    sub = services.account_add_sub(
        actor=supervisor, county=county, parent=chart["income"], code="50101", name="农产品销售收入"
    )
    assert (sub.account_class, sub.normal_side, sub.area_code) == ("income", "credit", "370830")
    with pytest.raises(ValidationError):
        services.account_add_sub(
            actor=supervisor, county=county, parent=chart["income"], code="5019", name="错码"
        )
    assert VoucherState.POSTED == "posted"


@pytest.mark.parametrize(
    "summary,counterparty",
    [
        ("收到承包费", ""),
        ('引号"反斜杠\\换行\n制表\t', "控制字符\x01\x1f"),
        ("emoji 🌾 and \u2028 separators", "Ünïcödé ‘quotes’"),
    ],
)
def test_the_hand_written_canonical_bytes_are_the_json_of_the_voucher(summary, counterparty):
    """The chain's canonical form is defined as this json.dumps; the fast writer must match."""
    import json

    lines = [("101", "1200.50", "0.00", counterparty), ("501", "0.00", "1200.50", "")]
    fields = {
        "village": "370830102201",
        "number": "记-2026-0007",
        "date": "2026-03-05",
        "summary": summary,
        "attachments": 3,
        "prev": "ab" * 32,
    }
    for reverses in (None, 42):
        reference = json.dumps(
            {**fields, "reverses": reverses, "lines": [list(x) for x in lines]},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        assert chain.canonical_bytes(**fields, reverses=reverses, lines=lines) == reference


@pytest.mark.parametrize(
    "summary,counterparty",
    [
        ("收到承包费", ""),
        ('引号"反斜杠\\换行\n制表\t', "控制字符\x01\x1f"),
        ("emoji 🌾 and \u2028 separators", "Ünïcödé ‘quotes’"),
    ],
)
def test_the_hand_written_canonical_bytes_v2_are_the_json_of_the_voucher(summary, counterparty):
    """Version 2 of the canonical form is this json.dumps as well."""
    import json

    lines = [
        (1, "101", "库存现金", "1200.50", "0.00", counterparty, "2026-03-05"),
        (2, "501", '经营"收入', "0.00", "1200.50", "", "2026-03-05"),
    ]
    fields = {
        "village": "370830102201",
        "year": 2026,
        "number": "记-2026-0007",
        "seq": 12,
        "date": "2026-03-05",
        "summary": summary,
        "attachments": 3,
        "made_by": 7,
        "approved_by": 9,
        "posted_at": "2026-03-06T08:01:02.000300Z",
        "prev": "ab" * 32,
    }
    for reverses in (None, "cd" * 32):
        reference = json.dumps(
            {**fields, "v": 2, "reverses": reverses, "lines": [list(x) for x in lines]},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        assert chain.canonical_bytes_v2(**fields, reverses=reverses, lines=lines) == reference


def test_the_posting_time_is_written_as_postgresql_writes_it(db):
    moment = dt.datetime(2026, 3, 6, 16, 1, 2, 300, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(%s::timestamptz AT TIME ZONE 'UTC', "
            """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
            [moment],
        )
        assert cursor.fetchone()[0] == chain.posting_time(moment) == "2026-03-06T08:01:02.000300Z"
