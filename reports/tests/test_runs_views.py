# ruff: noqa: F811 -- pytest fixtures are imported from runs_helpers
"""Pages of the report runs: personas, the request form, joining, progress polling, download."""

import pytest
from django.urls import reverse

from reports import services
from reports.choices import RunState
from reports.models import ReportRun
from villages.tests.helpers import login

from .runs_helpers import PERIOD, media  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
LIST = reverse("reports:report-runs")


@pytest.fixture
def done_run(media, insider, village):
    run, _ = services.report_request(
        actor=insider, kind="quarterly", area_code=village.code, period=PERIOD, enqueue=False
    )
    services.report_generate(run.pk)
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("insider", 200),
        ("supervisor", 200),
        ("contact", 200),
    ],
)
def test_pages_persona_matrix(client, personas, contact, done_run, persona, status):
    login(client, contact if persona == "contact" else personas[persona])
    detail = client.get(reverse("reports:report-run", args=[done_run.pk]))
    download = client.get(reverse("reports:report-download", args=[done_run.pk]))
    assert detail.status_code == status and download.status_code == status
    if status == 200:
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        assert "季度监督评议报告" in detail.content.decode()
    listing = client.get(LIST)
    assert listing.status_code == (302 if persona == "anonymous" else 200)
    if persona != "anonymous":
        shown = f'data-run="{done_run.pk}"' in listing.content.decode()
        assert shown is (persona != "outsider")


def test_the_form_is_prefilled_from_the_query(client, insider, village):
    login(client, insider)
    page = client.get(LIST, {"area": village.code, "period": "2026Q2"}).content.decode()
    assert 'value="2026Q2"' in page
    # chosen in the area picker (a select of the user's areas: no code is typed)
    assert f'<option value="{village.code}" selected>' in page


def test_a_request_outside_the_scope_is_refused(client, outsider, village):
    login(client, outsider)
    response = client.post(LIST, {"kind": "quarterly", "area": village.code, "period": PERIOD})
    assert response.status_code == 400
    assert "您无权查看该地区的报告" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_request_creates_a_run_and_a_second_joins_it(client, insider, supervisor, township):
    login(client, insider)
    data = {"kind": "quarterly", "area": township.code, "period": PERIOD}
    first = client.post(LIST, data)
    run = ReportRun.objects.get()
    assert first.status_code == 302 and first.url == reverse("reports:report-run", args=[run.pk])
    login(client, supervisor)
    second = client.post(LIST, data, follow=True)
    assert second.redirect_chain[-1][0] == first.url and ReportRun.objects.count() == 1
    assert "该报告正在生成" in second.content.decode()


def test_a_bad_period_is_shown_on_the_form(client, insider, township):
    login(client, insider)
    response = client.post(LIST, {"kind": "quarterly", "area": township.code, "period": "2026"})
    assert response.status_code == 400 and "请填写季度" in response.content.decode()


def test_a_running_run_is_polled_by_htmx_and_stops_when_done(client, insider, township):
    login(client, insider)
    run, _ = services.report_request(
        actor=insider, kind="quarterly", area_code=township.code, period=PERIOD, enqueue=False
    )
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, progress=45)
    url = reverse("reports:report-run", args=[run.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'data-progress="45"' in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="run-progress"') and "<html" not in partial
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.DONE, progress=100)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and 'data-state="done"' in partial


def test_earlier_versions_are_listed_and_downloadable(client, insider, village, done_run):
    second, _ = services.report_request(
        actor=insider, kind="quarterly", area_code=village.code, period=PERIOD, enqueue=False
    )
    login(client, insider)
    page = client.get(reverse("reports:report-run", args=[second.pk])).content.decode()
    assert 'data-version="1"' in page
    assert reverse("reports:report-download", args=[done_run.pk]) in page


def test_a_run_not_ready_is_not_downloadable(client, insider, township):
    run, _ = services.report_request(
        actor=insider, kind="quarterly", area_code=township.code, period=PERIOD, enqueue=False
    )
    login(client, insider)
    assert client.get(reverse("reports:report-download", args=[run.pk])).status_code == 404


def test_the_list_filters_by_state_and_area(client, supervisor, done_run, township):
    services.report_request(
        actor=supervisor, kind="quarterly", area_code=township.parent.code, period=PERIOD,
        enqueue=False,
    )  # fmt: skip
    login(client, supervisor)
    page = client.get(LIST, {"state": "done"}).content.decode()
    assert page.count("data-run=") == 1
    page = client.get(LIST, {"area": done_run.area_code[:9]}).content.decode()
    assert page.count("data-run=") == 1


def test_the_list_runs_the_same_queries_for_2_and_12_runs(
    count_queries, client, supervisor, township
):
    from villages.tests.factories import VillageFactory

    login(client, supervisor)
    villages = VillageFactory.create_batch(12, township=township)
    for v in villages[:2]:
        ReportRun.objects.create(kind="quarterly", area_code=v.code, period=PERIOD)
    few = count_queries(LIST)
    for v in villages[2:]:
        ReportRun.objects.create(kind="quarterly", area_code=v.code, period=PERIOD)
    assert count_queries(LIST) == few
    assert client.get(LIST).content.decode().count("data-run=") == 12
