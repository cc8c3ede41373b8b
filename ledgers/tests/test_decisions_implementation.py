"""四议两公开 after the resolution: the day the implementation ended (once, not before the
resolution was made public, not in the future), the result made public after it, the county's
days to do so; and correcting a decision's matter before the party branch proposes it (the
service, then the database, refuse it afterwards)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from core.dates import today
from ledgers import services
from ledgers.choices import DecisionKind, DecisionState
from ledgers.models import DEFAULT_RESULT_DUE_DAYS, Decision
from ledgers.selectors import with_result_due
from ledgers.tests.decision_fixtures import policy, resolved, step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date


def text(error) -> str:
    return " ".join(error.value.messages)


def drafted(clerk, village, **kw):
    return services.decision_create(
        actor=clerk,
        village=village,
        subject=kw.pop("subject", "村委会办公楼维修"),
        kind=kw.pop("kind", DecisionKind.PROJECT),
        amount=Decimal(kw.pop("amount", "60000.00")),
        year=2026,
        **kw,
    )


# ------------------------------------------------------------------ the implementation


def test_the_implementation_ends_once_after_the_resolution_is_public(clerk, village):
    decision = resolved(clerk, village)  # made public on 2026-01-11
    with pytest.raises(ValidationError) as early:
        services.decision_record_implementation(
            actor=clerk, decision=decision, implemented_on=D(2026, 1, 10)
        )
    assert "2026-01-11" in text(early)
    with pytest.raises(ValidationError) as future:
        services.decision_record_implementation(
            actor=clerk, decision=decision, implemented_on=today() + dt.timedelta(days=1)
        )
    assert "晚于今天" in text(future)
    decision = services.decision_record_implementation(
        actor=clerk, decision=decision, implemented_on=D(2026, 3, 1)
    )
    assert decision.implemented_on == D(2026, 3, 1)
    assert decision.state == DecisionState.PUBLISHED  # still cited by the books until closed
    with pytest.raises(ValidationError):
        services.decision_record_implementation(
            actor=clerk, decision=decision, implemented_on=D(2026, 3, 2)
        )


def test_only_a_decision_made_public_is_implemented(clerk, village):
    decision = resolved(clerk, village, publish=False)
    with pytest.raises(ValidationError):
        services.decision_record_implementation(
            actor=clerk, decision=decision, implemented_on=D(2026, 3, 1)
        )


def test_only_the_bookkeepers_record_the_implementation(clerk, contact, outsider, village):
    decision = resolved(clerk, village)
    for user in (contact, outsider):
        with pytest.raises(PermissionDenied):
            services.decision_record_implementation(
                actor=user, decision=decision, implemented_on=D(2026, 3, 1)
            )


def test_the_result_is_made_public_after_the_implementation(clerk, village):
    decision = resolved(clerk, village)
    services.decision_record_implementation(
        actor=clerk, decision=decision, implemented_on=D(2026, 3, 1)
    )
    with pytest.raises(ValidationError):
        services.decision_publish_result(
            actor=clerk, decision=decision, published_on=D(2026, 2, 28), text="已完工"
        )
    decision = services.decision_publish_result(
        actor=clerk, decision=decision, published_on=D(2026, 3, 20), text="已完工"
    )
    assert (decision.state, decision.implemented_on) == (DecisionState.DONE, D(2026, 3, 1))


def test_a_result_made_public_without_the_end_recorded_takes_its_day_or_the_one_given(
    clerk, village
):
    first = resolved(clerk, village)
    first = services.decision_publish_result(
        actor=clerk, decision=first, published_on=D(2026, 4, 1), text="已完工"
    )
    assert first.implemented_on == D(2026, 4, 1)
    second = resolved(clerk, village, subject="文化广场")
    second = services.decision_publish_result(
        actor=clerk,
        decision=second,
        published_on=D(2026, 4, 1),
        text="已完工",
        implemented_on=D(2026, 3, 15),
    )
    assert second.implemented_on == D(2026, 3, 15)


def test_the_database_keeps_the_implementation_after_the_resolution(clerk, village):
    decision = resolved(clerk, village)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledgers_decision SET implemented_on = '2026-01-01' WHERE id = %s",
            [decision.pk],
        )
    drafted_one = drafted(clerk, village)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledgers_decision SET implemented_on = '2026-03-01' WHERE id = %s",
            [drafted_one.pk],
        )


def test_the_result_is_due_the_countys_days_after_the_implementation(
    clerk, supervisor, village, county
):
    decision = resolved(clerk, village)
    services.decision_record_implementation(
        actor=clerk, decision=decision, implemented_on=D(2026, 3, 1)
    )
    due = with_result_due(Decision.objects.filter(pk=decision.pk)).get()
    assert DEFAULT_RESULT_DUE_DAYS == 30
    assert due.result_due == D(2026, 3, 31)  # no policy: the default
    policy(supervisor, county)
    services.decision_policy_update(
        actor=supervisor,
        county_code=county.code,
        enabled=True,
        threshold=Decimal("50000"),
        kinds=["funds"],
        result_due_days=10,
    )
    due = with_result_due(Decision.objects.filter(pk=decision.pk)).get()
    assert (due.result_due_days, due.result_due) == (10, D(2026, 3, 11))
    for days in (0, 366):
        with pytest.raises(ValidationError):
            services.decision_policy_update(
                actor=supervisor,
                county_code=county.code,
                enabled=True,
                threshold=Decimal("50000"),
                kinds=["funds"],
                result_due_days=days,
            )


# ------------------------------------------------------------------ correcting a draft


def test_a_drafted_decision_is_corrected(clerk, village):
    decision = drafted(clerk, village)
    decision = services.decision_update_draft(
        actor=clerk,
        decision=decision,
        subject="村委会办公楼维修加固",
        kind=DecisionKind.FUNDS,
        amount=Decimal("65000"),
        description="屋顶漏水",
        attachments=2,
    )
    decision.refresh_from_db()
    assert (decision.subject, decision.kind, decision.amount, decision.attachments) == (
        "村委会办公楼维修加固",
        DecisionKind.FUNDS,
        Decimal("65000.00"),
        2,
    )
    assert decision.display_number == "议-2026-001"  # the number stays
    with pytest.raises(ValidationError):
        services.decision_update_draft(
            actor=clerk,
            decision=decision,
            subject="x",
            kind=DecisionKind.FUNDS,
            amount=Decimal("-1"),
        )


def test_after_the_proposal_the_matter_is_not_corrected(clerk, village):
    decision = drafted(clerk, village)
    step(clerk, decision, D(2026, 1, 5), 5, 5, 5)
    with pytest.raises(ValidationError) as refused:
        services.decision_update_draft(
            actor=clerk,
            decision=decision,
            subject="别的事项",
            kind=DecisionKind.PROJECT,
            amount=Decimal("60000"),
        )
    assert "不能再修改" in text(refused)
    # The database refuses it too, whatever the code does.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledgers_decision SET amount = 1 WHERE id = %s",
            [decision.pk],
        )
    decision.refresh_from_db()
    assert decision.amount == Decimal("60000.00")


def test_only_the_bookkeepers_correct_a_draft(clerk, contact, outsider, village):
    decision = drafted(clerk, village)
    for user in (contact, outsider):
        with pytest.raises(PermissionDenied):
            services.decision_update_draft(
                actor=user,
                decision=decision,
                subject="x",
                kind=DecisionKind.PROJECT,
                amount=Decimal("1"),
            )
