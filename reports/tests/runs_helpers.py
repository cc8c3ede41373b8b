"""Fixtures of the report runs' and quarterly report's tests: a demo county, media in a
temporary folder, and PDF inspection with poppler's tools."""

import datetime as dt
import re
import subprocess

import pytest

ON = dt.date(2026, 11, 23)
PERIOD = "2026Q3"


@pytest.fixture
def media(settings, tmp_path):
    """Generated files go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "media"


def build_county(villages: int = 8, townships: int = 2, seed: int = 7):
    """A demo county with its cadres, ledgers and supervision cycle; returns its code."""
    from cadres.demo import build_cadre_demo
    from ledgers.demo import build_ledger_demo
    from supervision.demo import build_supervision_demo
    from villages import demo as tree_demo
    from villages.models import Region, Village

    tree_demo.build_demo(tree_demo.plan_demo(villages=villages, townships=townships, seed=seed))
    every = Village.objects.all()
    build_cadre_demo(seed=seed, villages=every, on=ON)
    build_ledger_demo(seed=seed, villages=every, on=ON)
    build_supervision_demo(seed=seed, villages=every, on=ON)
    return Region.objects.counties().get().code


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdfinfo_pages(pdf: bytes) -> int:
    """The pages of a PDF as poppler reads them: a count independent of WeasyPrint's."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return int(re.search(rb"^Pages:\s+(\d+)$", info, re.M)[1])


def pdffonts(pdf: bytes) -> str:
    return subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
