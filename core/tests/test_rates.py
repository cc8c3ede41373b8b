"""The rates users see: the boundaries of each definition, the rounding, and the SQL expressions
giving what the Python functions give."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Value

from core import rates

D = Decimal


# ------------------------------------------------------------------ satisfaction


@pytest.mark.parametrize(
    "satisfied, basic, returned, expected",
    [
        (0, 0, 0, None),  # no ballot: no rate, not 0%
        (None, None, None, None),  # SUMs over no vote
        (48, 0, 48, D("1.000")),  # all satisfied
        (0, 48, 48, D("1.000")),  # only 基本满意: counts as satisfied
        (0, 0, 48, D("0.000")),  # only 不满意
        (30, 10, 48, D("0.833")),  # 40/48 = 0.8333
        (36, 10, 48, D("0.958")),  # 46/48 = 0.9583
        (1, 0, 16, D("0.063")),  # 0.0625: half up, not to even
        (None, 3, 4, D("0.750")),  # a None count is 0
    ],
)
def test_satisfaction_rate(satisfied, basic, returned, expected):
    got = rates.satisfaction_rate(satisfied=satisfied, basic=basic, returned=returned)
    assert got == expected
    if expected is not None:
        assert got.as_tuple().exponent == -3


def test_only_satisfied_and_basically_satisfied_count_as_satisfied():
    assert rates.satisfied_ballots(3, 4) == 7
    assert rates.satisfied_ballots(None, 4) == 4


# ------------------------------------------------------------------ fulfilment


@pytest.mark.parametrize(
    "fulfilled, partly, not_fulfilled, expected",
    [
        (0, 0, 0, None),  # no promise due (all on schedule or not yet due): no figure, not 0%
        (None, None, None, None),
        (4, 0, 0, D("1.000")),  # every promise due fulfilled
        (0, 4, 0, D("0.500")),  # only 部分兑现: half, not fully fulfilled
        (0, 0, 4, D("0.000")),  # only 未兑现
        (2, 2, 2, D("0.500")),  # (2 + 1) / 6
        (1, 1, 1, D("0.500")),
        (2, 1, 0, D("0.833")),  # 2.5 / 3 = 0.8333
        (0, 1, 7, D("0.063")),  # 0.5 / 8 = 0.0625: half up
        (1, None, 1, D("0.500")),
        (1, 0, 0, D("1.000")),  # one promise kept (due, or early), the rest not due: 100%
    ],
)
def test_fulfilment_rate(fulfilled, partly, not_fulfilled, expected):
    got = rates.fulfilment_rate(fulfilled=fulfilled, partly=partly, not_fulfilled=not_fulfilled)
    assert got == expected


def test_only_judged_promises_are_due():
    """按计划推进 and 未到期 have no parameter: a five-year promise in its first year is not in
    the denominator, so a village that kept its one due promise is at 100%, not 50%."""
    assert rates.promises_due(1, 0, 0) == 1
    assert rates.promises_due(2, 3, 1) == 6
    assert rates.promises_due(None, None, None) == 0


def test_fulfilment_points_count_partly_as_half():
    assert rates.fulfilment_points(2, 3) == D("3.5")
    assert rates.fulfilment_points(None, None) == 0


# ------------------------------------------------------------------ on time, shares, scores


@pytest.mark.parametrize(
    "on_time, planned, expected",
    [(0, 0, None), (3, 4, D("0.750")), (0, 7, D("0.000")), (7, 7, D("1.000")), (2, 3, D("0.667"))],
)
def test_on_time_rate(on_time, planned, expected):
    assert rates.on_time_rate(on_time=on_time, planned=planned) == expected


@pytest.mark.parametrize(
    "part, whole, expected",
    [
        (1, 8, D("0.125")),  # exact: no rounding
        (1, 16, D("0.063")),  # 0.0625 → up
        (3, 16, D("0.188")),  # 0.1875 → up (to even would keep 0.188 too)
        (5, 16, D("0.313")),  # 0.3125 → up (to even would give 0.312)
        (1, 3, D("0.333")),
        (2, 3, D("0.667")),
        (0, None, None),
        (None, 5, D("0.000")),
    ],
)
def test_share_rounds_half_up_to_three_places(part, whole, expected):
    assert rates.share(part, whole) == expected


def test_percent_of_is_a_score_on_0_to_100():
    assert rates.percent_of(17, 20) == D("85.0")
    assert rates.percent_of(1, 16) == D("6.3")  # 6.25 → up
    assert rates.percent_of(0, 0) is None


def test_weighted_score_leaves_out_the_parts_without_data():
    assert rates.weighted_score([(50, D("0.75")), (30, D("0.9")), (20, D("0.5"))]) == D("74.5")
    # no vote: 50% × 75% and 20% × 50%, scaled to the 70% that have data → 67.857...
    assert rates.weighted_score([(50, D("0.75")), (30, None), (20, D("0.5"))]) == D("67.9")
    assert rates.weighted_score([(50, None)]) is None
    assert rates.weighted_score([]) is None


# ------------------------------------------------------------------ the percentage shown


@pytest.mark.parametrize(
    "rate, shown",
    [
        (D("0.875"), "87.5%"),
        ("0.875", "87.5%"),  # stored evidence keeps rates as strings
        (0.5, "50.0%"),
        (D("1.000"), "100.0%"),
        (D("0.000"), "0.0%"),
        (D("0.0625"), "6.3%"),  # an unrounded rate rounds half up
        (D("0.0005"), "0.1%"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_format_percent(rate, shown):
    assert rates.format_percent(rate) == shown


def test_format_percent_options():
    assert rates.format_percent(None, empty="") == ""
    assert rates.format_percent(D("0.800"), trim=True) == "80%"
    assert rates.format_percent(D("0.855"), trim=True) == "85.5%"


def test_percent_number_for_charts():
    assert rates.percent_number(D("0.875")) == 87.5
    assert rates.percent_number(D("0.0625")) == 6.3
    assert rates.percent_number(None) is None


# ------------------------------------------------------------------ the same in PostgreSQL


def _sql(expression):
    """Evaluate an expression in PostgreSQL (on any one row: the expression reads no column)."""
    return ContentType.objects.annotate(value=expression).values_list("value", flat=True)[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "part, whole",
    [(0, 0), (0, 5), (1, 16), (5, 16), (1, 3), (2, 3), (46, 48), (48, 48), (7, 1000), (None, 4)],
)
def test_share_expression_gives_what_share_gives(part, whole):
    got = _sql(rates.share_expression(Value(part), Value(whole)))
    assert got == rates.share(part, whole)
    if got is not None:
        assert isinstance(got, Decimal) and got.as_tuple().exponent == -3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "satisfied, basic, dissatisfied",
    [(0, 0, 0), (48, 0, 0), (0, 48, 0), (0, 0, 48), (30, 10, 8), (1, 0, 15), (12, 9, 3)],
)
def test_satisfaction_expression_gives_what_satisfaction_rate_gives(satisfied, basic, dissatisfied):
    s, b, d = Value(satisfied), Value(basic), Value(dissatisfied)
    got = _sql(rates.satisfaction_expression(satisfied=s, basic=b, returned=s + b + d))
    returned = satisfied + basic + dissatisfied
    assert got == rates.satisfaction_rate(satisfied=satisfied, basic=basic, returned=returned)


@pytest.mark.django_db
def test_the_expressions_take_field_names():
    # `model` is text on ContentType: its length stands in for a count column
    from django.db.models.functions import Length

    got = (
        ContentType.objects.filter(app_label="contenttypes", model="contenttype")
        .annotate(n=Length("model"))
        .annotate(value=rates.share_expression("n", F("n") * 2))
        .values_list("value", flat=True)
        .get()
    )
    assert got == D("0.500")
