"""The county dashboard in a real browser: a county supervisor opens it, sees the charts drawn by
ECharts, drills down from the township with a red warning to the village, and requests and
downloads the village's quarterly report. A screenshot of the dashboard is kept under
var/test-artifacts/."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cadres import services as cadres_services
from cadres.choices import CertificateState
from cadres.tests.factories import CadreFactory, PostFactory
from config.celery import app as celery_app
from reports.models import ReportRun
from reports.tests.dashboards_helpers import populate, problem
from supervision import services as supervision_services
from supervision.choices import WarningLevel
from supervision.models import VillageWarning
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"


@pytest.fixture
def red_village(other_village, supervisor):
    """郭楼村's secretary has a suspended certificate: the warning rules raise it to red."""
    post = PostFactory(cadre=CadreFactory(village=other_village, name="钱书记"))
    certificate = cadres_services.certificate_issue(
        actor=supervisor, post=post, issued_on=dt.date(2024, 1, 10)
    )
    type(certificate).objects.filter(pk=certificate.pk).update(
        state=CertificateState.SUSPENDED, state_changed_on=dt.date(2026, 3, 1)
    )
    supervision_services.warnings_evaluate(village_codes=[other_village.code])
    assert VillageWarning.objects.get(village=other_village).level == WarningLevel.RED
    return other_village


@pytest.fixture
def eager_reports(settings, tmp_path):
    """Reports are generated in the request's thread, into a temporary media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def test_a_supervisor_drills_down_from_a_red_township_to_the_village_report(
    page, village, red_village, supervisor, insider, eager_reports, settings
):
    settings.DASHBOARD_CACHE_SECONDS = 600  # as deployed: the figures come from the cache
    populate(village, insider, on_time=True)
    populate(red_village, insider, on_time=False)
    problems = []
    # script errors and CSP refusals on the dashboards (the browser's favicon request aside)
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "/reports/dashboards/" in page.url
            and "favicon" not in m.location.get("url", "")
            and problems.append(f"{page.url}: {m.text[:70]}")
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))

    browser_login(page, "supervisor")
    page.locator(".navbar-toggler").click()  # the menu is folded on a phone
    page.get_by_test_id("nav-dashboard").click()
    page.wait_for_url("**/reports/dashboards/county/370830/")
    page.goto(page.url + "?period=2026Q3")
    expect(page.get_by_role("heading", level=1)).to_contain_text("工作台")
    # the charts are drawn by ECharts from the page's json_script data
    for chart in ("matrix", "warnings", "ageing", "satisfaction", "trend", "ranking"):
        expect(page.locator(f'[data-chart="{chart}"][data-ready="true"] canvas')).to_have_count(1)
    red_row = page.get_by_test_id("matrix").locator('tr[data-unit="370830105"]')
    expect(red_row.locator('[data-level="3"]')).to_be_visible()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)  # ECharts redraws on resize
    page.screenshot(path=str(ARTIFACTS / "county-dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})

    # a problem registered meanwhile shows on the next visit: the county's figures are renewed
    opened = page.locator('[data-figure="problems_opened"] [data-value]')
    before = int(opened.inner_text())
    problem(red_village, insider, deadline=dt.date(2026, 9, 30))  # commits at once
    page.reload()
    expect(opened).to_have_text(str(before + 1))

    # township → its dashboard → the red village → its supervision tab
    red_row.get_by_test_id("unit-link").click()
    page.wait_for_url("**/reports/dashboards/township/370830105/?period=2026Q3")
    warnings = page.get_by_test_id("warnings")
    expect(warnings.locator('tr[data-level="3"]')).to_contain_text("郭楼村")
    expect(warnings).to_contain_text("任职资格证书被暂停")
    warnings.locator(f'[data-village="{red_village.code}"]').click()
    tab = reverse("supervision:village-supervision", args=[red_village.code])
    page.wait_for_url(f"**{tab}")
    expect(page.get_by_test_id("supervision-calendar")).to_be_visible()

    # the village's quarterly report, requested and downloaded
    page.goto(
        f"{page.base_url}{reverse('reports:report-runs')}?area={red_village.code}&period=2026Q3"
    )
    form = page.get_by_test_id("request-form")
    expect(form.get_by_label("报告范围")).to_have_value(red_village.code)
    form.get_by_role("button", name="生成").click()
    page.wait_for_url("**/reports/runs/*/")
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    assert download.value.suggested_filename.endswith(".pdf")
    run = ReportRun.objects.get(area_code=red_village.code)
    assert (run.period, run.state, run.requested_by) == ("2026Q3", "done", supervisor)
    assert not problems, problems


def _headline(page, key):
    return page.locator(f'[data-figure="{key}"] [data-value]').first


@pytest.mark.services
def test_the_dashboard_keeps_serving_while_the_county_writes(
    page, village, insider, supervisor, settings, worker_queue
):
    """At 390 px: the county records a problem while its supervisor watches the dashboard; the
    next load shows the figures it had, with their time and 更新中, and a real worker counts the
    new ones a moment later."""
    settings.DASHBOARD_CACHE_SECONDS = 600
    settings.DASHBOARD_DEBOUNCE_SECONDS = 0.3
    populate(village, insider, on_time=True)
    browser_login(page, "supervisor")
    url = page.base_url + reverse("reports:county-dashboard", args=["370830"]) + "?period=2026Q3"
    page.goto(url)
    opened = _headline(page, "problems_opened")
    before = int(opened.inner_text())
    expect(page.get_by_test_id("renewing")).to_have_count(0)
    taken = page.get_by_test_id("built-at").inner_text()

    problem(village, insider, deadline=dt.date(2026, 9, 30))  # committed: a transactional test
    page.reload()
    expect(page.get_by_test_id("renewing")).to_have_text("更新中")
    assert (
        int(opened.inner_text()) == before and page.get_by_test_id("built-at").inner_text() == taken
    )

    for _attempt in range(50):  # the worker's rebuild: a fraction of a second after the debounce
        page.wait_for_timeout(200)
        page.reload()
        if page.get_by_test_id("renewing").count() == 0:
            break
    expect(page.get_by_test_id("renewing")).to_have_count(0)
    assert int(opened.inner_text()) == before + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
