"""The quorum and majority of each step of 四议两公开, defined once (tested at their
boundaries in ledgers/tests/test_quorum.py).

Chinese rules say 过半数/超过半数 for "more than half" (strictly) and 三分之二以上 for "two
thirds or more" (以上 includes the number itself, 民法典 §1259). Integer arithmetic, no rounding:
"more than half of 9" is 5, "two thirds of 9 or more" is 6.

- 党支部提议 (the branch committee) and 党员大会审议 (the party members' meeting): the party's
  "two halves" (《中国共产党支部工作条例（试行）》): more than half of those entitled present,
  and more than half of those entitled in favour — absentees count against.
- 两委会商议 (joint meeting of the two committees): no national text; the same two halves, so a
  minority of the committees cannot carry a matter.
- 村民代表会议决议: two thirds or more of the representatives present; more than half of those
  present in favour (村民委员会组织法 §26).
- 村民会议决议: more than half of the adult villagers present, or two thirds or more of the
  households represented; more than half of those present in favour (村民委员会组织法 §22).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .choices import Assembly, DecisionStepKind

HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)


@dataclass(frozen=True)
class Rule:
    """`quorum` of those entitled must be present (`inclusive`: that share or more; else more
    than it); more than half of those entitled (`of_entitled`) or of those present vote for."""

    quorum: Fraction
    inclusive: bool
    of_entitled: bool

    def quorate(self, entitled: int, present: int) -> bool:
        share = Fraction(present, entitled) if entitled else Fraction(0)
        return share >= self.quorum if self.inclusive else share > self.quorum

    def passes(self, entitled: int, present: int, votes_for: int) -> bool:
        base = entitled if self.of_entitled else present
        return self.quorate(entitled, present) and base > 0 and Fraction(votes_for, base) > HALF


PARTY = Rule(quorum=HALF, inclusive=False, of_entitled=True)
REPRESENTATIVES = Rule(quorum=TWO_THIRDS, inclusive=True, of_entitled=False)
ADULT_VILLAGERS = Rule(quorum=HALF, inclusive=False, of_entitled=False)
HOUSEHOLDS = Rule(quorum=TWO_THIRDS, inclusive=True, of_entitled=False)

RULES: dict[str, Rule] = {
    DecisionStepKind.PROPOSAL: PARTY,
    DecisionStepKind.DISCUSSION: PARTY,
    DecisionStepKind.REVIEW: PARTY,
}
ASSEMBLY_RULES: dict[str, Rule] = {
    Assembly.REPRESENTATIVES: REPRESENTATIVES,
    Assembly.VILLAGERS: ADULT_VILLAGERS,
    Assembly.HOUSEHOLDS: HOUSEHOLDS,
}


def rule_for(kind: str, assembly: str = "") -> Rule:
    """The rule of a step (the fourth step's depends on who resolves)."""
    if kind == DecisionStepKind.RESOLUTION:
        return ASSEMBLY_RULES[assembly]
    return RULES[kind]


def minimum_present(rule: Rule, entitled: int) -> int:
    """The fewest present for the meeting to be quorate (shown next to the form's fields)."""
    return next(n for n in range(entitled + 1) if rule.quorate(entitled, n)) if entitled else 1


def more_than_half(count: int, of: int) -> bool:
    """过半数: strictly more than half (3 of 5, 3 of 4, 2 of 3, 2 of 2; not 2 of 4, none of
    0). Used for the supervision committee's signatures on a statement."""
    return of > 0 and Fraction(count, of) > HALF
