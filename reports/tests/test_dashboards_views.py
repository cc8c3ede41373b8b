"""The county and township dashboards and the village lists behind their figures: who may open
them, what they show, where each figure leads, the Excel export and the query count."""

import io
import json

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from reports.dashboards import composite_score, satisfaction_band
from reports.figures import Figures
from reports.views.dashboards import VillageFiguresView
from supervision.choices import TaskKind
from villages.models import Region, Village
from villages.tests.factories import VillageFactory
from villages.tests.helpers import login

from .dashboards_helpers import D, populate, problem, warn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
PERIOD = {"period": "2026Q3"}


def county_url(code="370830"):
    return reverse("reports:county-dashboard", args=[code])


def township_url(code="370830102"):
    return reverse("reports:township-dashboard", args=[code])


def figures_url():
    return reverse("reports:village-figures")


@pytest.fixture
def data(village, other_village, insider):
    """南旺村 does everything on time; 郭楼村 never inspected and carries a red warning."""
    populate(village, insider, on_time=True)
    populate(other_village, insider, on_time=False, red=True)
    return village, other_village


# ------------------------------------------------------------------ who may open what


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("insider", 403),
        ("contact", 403),
        ("supervisor", 200),
    ],
)
def test_the_county_dashboard_is_for_the_county_supervisors(
    client, personas, contact, data, persona, expected
):
    user = contact if persona == "contact" else personas[persona]
    response = login(client, user).get(county_url(), PERIOD)
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("insider", 200),
        ("contact", 403),
        ("supervisor", 200),
    ],
)
def test_the_township_dashboard_is_for_its_staff_and_the_county(
    client, personas, contact, data, persona, expected
):
    user = contact if persona == "contact" else personas[persona]
    response = login(client, user).get(township_url(), PERIOD)
    assert response.status_code == expected


def test_an_insider_sees_only_their_own_township(client, insider, data):
    login(client, insider)
    assert client.get(township_url("370830105"), PERIOD).status_code == 404
    assert client.get(figures_url(), {"area": "370830105", **PERIOD}).status_code == 404
    assert client.get(figures_url(), {"area": "370830", **PERIOD}).status_code == 403


def test_unknown_areas_and_figures_are_not_found(client, supervisor, data):
    login(client, supervisor)
    assert client.get(county_url("370831"), PERIOD).status_code == 404
    assert client.get(township_url("370830999"), PERIOD).status_code == 404
    assert client.get(county_url("370830102"), PERIOD).status_code == 404  # a township's code
    assert client.get(figures_url(), {"area": "37083010220"}).status_code == 404
    assert client.get(figures_url(), {"area": "370830", "figure": "salary"}).status_code == 404
    bad_level = {"area": "370830", "figure": "warning", "level": "7"}
    assert client.get(figures_url(), bad_level).status_code == 404


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("insider", 200),
        ("contact", 403),
        ("supervisor", 200),
    ],
)
def test_the_village_list_follows_the_dashboard_of_its_area(
    client, personas, contact, data, persona, expected
):
    user = contact if persona == "contact" else personas[persona]
    query = {"area": "370830102", "figure": "villages", **PERIOD}
    assert login(client, user).get(figures_url(), query).status_code == expected


# ------------------------------------------------------------------ what the county sees


def test_the_county_dashboard_shows_the_matrix_warnings_ageing_and_ranking(
    client, supervisor, data
):
    village, other = data
    response = login(client, supervisor).get(county_url(), PERIOD)
    d = response.context["dashboard"]
    assert [u.name for u in d.units] == ["南旺镇", "郭楼镇"]
    nanwang, guolou = d.units
    assert nanwang.cells[0].rate == 1 and guolou.cells[0].rate == 0  # inspections on time
    assert nanwang.cells[1].rate == 0  # the hearing was done late
    assert [(lvl, [v["name"] for v in vs]) for lvl, _, vs in d.warnings] == [
        (3, ["郭楼村"]),
        (2, []),
        (1, []),
    ]
    assert {b: n for b, _, n, _ in d.ageing} == {
        "not_due": 2,
        "d1_30": 0,
        "d31_90": 2,
        "over_90": 0,
    }
    assert d.headline[0].value == 2
    assert {f.key: f.value for f in d.headline}["problems_overdue"] == 2
    assert [u.name for u in d.ranking] == ["南旺镇", "郭楼镇"] and d.ranking[0].rank == 1
    assert len(d.trend) == 8 and d.trend[-1]["period"] == "2026Q3"
    html = response.content.decode()
    assert "南旺镇的工作台" in html or "南旺镇" in html
    assert 'data-testid="matrix"' in html and "100.0%" in html
    assert "2026年第3季度" in html and "基准日2026年9月30日" in html


