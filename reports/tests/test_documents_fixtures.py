"""Records of every printable kind in the shared village (南旺村), made through the services,
and the tools that read a real PDF (pdftotext, pdffonts, pdftoppm + zbarimg). Test modules
import them with `from .test_documents_fixtures import *`."""

import datetime as dt
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from cadres import services as cadres_services
from cadres.choices import PostKind
from cadres.models import PledgeClause
from cadres.tests.factories import CadreFactory, PostFactory, promise_data
from ledgers import services as ledger_services
from ledgers.tests.conftest import chart, open_books  # noqa: F401
from ledgers.tests.disclosure_fixtures import draft_statement, published, quarter_books  # noqa: F401
from supervision import services as sup_services
from supervision.choices import TaskKind
from supervision.periods import Period
from supervision.tests.bottomup_helpers import add_question, make_hearing
from supervision.tests.conftest import checklist, sitting_post  # noqa: F401
from supervision.tests.topdown_helpers import complete_inspection

__all__ = [
    "D",
    "KINDS",
    "chart",
    "clauses",
    "checklist",
    "draft_pledge",
    "draft_statement",
    "open_books",
    "pdf_fonts",
    "pdf_qr",
    "pdf_text",
    "printed_code",
    "published",
    "quarter_books",
    "records",
]

D = dt.date
KINDS = ["certificate", "pledge", "handover", "disclosure", "inspection", "hearing"]
CODE = re.compile(r"\b([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})\b")


@pytest.fixture
def clauses(county):
    for n, text in enumerate(["自觉接受党员群众监督", "违反承诺自愿接受组织处理"], 1):
        PledgeClause.objects.create(county=county, position=n, text=text)


@pytest.fixture
def records(insider, clerk, village, county, clauses, checklist, open_books, published):  # noqa: F811
    """One finished record of each kind: the secretary's certificate and pledge in force, a
    signed handover, the published statement of 2026 Q1, a completed inspection and hearing."""
    secretary = sitting_post(insider, village, PostKind.SECRETARY, "李书记")
    ended = PostFactory(
        cadre=CadreFactory(village=village, name="王前任"),
        kind=PostKind.CHAIR,
        start_date=D(2021, 1, 10),
        term_ends=D(2026, 1, 10),
        end_date=D(2025, 12, 31),
        end_reason="term_ended",
    )
    handover = ledger_services.handover_start(actor=clerk, ended_post=ended)
    handover = ledger_services.handover_update(
        actor=clerk,
        handover=handover,
        cash_counted=Decimal("9900"),
        bank_counted=Decimal("90000"),
        differences="现金短款100元，系未报销差旅费",
        documents="现金日记账\n村委会公章",
        incoming=CadreFactory(village=village, name="赵新任"),
    )
    for who in ("outgoing", "incoming"):
        ledger_services.handover_sign(actor=clerk, handover=handover, who=who, on=D(2026, 1, 5))
    handover = ledger_services.handover_sign(
        actor=insider, handover=handover, who="supervisor", on=D(2026, 1, 5), supervisor="钱监督"
    )
    task = sup_services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))
    inspection = sup_services.inspection_start(actor=insider, task=task, date=D(2026, 8, 3))
    inspection = complete_inspection(insider, inspection)
    hearing = make_hearing(insider, village)
    add_question(insider, hearing)
    add_question(insider, hearing, satisfied=False, question="村东路灯何时修好？", answer="")
    hearing = sup_services.hearing_complete(actor=insider, hearing=hearing)
    return {
        "certificate": secretary.certificate,
        "pledge": secretary.pledges.get(),
        "handover": handover,
        "disclosure": published,
        "inspection": inspection,
        "hearing": hearing,
    }


@pytest.fixture
def draft_pledge(insider, village, clauses):
    """The chair's pledge, drafted and not yet signed."""
    post = PostFactory(cadre=CadreFactory(village=village, name="赵主任"), kind=PostKind.CHAIR)
    return cadres_services.pledge_draft(
        actor=insider, post=post, drafted_on=D(2026, 11, 1), promises=promise_data(3)
    )


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it (layout kept), spaces between CJK removed."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return _run("pdftotext", "-layout", str(path), "-")


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) of every font pdffonts lists."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    rows = _run("pdffonts", str(path)).splitlines()[2:]
    # name type encoding emb sub uni object ID: the emb column is the 4th from the end.
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows]


def pdf_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    """The QR codes zbarimg finds on the PDF's pages rendered at 150 dpi."""
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    _run("pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page"))
    found = []
    for png in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
            capture_output=True,
            text=True,
        )
        found += [line for line in result.stdout.splitlines() if line]
    return found


def printed_code(text: str) -> str:
    """The check code printed on the document (the one after 校验码)."""
    codes = set(CODE.findall(text))
    assert len(codes) == 1, codes
    return codes.pop()
