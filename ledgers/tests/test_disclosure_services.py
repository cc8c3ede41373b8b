# ruff: noqa: F811 -- pytest fixtures are imported from disclosure_fixtures
"""定期公开 services: the snapshot of a small ledger, the states, the frozen published row."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from core.dates import today
from ledgers import services
from ledgers.choices import DisclosureKind, DisclosureState
from ledgers.models import Disclosure
from ledgers.tests.disclosure_fixtures import (  # noqa: F401
    draft_statement,
    published,
    quarter_books,
)

pytestmark = pytest.mark.django_db


def test_the_quarter_statement_is_drawn_from_the_posted_ledger(draft_statement, village):
    c = draft_statement.content
    assert draft_statement.state == DisclosureState.DRAFT
    assert c["period"] == {
        "kind": "quarter",
        "year": 2026,
        "number": 1,
        "start": "2026-01-01",
        "end": "2026-03-31",
    }
    assert c["village"] == {"code": village.code, "name": village.name}
    assert c["income"] == [{"code": "501", "name": "经营收入", "amount": "12500.00"}]
    assert c["expense"] == [{"code": "513", "name": "管理费用", "amount": "300.00"}]
    assert c["totals"] == {"income": "12500.00", "expense": "300.00", "net": "12200.00"}
    balances = {b["code"]: b for b in c["balances"]}
    assert balances["101"] == {
        "code": "101",
        "name": "库存现金",
        "opening": "10000.00",
        "debit": "500.00",
        "credit": "300.00",
        "closing": "10200.00",
    }
    assert balances["102"]["closing"] == "102000.00"
    assert balances["301"]["closing"] == "100000.00"
    assert c["large_items"] == {
        "threshold": "10000.00",
        "vouchers": [
            {
                "number": "记-2026-0002",
                "date": "2026-02-15",
                "summary": "土地流转费",
                "amount": "12000.00",
            }
        ],
    }
    assert c["asset_movements"] == [
        {
            "asset": "村委办公楼",
            "kind": "lease",
            "date": "2026-02-01",
            "counterparty": "李四",
            "amount": "3000.00",
            "status_after": "leased",
        }
    ]
    assert c["contracts"][0]["party"] == "王五"
    assert c["contracts"][0]["paid_in_period"] == "2000.00"
    assert c["contract_payments"] == [
        {
            "resource": "东洼地",
            "party": "王五",
            "date": "2026-03-05",
            "amount": "2000.00",
            "voucher": "",
        }
    ]


def test_a_month_statement_covers_the_month_only(quarter_books, village, clerk):
    march = services.disclosure_generate(
        actor=clerk, village=village, kind=DisclosureKind.MONTH, year=2026, number=3
    )
    assert (march.start.isoformat(), march.end.isoformat()) == ("2026-03-01", "2026-03-31")
    assert march.content["income"] == [] and march.content["large_items"]["vouchers"] == []
    assert march.content["expense"][0]["amount"] == "300.00"


def test_generating_again_replaces_the_draft(draft_statement, village, clerk, insider):
    from ledgers.models import ContractPayment

    # A fee recorded late in the register (the closed books do not change).
    contract = ContractPayment.objects.get().contract
    ContractPayment.objects.create(
        contract=contract,
        received_on=dt.date(2026, 3, 30),
        amount=Decimal("500"),
        recorded_by=insider,
        area_code=village.code,
    )
    again = services.disclosure_generate(
        actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=1
    )
    assert again.pk == draft_statement.pk
    assert Disclosure.objects.count() == 1
    assert [p["amount"] for p in again.content["contract_payments"]] == ["2000.00", "500.00"]


def test_only_an_ended_period_with_closed_months_is_generated(quarter_books, village, clerk):
    with pytest.raises(ValidationError) as refused:
        services.disclosure_generate(
            actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=2
        )
    assert "4月、5月、6月" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.disclosure_generate(
            actor=clerk, village=village, kind=DisclosureKind.MONTH, year=today().year + 1, number=1
        )
    assert "尚未结束" in str(refused.value)
    assert not Disclosure.objects.exists()


def test_the_last_day_of_a_period_is_not_its_end(quarter_books, village, clerk, monkeypatch):
    """On 31 March the first quarter is still running; on 1 April it has ended."""
    import ledgers.services.disclosure as disclosure

    monkeypatch.setattr(disclosure, "today", lambda: dt.date(2026, 3, 31))
    with pytest.raises(ValidationError):
        services.disclosure_generate(
            actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=1
        )
    monkeypatch.setattr(disclosure, "today", lambda: dt.date(2026, 4, 1))
    assert services.disclosure_generate(
        actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=1
    )


def test_period_and_rights_are_checked(quarter_books, village, other_village, clerk, contact):
    with pytest.raises(ValidationError):
        services.disclosure_generate(
            actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=5
        )
    with pytest.raises(PermissionDenied):
        services.disclosure_generate(
            actor=clerk, village=other_village, kind=DisclosureKind.MONTH, year=2026, number=1
        )
    with pytest.raises(PermissionDenied):
        services.disclosure_generate(
            actor=contact, village=village, kind=DisclosureKind.MONTH, year=2026, number=1
        )


def test_only_the_township_approves_and_publishes_in_order(draft_statement, clerk, insider):
    with pytest.raises(PermissionDenied):
        services.disclosure_approve(actor=clerk, disclosure=draft_statement)
    with pytest.raises(ValidationError):
        services.disclosure_publish(actor=insider, disclosure=draft_statement)
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    with pytest.raises(PermissionDenied):
        services.disclosure_publish(actor=clerk, disclosure=draft_statement)
    done = services.disclosure_publish(actor=insider, disclosure=draft_statement)
    assert done.state == DisclosureState.PUBLISHED and done.published_at and done.approved_by
    canonical = json.dumps(
        done.content, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()
    assert done.sha256 == hashlib.sha256(canonical).hexdigest()


def test_an_approved_statement_is_not_generated_again(draft_statement, village, clerk, insider):
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    with pytest.raises(ValidationError):
        services.disclosure_generate(
            actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=1
        )


def test_a_published_statement_is_frozen(published, village, clerk, insider):
    before = Disclosure.objects.values().get(pk=published.pk)
    with pytest.raises(ValidationError):
        services.disclosure_generate(
            actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=1
        )
    with pytest.raises(ValidationError):
        services.disclosure_publish(actor=insider, disclosure=published)
    for sql in (
        "UPDATE ledgers_disclosure SET content = '{}'::jsonb WHERE id = %s",
        "UPDATE ledgers_disclosure SET state = 'draft' WHERE id = %s",
        "DELETE FROM ledgers_disclosure WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [published.pk])
    assert Disclosure.objects.values().get(pk=published.pk) == before


def test_asking_and_answering(published, insider, contact, clerk, outsider):
    q = services.question_ask(
        disclosure=published, name=" 赵六 ", phone="138 0000 1234", question=" 为何支出300元？ "
    )
    assert (q.name, q.question, q.area_code) == ("赵六", "为何支出300元？", published.area_code)
    with pytest.raises(ValidationError):
        services.question_ask(disclosure=published, question="   ")
    with pytest.raises(ValidationError):
        services.question_ask(disclosure=published, question="问题", phone="abc")
    for who in (clerk, outsider):
        with pytest.raises(PermissionDenied):
            services.question_answer(actor=who, question=q, answer="答复")
    answered = services.question_answer(actor=contact, question=q, answer=" 购买办公用品。 ")
    assert answered.answer == "购买办公用品。" and answered.answered_by == contact
    with pytest.raises(ValidationError):
        services.question_answer(actor=insider, question=q, answer="再答")


def test_no_question_about_a_draft(draft_statement):
    with pytest.raises(ValidationError):
        services.question_ask(disclosure=draft_statement, question="问题")
