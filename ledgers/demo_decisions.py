"""Demo data of 四议两公开, for the villages of the first county (`ledgers.demo` calls it while
planning a village and writes the rows with the village's books).

Most villages follow the rules: their large purchase of the year (the solar street lamps, when
they buy them) cites a decision that went through its four steps and was made public before the
voucher, and many have made the result public since; about one in eight took a contract decision
for its pond. A lamp decision whose result is made public records the end of its
implementation a few days before, within the county's 30 days. A few gaps, as a county finds
them: a village that bought its lamps with no decision (posted before the county's policy came
into force), a village whose resolution was never made public, a village whose lease of the old
village office failed at the party members' meeting, and villages whose lamps were installed
long ago with the result never made public (the warning "decision results not made public"
fires for them). The county's policy (5万元, every kind) is set once the books are written.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from cadres.demo import _Row
from villages.demo import troubled

from .choices import Assembly, DecisionKind, DecisionState, DecisionStepKind
from .quorum import rule_for

__all__ = ["plan_decisions"]

LAMPS = "购置太阳能路灯"


def _steps(rng, decision, start: dt.date, maker: int, fail_at: str | None, common) -> list:
    """The four meetings from `start`, a day or a few apart; the one `fail_at` fails."""
    rows, day = [], start
    meetings = [
        (DecisionStepKind.PROPOSAL, "", rng.randint(3, 5)),
        (DecisionStepKind.DISCUSSION, "", rng.randint(5, 9)),
        (DecisionStepKind.REVIEW, "", rng.randint(18, 45)),
        (DecisionStepKind.RESOLUTION, Assembly.REPRESENTATIVES, rng.randint(25, 45)),
    ]
    for kind, assembly, entitled in meetings:
        rule = rule_for(kind, assembly)
        present = entitled - rng.randint(0, max(1, entitled // 6))
        if not rule.quorate(entitled, present):
            present = entitled
        votes_for = present - rng.randint(0, max(0, present // 8))
        if kind == fail_at:
            votes_for = entitled // 2 - 1 if rule.of_entitled else present // 2
        if not rule.passes(entitled, present, votes_for) and kind != fail_at:
            votes_for = present
        passed = rule.passes(entitled, present, votes_for)
        rows.append(
            _Row(
                decision_id=decision,
                kind=kind,
                assembly=assembly,
                held_on=day,
                entitled=entitled,
                present=present,
                votes_for=votes_for,
                votes_against=present - votes_for,
                votes_abstain=0,
                quorate=rule.quorate(entitled, present),
                passed=passed,
                minutes=_minutes(kind, passed),
                recorded_by_id=maker,
                **common,
            )
        )
        if not passed:
            break
        day += dt.timedelta(days=rng.randint(1, 4))
    return rows


def _minutes(kind: str, passed: bool) -> str:
    """The minutes of a meeting, in the village's words."""
    said = {
        DecisionStepKind.PROPOSAL: "支委会研究提出初步方案，提交两委会商议。",
        DecisionStepKind.DISCUSSION: "两委联席会议逐项商议，形成书面方案。",
        DecisionStepKind.REVIEW: "党员大会审议方案，党员发表意见后表决。",
        DecisionStepKind.RESOLUTION: "村民代表会议讨论并表决，形成决议。",
    }[DecisionStepKind(kind)]
    return said if passed else said + "表决未获通过，事项终止。"


def _decision(village, year, number, subject, kind, amount, state, maker, common):
    return _Row(
        village_id=village.pk,
        year=year,
        number=number,
        subject=subject,
        kind=kind,
        amount=amount,
        description="",
        attachments=2,
        state=state,
        resolution_published_on=None,
        resolution_text="",
        implemented_on=None,
        result_published_on=None,
        result_text="",
        created_by_id=maker,
        **common,
    )


def plan_decisions(*, seed: int, village, plan, maker: int, on: dt.date) -> None:
    """Add the village's decisions and their steps to `plan` (`decisions`, `steps`, `results`:
    the decisions whose result is made public once the vouchers citing them are posted), and
    point its lamp voucher at its decision."""
    rng = random.Random(f"ledgers-decisions:{seed}:{village.code}")
    common = {"area_code": village.code}
    year = on.year
    profile = rng.random()
    number = 0
    lamps = next((v for v in plan.vouchers if v.summary.startswith(LAMPS)), None)
    if lamps is not None and profile >= 0.08:
        total = sum(x.debit for x in plan.lines if x.voucher_id is lamps)
        amount = (total / 1000).to_integral_value(rounding="ROUND_CEILING") * 1000
        start = lamps.date - dt.timedelta(days=rng.randint(14, 30))
        if start.year == year:
            number += 1
            unpublished = 0.08 <= profile < 0.14
            decision = _decision(
                village,
                year,
                number,
                "购置安装太阳能路灯",
                DecisionKind.PROJECT,
                Decimal(amount),
                DecisionState.RESOLVED if unpublished else DecisionState.PUBLISHED,
                maker,
                common,
            )
            steps = _steps(rng, decision, start, maker, None, common)
            if not unpublished:
                decision.resolution_published_on = steps[-1].held_on + dt.timedelta(days=1)
                decision.resolution_text = (
                    f"经村民代表会议决议，购置太阳能路灯，预算{amount:,.0f}元，张榜公布七日。"
                )
                lamps.decision_id = decision
                # Its own generator: the draws of the village's other decisions stay as they were.
                implementation = random.Random(f"ledgers-decision-results:{seed}:{village.code}")
                behind = troubled(village.code, seed)  # only those leave a result unpublished
                if lamps.date + dt.timedelta(days=30) < on and not behind:
                    result_on = lamps.date + dt.timedelta(days=rng.randint(10, 30))
                    decision.implemented_on = result_on - dt.timedelta(
                        days=implementation.randint(3, 9)
                    )
                    plan.results.append((decision, result_on))
                elif lamps.date + dt.timedelta(days=40) < on and behind:
                    # A gap: installed long ago, the result never made public.
                    decision.implemented_on = lamps.date + dt.timedelta(
                        days=implementation.randint(2, 8)
                    )
            plan.decisions.append(decision)
            plan.steps.extend(steps)
    start = dt.date(year, rng.randint(1, 3), rng.randint(1, 20))
    if rng.random() < 0.15 and start + dt.timedelta(days=20) < on:
        number += 1
        decision = _decision(
            village,
            year,
            number,
            "集体坑塘到期续包",
            DecisionKind.CONTRACT,
            Decimal(rng.randrange(20_000, 80_000, 1000)),
            DecisionState.PUBLISHED,
            maker,
            common,
        )
        steps = _steps(rng, decision, start, maker, None, common)
        decision.resolution_published_on = steps[-1].held_on + dt.timedelta(days=2)
        decision.resolution_text = "坑塘续包方案经村民代表会议通过，公开招标。"
        plan.decisions.append(decision)
        plan.steps.extend(steps)
    start = dt.date(year, rng.randint(2, 6), rng.randint(1, 20))
    if profile >= 0.93 and start + dt.timedelta(days=20) < on:
        number += 1
        decision = _decision(
            village,
            year,
            number,
            "出租老村部院落",
            DecisionKind.DISPOSAL,
            Decimal(rng.randrange(30_000, 90_000, 1000)),
            DecisionState.FAILED,
            maker,
            common,
        )
        plan.decisions.append(decision)
        plan.steps.extend(_steps(rng, decision, start, maker, DecisionStepKind.REVIEW, common))
