"""The demo's 联签 and 财务报审会: most villages of the first county sign every month, by more
than half of the two committees sitting that day, reviewed by their supervision committee's
chair; a few gaps; the quarters' meetings; the chains stay intact."""

import datetime as dt

import pytest
from django.db.models import Count

from cadres.demo import build_cadre_demo
from ledgers import demo
from ledgers.choices import VoucherState
from ledgers.models import DecisionPolicy, FinancialReview, SignedVoucher, SigningSession
from ledgers.selectors import committee_members_on, verify_chain
from villages import demo as tree_demo
from villages.models import Village

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 23)


def test_the_demo_signing_days(db):
    tree_demo.build_demo(tree_demo.plan_demo(villages=40, townships=3, seed=7))
    build_cadre_demo(seed=7, villages=Village.objects.all(), on=ON)
    demo.build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    county = Village.objects.order_by("code").first().code[:6]
    assert DecisionPolicy.objects.get(area_code=county).signing_day == 21
    first = Village.objects.filter(code__startswith=county)
    sessions = SigningSession.objects.filter(area_code__startswith=county)
    per_village = dict(
        sessions.order_by()
        .values_list("village")
        .annotate(n=Count("pk"))
        .values_list("village", "n")
    )
    # Most villages signed in most of the eleven months signed so far (2026-01-21 .. 11-21:
    # a month with no voucher since the last signing has nothing to sign); a few never did.
    assert max(per_village.values()) == 11
    assert len([n for n in per_village.values() if n >= 8]) >= 0.7 * first.count()
    assert len(per_village) < first.count()
    for session in sessions.select_related("village", "reviewer").prefetch_related("signatures")[
        :20
    ]:
        assert session.reviewer.kind == "supervision_chair"
        members = committee_members_on(session.village, session.signed_on)
        assert session.members == members
        assert 2 * session.signatures.count() > members
    assert not SignedVoucher.objects.exclude(voucher__state=VoucherState.POSTED).exists()
    assert FinancialReview.objects.filter(area_code__startswith=county, approved=True).exists()
    for village in first[:5]:
        assert verify_chain(village).intact
