"""The dashboards' 四述双评 figure: village cadres' quarterly reports scored in the period's
quarters and their average score, at the boundaries (the quarter, not the day heard, decides
the period; unscored, replaced and contact leaders' reports are not counted)."""

import datetime as dt
from decimal import Decimal

import pytest

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from reports.figures import period_figures
from supervision import services
from supervision.choices import PeriodKind
from supervision.periods import Period
from supervision.tests.quarterly_helpers import YEAR, quarter_end, report, scored
from villages.tests.factories import ContactAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(YEAR + 1, 3, 1)


def _figures(period):
    return period_figures(prefix="370830", period=period, on=ON)


def test_the_reports_scored_count_in_the_periods_of_their_quarter(insider, village, township):
    secretary = PostFactory(
        cadre=CadreFactory(village=village), village=village, kind=PostKind.SECRETARY
    ).cadre
    chair = PostFactory(cadre=CadreFactory(village=village), village=village, kind=PostKind.CHAIR)
    # heard on the grace days after the quarter: counted in Q3 all the same
    scored(insider, 3, "80", cadre=secretary, reported_on=quarter_end(3) + dt.timedelta(days=20))
    scored(insider, 3, "85", cadre=chair.cadre)
    scored(insider, 2, "90", cadre=secretary)
    report(insider, 4, cadre=secretary)  # heard, not scored
    leader = UserFactory(username="leader")
    ContactAssignmentFactory(cadre=leader, village=village, start_date=D(YEAR, 1, 1))
    scored(insider, 3, "10", person=leader, township=township)  # the township's, no village

    q3 = _figures(Period(YEAR, PeriodKind.QUARTER, 3))
    assert (q3.total.quarterly_scored, q3.total.quarterly_average) == (2, Decimal("82.5"))
    by_code = {row.code: row.figures for row in q3.villages}
    assert by_code[village.code].quarterly_scored == 2
    assert _figures(Period(YEAR, PeriodKind.QUARTER, 2)).total.quarterly_scored == 1
    assert _figures(Period(YEAR, PeriodKind.QUARTER, 4)).total.quarterly_average is None
    h2 = _figures(Period(YEAR, PeriodKind.HALF, 2))
    assert h2.total.quarterly_scored == 2
    year = _figures(Period(YEAR, PeriodKind.YEAR, 1))
    assert (year.total.quarterly_scored, year.total.quarterly_average) == (3, Decimal("85.0"))


def test_a_corrected_report_counts_once_as_its_correction(insider, village):
    secretary = PostFactory(cadre=CadreFactory(village=village), village=village).cadre
    first = scored(insider, 1, "50", cadre=secretary)
    q1 = Period(YEAR, PeriodKind.QUARTER, 1)
    fixed = services.quarterly_report_correct(actor=insider, report=first, reason="误录")
    assert _figures(q1).total.quarterly_scored == 0  # the correction awaits its score
    services.quarterly_report_score(
        actor=insider, report=fixed, commented_by="王", comment="好", score=Decimal("71.5")
    )
    figures = _figures(q1).total
    assert (figures.quarterly_scored, figures.quarterly_average) == (1, Decimal("71.5"))
