"""五好率 (reports.figures.five_good_rate) at its boundaries, as the dashboards show it."""

from decimal import Decimal

import pytest

from core.rates import format_percent
from reports.figures import Figures, five_good_rate


@pytest.mark.parametrize(
    "good,rated,rate,shown",
    [
        (0, 0, None, "—"),  # no village rated: no figure, not 0%
        (0, 5, Decimal("0.000"), "0.0%"),  # none
        (5, 5, Decimal("1.000"), "100.0%"),  # all
        (31, 56, Decimal("0.554"), "55.4%"),  # the seed county's 55.4%: 0.55357… rounds up
        (1, 16, Decimal("0.063"), "6.3%"),  # half up: 0.0625 → 0.063
        (2, 3, Decimal("0.667"), "66.7%"),
    ],
)
def test_five_good_rate_at_its_boundaries(good, rated, rate, shown):
    assert five_good_rate(good, rated) == rate
    assert format_percent(five_good_rate(good, rated)) == shown


def test_figures_sum_before_the_rate_is_taken():
    """A county's rate is taken from the townships' sums, never averaged from their rates."""
    a, b = Figures(five_good_rated=1, five_good=1), Figures(five_good_rated=3, five_good=0)
    total = Figures()
    total.add(a)
    total.add(b)
    assert (a.five_good_rate, b.five_good_rate) == (Decimal("1.000"), Decimal("0.000"))
    assert total.five_good_rate == Decimal("0.250")
