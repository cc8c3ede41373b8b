"""Helpers of the signing-day tests: the two committees and the supervision committee of a
village, a draft voucher, a signing recorded."""

import datetime as dt
from decimal import Decimal

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from ledgers import services
from ledgers.tests.conftest import lines

D = dt.date
START = D(2024, 1, 10)
SIGNING_DAY = D(2026, 1, 21)
DRAFT_DAY = D(2026, 1, 15)
COMMITTEE_KINDS = [
    PostKind.SECRETARY_AND_CHAIR,
    PostKind.DEPUTY_SECRETARY,
    PostKind.VICE_CHAIR,
    PostKind.BRANCH_MEMBER,
    PostKind.COMMITTEE_MEMBER,
    PostKind.COMMITTEE_MEMBER,
    PostKind.BRANCH_MEMBER,
]


def post(village, kind, start=START, end=None, cadre=None):
    cadre = cadre or CadreFactory(village=village)
    made = PostFactory(cadre=cadre, village=village, kind=kind, start_date=start)
    if end is not None:
        made.end_date, made.end_reason = end, "resigned"
        made.save()
    return made


def committees(village, size):
    """`size` members of the two committees, sitting since 2024."""
    return [post(village, COMMITTEE_KINDS[i % len(COMMITTEE_KINDS)]) for i in range(size)]


def supervision(village):
    return post(village, PostKind.SUPERVISION_CHAIR)


def draft(clerk, village, chart, amount="1200", day=DRAFT_DAY, **extra):
    return services.voucher_create(
        actor=clerk,
        village=village,
        date=day,
        summary=extra.pop("summary", "购买办公用品"),
        lines=lines(chart, "expense", "cash", Decimal(amount)),
        **extra,
    )


def sign(actor, village, posts, vouchers, reviewer, on=SIGNING_DAY, **extra):
    return services.signing_record(
        actor=actor,
        village=village,
        signed_on=on,
        posts=posts,
        vouchers=vouchers,
        reviewer=reviewer,
        review_opinion=extra.pop("review_opinion", "票据真实齐全，同意报账。"),
        **extra,
    )


def switch_on(supervisor, county, day=21):
    return services.decision_policy_update(
        actor=supervisor,
        county_code=county.code,
        enabled=False,
        threshold=Decimal("50000"),
        kinds=[],
        signing_day=day,
        posting_needs_signing=True,
    )
