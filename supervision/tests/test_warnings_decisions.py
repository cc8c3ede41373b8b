"""预警 rule "decision results not made public": a decision implemented whose result is not
made public within the county's days (default 30) raises the village's warning from the day
after; not on the last day, not once made public, not while the implementation runs."""

import datetime as dt
from decimal import Decimal

import pytest

from ledgers import services as ledger_services
from ledgers.tests.decision_result_helpers import implemented
from supervision import services
from supervision.choices import WarningLevel, WarningRule
from supervision.models import VillageWarning

from .warnings_helpers import disclose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
DONE = D(2026, 6, 1)
RULE = str(WarningRule.DECISION_RESULT_LATE)


def reasons(village, on):
    services.warnings_evaluate(on=on, village_codes=[village.code])
    warning = VillageWarning.objects.filter(village=village).first()
    return {} if warning is None else {r["rule"]: r for r in warning.reasons}


@pytest.fixture
def clean(village):
    disclose(village, "2026Q2")
    disclose(village, "2026Q1")
    return village


@pytest.mark.parametrize("days, fires", [(29, False), (30, False), (31, True)])
def test_the_default_30_days_at_their_boundary(clean, insider, days, fires):
    implemented(clean, insider, DONE)
    found = reasons(clean, DONE + dt.timedelta(days=days))
    assert (RULE in found) is fires
    if fires:
        assert found[RULE]["level"] == WarningLevel.YELLOW
        assert found[RULE]["text"] == (
            "1 项决议实施完成后 30 日内未公开实施结果"
            "（最早一项：议-2026-001，2026年6月1日实施完成）"
        )


@pytest.mark.parametrize("days, fires", [(9, False), (10, False), (11, True)])
def test_the_countys_days_at_their_boundary(clean, insider, supervisor, county, days, fires):
    ledger_services.decision_policy_update(
        actor=supervisor,
        county_code=county.code,
        enabled=True,
        threshold=Decimal("50000"),
        kinds=["funds"],
        result_due_days=10,
    )
    implemented(clean, insider, DONE)
    assert (RULE in reasons(clean, DONE + dt.timedelta(days=days))) is fires


def test_a_result_made_public_or_an_implementation_not_ended_raises_nothing(clean, insider):
    implemented(clean, insider, DONE, result_on=D(2026, 6, 20), n=1)
    implemented(clean, insider, DONE, result_on=D(2026, 9, 1), n=2)  # late, but public now
    assert RULE not in reasons(clean, D(2026, 10, 1))


def test_several_late_results_are_counted_the_oldest_named(clean, insider):
    implemented(clean, insider, D(2026, 5, 2), n=2)
    implemented(clean, insider, D(2026, 4, 1), n=1)
    text = reasons(clean, D(2026, 10, 1))[RULE]["text"]
    assert text.startswith("2 项决议实施完成后 30 日内未公开实施结果")
    assert "议-2026-001" in text and "2026年4月1日" in text


def test_the_county_may_switch_the_rule_off(clean, insider, county):
    from supervision.models import SupervisionPolicy

    SupervisionPolicy.objects.create(area_code=county.code, rule_levels={RULE: 0})
    implemented(clean, insider, DONE)
    assert RULE not in reasons(clean, D(2026, 10, 1))
