"""换届交接 and 定期审计 services: due handovers, frozen balances, signatures, audits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from ledgers import selectors, services
from ledgers.choices import AuditKind, FindingStatus, HandoverState
from ledgers.models import Handover
from ledgers.tests.conftest import lines

pytestmark = pytest.mark.django_db
D = dt.date
END = D(2026, 1, 31)


def ended_post(village, kind=PostKind.SECRETARY, end=END):
    return PostFactory(
        cadre=CadreFactory(village=village), kind=kind, end_date=end, end_reason="term_ended"
    )


def post_voucher(clerk, insider, village, chart, date, amount, debit="cash", credit="income"):
    voucher = services.voucher_create(
        actor=clerk,
        village=village,
        date=date,
        summary="收入",
        lines=lines(chart, debit, credit, amount),
    )
    return services.voucher_post(actor=insider, voucher=voucher)


@pytest.fixture
def post(village):
    return ended_post(village)


@pytest.fixture
def handover(post, clerk, open_books):
    return services.handover_start(actor=clerk, ended_post=post)


SIGNED_ON = D(2026, 2, 5)


def sign_all(handover, clerk, insider, on=SIGNED_ON):
    incoming = CadreFactory(village=handover.village, name="李新")
    handover = services.handover_update(
        actor=clerk,
        handover=handover,
        cash_counted=Decimal("10000"),
        bank_counted=Decimal("90000"),
        documents="现金日记账\n公章",
        incoming=incoming,
    )
    services.handover_sign(actor=clerk, handover=handover, who="outgoing", on=on)
    services.handover_sign(actor=clerk, handover=handover, who="incoming", on=on)
    return services.handover_sign(
        actor=insider, handover=handover, who="supervisor", on=on, supervisor="王监督"
    )


# ------------------------------------------------------------------ due handovers


def test_an_ended_certified_post_is_due_until_its_handover_starts(
    village, post, insider, clerk, open_books
):
    PostFactory(cadre=CadreFactory(village=village), kind=PostKind.CHAIR)  # still sitting
    ended_post(village, kind=PostKind.COMMITTEE_MEMBER)  # not a certified post
    due = list(selectors.handovers_due(insider, on=D(2026, 2, 10)))
    assert [p.pk for p in due] == [post.pk]
    assert due[0].since_end.days == 10 and due[0].overdue is False
    late = selectors.handovers_due(insider, on=D(2026, 3, 15)).get()
    assert late.since_end.days == 43 and late.overdue is True

    services.handover_start(actor=clerk, ended_post=post)
    assert not selectors.handovers_due(insider, on=D(2026, 3, 15)).exists()


def test_due_handovers_are_scoped(post, outsider, supervisor):
    assert not selectors.handovers_due(outsider).exists()
    assert selectors.handovers_due(supervisor).count() == 1


# ------------------------------------------------------------------ start and balances


def test_balances_are_frozen_at_start(village, post, clerk, insider, chart, open_books):
    post_voucher(clerk, insider, village, chart, D(2026, 1, 10), "500")
    post_voucher(clerk, insider, village, chart, D(2026, 2, 3), "70")  # after the date
    handover = services.handover_start(actor=clerk, ended_post=post)
    assert handover.as_of == END and handover.state == HandoverState.DRAFT
    accounts = handover.book_balances["accounts"]
    assert accounts["101"] == "10500.00" and accounts["102"] == "90000.00"
    assert handover.book_balances["assets"] == {"count": 0, "value": "0.00"}
    assert services.book_amount(handover.book_balances, "101") == Decimal("10500.00")

    # A voucher posted later, even one dated before the handover, does not change them.
    post_voucher(clerk, insider, village, chart, D(2026, 1, 20), "1000")
    handover.refresh_from_db()
    assert handover.book_balances["accounts"]["101"] == "10500.00"


def test_start_refusals(village, post, clerk, contact, open_books):
    with pytest.raises(PermissionDenied):
        services.handover_start(actor=contact, ended_post=post)
    sitting = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.CHAIR)
    with pytest.raises(ValidationError):
        services.handover_start(actor=clerk, ended_post=sitting)
    member = ended_post(village, kind=PostKind.COMMITTEE_MEMBER)
    with pytest.raises(ValidationError):
        services.handover_start(actor=clerk, ended_post=member)
    services.handover_start(actor=clerk, ended_post=post)
    with pytest.raises(ValidationError):
        services.handover_start(actor=clerk, ended_post=post)


def test_incoming_cadre_must_be_of_the_village(post, clerk, other_village, open_books):
    with pytest.raises(ValidationError) as e:
        services.handover_start(
            actor=clerk, ended_post=post, incoming=CadreFactory(village=other_village)
        )
    assert "incoming" in e.value.message_dict


# ------------------------------------------------------------------ count and signatures


def test_cash_difference_needs_an_explanation(handover, clerk):
    with pytest.raises(ValidationError) as e:
        services.handover_update(
            actor=clerk,
            handover=handover,
            cash_counted=Decimal("9990"),
            bank_counted=Decimal("90000"),
        )
    assert "differences" in e.value.message_dict
    handover = services.handover_update(
        actor=clerk,
        handover=handover,
        cash_counted=Decimal("9990"),
        bank_counted=Decimal("90000"),
        differences="短款10元，原出纳已补交收据",
    )
    assert handover.cash_counted == Decimal("9990")


def test_signing_an_uncounted_handover_is_refused(handover, clerk):
    # Nothing counted yet: 0 against 10,000 cash in the books, and no explanation.
    with pytest.raises(ValidationError):
        services.handover_sign(actor=clerk, handover=handover, who="outgoing", on=D(2026, 2, 5))


def test_supervisor_signature_needs_may_edit(handover, clerk, contact):
    for actor in (clerk, contact):
        with pytest.raises(PermissionDenied):
            services.handover_sign(
                actor=actor, handover=handover, who="supervisor", on=D(2026, 2, 5), supervisor="王"
            )


def test_supervisor_name_and_incoming_cadre_are_required(handover, clerk, insider):
    handover = services.handover_update(
        actor=clerk, handover=handover, cash_counted=Decimal("10000"), bank_counted=Decimal("90000")
    )
    with pytest.raises(ValidationError):
        services.handover_sign(actor=insider, handover=handover, who="supervisor", on=D(2026, 2, 5))
    with pytest.raises(ValidationError):
        services.handover_sign(actor=clerk, handover=handover, who="incoming", on=D(2026, 2, 5))
    with pytest.raises(ValidationError):  # before the handover's date
        services.handover_sign(actor=clerk, handover=handover, who="outgoing", on=D(2026, 1, 1))


def test_three_signatures_make_it_final(handover, clerk, insider):
    signed = sign_all(handover, clerk, insider)
    assert signed.state == HandoverState.SIGNED and signed.supervisor == "王监督"
    with pytest.raises(ValidationError):
        services.handover_update(
            actor=clerk, handover=signed, cash_counted=Decimal("1"), bank_counted=Decimal("1")
        )
    with pytest.raises(ValidationError):
        services.handover_sign(actor=clerk, handover=signed, who="outgoing", on=D(2026, 3, 1))
    # The database itself refuses the change and the deletion.
    with pytest.raises(DatabaseError), transaction.atomic():
        Handover.objects.filter(pk=signed.pk).update(documents="改")
    with pytest.raises(DatabaseError), transaction.atomic():
        Handover.objects.filter(pk=signed.pk).delete()
    signed.refresh_from_db()
    assert signed.documents == "现金日记账\n公章"


def test_a_signature_cannot_be_given_twice(handover, clerk):
    handover = services.handover_update(
        actor=clerk, handover=handover, cash_counted=Decimal("10000"), bank_counted=Decimal("90000")
    )
    services.handover_sign(actor=clerk, handover=handover, who="outgoing", on=D(2026, 2, 5))
    with pytest.raises(ValidationError):
        services.handover_sign(actor=clerk, handover=handover, who="outgoing", on=D(2026, 2, 6))
    with pytest.raises(ValidationError):  # counted amounts are fixed once someone signed
        services.handover_update(
            actor=clerk, handover=handover, cash_counted=Decimal("1"), bank_counted=Decimal("1")
        )


# ------------------------------------------------------------------ audits


def test_audit_flow(village, insider):
    audit = services.audit_record(
        actor=insider,
        village=village,
        kind=AuditKind.PERIODIC,
        auditor="县农经站",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
    )
    services.audit_report(
        actor=insider, audit=audit, report_date=D(2026, 3, 1), conclusion="基本规范"
    )
    finding = services.finding_add(
        actor=insider,
        audit=audit,
        category="vouchers",
        description="3张凭证缺附件",
        amount=Decimal("1200"),
    )
    assert finding.status == FindingStatus.OPEN and finding.area_code == village.code
    finding = services.finding_update_status(
        actor=insider, finding=finding, status=FindingStatus.RECTIFYING, notes="补充中"
    )
    with pytest.raises(ValidationError):  # resolving needs the date
        services.finding_update_status(
            actor=insider, finding=finding, status=FindingStatus.RESOLVED
        )
    finding = services.finding_update_status(
        actor=insider, finding=finding, status=FindingStatus.RESOLVED, resolved_on=D(2026, 4, 1)
    )
    assert finding.resolved_on == D(2026, 4, 1) and finding.notes == "补充中"
    with pytest.raises(ValidationError):  # no way back
        services.finding_update_status(actor=insider, finding=finding, status=FindingStatus.OPEN)
    audit.refresh_from_db()
    assert audit.conclusion == "基本规范" and audit.findings.open().count() == 0


def test_leaving_audit_names_a_post_of_the_village(village, other_village, insider, post):
    data = dict(
        village=village,
        kind=AuditKind.LEAVING,
        auditor="审计组",
        period_start=D(2021, 1, 1),
        period_end=D(2026, 1, 31),
    )
    with pytest.raises(ValidationError):
        services.audit_record(actor=insider, **data)
    with pytest.raises(ValidationError):
        services.audit_record(actor=insider, leaving_post=ended_post(other_village), **data)
    with pytest.raises(ValidationError):
        services.audit_record(
            actor=insider, **{**data, "period_end": D(2020, 1, 1)}, leaving_post=post
        )
    assert services.audit_record(actor=insider, leaving_post=post, **data).leaving_post == post


def test_audits_are_township_acts(village, clerk, outsider, insider):
    data = dict(
        village=village,
        kind=AuditKind.SPECIAL,
        auditor="审计组",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 6, 30),
    )
    for actor in (clerk, outsider):
        with pytest.raises(PermissionDenied):
            services.audit_record(actor=actor, **data)
    audit = services.audit_record(actor=insider, **data)
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=clerk, audit=audit, category="other", description="x")


def test_audit_report_is_dated_on_or_after_the_period_end(village, insider):
    audit = services.audit_record(
        actor=insider,
        village=village,
        kind=AuditKind.PERIODIC,
        auditor="县农经站",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
    )
    with pytest.raises(ValidationError) as refused:  # inside the period: not yet closed
        services.audit_report(
            actor=insider, audit=audit, report_date=D(2025, 12, 30), conclusion="基本规范"
        )
    assert "report_date" in refused.value.message_dict
    audit = services.audit_report(
        actor=insider, audit=audit, report_date=D(2025, 12, 31), conclusion="基本规范"
    )
    assert audit.report_date == D(2025, 12, 31)
