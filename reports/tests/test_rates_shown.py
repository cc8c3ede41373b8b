"""The satisfaction and fulfilment rates as users read them: a known mix of votes (满意, 基本满意,
不满意) and promise results (兑现, 部分兑现, 未兑现) and the exact figures the county dashboard, its
ranking, the village list, the API and the quarterly report show."""

import re
from datetime import date as D
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import override

from cadres.choices import PostKind
from reports.figures import period_figures
from reports.quarterly import quarterly_context
from supervision import services
from supervision.choices import Fulfilment
from supervision.periods import Period
from supervision.tests.bottomup_helpers import make_redemption, make_report, pledged_secretary
from supervision.tests.conftest import sitting_post
from villages.tests.helpers import api_login, login

pytestmark = pytest.mark.django_db
Q4 = Period.parse("2026Q4")  # closes 2026H2 (the votes) and 2026 (the redemption)

# (满意, 基本满意, 不满意) per cadre: 80 of 144 ballots count as satisfied → 55.6%.
# Counting only 满意 would give 50/144 = 34.7%; counting 基本满意 as not satisfied the same.
VOTES = {"secretary": (30, 10, 8), "chair": (20, 20, 8), "member": (0, 0, 48)}
# per promise of the secretary's and the chair's pledges: 2 兑现, 3 部分兑现, 1 未兑现
# → (2 + 3/2) / 6 = 58.3%. Counting 部分兑现 as 兑现 would give 5/6 = 83.3%, as 0 would give 33.3%.
RESULTS = ["fulfilled", "partly", "not", "fulfilled", "partly", "partly"]


@pytest.fixture
def mix(insider, village):
    posts = {
        "secretary": sitting_post(insider, village, PostKind.SECRETARY, "李书记"),
        "chair": sitting_post(insider, village, PostKind.CHAIR, "赵主任"),
        "member": sitting_post(insider, village, PostKind.COMMITTEE_MEMBER, "孙委员"),
    }
    report = make_report(insider, village, issued=50, returned=48)
    for key, (satisfied, basic, dissatisfied) in VOTES.items():
        services.public_report_set_vote(
            actor=insider,
            report=report,
            post=posts[key],
            satisfied=satisfied,
            basically_satisfied=basic,
            dissatisfied=dissatisfied,
        )
    services.public_report_complete(actor=insider, report=report)
    redemption = make_redemption(insider, village)
    rows = redemption.results.select_related("promise").order_by(
        "promise__pledge_id", "promise__position"
    )
    for row, result in zip(rows, RESULTS, strict=True):
        services.redemption_set_result(
            actor=insider,
            redemption=redemption,
            promise=row.promise,
            result=result,
            appraisal="basic",
        )
    services.redemption_complete(actor=insider, redemption=redemption)
    return village


def test_the_figures_count_basically_satisfied_and_half_the_partly_fulfilled(mix):
    total = period_figures(prefix="370830", period=Q4).total
    assert (total.satisfied, total.basically_satisfied, total.ballots) == (50, 30, 144)
    assert total.satisfaction_rate == Decimal("0.556")
    assert (total.fulfilled, total.partly, total.promises) == (2, 3, 6)
    assert total.fulfilment_points == Decimal("3.5")
    assert total.fulfilment_rate == Decimal("0.583")


def _headline(html: str, key: str) -> tuple[str, str]:
    """The value and the detail line of one headline figure of the dashboard page."""
    card = re.search(rf'data-figure="{key}".*?</a>', html, re.S).group(0)
    value = re.search(r"data-value>([^<]*)<", card).group(1)
    detail = re.findall(r'<div class="small text-secondary">([^<]*)</div>', card)
    return value, detail[-1] if len(detail) > 1 else ""


