"""Pages that once needed inline styles, in a real browser under the strict CSP: the API docs
(Swagger UI) and a report's progress bar. The `page` fixture fails the test on any CSP refusal."""

import pytest
from playwright.sync_api import expect

from reports import services
from reports.choices import RunState
from reports.models import ReportRun
from villages.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_and_a_progress_bar_render_without_inline_styles(page, insider, township):
    browser_login(page, "insider")
    page.goto(page.base_url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cunjian API")
    # the stylesheet that replaced the inline rules is applied
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"

    run, _ = services.report_request(
        actor=insider, kind="quarterly", area_code=township.code, period="2026Q3", enqueue=False
    )
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, progress=45)
    page.goto(f"{page.base_url}/reports/runs/{run.pk}/")
    bar = page.locator("[data-progress]")
    expect(bar).to_have_text("45%")
    # cunjian.js set the width (45% of the track) from data-progress
    width = bar.evaluate("b => b.getBoundingClientRect().width")
    track = bar.evaluate("b => b.parentElement.getBoundingClientRect().width")
    assert 0.4 < width / track < 0.5
