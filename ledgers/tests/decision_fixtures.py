"""Helpers of the decision tests: a decision taken through its four steps and made public."""

import datetime as dt
from decimal import Decimal

from ledgers import services
from ledgers.choices import Assembly, DecisionKind

D = dt.date
#: the four meetings: date, entitled, present, for
MEETINGS = [
    (D(2026, 1, 5), 5, 5, 5),
    (D(2026, 1, 6), 7, 6, 6),
    (D(2026, 1, 8), 30, 24, 20),
    (D(2026, 1, 10), 40, 30, 25),
]


def step(actor, decision, day, entitled, present, votes_for, **extra):
    return services.decision_record_step(
        actor=actor,
        decision=decision,
        held_on=day,
        entitled=entitled,
        present=present,
        votes_for=votes_for,
        minutes=extra.pop("minutes", "会议讨论，形成意见。"),
        **extra,
    )


def resolved(actor, village, amount="100000.00", kind=DecisionKind.PROJECT, publish=True, **kw):
    """A decision passed at every step and, if `publish`, made public on 2026-01-11."""
    decision = services.decision_create(
        actor=actor,
        village=village,
        subject=kw.pop("subject", "村内道路硬化工程"),
        kind=kind,
        amount=Decimal(amount),
        year=2026,
        **kw,
    )
    for i, (day, entitled, present, votes_for) in enumerate(MEETINGS):
        extra = {"assembly": Assembly.REPRESENTATIVES} if i == 3 else {}
        step(actor, decision, day, entitled, present, votes_for, **extra)
    if publish:
        decision = services.decision_publish_resolution(
            actor=actor, decision=decision, published_on=D(2026, 1, 11), text="决议内容张榜公布。"
        )
    decision.refresh_from_db()
    return decision


def policy(supervisor, county, threshold="50000", kinds=("funds", "contract", "disposal")):
    return services.decision_policy_update(
        actor=supervisor,
        county_code=county.code,
        enabled=True,
        threshold=Decimal(threshold),
        kinds=list(kinds),
    )