def test_every_figure_drills_down_to_the_township_and_the_village(client, supervisor, data):
    village, other = data
    login(client, supervisor)
    html = client.get(county_url(), PERIOD).content.decode()
    # township name → its dashboard, for the same period
    assert f'href="{township_url("370830105")}?period=2026Q3"' in html
    # a count → the villages behind it
    red_list = f"{figures_url()}?area=370830&amp;period=2026Q3&amp;figure=warning&amp;level=3"
    assert red_list in html
    # a red village → its supervision tab
    tab = reverse("supervision:village-supervision", args=[other.code])
    assert f'href="{tab}"' in html

    listed = client.get(
        figures_url(), {"area": "370830", "figure": "warning", "level": "3", **PERIOD}
    )
    assert [v.row.code for v in listed.context["rows"]] == [other.code]
    assert f'href="{tab}"' in listed.content.decode()
    assert "任职资格证书被暂停" in listed.content.decode()

    township = client.get(township_url("370830105"), PERIOD)
    assert [u.url for u in township.context["dashboard"].units] == [tab]
    assert f'href="{county_url()}?period=2026Q3"' in township.content.decode()


@pytest.mark.parametrize(
    "query, codes",
    [
        ({"figure": "activity", "activity": TaskKind.INSPECTION}, ["370830105201", "370830102201"]),
        ({"figure": "ageing", "bucket": "d31_90"}, ["370830102201", "370830105201"]),
        ({"figure": "ageing", "bucket": "over_90"}, []),
        ({"figure": "problems_overdue"}, ["370830102201", "370830105201"]),
        ({"figure": "satisfaction", "band": "none"}, ["370830102201", "370830105201"]),
        ({"figure": "disclosures"}, []),
        ({"figure": "villages"}, ["370830105201", "370830102201"]),  # the red one first
    ],
)
def test_the_village_list_behind_each_figure(client, supervisor, data, query, codes):
    login(client, supervisor)
    response = client.get(figures_url(), {"area": "370830", **PERIOD, **query})
    assert response.status_code == 200
    assert [v.row.code for v in response.context["rows"]] == codes


def test_the_township_dashboard_ranks_its_villages(client, insider, township, data):
    late = VillageFactory(township=township, code="370830102202", name="后进村")
    populate(late, insider, on_time=False)
    warn(late, level=2)
    d = login(client, insider).get(township_url(), PERIOD).context["dashboard"]
    assert [u.code for u in d.units] == ["370830102201", "370830102202"]
    assert [u.name for u in d.ranking] == ["南旺村", "后进村"]
    assert d.ranking[0].score > d.ranking[1].score
    assert {lvl: len(vs) for lvl, _, vs in d.warnings} == {3: 0, 2: 1, 1: 0}


def test_the_page_passes_the_chart_data_and_loads_echarts_from_static_files(
    client, supervisor, data
):
    html = login(client, supervisor).get(county_url(), PERIOD).content.decode()
    assert '<script id="dashboard-data" type="application/json">' in html
    start = html.index('<script id="dashboard-data" type="application/json">')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    chart = json.loads(payload)
    assert chart["units"] == ["南旺镇", "郭楼镇"]
    assert chart["matrix"][0]["data"] == [100.0, 0.0]
    assert "/static/vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("js/dashboard.js")


def test_a_period_that_is_not_one_falls_back_to_the_current_quarter(client, supervisor, data):
    response = login(client, supervisor).get(county_url(), {"period": "2026Q9"})
    assert response.status_code == 200
    assert response.context["period"].kind == "quarter"


