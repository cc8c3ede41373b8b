import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from supervision.choices import PeriodKind, TaskKind
from supervision.periods import Period, month_end
from supervision.services import due_date, policy_for

D = dt.date


@pytest.mark.parametrize(
    "code,start,end",
    [
        ("2026Q3", D(2026, 7, 1), D(2026, 9, 30)),
        ("2026h2", D(2026, 7, 1), D(2026, 12, 31)),
        ("2024Q1", D(2024, 1, 1), D(2024, 3, 31)),
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_parse_round_trip_and_bounds(code, start, end):
    period = Period.parse(code)
    assert (period.start, period.end) == (start, end)
    assert Period.parse(str(period)) == period and str(period) == code.upper()


@pytest.mark.parametrize("bad", ["", "2026Q5", "2026H3", "26Q1", "2026Q0", "Q3", "2026-3"])
def test_bad_codes_are_refused_in_words(bad):
    with pytest.raises(ValidationError):
        Period.parse(bad)


def test_previous_next_containing_and_quarters():
    assert str(Period.parse("2026Q1").previous()) == "2025Q4"
    assert str(Period.parse("2026H2").next()) == "2027H1"
    assert str(Period.containing(PeriodKind.QUARTER, D(2026, 11, 23))) == "2026Q4"
    assert [str(q) for q in Period.parse("2026H2").quarters()] == ["2026Q3", "2026Q4"]
    assert month_end(2026, 14) == D(2027, 2, 28)


@pytest.mark.django_db
def test_default_and_county_due_dates(county):
    policy = policy_for(county.code)
    assert due_date(policy, TaskKind.INSPECTION, Period.parse("2026Q3")) == D(2026, 8, 31)
    assert due_date(policy, TaskKind.ANNUAL_INSPECTION, Period.parse("2026")) == D(2027, 1, 31)
    policy.due_months = {**policy.due_months, "inspection": 3}
    policy.save()
    assert due_date(policy_for(county.code), TaskKind.INSPECTION, Period.parse("2026Q3")) == D(
        2026, 9, 30
    )
