"""The demo's 四议两公开: decisions with their steps in order, the lamp vouchers citing theirs,
a few gaps, the first county's policy; the chains stay intact."""

import datetime as dt

import pytest

from ledgers import demo
from ledgers.choices import DecisionState, VoucherState
from ledgers.models import Decision, DecisionPolicy, DecisionStep, Voucher
from ledgers.selectors import verify_chain
from ledgers.services import decision_remaining
from villages import demo as tree_demo
from villages.models import Village

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 23)


def test_the_demo_decisions(db):
    tree_demo.build_demo(tree_demo.plan_demo(villages=40, townships=3, seed=7))
    demo.build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    decisions = Decision.objects.all()
    assert decisions.count() >= 10
    states = set(decisions.values_list("state", flat=True))
    assert {DecisionState.PUBLISHED, DecisionState.DONE} <= states
    for decision in decisions.prefetch_related("steps"):
        steps = sorted(decision.steps.all(), key=lambda s: s.held_on)
        assert [s.passed for s in steps[:-1]] == [True] * (len(steps) - 1)
        assert (decision.state == DecisionState.FAILED) == (not steps[-1].passed)
        assert decision_remaining(decision) >= 0
    cited = Voucher.objects.filter(decision__isnull=False, state=VoucherState.POSTED)
    assert cited.exists()
    # A gap: a lamp purchase posted with no decision behind it.
    gaps = Voucher.objects.filter(summary__startswith="购置太阳能路灯", decision__isnull=True)
    assert gaps.exists() or DecisionStep.objects.filter(passed=False).exists()
    county = Village.objects.order_by("code").first().code[:6]
    assert DecisionPolicy.objects.get(area_code=county).enabled
    for village in Village.objects.filter(decisions__isnull=False).distinct()[:5]:
        assert verify_chain(village).intact


def test_the_demo_has_results_on_time_and_a_few_late_ones_that_raise_the_warning(db):
    from reports.figures import period_figures
    from supervision.models import VillageWarning
    from supervision.periods import Period
    from supervision.services import warnings_evaluate

    tree_demo.build_demo(tree_demo.plan_demo(villages=40, townships=3, seed=7))
    demo.build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    done = Decision.objects.filter(state=DecisionState.DONE)
    assert done.exists()
    assert not done.filter(implemented_on__isnull=True).exists()
    late = Decision.objects.filter(
        state=DecisionState.PUBLISHED, implemented_on__lt=ON - dt.timedelta(days=30)
    )
    assert 1 <= late.count() < done.count()  # most follow the rule, a few gaps
    warnings_evaluate(on=ON)
    fired = VillageWarning.objects.filter(reasons__contains=[{"rule": "decision_result_late"}])
    assert set(fired.values_list("village_id", flat=True)) == set(
        late.values_list("village_id", flat=True)
    )
    county = Village.objects.order_by("code").first().code[:6]
    year = period_figures(prefix=county, period=Period.parse(str(ON.year)), on=ON).total
    assert year.decision_results_overdue == late.count()
    assert year.decision_results_on_time >= 1
