# ruff: noqa: F811 -- pytest fixtures are imported from runs_helpers
"""The quarterly review report as a real PDF: text, fonts, pages, charts, for each kind of area."""

import pytest
from django.utils import translation

from reports.quarterly import quarterly_context, render_quarterly
from villages.models import Region, Village

from .runs_helpers import ON, PERIOD, build_county, pdffonts, pdfinfo_pages, pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo county for the module (built once: the PDFs only read it)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            code = build_county()
            yield code
            transaction.set_rollback(True)


def render(code):
    with translation.override("zh-hans"):
        return render_quarterly(code, PERIOD, on=ON)


def test_the_county_report_has_its_title_villages_figures_and_cjk_fonts(demo):
    rendered = render(demo)
    pdf, pages = rendered.content, rendered.pages
    assert pages == pdfinfo_pages(pdf)  # WeasyPrint's count is the file's
    text = pdftotext(pdf)
    assert "季度监督评议报告" in text
    assert "2026年第3季度" in text
    for name in Village.objects.values_list("name", flat=True):
        assert name in text
    for name in Region.objects.townships().values_list("name", flat=True):
        assert name in text
    # a figure: the county's count of villages in the summary sentence
    assert f"{Village.objects.count()} 个村" in text or f"{Village.objects.count()}个村" in text
    fonts = pdffonts(pdf)
    assert "NotoSansCJK" in fonts.replace("-", "") or "Noto-Sans-CJK" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts  # all embedded
    assert 4 <= pages <= 20
    assert f"共{pages}页" in text.replace(" ", "")


def test_a_village_report_names_the_village_and_its_township(demo):
    village = Village.objects.select_related("township").order_by("code").first()
    pdf = render(village.code)
    text = pdftotext(pdf.content)
    assert village.name in text and village.township.name in text
    assert "季度监督评议报告" in text
    assert 2 <= pdf.pages <= 8


def test_the_figures_in_the_report_are_those_of_period_figures(demo):
    from reports.figures import period_figures
    from supervision.periods import Period

    figures = period_figures(prefix=demo, period=Period.parse(PERIOD), on=ON).total
    with translation.override("zh-hans"):
        ctx = quarterly_context(demo, PERIOD, on=ON)
    values = [v for _l, v in ctx["summary"]]
    assert str(figures.problems_opened) in values
    assert f"{figures.on_time['inspection']}/{figures.planned['inspection']}" in values[0]
    assert ctx["charts"]["on_time"].startswith("<svg") and "<script" not in ctx["charts"]["on_time"]
