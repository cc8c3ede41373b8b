"""The 五好 demo: about 55% of the first county's villages rated 五好, the current year partly
awaiting the county, every rating consistent with the rules the services enforce."""

import datetime as dt
from decimal import Decimal

import pytest

from cadres.demo import build_cadre_demo
from ledgers.demo import build_ledger_demo
from reports.figures import period_figures
from supervision import demo
from supervision.choices import RatingState
from supervision.models import FiveGoodRating
from supervision.periods import Period
from villages import demo as tree_demo
from villages.models import Village

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 23)


def test_the_demo_rates_about_55_percent_five_good(db):
    tree_demo.build_demo(tree_demo.plan_demo(villages=60, townships=3, seed=7))
    build_cadre_demo(seed=7, villages=Village.objects.all(), on=ON)
    build_ledger_demo(seed=7, villages=Village.objects.all(), on=ON)
    result = demo.build_supervision_demo(seed=7, villages=Village.objects.all(), on=ON)
    assert result.five_good_ratings == FiveGoodRating.objects.count() > 60
    county = Village.objects.order_by("code").first().code[:6]
    last_year = period_figures(prefix=county, period=Period.parse("2025")).total
    assert last_year.five_good_rated == 60
    # round(55.4% of 60) = 33 villages: 55.0%
    assert (last_year.five_good, last_year.five_good_rate) == (33, Decimal("0.550"))
    this_year = FiveGoodRating.objects.filter(year=2026)
    states = set(this_year.values_list("state", flat=True))
    assert states >= {RatingState.CONFIRMED, RatingState.PROPOSED}
    assert 50 <= this_year.count() <= 60
    for r in FiveGoodRating.objects.all():
        for _key, _label, met, note in r.outcomes():
            assert met or note  # a 好 not met has its note
