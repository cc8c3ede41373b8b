"""四议两公开: the steps in order, a failed step, publication, the county's threshold on
vouchers (at, below, above, across several), the registers, and the database's link."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from ledgers import services
from ledgers.choices import Assembly, DecisionKind, DecisionState, VoucherState
from ledgers.models import Decision, DecisionStep, Voucher
from ledgers.tests.conftest import lines
from ledgers.tests.decision_fixtures import MEETINGS, policy, resolved, step
from ledgers.tests.test_registers_services import make_asset, make_resource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
FEB = D(2026, 2, 3)


def draft(clerk, village, chart, amount, decision=None, day=FEB):
    return services.voucher_create(
        actor=clerk,
        village=village,
        date=day,
        summary="村道硬化工程款",
        lines=lines(chart, "expense", "bank", amount, "某建筑公司"),
        decision=decision,
    )


def text(error) -> str:
    return " ".join(error.value.messages)


# ------------------------------------------------------------------ the steps


def test_a_decision_goes_through_its_four_steps_and_two_publications(clerk, village):
    decision = resolved(clerk, village, publish=False)
    assert decision.state == DecisionState.RESOLVED
    assert decision.display_number == "议-2026-001"
    assert [s.kind for s in decision.steps.order_by("held_on")] == services.STEP_ORDER
    assert all(s.quorate and s.passed for s in decision.steps.all())
    decision = services.decision_publish_resolution(
        actor=clerk, decision=decision, published_on=D(2026, 1, 11), text="张榜公布"
    )
    assert decision.state == DecisionState.PUBLISHED
    decision = services.decision_publish_result(
        actor=clerk, decision=decision, published_on=D(2026, 6, 1), text="工程已完工验收"
    )
    assert decision.state == DecisionState.DONE
    with pytest.raises(ValidationError):
        step(clerk, decision, D(2026, 6, 2), 5, 5, 5)


def test_the_steps_cannot_go_back_in_time(clerk, village):
    decision = services.decision_create(
        actor=clerk, village=village, subject="x", kind="project", amount=Decimal(1)
    )
    step(clerk, decision, D(2026, 1, 5), 5, 5, 5)
    with pytest.raises(ValidationError) as e:
        step(clerk, decision, D(2026, 1, 4), 7, 7, 7)
    assert "早于" in text(e) or "earlier" in text(e)
    step(clerk, decision, D(2026, 1, 5), 7, 7, 7)  # the same day is allowed


def test_a_failed_step_ends_the_decision_recorded(clerk, village):
    decision = services.decision_create(
        actor=clerk, village=village, subject="出租老村部", kind="disposal", amount=Decimal(9000)
    )
    step(clerk, decision, D(2026, 1, 5), 5, 5, 5)
    # The two committees: 7 entitled, 6 present, 3 for: not more than half of seven.
    failed = step(clerk, decision, D(2026, 1, 6), 7, 6, 3, votes_against=3)
    assert failed.quorate and not failed.passed
    decision.refresh_from_db()
    assert decision.state == DecisionState.FAILED
    with pytest.raises(ValidationError):
        step(clerk, decision, D(2026, 1, 7), 30, 30, 30)
    assert decision.steps.count() == 2


def test_a_meeting_without_quorum_fails(clerk, village):
    decision = services.decision_create(
        actor=clerk, village=village, subject="x", kind="project", amount=Decimal(1)
    )
    for day, entitled, present, votes_for in MEETINGS[:3]:
        step(clerk, decision, day, entitled, present, votes_for)
    # 30 representatives, 19 present: under two thirds, though all voted for.
    outcome = step(clerk, decision, D(2026, 1, 10), 30, 19, 19, assembly=Assembly.REPRESENTATIVES)
    assert not outcome.quorate and not outcome.passed
    decision.refresh_from_db()
    assert decision.state == DecisionState.FAILED


def test_counts_must_add_up(clerk, village):
    decision = services.decision_create(
        actor=clerk, village=village, subject="x", kind="project", amount=Decimal(1)
    )
    with pytest.raises(ValidationError):
        step(clerk, decision, D(2026, 1, 5), 5, 6, 5)
    with pytest.raises(ValidationError):
        step(clerk, decision, D(2026, 1, 5), 5, 4, 3, votes_against=2)
    with pytest.raises(ValidationError):
        step(clerk, decision, D(2026, 1, 5), 5, 5, 5, minutes=" ")


def test_the_resolution_names_its_meeting(clerk, village):
    decision = services.decision_create(
        actor=clerk, village=village, subject="x", kind="project", amount=Decimal(1)
    )
    for day, entitled, present, votes_for in MEETINGS[:3]:
        step(clerk, decision, day, entitled, present, votes_for)
    with pytest.raises(ValidationError):
        step(clerk, decision, D(2026, 1, 10), 30, 30, 30)


def test_publication_waits_for_the_resolution(clerk, village):
    decision = services.decision_create(
        actor=clerk, village=village, subject="x", kind="project", amount=Decimal(1)
    )
    with pytest.raises(ValidationError):
        services.decision_publish_resolution(
            actor=clerk, decision=decision, published_on=D(2026, 1, 11), text="x"
        )
    decision = resolved(clerk, village, publish=False, subject="y")
    with pytest.raises(ValidationError):  # before the resolution's meeting
        services.decision_publish_resolution(
            actor=clerk, decision=decision, published_on=D(2026, 1, 9), text="x"
        )
    with pytest.raises(ValidationError):  # the result before the resolution is public
        services.decision_publish_result(
            actor=clerk, decision=decision, published_on=D(2026, 2, 9), text="x"
        )


def test_only_the_bookkeepers_record_decisions(contact, outsider, village):
    for who in (contact, outsider):
        with pytest.raises(PermissionDenied):
            services.decision_create(
                actor=who, village=village, subject="x", kind="project", amount=Decimal(1)
            )


# ------------------------------------------------------------------ the policy


def test_only_the_county_supervisor_sets_the_policy(insider, supervisor, county):
    with pytest.raises(PermissionDenied):
        policy(insider, county)
    made = policy(supervisor, county)
    assert made.threshold == Decimal("50000.00") and made.enabled
    with pytest.raises(ValidationError):
        policy(supervisor, county, kinds=["project"])


def test_without_a_policy_nothing_is_enforced(clerk, insider, village, chart, open_books):
    voucher = draft(clerk, village, chart, "85000")
    assert services.voucher_post(actor=insider, voucher=voucher).state == VoucherState.POSTED


# ------------------------------------------------------------------ vouchers and the threshold


@pytest.fixture
def rule(supervisor, county):
    return policy(supervisor, county, threshold="50000")


@pytest.mark.usefixtures("rule")
def test_a_voucher_at_or_below_the_threshold_needs_no_decision(
    clerk, insider, village, chart, open_books
):
    for amount in ("50000.00", "49999.99"):
        voucher = draft(clerk, village, chart, amount)
        services.voucher_post(actor=insider, voucher=voucher)
    assert Voucher.objects.filter(state=VoucherState.POSTED).count() == 2


@pytest.mark.usefixtures("rule")
def test_a_voucher_above_the_threshold_is_refused_without_a_decision(
    clerk, insider, village, chart, open_books
):
    voucher = draft(clerk, village, chart, "50000.01")
    with pytest.raises(ValidationError) as e:
        services.voucher_post(actor=insider, voucher=voucher)
    assert "50,000.01" in text(e) and "四议两公开" in text(e)
    voucher.refresh_from_db()
    assert voucher.state == VoucherState.DRAFT


@pytest.mark.usefixtures("rule")
def test_a_voucher_citing_a_resolved_decision_posts(clerk, insider, village, chart, open_books):
    decision = resolved(clerk, village, amount="85000")
    voucher = draft(clerk, village, chart, "85000", decision=decision)
    services.voucher_post(actor=insider, voucher=voucher)
    assert services.decision_remaining(decision) == Decimal("0.00")


@pytest.mark.usefixtures("rule")
def test_the_remaining_amount_is_tracked_across_vouchers(
    clerk, insider, village, chart, open_books
):
    decision = resolved(clerk, village, amount="100000")
    first = draft(clerk, village, chart, "60000", decision=decision)
    first = services.voucher_post(actor=insider, voucher=first)
    second = draft(clerk, village, chart, "40000.01", decision=decision)
    with pytest.raises(ValidationError) as e:
        services.voucher_post(actor=insider, voucher=second)
    assert "40,000.00" in text(e)
    exact = draft(clerk, village, chart, "40000", decision=decision)
    services.voucher_post(actor=insider, voucher=exact)
    assert services.decision_remaining(decision) == 0
    # A reversal gives back what the reversed voucher spent.
    reversal = services.voucher_reverse(
        actor=clerk, voucher=first, date=D(2026, 2, 10), reason="重复付款"
    )
    services.voucher_post(actor=insider, voucher=reversal)
    assert services.decision_remaining(decision) == Decimal("60000.00")


@pytest.mark.usefixtures("rule")
def test_a_decision_must_be_public_of_the_same_village_and_still_open(
    clerk, insider, village, other_village, chart, open_books, supervisor
):
    unpublished = resolved(clerk, village, amount="90000", publish=False)
    voucher = draft(clerk, village, chart, "85000", decision=unpublished)
    with pytest.raises(ValidationError) as e:
        services.voucher_post(actor=insider, voucher=voucher)
    assert unpublished.display_number in text(e)
    elsewhere = resolved(supervisor, other_village, amount="90000")
    with pytest.raises(ValidationError):
        draft(clerk, village, chart, "85000", decision=elsewhere)
    done = resolved(clerk, village, amount="90000", subject="z")
    services.decision_publish_result(
        actor=clerk, decision=done, published_on=D(2026, 1, 20), text="完成"
    )
    voucher = draft(clerk, village, chart, "85000", decision=done)
    with pytest.raises(ValidationError):
        services.voucher_post(actor=insider, voucher=voucher)


def test_a_disabled_policy_or_one_without_funds_lets_vouchers_through(
    clerk, insider, supervisor, county, village, chart, open_books
):
    policy(supervisor, county, kinds=["contract"])
    services.voucher_post(actor=insider, voucher=draft(clerk, village, chart, "85000"))


# ------------------------------------------------------------------ the registers


@pytest.mark.usefixtures("rule")
def test_a_contract_above_the_threshold_cites_a_contract_decision(clerk, village):
    resource = make_resource(clerk, village)
    args = {
        "actor": clerk,
        "resource": resource,
        "party": "李四",
        "start_date": D(2026, 3, 1),
        "end_date": D(2031, 2, 28),
        "annual_fee": Decimal("12000"),  # 5 years: 60,000
    }
    with pytest.raises(ValidationError) as e:
        services.contract_sign(**args)
    assert "60,000.00" in text(e)
    project = resolved(clerk, village, amount="60000")
    with pytest.raises(ValidationError):  # not a decision about a contract
        services.contract_sign(**args, decision=project)
    small = resolved(clerk, village, amount="50000", kind=DecisionKind.CONTRACT, subject="a")
    with pytest.raises(ValidationError):  # does not cover it
        services.contract_sign(**args, decision=small)
    right = resolved(clerk, village, amount="60000", kind=DecisionKind.CONTRACT, subject="b")
    contract = services.contract_sign(**args, decision=right)
    assert contract.decision == right


@pytest.mark.usefixtures("rule")
def test_a_disposal_counts_the_assets_value(clerk, village):
    asset = make_asset(clerk, village)  # original value 350,000
    with pytest.raises(ValidationError):
        services.asset_move(
            actor=clerk, asset=asset, kind="disposal", date=D(2026, 3, 1), amount=Decimal(1)
        )
    decision = resolved(clerk, village, amount="350000", kind=DecisionKind.DISPOSAL)
    movement = services.asset_move(
        actor=clerk,
        asset=asset,
        kind="disposal",
        date=D(2026, 3, 1),
        amount=Decimal(1),
        decision=decision,
    )
    assert movement.decision == decision
    # A small lease needs none.
    other = make_asset(clerk, village, name="旧仓库", original_value=Decimal("80000"))
    services.asset_move(
        actor=clerk,
        asset=other,
        kind="lease",
        date=D(2026, 3, 1),
        amount=Decimal("3000"),
        counterparty="王五",
    )


# ------------------------------------------------------------------ the database keeps it


@pytest.mark.usefixtures("rule")
def test_a_cited_decision_cannot_be_deleted(clerk, insider, village, chart, open_books):
    decision = resolved(clerk, village, amount="85000")
    services.voucher_post(
        actor=insider, voucher=draft(clerk, village, chart, "85000", decision=decision)
    )
    with pytest.raises((ProtectedError, IntegrityError)), transaction.atomic():
        decision.delete()
    # In SQL too: the decision has steps (its trigger), and a voucher points to it (the key).
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledgers_decision WHERE id = %s", [decision.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledgers_voucher SET decision_id = NULL WHERE decision_id = %s", [decision.pk]
        )
    assert Decision.objects.filter(pk=decision.pk).exists()


@pytest.mark.usefixtures("rule")
def test_the_database_refuses_a_posting_the_service_would_refuse(
    clerk, insider, village, chart, open_books, monkeypatch
):
    # Without the service's check, the database's own guard refuses.
    monkeypatch.setattr(services.books, "require_voucher_decision", lambda *a: None)
    voucher = draft(clerk, village, chart, "85000")
    with pytest.raises(IntegrityError), transaction.atomic():
        services.voucher_post(actor=insider, voucher=voucher)
    decision = resolved(clerk, village, amount="80000")
    voucher = draft(clerk, village, chart, "85000", decision=decision)
    with pytest.raises(IntegrityError), transaction.atomic():
        services.voucher_post(actor=insider, voucher=voucher)


def test_the_database_keeps_the_steps_in_order_and_final(clerk, village):
    decision = services.decision_create(
        actor=clerk, village=village, subject="x", kind="project", amount=Decimal(1)
    )
    first = step(clerk, decision, D(2026, 1, 5), 5, 5, 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionStep.objects.create(
            decision=decision,
            kind="review",
            held_on=D(2026, 1, 6),
            entitled=5,
            present=5,
            votes_for=5,
            quorate=True,
            passed=True,
            minutes="x",
            recorded_by=clerk,
            area_code=village.code,
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        DecisionStep.objects.filter(pk=first.pk).update(votes_for=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(amount=Decimal(999999))


@pytest.mark.usefixtures("rule")
def test_a_contract_keeps_the_decision_it_was_signed_under(clerk, village):
    decision = resolved(clerk, village, amount="60000", kind=DecisionKind.CONTRACT)
    contract = services.contract_sign(
        actor=clerk,
        resource=make_resource(clerk, village),
        party="李四",
        start_date=D(2026, 3, 1),
        end_date=D(2031, 2, 28),
        annual_fee=Decimal("12000"),
        decision=decision,
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledgers_resourcecontract SET decision_id = NULL WHERE id = %s", [contract.pk]
        )
    # Terminating it early still works: only the link is frozen.
    services.contract_terminate(actor=clerk, contract=contract, date=D(2026, 6, 30))
