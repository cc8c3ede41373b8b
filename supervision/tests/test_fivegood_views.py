"""五好 pages and API: the four personas, the proposal and the county's steps through the forms
and endpoints, the Excel export, and constant query counts on the list and the dashboard."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supervision import services
from supervision.choices import FiveGood, RatingState
from supervision.models import FiveGoodCriterion, FiveGoodRating
from villages.tests.helpers import api_login, login

from .cycle_helpers import more_villages
from .fivegood_helpers import ALL_MET, YEAR, good_year, some_not_met

pytestmark = pytest.mark.django_db
LIST = reverse("supervision:fivegood-list")
PROPOSE = reverse("supervision:fivegood-propose")
CRITERIA = reverse("supervision:fivegood-criteria")
API = "/api/v1/five-good-ratings/"


def form_data(assessments=ALL_MET, **extra):
    data = {}
    for g, (met, note) in assessments.items():
        data[f"{g}_met"] = "1" if met else "0"
        data[f"{g}_note"] = note
    return {**data, **extra}


def api_assessments(assessments=ALL_MET):
    return {g: {"met": met, "note": note} for g, (met, note) in assessments.items()}


@pytest.fixture
def rating(insider, village):
    return services.fivegood_propose(
        actor=insider, village=village, year=YEAR, assessments=some_not_met(FiveGood.SYSTEM)
    )


def step_url(r, step):
    return reverse("supervision:fivegood-step", args=[r.pk, step])


@pytest.mark.parametrize(
    "persona,detail,propose,criteria",
    [
        ("anonymous", 302, 302, 302),
        ("outsider", 404, 200, 200),
        ("insider", 200, 200, 200),
        ("supervisor", 200, 200, 200),
        ("contact", 200, 403, 200),
    ],
)
def test_pages_persona_matrix(
    client, personas, contact, other_village, rating, persona, detail, propose, criteria
):
    login(client, contact if persona == "contact" else personas[persona])
    assert client.get(reverse("supervision:fivegood-detail", args=[rating.pk])).status_code == (
        detail
    )
    assert client.get(PROPOSE).status_code == propose
    assert client.get(CRITERIA).status_code == criteria
    response = client.get(LIST)
    assert response.status_code == (302 if persona == "anonymous" else 200)
    if persona != "anonymous":
        listed = [r.pk for r in response.context["object_list"]]
        assert listed == ([] if persona == "outsider" else [rating.pk])


def test_proposing_through_the_page_prefills_what_the_evidence_suggests(
    client, insider, village, sitting
):
    good_year(village, insider, sitting)
    login(client, insider)
    url = f"{PROPOSE}?village={village.code}&year={YEAR}"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert all(form.initial[f"{g}_met"] == "1" for g in FiveGood.values)
    assert 'data-testid="evidence"' in page.content.decode()
    bad = client.post(url, form_data(some_not_met(FiveGood.TEAM)) | {"team_note": ""})
    assert bad.status_code == 200 and "team_note" in bad.context["form"].errors
    response = client.post(url, form_data())
    rating = FiveGoodRating.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{rating.pk}/")
    assert rating.is_five_good and rating.state == RatingState.PROPOSED
    again = client.get(url)
    assert again.context["existing"] == rating


def test_odd_inputs_on_the_propose_page_are_not_errors(client, insider, village):
    login(client, insider)
    for query in ("village=x&year=2026", f"village={village.code}&year=99999", "year=abc"):
        assert client.get(f"{PROPOSE}?{query}").status_code == 200
    assert client.get(f"{PROPOSE}?year=\x00").status_code == 400
    assert client.post(f"{PROPOSE}?village=nope&year=2026", form_data()).status_code == 404


def test_the_county_returns_and_confirms_through_the_pages(client, insider, supervisor, rating):
    detail = reverse("supervision:fivegood-detail", args=[rating.pk])
    login(client, insider)
    assert 'data-step="confirm"' not in client.get(detail).content.decode()
    assert client.post(step_url(rating, "confirm"), {"note": ""}).status_code == 403
    login(client, supervisor)
    page = client.get(detail).content.decode()
    assert 'data-step="confirm"' in page and 'data-step="return"' in page
    response = client.post(step_url(rating, "return"), {"note": ""})
    assert response.status_code == 200 and response.context["steps"]
    client.post(step_url(rating, "return"), {"note": "好机制证据说明不充分"})
    rating.refresh_from_db()
    assert rating.state == RatingState.RETURNED
    login(client, insider)
    page = client.get(f"{PROPOSE}?village={rating.area_code}&year={YEAR}")
    assert page.context["rating"] == rating and page.context["form"].initial["system_met"] == "0"
    client.post(f"{PROPOSE}?village={rating.area_code}&year={YEAR}", form_data())
    login(client, supervisor)
    client.post(step_url(rating, "confirm"), {"note": "同意"})
    rating.refresh_from_db()
    assert rating.state == RatingState.CONFIRMED and rating.is_five_good
    assert client.post(step_url(rating, "nope"), {}).status_code == 404
    response = client.post(
        step_url(rating, "correct"),
        form_data(some_not_met(FiveGood.RESULTS), reason="复核发现问题逾期未整改"),
    )
    correction = FiveGoodRating.objects.get(corrects=rating)
    assert response["Location"].endswith(f"/{correction.pk}/")
    assert 'data-testid="corrected"' in client.get(detail).content.decode()


def test_the_county_sets_its_criteria_on_the_page(client, supervisor, insider):
    login(client, insider)
    assert (
        "form" not in client.get(CRITERIA).context or client.get(CRITERIA).context["form"] is None
    )
    assert client.post(CRITERIA, {}).status_code == 403
    login(client, supervisor)
    data = client.get(CRITERIA).context["form"].initial
    data = {k: str(v) for k, v in data.items()}
    data["team_threshold"] = "85"
    response = client.post(CRITERIA, data)
    assert response.status_code == 302
    assert str(FiveGoodCriterion.objects.get(good=FiveGood.TEAM).threshold) == "0.850"
    assert client.post(CRITERIA, {**data, "team_threshold": "150"}).status_code == 200
    assert client.get(f"{CRITERIA}?county=999999").status_code == 404


def test_the_excel_export_follows_the_filters(client, insider, rating, village):
    login(client, insider)
    response = client.get(reverse("supervision:fivegood-export"), {"year": YEAR})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A3"].value == village.code and ws["C3"].value == village.name
    response = client.get(reverse("supervision:fivegood-export"), {"year": YEAR - 1})
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 2


def test_the_list_runs_the_same_queries_for_2_and_12_ratings(
    count_queries, client, insider, township, village
):
    login(client, insider)
    villages = [village, *more_villages(township, 11)]
    for v in villages[:2]:
        services.fivegood_propose(actor=insider, village=v, year=YEAR, assessments=ALL_MET)
    few = count_queries(LIST)
    for v in villages[2:]:
        services.fivegood_propose(actor=insider, village=v, year=YEAR, assessments=ALL_MET)
    assert count_queries(LIST) == few


def test_the_dashboards_show_the_rate(
    client, count_queries, supervisor, insider, township, village
):
    from reports.dashboards import dashboard_url

    rating = services.fivegood_propose(
        actor=insider, village=village, year=YEAR, assessments=ALL_MET
    )
    services.fivegood_confirm(actor=supervisor, rating=rating)
    login(client, supervisor)
    url = dashboard_url("county", township.code[:6])
    page = client.get(url, {"period": f"{YEAR}Q4"}).content.decode()
    assert 'data-figure="five_good"' in page and "100.0%" in page
    few = count_queries(url, period=f"{YEAR}Q4")
    for v in more_villages(township, 5):
        r = services.fivegood_propose(
            actor=insider, village=v, year=YEAR, assessments=some_not_met(FiveGood.TEAM)
        )
        services.fivegood_confirm(actor=supervisor, rating=r)
    assert count_queries(url, period=f"{YEAR}Q4") == few
    login(client, insider)
    page = client.get(dashboard_url("township", township.code), {"period": f"{YEAR}Q4"})
    assert "16.7%" in page.content.decode()
    listed = client.get(
        reverse("reports:village-figures"),
        {"area": township.code, "period": f"{YEAR}Q4", "figure": "five_good"},
    )
    assert len(listed.context["rows"]) == 6


# ------------------------------------------------------------------ API


@pytest.mark.parametrize(
    "persona,listed,detail,evidence,propose",
    [
        ("anonymous", 403, 403, 403, 403),
        ("outsider", 0, 404, 404, 400),
        ("insider", 1, 200, 200, 400),  # proposed already: 400
        ("supervisor", 1, 200, 200, 400),
    ],
)
def test_api_persona_matrix(
    api, personas, rating, village, persona, listed, detail, evidence, propose
):
    api_login(api, personas[persona])
    response = api.get(API)
    if isinstance(listed, int) and persona == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 200 and response.data["count"] == listed
    status = api.get(f"{API}{rating.pk}/").status_code
    assert status == detail or (persona == "anonymous" and status == 401)
    status = api.get(f"{API}evidence/", {"village": village.code, "year": YEAR}).status_code
    assert status == evidence or (persona == "anonymous" and status == 401)
    body = {"village": village.code, "year": YEAR, "assessments": api_assessments()}
    status = api.post(API, body, format="json").status_code
    assert status == propose or (persona == "anonymous" and status == 401)


def test_api_propose_confirm_correct(api, insider, supervisor, village, sitting):
    good_year(village, insider, sitting)
    api_login(api, insider)
    evidence = api.get(f"{API}evidence/", {"village": village.code, "year": YEAR}).json()
    assert all(evidence["suggested"].values()) and evidence["evidence"]["disclosures"] == 4
    assert api.get(f"{API}evidence/", {"village": village.code, "year": "x"}).status_code == 400
    assert api.get(f"{API}evidence/", {"village": "12", "year": YEAR}).status_code == 404
    assert api.get(f"{API}evidence/", {"village": "\x00", "year": YEAR}).status_code == 400
    bad = api_assessments(some_not_met(FiveGood.TEAM))
    bad["team"]["note"] = ""
    response = api.post(
        API, {"village": village.code, "year": YEAR, "assessments": bad}, format="json"
    )
    assert response.status_code == 400 and "team_note" in response.json()
    response = api.post(
        API,
        {"village": village.code, "year": YEAR, "assessments": api_assessments()},
        format="json",
    )
    assert response.status_code == 201 and response.json()["is_five_good"]
    pk = response.json()["id"]
    assert api.post(f"{API}{pk}/confirm/", {}, format="json").status_code == 403
    api_login(api, supervisor)
    assert api.post(f"{API}{pk}/return/", {"note": ""}, format="json").status_code == 400
    response = api.post(f"{API}{pk}/confirm/", {"note": "同意"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    assert api.post(f"{API}{pk}/confirm/", {}, format="json").status_code == 400
    response = api.post(
        f"{API}{pk}/correct/",
        {
            "assessments": api_assessments(some_not_met(FiveGood.LEADER)),
            "reason": "年检结论已更正为不合格",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["corrects"] == pk
    assert not response.json()["outcomes"]["leader"]["met"]
    assert [r["id"] for r in api.get(API).json()["results"]] == [response.json()["id"]]


def test_the_inbox_lists_ratings_to_confirm_and_those_returned(client, insider, supervisor, rating):
    from work import inbox

    assert [r.pk for r in inbox.ratings_to_confirm(supervisor)] == [rating.pk]
    assert list(inbox.ratings_to_confirm(insider)) == []
    services.fivegood_return(actor=supervisor, rating=rating, note="请补充好机制的证据")
    assert list(inbox.ratings_to_confirm(supervisor)) == []
    assert [r.pk for r in inbox.ratings_returned(insider)] == [rating.pk]
    login(client, insider)
    page = client.get("/").content.decode()
    assert reverse("supervision:fivegood-detail", args=[rating.pk]) in page
