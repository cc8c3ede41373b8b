"""The figures of 实施结果公开: decisions awaiting their result's publication, those overdue,
and the share made public on time, at the boundary of the county's days (N-1, N, N+1), per
village and summed; the same number of queries for 2 villages as for 50; the dashboards show
them and drill down to the villages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledgers.tests.decision_result_helpers import implemented
from reports.figures import period_figures
from supervision.periods import Period
from villages.tests.factories import VillageFactory
from villages.tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
Q3 = Period.parse("2026Q3")
DONE = D(2026, 7, 10)  # implemented; the result is due by 9 August (30 days)
DUE = DONE + dt.timedelta(days=30)


@pytest.mark.parametrize(
    "published, on, expected",
    [
        # not yet public, as of N-1, N and N+1 days: overdue from N+1 only
        (None, DUE - dt.timedelta(days=1), (1, 0, 0, 0)),
        (None, DUE, (1, 0, 0, 0)),
        (None, DUE + dt.timedelta(days=1), (1, 1, 1, 0)),
        # made public on day N-1, N (on time) and N+1 (late), seen at the quarter's end
        (DUE - dt.timedelta(days=1), Q3.end, (0, 0, 1, 1)),
        (DUE, Q3.end, (0, 0, 1, 1)),
        (DUE + dt.timedelta(days=1), Q3.end, (0, 0, 1, 0)),
    ],
)
def test_the_result_is_on_time_up_to_the_nth_day(village, insider, published, on, expected):
    implemented(village, insider, DONE, result_on=published)
    f = period_figures(prefix="370830", period=Q3, on=on).total
    assert (
        f.decisions_awaiting_result,
        f.decision_results_overdue,
        f.decision_results_due,
        f.decision_results_on_time,
    ) == expected


def test_the_share_on_time_per_village_and_in_total(village, other_village, insider):
    implemented(village, insider, DONE, result_on=D(2026, 7, 20), n=1)  # on time
    implemented(village, insider, DONE, result_on=D(2026, 9, 1), n=2)  # late
    implemented(other_village, insider, DONE, n=1)  # never: late
    implemented(other_village, insider, D(2026, 9, 20), n=2)  # due in Q4: not counted yet
    fs = period_figures(prefix="370830", period=Q3, on=D(2026, 11, 1))
    by_code = {r.code: r.figures for r in fs.villages}
    assert by_code[village.code].decision_results_rate == 0.5
    assert by_code[other_village.code].decision_results_rate == 0
    assert (fs.total.decision_results_on_time, fs.total.decision_results_due) == (1, 3)
    assert str(fs.total.decision_results_rate) == "0.333"
    # as of the quarter's end: the one implemented on 20 September is not overdue yet
    assert fs.total.decisions_awaiting_result == 2 and fs.total.decision_results_overdue == 1
    # A quarter before any result fell due has no share (shown "—"), not 0%.
    q2 = period_figures(prefix="370830", period=Q3.previous(), on=D(2026, 11, 1)).total
    assert q2.decision_results_rate is None


def _villages(township, n, user, first=0):
    for i in range(first, first + n):
        v = VillageFactory(township=township, code=f"{township.code}{500 + i:03d}")
        implemented(v, user, DONE, result_on=DUE if i % 2 else None)


def test_the_same_number_of_queries_for_2_and_50_villages(township, supervisor):
    _villages(township, 2, supervisor)
    with CaptureQueriesContext(connection) as few:
        period_figures(prefix="370830", period=Q3, on=D(2026, 11, 1))
    _villages(township, 48, supervisor, first=2)
    with CaptureQueriesContext(connection) as many:
        fs = period_figures(prefix="370830", period=Q3, on=D(2026, 11, 1))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert fs.total.decision_results_due == 50 and fs.total.decision_results_on_time == 25


def test_the_dashboards_show_the_figures_and_drill_down(
    client, county, township, village, insider, supervisor, count_queries
):
    implemented(village, insider, DONE)
    login(client, supervisor)
    url = reverse("reports:county-dashboard", args=[county.code])
    html = client.get(url, {"period": "2026Q3"}).content.decode()
    assert "待公开实施结果的决议" in html and "决议实施结果按期公开" in html
    page = client.get(
        reverse("reports:village-figures"),
        {"area": county.code, "figure": "decisions_awaiting_result", "period": "2026Q3"},
    )
    assert page.status_code == 200 and village.name in page.content.decode()
    rate = client.get(
        reverse("reports:village-figures"),
        {"area": county.code, "figure": "decision_results", "period": "2026Q3"},
    )
    assert rate.status_code == 200 and village.name in rate.content.decode()
    login(client, insider)
    township_page = client.get(
        reverse("reports:township-dashboard", args=[township.code]), {"period": "2026Q3"}
    )
    assert "待公开实施结果的决议" in township_page.content.decode()
    api = client.get(f"/api/v1/dashboards/township/{township.code}/", {"period": "2026Q3"})
    assert api.json()["headline"]["decisions_awaiting_result"] == 1


def test_the_dashboard_takes_the_same_queries_with_2_and_50_villages_with_decisions(
    client, county, township, supervisor, count_queries
):
    login(client, supervisor)
    url = reverse("reports:county-dashboard", args=[county.code])
    _villages(township, 2, supervisor)
    few = count_queries(url, period="2026Q3")
    _villages(township, 48, supervisor, first=2)
    assert count_queries(url, period="2026Q3") == few
