# ruff: noqa: F811 -- pytest fixtures are imported from runs_helpers
"""/api/v1/report-runs/: personas, request (create or join), download."""

import pytest

from reports import services
from reports.choices import RunState
from reports.models import ReportRun
from villages.tests.helpers import api_login

from .runs_helpers import PERIOD, media  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/report-runs/"


@pytest.fixture
def done_run(media, insider, village):
    run, _ = services.report_request(
        actor=insider, kind="quarterly", area_code=village.code, period=PERIOD, enqueue=False
    )
    services.report_generate(run.pk)
    return ReportRun.objects.get(pk=run.pk)


@pytest.mark.parametrize(
    "persona,status,listed",
    [("anonymous", 401, 0), ("outsider", 404, 0), ("insider", 200, 1), ("supervisor", 200, 1)],
)
def test_persona_matrix(api, personas, done_run, persona, status, listed):
    api_login(api, personas[persona])
    listing = api.get(URL)
    if persona == "anonymous":
        assert listing.status_code in (401, 403)
        return
    assert listing.json()["count"] == listed
    assert api.get(f"{URL}{done_run.pk}/").status_code == status
    download = api.get(f"{URL}{done_run.pk}/download/")
    assert download.status_code == status
    if status == 200:
        assert b"".join(download.streaming_content).startswith(b"%PDF")
        body = api.get(f"{URL}{done_run.pk}/").json()
        assert body["state"] == "done" and body["download"].endswith("/download/")
        assert body["sha256"] == done_run.sha256 and body["pages"] == done_run.pages


def test_create_then_join(api, insider, supervisor, outsider, township, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    data = {"kind": "quarterly", "area_code": township.code, "period": PERIOD}
    api_login(api, outsider)
    assert api.post(URL, data).status_code == 403
    api_login(api, insider)
    first = api.post(URL, data)
    assert first.status_code == 201 and first.json()["state"] == "queued"
    api_login(api, supervisor)
    second = api.post(URL, data)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert api.post(URL, {**data, "period": "2026"}).status_code == 400


def test_filters(api, supervisor, done_run, county):
    ReportRun.objects.create(
        kind="quarterly", area_code=county.code, period="2026Q2", state=RunState.QUEUED
    )
    api_login(api, supervisor)
    assert api.get(URL, {"state": "done"}).json()["count"] == 1
    assert api.get(URL, {"period": "2026q2"}).json()["count"] == 1
    assert api.get(URL, {"area": done_run.area_code}).json()["count"] == 1