def test_the_navigation_leads_each_user_to_their_dashboard(client, supervisor, insider, contact):
    home = reverse("home")
    assert f'href="{county_url()}"' in login(client, supervisor).get(home).content.decode()
    assert f'href="{township_url()}"' in login(client, insider).get(home).content.decode()
    assert 'data-testid="nav-dashboard"' not in login(client, contact).get(home).content.decode()


# ------------------------------------------------------------------ Excel


def test_the_dashboard_tables_export_to_excel(client, supervisor, data):
    response = login(client, supervisor).get(county_url(), {**PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 7
    matrix = wb.worksheets[1]
    rows = list(matrix.iter_rows(min_row=3, values_only=True))
    assert [r[:2] for r in rows] == [("370830102", "南旺镇"), ("370830105", "郭楼镇")]
    assert rows[0][3] == 1 and rows[1][3] == 0  # inspections on time
    assert matrix.cell(row=3, column=4).number_format == "0.0%"
    warnings = list(wb.worksheets[2].iter_rows(min_row=3, values_only=True))
    assert warnings[0][1:3] == ("370830105201", "郭楼村")


def test_the_village_list_exports_to_excel(client, supervisor, data):
    query = {"area": "370830", "figure": "warning", "level": "3", "format": "xlsx", **PERIOD}
    response = login(client, supervisor).get(figures_url(), query)
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [r[:3] for r in ws.iter_rows(min_row=3, values_only=True)] == [
        ("370830105201", "郭楼村", "郭楼镇")
    ]


def test_an_outsider_cannot_export(client, outsider, data):
    response = login(client, outsider).get(township_url(), {**PERIOD, "format": "xlsx"})
    assert response.status_code == 404


# ------------------------------------------------------------------ speed


def _villages(township, n, actor, first=0):
    for i in range(first, first + n):
        v = VillageFactory(township=township, code=f"{township.code}{300 + i:03d}")
        populate(v, actor, on_time=bool(i % 2), red=i % 3 == 0)


@pytest.mark.parametrize(
    "url, query",
    [
        (county_url(), PERIOD),
        (township_url(), PERIOD),
        (figures_url(), {"area": "370830", "figure": "ageing", "bucket": "d31_90", **PERIOD}),
        (figures_url(), {"area": "370830102", "figure": "warning", "level": "3", **PERIOD}),
    ],
)
def test_the_same_number_of_queries_for_2_and_50_villages(
    client, count_queries, supervisor, township, other_township, url, query
):
    login(client, supervisor)
    _villages(township, 1, supervisor)
    _villages(other_township, 1, supervisor)
    few = count_queries(url, **query)
    _villages(township, 24, supervisor, first=1)
    _villages(other_township, 24, supervisor, first=1)
    assert count_queries(url, **query) == few
    assert few <= 25


def test_the_village_list_is_paginated_in_its_order_with_constant_queries(
    client, count_queries, supervisor, township, other_township, monkeypatch
):
    """The drill-down shows a page of villages at a time, in the figure's order (warned first,
    then by code), the pages' links keeping the query; the workbook holds every village; every
    page takes the same queries whatever the number of villages."""
    monkeypatch.setattr(VillageFiguresView, "paginate_by", 10)
    login(client, supervisor)
    query = {"area": "370830", "figure": "villages", **PERIOD}
    _villages(township, 2, supervisor)
    few = count_queries(figures_url(), **query)
    _villages(township, 23, supervisor, first=2)
    assert count_queries(figures_url(), **query) == few
    assert count_queries(figures_url(), **query, page=3) == few

    ordered = Village.objects.filter(code__startswith="370830").count()
    pages = [client.get(figures_url(), {**query, "page": n}) for n in (1, 2, 3)]
    rows = [v for page in pages for v in page.context["rows"]]
    assert [len(page.context["rows"]) for page in pages] == [10, 10, ordered - 20]
    # the order runs on across the pages: warned villages first, then by code
    assert [(v.sort, v.row.code) for v in rows] == sorted((v.sort, v.row.code) for v in rows)
    html = pages[0].content.decode()
    assert "table-cards" in html and f"{ordered}个村" in html
    nav = html[html.index("pagination") :]
    assert "?area=370830&amp;figure=villages&amp;period=2026Q3&page=2" in nav
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(figures_url(), {**query, "format": "xlsx"}).content)
    )
    assert workbook.active.max_row >= ordered + 1  # every village, not one page


