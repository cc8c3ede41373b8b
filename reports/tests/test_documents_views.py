"""Who may download a printed document and what the verification page tells staff.

The PDF renderer is replaced here by a stub: the permission matrix is about who gets which
answer (test_documents_pdf.py reads the real PDFs)."""

import pytest
from django.urls import reverse

from ledgers.models import Disclosure
from reports.documents import DOCUMENTS, check_code
from villages.tests.helpers import login

from . import test_documents_fixtures as fx
from .test_documents_fixtures import *  # noqa: F403  (the fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]


@pytest.fixture
def stub_pdf(monkeypatch):
    """render_pdf without WeasyPrint; keeps the context it was given."""
    seen = []

    def render(template_name, context, request=None):
        seen.append(context)
        return b"%PDF-1.7 stub"

    monkeypatch.setattr("reports.views.documents.render_pdf", render)
    return seen


def pdf_url(kind, pk):
    return reverse("reports:document", args=[kind, pk])


def verify_url(kind, pk, code):
    return reverse("reports:verify", args=[kind, pk, code])


@pytest.mark.parametrize("kind", fx.KINDS)
def test_who_may_download_each_document(
    kind, client, records, outsider, insider, supervisor, contact, clerk, stub_pdf
):
    url = pdf_url(kind, records[kind].pk)
    response = login(client, None).get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert login(client, outsider).get(url).status_code == 404
    for user in (insider, supervisor, contact, clerk):
        response = login(client, user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == b"%PDF-1.7 stub"
    assert stub_pdf[-1]["verify_code"] == check_code(DOCUMENTS[kind], records[kind])


def test_an_unpublished_statement_and_an_unknown_kind_are_not_printed(
    client, insider, draft_statement, stub_pdf
):
    login(client, insider)
    assert client.get(pdf_url("disclosure", draft_statement.pk)).status_code == 404
    assert client.get(pdf_url("voucher", draft_statement.pk)).status_code == 404
    assert client.get(verify_url("voucher", 1, "AAAA-BBBB-CCCC")).status_code == 404
    assert stub_pdf == []


def test_a_draft_record_prints_with_the_draft_mark(client, insider, draft_pledge, stub_pdf):
    login(client, insider).get(pdf_url("pledge", draft_pledge.pk))
    assert stub_pdf[-1]["is_draft"] is True


def test_the_verification_page_gives_staff_the_match_and_the_record(
    client, records, insider, supervisor
):
    hearing = records["hearing"]
    code = check_code(DOCUMENTS["hearing"], hearing)
    for user in (insider, supervisor):
        response = login(client, user).get(verify_url("hearing", hearing.pk, code))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-matches="yes"' in html
        assert reverse("supervision:hearing-detail", args=[hearing.pk]) in html
        assert "与系统中的现行文本一致" in html
    # Typed by hand, in small letters and without the dashes, the code still reads.
    typed = code.replace("-", "").lower()
    assert (
        'data-matches="yes"'
        in client.get(verify_url("hearing", hearing.pk, typed)).content.decode()
    )
    wrong = client.get(verify_url("hearing", hearing.pk, "0000-0000-0000")).content.decode()
    assert 'data-matches="no"' in wrong and code in wrong  # staff see the record's code now


# What anyone else reads on the verification page: test_documents_verify.py.


def test_a_statement_that_is_not_published_is_never_confirmed(client, draft_statement):
    code = check_code(DOCUMENTS["disclosure"], draft_statement)
    assert not Disclosure.objects.filter(pk=draft_statement.pk, state="published").exists()
    html = client.get(verify_url("disclosure", draft_statement.pk, code)).content.decode()
    assert 'data-matches="no"' in html


DETAIL_PAGES = {
    "certificate": "cadres:qualification-certificate-detail",
    "pledge": "cadres:pledge-detail",
    "handover": "ledgers:handover-detail",
    "disclosure": "ledgers:disclosure-detail",
    "inspection": "supervision:inspection-detail",
    "hearing": "supervision:hearing-detail",
}


@pytest.mark.parametrize("kind", fx.KINDS)
def test_each_record_page_links_to_its_pdf(kind, client, records, insider):
    obj = records[kind]
    html = login(client, insider).get(reverse(DETAIL_PAGES[kind], args=[obj.pk])).content.decode()
    assert f'href="{pdf_url(kind, obj.pk)}"' in html
    assert "打印（PDF）" in html


def test_a_draft_statement_page_has_no_pdf_link(client, insider, draft_statement):
    url = reverse("ledgers:disclosure-detail", args=[draft_statement.pk])
    html = login(client, insider).get(url).content.decode()
    assert pdf_url("disclosure", draft_statement.pk) not in html
