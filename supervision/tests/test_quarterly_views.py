"""四述双评 pages and API: the four personas (and the contact cadre), recording and scoring
through the forms and the endpoints, the quarter sheet's missing reports, the year-end page and
its confirmation, the export, the bands, and constant queries with 2 rows and with 50."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from supervision import services
from supervision.choices import QuarterlyReportState
from supervision.models import QuarterlyReport, YearEndEvaluation
from villages.tests.factories import ContactAssignmentFactory, UserFactory, VillageFactory
from villages.tests.helpers import api_login, login

from .quarterly_helpers import TEXTS, YEAR, quarter_end, report, scored

pytestmark = pytest.mark.django_db
D = dt.date
LIST = reverse("supervision:quarterly-list")
API = "/api/v1/quarterly-reports/"
PERIOD = f"{YEAR}Q2"


def who(request, persona):
    return None if persona == "anonymous" else request.getfixturevalue(persona)


@pytest.fixture
def secretary(village):
    return PostFactory(
        cadre=CadreFactory(village=village, name="李书记"),
        village=village,
        kind=PostKind.SECRETARY,
        start_date=D(2024, 1, 10),
    ).cadre


@pytest.fixture
def chair(village):
    return PostFactory(
        cadre=CadreFactory(village=village, name="赵主任"),
        village=village,
        kind=PostKind.CHAIR,
        start_date=D(2024, 1, 10),
    ).cadre


@pytest.fixture
def heard(insider, secretary):
    return scored(insider, 2, 88, cadre=secretary)


@pytest.mark.parametrize(
    "persona,listed,detail,sheet,record,year,export",
    [
        ("anonymous", None, 302, 302, 302, 302, 302),
        ("outsider", 0, 404, 404, 404, 404, 200),
        ("insider", 1, 200, 200, 200, 200, 200),
        ("supervisor", 1, 200, 200, 200, 200, 200),
        ("contact", 1, 200, 200, 403, 200, 200),  # sees the village it contacts
    ],
)
def test_pages_persona_matrix(
    client, request, heard, township, persona, listed, detail, sheet, record, year, export
):
    login(client, who(request, persona))
    response = client.get(LIST)
    if listed is None:
        assert response.status_code == 302
    else:
        assert len(response.context["object_list"]) == listed
    url = reverse("supervision:quarterly-detail", args=[heard.pk])
    assert client.get(url).status_code == detail
    url = reverse("supervision:quarterly-sheet", args=[township.code])
    assert client.get(url, {"period": PERIOD}).status_code == sheet
    url = reverse("supervision:quarterly-record", args=[township.code])
    assert client.get(url, {"period": PERIOD}).status_code == record
    url = reverse("supervision:quarterly-year", args=[township.code])
    assert client.get(url, {"year": YEAR}).status_code == year
    assert client.get(reverse("supervision:quarterly-export")).status_code == export


def test_the_sheet_shows_who_has_not_reported(client, insider, township, heard, chair):
    login(client, insider)
    url = reverse("supervision:quarterly-sheet", args=[township.code])
    page = client.get(url, {"period": PERIOD})
    assert page.context["missing"] == 1
    first, _report = page.context["entries"][0]
    assert first.name == "赵主任" and _report is None  # the missing first
    assert "李书记" in page.content.decode()
    # unreadable periods fall back to the current quarter, never a 500
    for bad in ("2025Q9", "x", "2025H1", "９"):
        assert client.get(url, {"period": bad}).status_code == 200


def test_the_clerk_records_a_report_with_its_comment_and_score(client, insider, township, chair):
    login(client, insider)
    url = reverse("supervision:quarterly-record", args=[township.code])
    form = client.get(url, {"period": PERIOD}).context["form"]
    choice = form.fields["reporter"].choices[1][0]
    response = client.post(
        url + f"?period={PERIOD}",
        {
            "period": PERIOD,
            "reporter": choice,
            "reported_on": str(quarter_end(2)),
            **TEXTS,
            "commented_by": "王书记",
            "comment": "成效明显",
            "score": "91.5",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    r = QuarterlyReport.objects.get()
    assert (r.cadre, r.state, r.score) == (chair, QuarterlyReportState.SCORED, Decimal("91.5"))


@pytest.mark.parametrize(
    "extra",
    [
        {"score": "101"},
        {"score": "-1"},
        {"score": "abc"},
        {"score": "80"},  # a score without the comment
        {"reporter": "village_cadre:999999"},
        {"reporter": "nonsense"},
        {"reported_on": "2024-01-01"},
    ],
)
def test_odd_inputs_are_refused_not_crashed(client, insider, township, chair, extra):
    login(client, insider)
    url = reverse("supervision:quarterly-record", args=[township.code])
    choice = client.get(url, {"period": PERIOD}).context["form"].fields["reporter"].choices[1][0]
    data = {"period": PERIOD, "reporter": choice, "reported_on": str(quarter_end(2)), **TEXTS}
    response = client.post(url, {**data, **extra})
    assert response.status_code == 200 and response.context["form"].errors
    assert not QuarterlyReport.objects.exists()


def test_scoring_and_correcting_on_the_reports_page(client, insider, secretary):
    r = report(insider, 1, cadre=secretary)
    login(client, insider)
    url = reverse("supervision:quarterly-score", args=[r.pk])
    assert (
        client.post(url, {"commented_by": "王", "comment": "好", "score": "100.5"}).status_code
        == 400
    )
    assert (
        client.post(url, {"commented_by": "王", "comment": "好", "score": "77"}).status_code == 302
    )
    r.refresh_from_db()
    assert r.score == Decimal(77)
    assert (
        client.post(url, {"commented_by": "王", "comment": "好", "score": "99"}).status_code == 400
    )
    correct = reverse("supervision:quarterly-correct", args=[r.pk])
    response = client.post(correct, {"reason": "分数误录", **TEXTS})
    assert response.status_code == 302
    assert QuarterlyReport.objects.current().get().corrects == r


def test_outsiders_cannot_score_or_correct(client, outsider, contact, insider, secretary):
    r = report(insider, 1, cadre=secretary)
    for user, status in ((outsider, 404), (contact, 403)):
        login(client, user)
        url = reverse("supervision:quarterly-score", args=[r.pk])
        assert client.post(
            url, {"commented_by": "王", "comment": "好", "score": "77"}
        ).status_code in (
            status,
            404,
        )
    r.refresh_from_db()
    assert r.state == QuarterlyReportState.REPORTED


def test_the_year_page_rolls_up_and_the_township_confirms(client, insider, township, secretary):
    for q in (1, 2, 4):
        scored(insider, q, 96, cadre=secretary)
    login(client, insider)
    url = reverse("supervision:quarterly-year", args=[township.code])
    page = client.get(url, {"year": YEAR})
    row = page.context["rows"][0]
    assert row.rollup.missing == [3] and row.rollup.overall == Decimal("72.00")
    assert client.post(url, {"year": "x"}).status_code == 404
    assert client.post(url, {"year": YEAR}).status_code == 302
    e = YearEndEvaluation.objects.get()
    assert e.missing_quarters == "3" and e.grade == "basic"
    assert client.get(url, {"year": YEAR}).context["confirmed"]


def test_the_export_lists_the_reports_in_scope(client, insider, outsider, heard):
    login(client, insider)
    response = client.get(reverse("supervision:quarterly-export"), {"year": YEAR})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 3 and ws.cell(3, 5).value == "李书记"
    login(client, outsider)
    response = client.get(reverse("supervision:quarterly-export"))
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active.max_row == 2


def test_the_bands_page_is_the_county_supervisors(client, supervisor, insider, county, township):
    url = reverse("supervision:quarterly-bands", args=[county.code])
    year = reverse("supervision:quarterly-year", args=[township.code])
    login(client, insider)
    assert client.get(url).status_code == 403
    assert url not in client.get(year).content.decode()
    login(client, supervisor)
    assert client.get(url).status_code == 200
    assert url in client.get(year).content.decode()
    data = {"from_year": YEAR, "excellent_min": "85", "competent_min": "70", "basic_min": "60"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "basic_min": "75"}).status_code == 200  # not rising


# ------------------------------------------------------------------ API


@pytest.mark.parametrize(
    "persona,count,create",
    [
        ("anonymous", None, 403),
        ("outsider", 0, 400),  # the cadre "does not exist" for them
        ("insider", 1, 201),
        ("supervisor", 1, 201),
        ("contact", 1, 403),
    ],
)
def test_api_persona_matrix(api, request, heard, chair, persona, count, create):
    api_login(api, who(request, persona))
    listing = api.get(API)
    if count is None:
        assert listing.status_code == 403
    else:
        assert listing.json()["count"] == count
    body = {
        "cadre": chair.pk,
        "year": YEAR,
        "quarter": 2,
        "reported_on": str(quarter_end(2)),
        **TEXTS,
    }
    response = api.post(API, body, format="json")
    assert response.status_code == create, response.content
    if create == 201:
        assert response.json()["state"] == "reported"


def test_api_scores_corrects_and_confirms(api, insider, township, secretary):
    api_login(api, insider)
    r = report(insider, 1, cadre=secretary)
    url = f"{API}{r.pk}/score/"
    assert api.post(url, {"commented_by": "王", "comment": "好", "score": 101}).status_code == 400
    assert api.post(url, {"commented_by": "王", "comment": "好", "score": 80}).status_code == 200
    assert api.post(url, {"commented_by": "王", "comment": "好", "score": 80}).status_code == 400
    response = api.post(f"{API}{r.pk}/correct/", {"reason": "误录"}, format="json")
    assert response.status_code == 201 and response.json()["corrects"] == r.pk
    fixed = response.json()["id"]
    api.post(f"{API}{fixed}/score/", {"commented_by": "王", "comment": "好", "score": 90})
    body = {"township": township.code, "year": YEAR}
    response = api.post("/api/v1/year-end-evaluations/confirm/", body, format="json")
    assert response.status_code == 201 and response.json()[0]["average"] == "90.00"
    assert api.get("/api/v1/year-end-evaluations/").json()["count"] == 1
    assert api.post("/api/v1/year-end-evaluations/confirm/", body, format="json").status_code == 400


def test_api_a_leaders_report_and_odd_bodies(api, insider, township, village):
    leader = UserFactory(username="leader")
    ContactAssignmentFactory(cadre=leader, village=village, start_date=D(YEAR, 1, 1))
    api_login(api, insider)
    body = {"person": leader.pk, "township": township.code, "year": YEAR, "quarter": 1}
    body.update(reported_on=str(quarter_end(1)), **TEXTS)
    assert api.post(API, body, format="json").status_code == 201
    for odd in (
        {"person": 2**40},
        {"person": "x"},
        {"quarter": 5},
        {"township": "999"},
        {"score": "1e9"},
        {"cadre": 1, "person": leader.pk},
    ):
        assert api.post(API, {**body, **odd}, format="json").status_code == 400, odd


def test_api_outsiders_cannot_confirm(api, outsider, township):
    api_login(api, outsider)
    body = {"township": township.code, "year": YEAR}
    assert api.post("/api/v1/year-end-evaluations/confirm/", body, format="json").status_code == 400


# ------------------------------------------------------------------ constant queries


def _reports(insider, township, n, start=300):
    for i in range(n):
        village = VillageFactory(township=township, code=f"370830102{start + i:03d}")
        cadre = PostFactory(
            cadre=CadreFactory(village=village), village=village, start_date=D(2024, 1, 1)
        ).cadre
        scored(insider, 2, 80 + i % 20, cadre=cadre)
    if n > 1:
        leader = UserFactory(username=f"leader{n}")
        ContactAssignmentFactory(
            cadre=leader, village=township.villages.first(), start_date=D(YEAR, 1, 1)
        )


def test_constant_queries(client, insider, township, count_queries):
    login(client, insider)
    sheet = reverse("supervision:quarterly-sheet", args=[township.code])
    year = reverse("supervision:quarterly-year", args=[township.code])
    export = reverse("supervision:quarterly-export")
    _reports(insider, township, 2)
    few = [
        count_queries(LIST),
        count_queries(sheet, period=PERIOD),
        count_queries(year, year=YEAR),
        count_queries(export),
        count_queries(API),
    ]
    _reports(insider, township, 48, start=400)
    many = [
        count_queries(LIST),
        count_queries(sheet, period=PERIOD),
        count_queries(year, year=YEAR),
        count_queries(export),
        count_queries(API),
    ]
    assert few == many


def test_the_inbox_lists_the_reports_awaiting_their_score(client, insider, outsider, secretary):
    from work import inbox

    r = report(insider, 1, cadre=secretary)
    assert list(inbox.quarterly_to_score(insider)) == [r]
    assert list(inbox.quarterly_to_score(outsider)) == []
    assert inbox.counts(insider)["quarterly_to_score"] == 1
    login(client, insider)
    page = client.get("/")
    assert reverse("supervision:quarterly-detail", args=[r.pk]) in page.content.decode()
    services.quarterly_report_score(
        actor=insider, report=r, commented_by="王", comment="好", score=Decimal(80)
    )
    assert inbox.counts(insider)["quarterly_to_score"] == 0


@pytest.mark.parametrize("year", ["99999999999", "-1", "1e999", "abc"])
def test_odd_years_in_the_filters_are_not_server_errors(client, api, insider, heard, year):
    login(client, insider)
    assert client.get(LIST, {"year": year}).status_code == 200
    assert client.get(reverse("supervision:quarterly-export"), {"year": year}).status_code == 200
    api_login(api, insider)
    assert api.get(API, {"year": year}).status_code in (200, 400)
    assert api.get("/api/v1/year-end-evaluations/", {"year": year}).status_code in (200, 400)
