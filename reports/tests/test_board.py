"""The printable 公开榜 (issue #20, item 4): a village's public page in summary for a quarter, on A4
and on a real A3 page in three columns, with a QR code to the public page; anyone may download it
(four personas), an odd period or size is a 404, it is cached for anonymous visitors and renewed
when the village publishes."""

import re
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.dates import today
from supervision import services
from supervision.choices import PeriodKind
from supervision.models import Problem
from supervision.periods import Period
from supervision.tests.test_public_village import personal_data, supervised
from villages.tests.helpers import login

from .runs_helpers import pdffonts, pdfinfo_pages, pdftotext

pytestmark = pytest.mark.django_db

#: the quarter of supervised()'s records (held on 2026-11-23)
QUARTER = "2026Q4"


def board_url(village, size="a4", quarter=QUARTER):
    return reverse("public:board", args=[village.code, quarter, size])


def page_size_mm(pdf: bytes) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    match = re.search(rb"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match
    return round(float(match[1]) * 25.4 / 72), round(float(match[2]) * 25.4 / 72)


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
def test_anyone_may_download_the_board(client, personas, persona, insider, village):
    supervised(insider, village)
    login(client, personas[persona])
    response = client.get(board_url(village))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "李书记" in pdftotext(response.content)


def test_the_board_summarizes_the_quarter_with_a_qr_to_the_public_page(insider, village):
    posts = supervised(insider, village, questions=2)
    response = Client().get(board_url(village))
    text = pdftotext(response.content)
    # the committees, the promises with their redemption, the votes, the hearing, the problems
    assert "李书记" in text and "赵主任" in text and "孙委员0" in text
    promise = posts[0].pledges.get().promises.order_by("position").first()
    assert promise.text[:8] in text
    assert "2026" in text and "95.8%" in text
    assert "第0问" in text and "第1问" in text
    assert Problem.objects.get(village=village).title[:8] in text
    # the printed address is the public page's, the one the QR code holds
    assert f"/public/villages/{village.code}/" in "".join(text.split())  # wrapped in print
    assert "Noto-Sans-CJK-SC" in pdffonts(response.content)
    cadre = posts[0].cadre
    assert cadre.phone not in text and cadre.id_number not in text
    assert personal_data(text) == []


def test_another_quarter_shows_its_own_records_only(insider, village):
    supervised(insider, village, questions=2)
    text = pdftotext(Client().get(board_url(village, quarter="2026Q2")).content)
    assert "李书记" in text  # the committees and pledges stand
    assert "第0问" not in text and "95.8%" not in text


def test_a4_and_a3_are_real_page_sizes(insider, village):
    supervised(insider, village)
    a4 = Client().get(board_url(village, "a4")).content
    a3 = Client().get(board_url(village, "a3")).content
    assert page_size_mm(a4) == (210, 297)
    assert page_size_mm(a3) == (297, 420)
    # A3 lays the same content in three columns, on no more pages than A4
    assert pdfinfo_pages(a3) <= pdfinfo_pages(a4)


@pytest.mark.parametrize(
    "args",
    [
        ("370830102201", "2026Q4", "a5"),
        ("370830102201", "2026H2", "a4"),
        ("370830102201", "2026Q9", "a4"),
        ("370830102201", "2099Q1", "a4"),
        ("370830102201", "bogus", "a4"),
        ("999999999999", "2026Q4", "a4"),
    ],
)
def test_odd_addresses_are_404(village, args):
    assert Client().get(reverse("public:board", args=args)).status_code == 404


def test_the_current_board_is_this_quarter(village):
    response = Client().get(reverse("public:board-current", args=[village.code, "a3"]))
    quarter = Period.containing(PeriodKind.QUARTER, today())
    assert response.status_code == 302
    assert response["Location"] == board_url(village, "a3", str(quarter))
    assert (
        Client().get(reverse("public:board-current", args=[village.code, "x"])).status_code == 404
    )


def test_the_public_page_and_the_township_link_the_board(client, insider, village):
    quarter = Period.containing(PeriodKind.QUARTER, today())
    page = Client().get(reverse("public:village", args=[village.code])).content.decode()
    assert board_url(village, "a4", str(quarter)) in page
    assert board_url(village, "a3", str(quarter.previous())) in page
    login(client, insider)
    detail = client.get(reverse("villages:village-detail", args=[village.code])).content.decode()
    assert reverse("public:board-current", args=[village.code, "a4"]) in detail


def test_the_board_is_cached_and_renewed_on_publication(
    settings,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    contact,
    insider,
    village,
):
    settings.PUBLIC_CACHE_SECONDS = 600
    cache.clear()
    supervised(insider, village, questions=1)
    url = board_url(village)
    started = time.perf_counter()
    first = Client().get(url).content
    built = time.perf_counter() - started
    assert built < 10  # measured about 1 s (two cores shared); the cache serves the rest
    with django_assert_num_queries(0):
        assert Client().get(url).content == first
    problem = Problem.objects.get(village=village)
    with django_capture_on_commit_callbacks(execute=True):
        problem = services.problem_start(actor=contact, problem=problem)
        problem = services.problem_submit(actor=contact, problem=problem, rectification="已公开")
        services.problem_close(actor=insider, problem=problem, evidence="公开栏照片")
    assert Client().get(url).content != first
    cache.clear()
