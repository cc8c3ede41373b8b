"""The satisfaction and fulfilment rates the bottom-up pages show, to the exact percentage: a
known mix of 满意 / 基本满意 / 不满意 ballots and 兑现 / 部分兑现 / 未兑现 results."""

import re

import pytest
from django.urls import reverse

from supervision import services
from villages.tests.helpers import api_login, login

from .bottomup_helpers import make_redemption, make_report

pytestmark = pytest.mark.django_db

# 16 ballots per cadre. 李书记 1 满意: 1/16 = 0.0625 → 6.3% (half up; to even would be 6.2%);
# 赵主任 only 基本满意: 2/16 = 12.5%; 孙委员 all 不满意: 0.0%. The report: 3/48 = 0.0625 → 6.3%;
# counting only 满意 it would be 1/48 = 2.1%.
VOTES = {"secretary": (1, 0, 15), "chair": (0, 2, 14), "member": (0, 0, 16)}
# 李书记's pledge: 兑现, 部分兑现, 未兑现 → 1.5/3 = 50.0%;
# 赵主任's: 兑现, 部分兑现 × 2 → 2/3 = 66.7%; the village: 3.5/6 = 58.3%
# (部分兑现 counted as 兑现 would give 83.3%, and 100.0% for 赵主任).
RESULTS = ["fulfilled", "partly", "not", "fulfilled", "partly", "partly"]


@pytest.fixture
def report(insider, village, sitting):
    report = make_report(insider, village, issued=20, returned=16)
    for key, (satisfied, basic, dissatisfied) in VOTES.items():
        services.public_report_set_vote(
            actor=insider,
            report=report,
            post=sitting[key],
            satisfied=satisfied,
            basically_satisfied=basic,
            dissatisfied=dissatisfied,
        )
    return report


@pytest.fixture
def redemption(insider, village, sitting):
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
    return redemption


def _cells(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r'<td class="text-end">([^<]*)</td>', body)


def test_the_public_report_list_shows_the_reports_satisfaction_rate(client, insider, report):
    page = login(client, insider).get(reverse("supervision:public-report-list"))
    assert [r.rate for r in page.context["object_list"]] == ["6.3%"]
    # ballots returned, cadres voted on, satisfaction rate
    assert _cells(page.content.decode()) == ["16 / 20", "3", "6.3%"]


def test_the_public_report_list_without_a_vote_shows_a_dash(client, insider, village):
    make_report(insider, village)
    page = login(client, insider).get(reverse("supervision:public-report-list"))
    assert [r.rate for r in page.context["object_list"]] == ["—"]


def test_the_public_report_page_shows_each_cadres_rate(client, insider, report, sitting):
    page = login(client, insider).get(reverse("supervision:public-report-detail", args=[report.pk]))
    html = page.content.decode()
    shown = {
        key: re.search(rf'data-testid="rate-{sitting[key].pk}">([^<]*)<', html).group(1)
        for key in VOTES
    }
    assert shown == {"secretary": "6.3%", "chair": "12.5%", "member": "0.0%"}


def test_the_vote_api_gives_each_cadres_rate(api, insider, report, sitting):
    body = api_login(api, insider).get(f"/api/v1/public-reports/{report.pk}/").json()
    rates = {v["post"]: v["satisfaction_rate"] for v in body["votes"]}
    assert rates == {
        sitting["secretary"].pk: "0.063",
        sitting["chair"].pk: "0.125",
        sitting["member"].pk: "0.000",
    }


def test_the_redemption_pages_count_partly_fulfilled_as_half(client, insider, redemption, sitting):
    login(client, insider)
    page = client.get(reverse("supervision:redemption-detail", args=[redemption.pk]))
    assert page.context["village_rate"] == "58.3%"
    html = page.content.decode()
    pledges = {key: sitting[key].pledges.get().pk for key in ("secretary", "chair")}
    shown = {
        key: re.search(rf'data-testid="pledge-rate-{pk}">([^<]*)<', html).group(1)
        for key, pk in pledges.items()
    }
    assert shown == {"secretary": "50.0%", "chair": "66.7%"}
    listing = client.get(reverse("supervision:redemption-list"))
    assert [r.rate for r in listing.context["object_list"]] == ["58.3%"]
