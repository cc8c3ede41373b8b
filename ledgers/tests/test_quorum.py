"""The quorum and majority of each step of 四议两公开, at their boundaries."""

import pytest

from ledgers.choices import Assembly, DecisionStepKind
from ledgers.quorum import (
    ADULT_VILLAGERS,
    HOUSEHOLDS,
    PARTY,
    REPRESENTATIVES,
    minimum_present,
    rule_for,
)


@pytest.mark.parametrize(
    ("entitled", "present", "quorate"),
    [(9, 4, False), (9, 5, True), (10, 5, False), (10, 6, True), (1, 1, True), (2, 1, False)],
)
def test_party_meetings_need_more_than_half_present(entitled, present, quorate):
    assert PARTY.quorate(entitled, present) is quorate


@pytest.mark.parametrize(
    ("entitled", "present", "votes_for", "passes"),
    [
        # More than half of those entitled, not of those present: absentees count against.
        (10, 6, 5, False),
        (10, 6, 6, True),
        (9, 9, 5, True),
        (9, 9, 4, False),
        (10, 5, 5, False),  # not quorate, though every one present voted for
    ],
)
def test_party_meetings_pass_with_more_than_half_of_those_entitled(
    entitled, present, votes_for, passes
):
    assert PARTY.passes(entitled, present, votes_for) is passes


@pytest.mark.parametrize(
    ("entitled", "present", "quorate"),
    # 三分之二以上: two thirds or more, the number itself included.
    [(30, 19, False), (30, 20, True), (31, 20, False), (31, 21, True), (3, 2, True)],
)
def test_representatives_need_two_thirds_or_more_present(entitled, present, quorate):
    assert REPRESENTATIVES.quorate(entitled, present) is quorate


@pytest.mark.parametrize(
    ("present", "votes_for", "passes"),
    # More than half of those present, strictly: 10 of 20 is not enough.
    [(20, 10, False), (20, 11, True), (21, 11, True), (21, 10, False)],
)
def test_representatives_pass_with_more_than_half_of_those_present(present, votes_for, passes):
    assert REPRESENTATIVES.passes(30, present, votes_for) is passes


def test_villagers_meeting_counts_adults_by_half_and_households_by_two_thirds():
    assert not ADULT_VILLAGERS.quorate(800, 400)
    assert ADULT_VILLAGERS.quorate(800, 401)
    assert not HOUSEHOLDS.quorate(300, 199)
    assert HOUSEHOLDS.quorate(300, 200)
    assert ADULT_VILLAGERS.passes(800, 401, 201)
    assert not ADULT_VILLAGERS.passes(800, 401, 200)


def test_each_step_has_its_rule():
    assert rule_for(DecisionStepKind.PROPOSAL) is PARTY
    assert rule_for(DecisionStepKind.DISCUSSION) is PARTY
    assert rule_for(DecisionStepKind.REVIEW) is PARTY
    assert rule_for(DecisionStepKind.RESOLUTION, Assembly.REPRESENTATIVES) is REPRESENTATIVES
    assert rule_for(DecisionStepKind.RESOLUTION, Assembly.HOUSEHOLDS) is HOUSEHOLDS


def test_minimum_present():
    assert minimum_present(PARTY, 9) == 5
    assert minimum_present(PARTY, 10) == 6
    assert minimum_present(REPRESENTATIVES, 30) == 20
    assert minimum_present(REPRESENTATIVES, 31) == 21