def test_the_excel_export_takes_the_same_queries_as_the_page(
    client, count_queries, supervisor, township, data
):
    login(client, supervisor)
    page = count_queries(county_url(), **PERIOD)
    _villages(township, 10, supervisor)
    assert count_queries(county_url(), **PERIOD, format="xlsx") <= page


# ------------------------------------------------------------------ the figures themselves


def test_the_ageing_buckets_split_the_overdue_problems_at_30_and_90_days(
    client, supervisor, village, insider
):
    for deadline in (
        D(2026, 9, 30),
        D(2026, 9, 29),
        D(2026, 8, 31),
        D(2026, 8, 30),
        D(2026, 7, 1),
        D(2026, 6, 30),
    ):
        problem(village, insider, deadline=deadline, opened_on=D(2026, 6, 1))
    d = login(client, supervisor).get(county_url(), PERIOD).context["dashboard"]
    # 0 days (due that very day), 1, 30, 31, 91 and 92 days overdue on 30 September
    assert {b: n for b, _, n, _ in d.ageing} == {
        "not_due": 1,
        "d1_30": 2,
        "d31_90": 1,
        "over_90": 2,
    }
    assert sum(n for b, _, n, _ in d.ageing if b != "not_due") == d.figureset.total.problems_overdue


def test_the_composite_score_leaves_out_the_parts_without_data():
    f = Figures(villages=2)
    f.planned["inspection"], f.on_time["inspection"] = 4, 3
    f.warnings[0] = 1
    f.warnings[3] = 1
    # no vote: 50% × 75% and 20% × 50%, scaled to the 70% that have data
    assert float(composite_score(f)) == pytest.approx((50 * 0.75 + 20 * 0.5) / 70 * 100, abs=0.05)
    f.ballots, f.satisfied = 10, 9
    assert float(composite_score(f)) == pytest.approx(50 * 0.75 + 30 * 0.9 + 20 * 0.5, abs=0.05)
    assert composite_score(Figures()) is None


@pytest.mark.parametrize(
    "rate, band",
    [(None, "none"), ("0.59", "lt60"), ("0.6", "60_80"), ("0.8", "80_90"), ("0.9", "ge90")],
)
def test_satisfaction_bands(rate, band):
    from decimal import Decimal

    assert satisfaction_band(None if rate is None else Decimal(rate)) == band


def test_a_level_names_its_first_ten_villages_and_links_to_them_all(client, supervisor, township):
    for i in range(12):
        warn(VillageFactory(township=township, code=f"{township.code}{300 + i:03d}"))
    login(client, supervisor)
    html = client.get(county_url(), PERIOD).content.decode()
    red = html.split('<tr data-level="3">', 1)[1].split("</tr>", 1)[0]
    assert red.count("data-village=") == 10
    assert "data-count>12</a>" in red and "全部 12 个村" in red
    assert "figure=warning&amp;level=3" in red
    # the API lists them all
    api = client.get("/api/v1/dashboards/county/370830/", PERIOD).json()
    assert len(next(w for w in api["warnings"] if w["level"] == 3)["villages"]) == 12


def test_text_in_the_dashboard_workbooks_is_never_a_formula(
    client, supervisor, village, other_village, insider
):
    link, cmd, sums, at = FORMULA_PAYLOADS
    populate(village, insider, on_time=True)
    problem(village, insider, deadline=D(2026, 8, 16), title=sums)
    warn(other_village, text=link)
    Village.objects.filter(pk=other_village.pk).update(name=cmd)
    Region.objects.filter(code=other_village.code[:9]).update(name=at)
    client = login(client, supervisor)
    response = client.get(county_url(), {**PERIOD, "format": "xlsx"})
    assert_no_formula(response.content, link, cmd, at)
    query = {"area": "370830", "figure": "warning", "level": "3", "format": "xlsx", **PERIOD}
    assert_no_formula(client.get(figures_url(), query).content, link, cmd, at)
