"""The demo ledger: every village's chain intact, balanced books and openings, published
statements that match their digest, payments tied to their receipts, the same books by seed."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.db.models import Sum

from cadres.choices import CERTIFIED_POSTS
from cadres.demo import build_cadre_demo
from cadres.models import Post
from ledgers import demo
from ledgers.choices import (
    AuditKind,
    DisclosureState,
    FindingStatus,
    HandoverState,
    VerificationState,
    VoucherState,
)
from ledgers.models import (
    Account,
    Asset,
    AssetMovement,
    AuditFinding,
    AuditRecord,
    ClosedPeriod,
    ContractPayment,
    Disclosure,
    DisclosureQuestion,
    Handover,
    OpeningBalance,
    Resource,
    Verification,
    Voucher,
    VoucherLine,
)
from ledgers.selectors import trial_balance, verify_chain
from ledgers.services import book_amount, canonical_statement, handover_book_snapshot
from villages import demo as tree_demo
from villages.models import Village

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 23)


@pytest.fixture
def built(db):
    tree_demo.build_demo(tree_demo.plan_demo(villages=20, townships=3, seed=7))
    return demo.build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)


def test_every_village_gets_confirmed_books_whose_openings_balance(built):
    assert built.villages == 20
    assert Verification.objects.filter(state=VerificationState.CONFIRMED).count() == 20
    assert set(Verification.objects.values_list("as_of", flat=True)) == {dt.date(2025, 12, 31)}
    for verification in Verification.objects.all():
        totals = verification.balances.aggregate(d=Sum("debit"), c=Sum("credit"))
        assert totals["d"] == totals["c"] > 0
        codes = set(verification.balances.values_list("account__code", flat=True))
        assert {"101", "102", "151", "152", "211", "301", "311"} <= codes
        assert verification.confirmed_by_id and verification.confirmed_by_id != (
            verification.prepared_by_id
        )
    # Official accounts only.
    used = OpeningBalance.objects.values("account__area_code").distinct()
    assert {row["account__area_code"] for row in used} == {""}


def test_every_chain_verifies_and_every_trial_balance_balances(built):
    for village in Village.objects.all():
        report = verify_chain(village)
        assert report.intact, (village.code, report.reason)
        count = Voucher.objects.filter(village=village).count()
        assert report.checked == count and 30 <= count <= 60
        rows = trial_balance(village)
        assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
        # Opening side: debit-normal and credit-normal balances net to zero.
        signed = sum(r.opening if r.account.normal_side == "debit" else -r.opening for r in rows)
        assert signed == 0
    assert not Voucher.objects.exclude(state=VoucherState.POSTED).exists()
    assert not VoucherLine.objects.filter(posted=False).exists()
    first = Voucher.objects.filter(chain_seq=1)
    assert first.count() == 20 and set(first.values_list("prev_hash", flat=True)) == {"0" * 64}
    dates = Voucher.objects.values_list("date", flat=True)
    assert min(dates) > dt.date(2025, 12, 31) and max(dates) < ON
    for voucher in Voucher.objects.all()[:50]:
        assert voucher.made_by_id != voucher.approved_by_id
        voucher.full_clean()


def test_registers_and_payments(built):
    assert Asset.objects.count() >= 80 and Resource.objects.count() >= 60
    assert AssetMovement.objects.filter(kind="acquisition").count() == Asset.objects.count()
    for asset in Asset.objects.all()[:20]:
        asset.full_clean()
    for resource in Resource.objects.all()[:20]:
        resource.full_clean()
        assert resource.east and resource.north and resource.contracts.exists()
    # Every payment is tied to its receipt voucher, for the same amount.
    for payment in ContractPayment.objects.select_related("voucher"):
        assert payment.voucher.date == payment.received_on
        assert payment.voucher.lines.aggregate(d=Sum("debit"))["d"] == payment.amount
    assert ContractPayment.objects.count() >= 60
    # Fixed assets: opening 151 is the cost of the assets acquired before the year.
    for village in Village.objects.all()[:5]:
        opening = OpeningBalance.objects.get(area_code=village.code, account__code="151").debit
        before = Asset.objects.filter(village=village, acquired_on__lt=dt.date(2026, 1, 1))
        assert opening == before.aggregate(s=Sum("original_value"))["s"]


def test_published_statements_match_their_digest(built):
    published = Disclosure.objects.filter(state=DisclosureState.PUBLISHED)
    assert published.count() == 20 * 3  # Q1–Q3 of 2026 are over on 23 November
    for statement in published:
        digest = hashlib.sha256(canonical_statement(statement.content)).hexdigest()
        assert statement.sha256 == digest
        assert statement.content["period"]["number"] == statement.number
        assert Decimal(statement.content["totals"]["income"]) > 0
        assert statement.published_at and statement.approved_by_id
        # ... of months the township closed (as disclosure_generate requires).
        assert set(
            ClosedPeriod.objects.filter(
                village=statement.village_id, year=statement.year
            ).values_list("month", flat=True)
        ) >= set(range(statement.start.month, statement.end.month + 1))
    questions = DisclosureQuestion.objects.all()
    assert 60 <= questions.count() <= 120
    assert questions.exclude(answer="").exists() and questions.filter(answer="").exists()


def test_the_same_seed_plans_the_same_books(built):
    accounts = demo.official_accounts()
    village = Village.objects.order_by("code").first()
    # The maker and the approver are part of each hash (chain version 2).
    maker, approver = demo._people().maker_and_approver(village)

    def plan(seed):
        p = demo._plan_village(
            seed=seed, village=village, on=ON, accounts=accounts, maker=maker, approver=approver
        )
        return [v.hash for v in p.vouchers], [vars(b)["debit"] for b in p.balances]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)
    # ... and the database holds exactly what seed 7 plans.
    stored = list(
        Voucher.objects.filter(village=village).order_by("chain_seq").values_list("hash", flat=True)
    )
    assert stored == plan(7)[0]


def test_villages_with_books_are_skipped(built):
    again = demo.build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    assert again.villages == 0 and Voucher.objects.values("village").distinct().count() == 20
    assert "20" in built.summary()


def test_light_plan_has_about_ten_vouchers(built):
    accounts = demo.official_accounts()
    village = Village.objects.order_by("code").first()
    plan = demo._plan_village(
        seed=7, village=village, on=ON, accounts=accounts, maker=1, approver=2, light=True
    )
    assert len(plan.vouchers) == demo.LIGHT_VOUCHERS
    assert all(p.voucher_id in plan.vouchers for p in plan.payments)
    assert [v.chain_seq for v in plan.vouchers] == list(range(1, demo.LIGHT_VOUCHERS + 1))


@pytest.fixture
def two_counties(db):
    """Two counties (one township each, past 60 villages), cadres first as seed_demo runs them."""
    tree_demo.build_demo(tree_demo.plan_demo(villages=70, townships=1, seed=7))
    assert len({code[:6] for code in Village.objects.values_list("code", flat=True)}) == 2
    build_cadre_demo(seed=7, villages=Village.objects.all(), on=ON)
    return demo.build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)


def test_ended_posts_of_the_first_county_get_a_signed_balanced_handover(two_counties):
    first_county = "370830"  # 汶上县, where the demo accounts work, though 370826 sorts first
    ended = Post.objects.filter(kind__in=CERTIFIED_POSTS, end_date__isnull=False)
    in_first = ended.filter(area_code__startswith=first_county)
    assert in_first.exists() and ended.exclude(area_code__startswith=first_county).exists()
    handovers = Handover.objects.select_related("ended_post", "incoming")
    assert two_counties.handovers == handovers.count() == in_first.count()
    normal = dict(Account.objects.filter(area_code="").values_list("code", "normal_side"))
    for handover in handovers:
        post = handover.ended_post
        assert handover.state == HandoverState.SIGNED
        assert handover.area_code[:6] == first_county and handover.as_of == post.end_date
        assert handover.book_balances == handover_book_snapshot(handover.village, post.end_date)
        accounts = handover.book_balances["accounts"]
        signed = sum(
            Decimal(v) if normal[c] == "debit" else -Decimal(v) for c, v in accounts.items()
        )
        assert signed == 0  # the frozen books balance
        assert handover.cash_counted == book_amount(handover.book_balances, "101") > 0
        assert handover.bank_counted == book_amount(handover.book_balances, "102") > 0
        assert handover.documents.count("\n") >= 3
        assert handover.incoming.village_id == handover.village_id
        assert handover.incoming_id != post.cadre_id
        for day in (
            handover.outgoing_signed_on,
            handover.incoming_signed_on,
            handover.supervisor_signed_on,
        ):
            assert post.end_date < day < ON
        assert handover.supervisor == "李红梅"  # the township persona
        handover.full_clean()
    summary = two_counties.summary()
    assert f"{two_counties.handovers} " in summary and f"{two_counties.audits} " in summary


def test_periodic_audits_of_last_year_in_the_first_county_only(two_counties):
    first_county = "370830"  # 汶上县, where the demo accounts work, though 370826 sorts first
    first = Village.objects.filter(code__startswith=first_county)
    audits = AuditRecord.objects.all()
    assert two_counties.audits == audits.count() == first.count()
    assert set(audits.values_list("village_id", flat=True)) == set(
        first.values_list("pk", flat=True)
    )
    for audit in audits:
        assert audit.kind == AuditKind.PERIODIC and audit.auditor == "县农业农村局经管站"
        assert (audit.period_start, audit.period_end) == (
            dt.date(2025, 1, 1),
            dt.date(2025, 12, 31),
        )
        assert audit.period_end < audit.report_date < ON and audit.conclusion
        assert audit.findings.count() <= 2
        audit.full_clean()
    findings = AuditFinding.objects.all()
    assert findings.exists() and audits.filter(findings__isnull=True).exists()
    resolved = findings.filter(status=FindingStatus.RESOLVED)
    assert resolved.exists() and not resolved.filter(resolved_on__isnull=True).exists()
    assert not findings.exclude(status=FindingStatus.RESOLVED).exclude(resolved_on=None).exists()
    for finding in findings:
        assert finding.amount > 0 and finding.area_code == finding.audit.area_code
        if finding.resolved_on:
            assert finding.audit.report_date < finding.resolved_on < ON
        finding.full_clean()
    # Run again: nothing new.
    again = demo.build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    assert again.handovers == again.audits == 0
