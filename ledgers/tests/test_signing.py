"""联签 and 财务报审会: the majority of the two committees at its boundary, counted against the
members sitting on the signing date (members change mid-month), who may sign and what, the
county's switch making posting wait for the signing, the database's guards, the signing day
of a month, and the quarter's financial review meeting."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from cadres.choices import PostKind
from ledgers import selectors, services
from ledgers.choices import VoucherState
from ledgers.models import SignedVoucher, SigningSession, SigningSignature, Voucher
from ledgers.tests.signing_fixtures import (
    SIGNING_DAY,
    committees,
    draft,
    post,
    sign,
    supervision,
    switch_on,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date


@pytest.fixture
def reviewer(village):
    return supervision(village)


# ------------------------------------------------------------------ the majority


@pytest.mark.parametrize(
    "signed,of,ok",
    [(3, 6, False), (4, 6, True), (3, 7, False), (4, 7, True), (1, 1, True), (1, 2, False),
     (2, 3, True), (2, 4, False), (3, 5, True)],
)  # fmt: skip
def test_more_than_half_of_the_sitting_members_sign(
    clerk, village, chart, open_books, reviewer, signed, of, ok
):
    members = committees(village, of)
    voucher = draft(clerk, village, chart)
    if ok:
        session = sign(clerk, village, members[:signed], [voucher], reviewer)
        assert session.members == of
        assert session.signatures.count() == signed
        assert list(session.signed_vouchers.values_list("voucher", flat=True)) == [voucher.pk]
        assert session.recorded_by == clerk
    else:
        with pytest.raises(ValidationError, match=f"两委.*{of}.*{signed}"):
            sign(clerk, village, members[:signed], [voucher], reviewer)
        assert not SigningSession.objects.exists()


def test_members_changing_mid_month_are_counted_on_the_signing_date(
    clerk, village, chart, open_books, reviewer
):
    # Six sat on 2026-01-05; on 01-10 one left, on 01-15 two joined: seven sit on the 21st.
    members = committees(village, 6)
    members[5].end_date, members[5].end_reason = D(2026, 1, 10), "resigned"
    members[5].save()
    joined = [
        post(village, PostKind.COMMITTEE_MEMBER, start=D(2026, 1, 15)),
        post(village, PostKind.BRANCH_MEMBER, start=D(2026, 1, 15)),
    ]
    assert selectors.committee_members_on(village, D(2026, 1, 5)) == 6
    assert selectors.committee_members_on(village, SIGNING_DAY) == 7
    early, late = draft(clerk, village, chart, day=D(2026, 1, 4)), draft(clerk, village, chart)
    # On the 5th the newcomers are not members yet, and 3 of 6 is no majority.
    with pytest.raises(ValidationError, match="未在本村两委任职"):
        sign(clerk, village, members[:3] + joined[:1], [early], reviewer, on=D(2026, 1, 5))
    with pytest.raises(ValidationError, match="6"):
        sign(clerk, village, members[:3], [early], reviewer, on=D(2026, 1, 5))
    # On the 21st the one who left no longer signs, and 4 of 7 are a majority.
    with pytest.raises(ValidationError, match=members[5].cadre.name):
        sign(clerk, village, [members[5], *members[:3]], [late], reviewer)
    session = sign(clerk, village, [*members[:2], *joined], [early, late], reviewer)
    assert session.members == 7
    assert {s.cadre for s in session.signatures.all()} == {p.cadre for p in [*members[:2], *joined]}


def test_one_person_in_two_posts_counts_once_and_signs_once(
    clerk, village, chart, open_books, reviewer
):
    members = committees(village, 4)
    second = post(village, PostKind.COMMITTEE_MEMBER, cadre=members[1].cadre)  # 交叉任职
    assert selectors.committee_members_on(village, SIGNING_DAY) == 4
    voucher = draft(clerk, village, chart)
    with pytest.raises(ValidationError, match="不能重复签字"):
        sign(clerk, village, [members[0], members[1], second], [voucher], reviewer)
    sign(clerk, village, members[:3], [voucher], reviewer)


def test_a_non_member_cannot_sign(clerk, village, other_village, chart, open_books, reviewer):
    members = committees(village, 3)
    stranger = committees(other_village, 1)[0]
    voucher = draft(clerk, village, chart)
    with pytest.raises(ValidationError, match="未在本村两委任职"):
        sign(clerk, village, [*members[:1], stranger], [voucher], reviewer)
    # The supervision committee reviews; it is not one of the two committees.
    with pytest.raises(ValidationError, match="未在本村两委任职"):
        sign(clerk, village, [*members[:1], reviewer], [voucher], reviewer)
    # And the reviewer must sit on the supervision committee.
    with pytest.raises(ValidationError, match="村务监督委员会"):
        sign(clerk, village, members[:2], [voucher], members[2])


def test_a_voucher_is_signed_once_and_a_signing_is_one_per_day(
    clerk, village, chart, open_books, reviewer
):
    members = committees(village, 3)
    voucher, other = draft(clerk, village, chart), draft(clerk, village, chart)
    sign(clerk, village, members[:2], [voucher], reviewer)
    with pytest.raises(ValidationError, match="已记录"):
        sign(clerk, village, members[:2], [other], reviewer)
    with pytest.raises(ValidationError, match="已签"):
        sign(clerk, village, members[:2], [voucher], reviewer, on=D(2026, 1, 22))
    later = draft(clerk, village, chart, day=D(2026, 1, 25))
    with pytest.raises(ValidationError, match="晚于"):
        sign(clerk, village, members[:2], [later], reviewer, on=D(2026, 1, 22))


def test_a_signed_draft_no_longer_changes(clerk, village, chart, open_books, reviewer):
    members = committees(village, 3)
    voucher = draft(clerk, village, chart)
    sign(clerk, village, members[:2], [voucher], reviewer)
    with pytest.raises(ValidationError, match="已于2026-01-21联签"):
        services.voucher_update_draft(
            actor=clerk, voucher=voucher, date=voucher.date, summary="改", lines=[]
        )
    with pytest.raises(ValidationError, match="联签"):
        services.voucher_discard_draft(actor=clerk, voucher=voucher)
    # Nor underneath the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(summary="改")
    with pytest.raises(IntegrityError), transaction.atomic():
        voucher.lines.update(debit=99999)
    with pytest.raises(IntegrityError), transaction.atomic():
        voucher.lines.filter(credit=0).delete()


# ------------------------------------------------------------------ posting waits for it


def test_posting_without_the_switch_needs_no_signing(clerk, insider, village, chart, open_books):
    voucher = services.voucher_post(actor=insider, voucher=draft(clerk, village, chart))
    assert voucher.state == VoucherState.POSTED


def test_the_switch_makes_posting_wait_for_the_signing(
    clerk, insider, supervisor, county, village, chart, open_books, reviewer
):
    switch_on(supervisor, county)
    members = committees(village, 5)
    voucher = draft(clerk, village, chart)
    with pytest.raises(ValidationError, match="尚未联签"):
        services.voucher_post(actor=insider, voucher=voucher)
    sign(clerk, village, members[:3], [voucher], reviewer)
    voucher = services.voucher_post(actor=insider, voucher=voucher)
    assert voucher.state == VoucherState.POSTED
    # A reversal undoes: it needs no signing.
    reversal = services.voucher_reverse(
        actor=clerk, voucher=voucher, date=D(2026, 1, 25), reason="重复报账"
    )
    assert services.voucher_post(actor=insider, voucher=reversal).state == VoucherState.POSTED


def test_a_post_recorded_since_the_signing_is_counted_at_posting(
    clerk, insider, supervisor, county, village, chart, open_books, reviewer
):
    switch_on(supervisor, county)
    members = committees(village, 4)
    voucher = draft(clerk, village, chart)
    sign(clerk, village, members[:3], [voucher], reviewer)
    # Two posts recorded afterwards that sat on the signing day: 3 of 6 is no majority.
    post(village, PostKind.COMMITTEE_MEMBER, start=D(2026, 1, 1))
    post(village, PostKind.COMMITTEE_MEMBER, start=D(2026, 1, 1))
    with pytest.raises(ValidationError, match="不足半数以上"):
        services.voucher_post(actor=insider, voucher=voucher)


def test_the_database_refuses_posting_an_unsigned_voucher(
    clerk, insider, supervisor, county, village, chart, open_books, monkeypatch
):
    switch_on(supervisor, county)
    monkeypatch.setattr(services.books, "require_voucher_signed", lambda *a: None)
    voucher = draft(clerk, village, chart)
    with pytest.raises(IntegrityError, match="never signed"), transaction.atomic():
        services.voucher_post(actor=insider, voucher=voucher)


def test_the_database_refuses_a_minority_signing_and_keeps_the_link(
    clerk, insider, supervisor, county, village, chart, open_books, reviewer, monkeypatch
):
    switch_on(supervisor, county)
    members = committees(village, 4)
    voucher = draft(clerk, village, chart)
    session = sign(clerk, village, members[:3], [voucher], reviewer)
    # Signatures are final: none removed, none changed, none added from outside.
    with pytest.raises(DatabaseError), transaction.atomic():
        SigningSignature.objects.filter(session=session).first().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        SigningSession.objects.filter(pk=session.pk).update(review_opinion="改")
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningSignature.objects.create(
            session=session, post=reviewer, cadre=reviewer.cadre, area_code=village.code
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningSignature.objects.create(
            session=session, post=members[0], cadre=members[0].cadre, area_code=village.code
        )
    # A minority of the sitting members (posts recorded since): the guard recounts.
    post(village, PostKind.COMMITTEE_MEMBER, start=D(2026, 1, 1))
    post(village, PostKind.COMMITTEE_MEMBER, start=D(2026, 1, 1))
    monkeypatch.setattr(services.books, "require_voucher_signed", lambda *a: None)
    with pytest.raises(IntegrityError, match="not more than half"), transaction.atomic():
        services.voucher_post(actor=insider, voucher=voucher)
    monkeypatch.undo()
    # Posted, the voucher keeps its signing: the link neither goes nor moves.
    other = draft(clerk, village, chart)
    sign(clerk, village, members, [other], reviewer, on=D(2026, 1, 22))  # 4 of 6
    services.voucher_post(actor=insider, voucher=other)
    link = SignedVoucher.objects.get(voucher=other)
    with pytest.raises(DatabaseError), transaction.atomic():
        link.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        SignedVoucher.objects.filter(pk=link.pk).update(voucher=voucher)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledgers_signedvoucher (session_id, voucher_id, area_code) "
            "VALUES (%s, %s, %s)",
            [session.pk, other.pk, village.code],
        )


# ------------------------------------------------------------------ the day of the month


def test_the_signing_day_of_a_month(supervisor, county, village):
    assert selectors.signing_day_for(village) is None
    switch_on(supervisor, county, day=31)
    village.refresh_from_db()
    assert selectors.signing_day_for(village) == 31
    assert selectors.signing_date_in(31, 2026, 2) == D(2026, 2, 28)
    assert selectors.signing_date_in(31, 2028, 2) == D(2028, 2, 29)
    assert selectors.signing_date_in(31, 2026, 4) == D(2026, 4, 30)
    assert selectors.signing_date_in(21, 2026, 4) == D(2026, 4, 21)
    village.signing_day = 5
    assert selectors.signing_day_for(village) == 5
    with pytest.raises(ValidationError):
        services.decision_policy_update(
            actor=supervisor,
            county_code=county.code,
            enabled=False,
            threshold=0,
            kinds=[],
            signing_day=32,
        )


# ------------------------------------------------------------------ 财务报审会


def review(clerk, village, **kw):
    data = {
        "year": 2026,
        "quarter": 1,
        "held_on": D(2026, 4, 8),
        "representatives": 30,
        "present": 20,
        "approved": True,
        "opinion": "一季度票据经审核无异议，同意报销。",
    }
    data.update(kw)
    return services.financial_review_record(actor=clerk, village=village, **data)


def test_the_quarters_financial_review(clerk, village):
    # Two thirds or more of the representatives: 20 of 30 is quorate, 19 is not.
    with pytest.raises(ValidationError, match="三分之二"):
        review(clerk, village, present=19)
    not_approving = review(clerk, village, quarter=2, held_on=D(2026, 7, 8), present=19,
                           approved=False)  # fmt: skip
    assert not not_approving.quorate and not not_approving.approved
    meeting = review(clerk, village)
    assert meeting.quorate and meeting.approved and meeting.recorded_by == clerk
    with pytest.raises(ValidationError, match="已记录"):
        review(clerk, village)
    with pytest.raises(ValidationError):
        review(clerk, village, quarter=3, present=31)
    with pytest.raises(ValidationError):
        review(clerk, village, quarter=4, held_on=D(2026, 9, 1))
    with pytest.raises(DatabaseError), transaction.atomic():
        type(meeting).objects.filter(pk=meeting.pk).update(opinion="改")