def test_the_county_dashboard_shows_the_exact_rates(client, supervisor, mix):
    response = login(client, supervisor).get(
        reverse("reports:county-dashboard", args=["370830"]), {"period": str(Q4)}
    )
    html = response.content.decode()
    assert _headline(html, "satisfaction") == ("55.6%", "80 / 144")
    assert _headline(html, "fulfilment")[0] == "58.3%"
    # the ranking: the village's township with its satisfaction part
    ranking = html[html.index('data-testid="ranking"') :]
    ranked = re.search(r'<tr data-unit="370830102">.*?</tr>', ranking, re.S).group(0)
    assert '<td class="text-end">55.6%</td>' in ranked
    nanwang = response.context["dashboard"].ranking[0]
    assert nanwang.code == "370830102" and nanwang.parts["satisfaction"] == Decimal("0.556")


def test_the_village_lists_behind_the_rates(client, supervisor, mix):
    login(client, supervisor)
    url = reverse("reports:village-figures")
    for figure, shown in (("satisfaction", "55.6% (80 / 144)"), ("fulfilment", "58.3% (3.5 / 6)")):
        rows = client.get(url, {"area": "370830", "period": str(Q4), "figure": figure}).context[
            "rows"
        ]
        assert [(r.row.code, r.value) for r in rows] == [(mix.code, shown)]


def test_the_dashboard_api_gives_the_exact_rates(api, supervisor, mix):
    body = (
        api_login(api, supervisor)
        .get("/api/v1/dashboards/county/370830/", {"period": str(Q4)})
        .json()
    )
    nanwang = body["units"][0]
    assert nanwang["code"] == "370830102"
    assert (nanwang["satisfaction_rate"], nanwang["fulfilment_rate"]) == (0.556, 0.583)


def test_the_quarterly_report_shows_the_exact_rates(mix):
    with override("en"):
        context = quarterly_context("370830", str(Q4))
    summary = dict((str(label), value) for label, value in context["summary"])
    assert summary["Villagers' satisfaction"] == "55.6% of 144 ballots"
    assert summary["Pledge redemption"] == "58.3% of 6 promises due"
    township = next(r for r in context["township_rows"] if r["code"] == "370830102")
    assert township["cells"][4:6] == ["55.6%", "58.3%"]


def test_partly_fulfilled_counts_half_on_the_redemption_page_and_api(client, api, insider, mix):
    from supervision.models import Redemption

    redemption = Redemption.objects.get()
    assert redemption.results.filter(result=Fulfilment.PARTLY).count() == 3
    page = login(client, insider).get(
        reverse("supervision:redemption-detail", args=[redemption.pk])
    )
    assert page.context["village_rate"] == "58.3%"
    body = api_login(api, insider).get(f"/api/v1/redemptions/{redemption.pk}/").json()
    assert body["fulfilment_rate"] == "0.583"


@pytest.fixture
def multiyear(insider, village):
    """The secretary's pledge: one promise due in 2026 and kept, two due in later years (on
    schedule, not yet due)."""
    pledged_secretary(insider, village, [D(2026, 12, 31), D(2027, 1, 1), D(2030, 6, 30)])
    redemption = make_redemption(insider, village)
    rows = redemption.results.select_related("promise").order_by("promise__position")
    for row, result in zip(rows, ["fulfilled", "on_track", "not_due"], strict=True):
        services.redemption_set_result(
            actor=insider,
            redemption=redemption,
            promise=row.promise,
            result=result,
            appraisal="satisfied",
        )
    services.redemption_complete(actor=insider, redemption=redemption)
    return village


def test_promises_not_yet_due_are_left_out_of_the_figures(client, supervisor, multiyear):
    total = period_figures(prefix="370830", period=Q4).total
    assert (total.promises, total.promises_due, total.fulfilled) == (3, 1, 1)
    assert total.fulfilment_rate == Decimal("1.000")  # 1 of the 1 due; not 1/3 = 33.3%
    login(client, supervisor)
    rows = client.get(
        reverse("reports:village-figures"),
        {"area": "370830", "period": str(Q4), "figure": "fulfilment"},
    ).context["rows"]
    assert [r.value for r in rows] == ["100.0% (1 / 1)"]
    with override("en"):
        context = quarterly_context("370830", str(Q4))
    summary = dict((str(label), value) for label, value in context["summary"])
    assert summary["Pledge redemption"] == "100.0% of 1 promises due"
