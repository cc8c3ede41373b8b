"""The page a printed copy's QR code leads to, for villagers (issue #20 item 2): the document's
public content to compare the paper with and its hash; a wrong code shows nothing, a draft only
that it is one; a superseded, revoked or corrected document says so and links to the current
one; never an ID number or a phone, whoever asks."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cadres import services as cadres_services
from cadres.choices import EndReason, PostKind
from reports.documents import DOCUMENTS, check_code, content_hash, public_content
from supervision import services as sup_services
from supervision.choices import Fulfilment
from supervision.tests.bottomup_helpers import add_question, make_hearing, make_redemption
from supervision.tests.conftest import sitting_post
from villages.models import Village
from villages.tests.helpers import login

from . import test_documents_fixtures as fx
from .test_documents_fixtures import *  # noqa: F403  (the fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]

D = dt.date
#: an 18-character resident ID number, and a mainland mobile number, standing alone (a hash or a
#: check code holds digits too, between letters)
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
VERIFY_LINK = re.compile(r'href="(/reports/documents/[a-z]+/\d+/verify/[0-9A-F-]+/)"')
REAL_ID = "370830198506154217"  # a valid-looking number (its check digit is right)

#: what each kind's page shows of the shared village's records (test_documents_fixtures)
SHOWN = {
    "certificate": ["李书记", "党支部书记", "有效"],
    "pledge": ["李书记", "王镇长", "承诺事项及每年兑现情况"],
    "handover": ["王前任", "赵新任", "现金日记账", "9,900.00"],
    "disclosure": ["2026 年第 1 季度", "科目余额"],
    "inspection": ["季度巡查清单", "组织生活按期开展"],
    "hearing": ["村东路灯何时修好？", "修路的钱花在哪里了？", "已按预算支出"],
}


def verify_url(kind, pk, code):
    return reverse("reports:verify", args=[kind, pk, code])


def personal_data(text: str) -> list[str]:
    return ID_NUMBER.findall(text) + MOBILE.findall(text)


def page(client, kind, obj, code=None):
    code = code or check_code(DOCUMENTS[kind], obj)
    response = client.get(verify_url(kind, obj.pk, code))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("kind", fx.KINDS)
def test_anyone_reads_the_public_content_and_the_hash(kind, records):
    obj = records[kind]
    doc = DOCUMENTS[kind]
    client = Client()
    response = page(client, kind, obj)
    html = response.content.decode()
    assert 'data-matches="yes"' in html and "与系统中的现行文本一致" in html
    assert 'data-testid="public-content"' in html
    assert content_hash(doc, obj) in html and check_code(doc, obj) in html
    assert "南旺村" in html
    for text in SHOWN[kind]:
        assert text in html, text
    assert "王五" not in html  # the villager who asked is never named
    assert 'data-testid="record-link"' not in html
    assert personal_data(html) == []
    assert not response.cookies  # nothing personal is set on a villager's phone


@pytest.mark.parametrize("kind", fx.KINDS)
def test_a_wrong_code_shows_nothing(kind, records):
    obj = records[kind]
    for code in ("0000-0000-0000", "not-a-code"):
        html = page(Client(), kind, obj, code).content.decode()
        assert 'data-matches="no"' in html and "不一致：打印件与系统中的文本不同" in html
        assert 'data-testid="public-content"' not in html
        assert check_code(DOCUMENTS[kind], obj) not in html
        for private in ("南旺村", "李书记", "王前任", *SHOWN[kind]):
            assert private not in html, private
    missing = Client().get(verify_url(kind, obj.pk + 1000, check_code(DOCUMENTS[kind], obj)))
    assert 'data-matches="no"' in missing.content.decode()


def test_a_draft_says_only_that_it_is_one(draft_pledge):
    html = page(Client(), "pledge", draft_pledge).content.decode()
    assert 'data-matches="draft"' in html and "这是尚未生效的草稿" in html
    assert 'data-testid="public-content"' not in html
    assert "赵主任" not in html
    for promise in draft_pledge.promises.all():
        assert promise.text not in html


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
def test_every_persona_reads_it_and_insiders_get_the_record(client, personas, persona, records):
    login(client, personas[persona])
    pledge = records["pledge"]
    html = page(client, "pledge", pledge).content.decode()
    assert 'data-matches="yes"' in html
    assert pledge.promises.first().text in html
    has_link = 'data-testid="record-link"' in html
    assert has_link is (persona in ("insider", "supervisor"))
    if has_link:
        assert reverse("cadres:pledge-detail", args=[pledge.pk]) in html
    assert personal_data(html) == []


def test_insiders_with_a_wrong_code_see_the_code_now_and_the_record(client, records, insider):
    hearing = records["hearing"]
    login(client, insider)
    html = page(client, "hearing", hearing, "0000-0000-0000").content.decode()
    assert 'data-matches="no"' in html and 'data-testid="public-content"' not in html
    assert check_code(DOCUMENTS["hearing"], hearing) in html
    assert reverse("supervision:hearing-detail", args=[hearing.pk]) in html


def test_a_code_typed_by_hand_still_reads(records):
    hearing = records["hearing"]
    typed = check_code(DOCUMENTS["hearing"], hearing).replace("-", "").lower()
    assert 'data-matches="yes"' in page(Client(), "hearing", hearing, typed).content.decode()


def test_a_superseded_pledge_says_so_and_links_to_the_amendment(insider, records):
    old = records["pledge"]
    printed = check_code(DOCUMENTS["pledge"], old)
    amendment = cadres_services.pledge_amend(
        actor=insider, pledge=old, reason="调整修路目标", drafted_on=D(2026, 3, 1)
    )
    cadres_services.pledge_sign(actor=insider, pledge=amendment, signed_on=D(2026, 3, 2))
    for body in ("party", "government"):
        cadres_services.pledge_countersign(
            actor=insider, pledge=amendment, body=body, signer="王镇长", signed_on=D(2026, 3, 3)
        )
    old.refresh_from_db()
    assert old.state == "superseded"
    html = page(Client(), "pledge", old, printed).content.decode()
    # The copy was genuine: its text is shown, with what changed since and the way on.
    assert 'data-matches="no"' in html and 'data-testid="public-content"' in html
    assert "本保证书已于2026年3月3日被修订版取代" in html
    assert "现行有效的是第2版保证书" in html
    amendment = DOCUMENTS["pledge"].rows().get(pk=amendment.pk)
    assert verify_url("pledge", amendment.pk, check_code(DOCUMENTS["pledge"], amendment)) in html
    differences = html.split('data-testid="differences"')[1].split("</table>")[0]
    assert "已被修订取代" in differences or "被修订" in differences
    assert "2026年3月3日" in differences  # the day it ended
    # The amendment's own page is the text in force.
    current = page(Client(), "pledge", amendment).content.decode()
    assert 'data-matches="yes"' in current and 'data-testid="notice"' not in current


def test_a_revoked_certificate_says_so_and_links_to_the_successors(insider, village, records):
    certificate = records["certificate"]
    printed = check_code(DOCUMENTS["certificate"], certificate)
    cadres_services.certificate_revoke(
        actor=insider, certificate=certificate, on=D(2026, 5, 1), reason="违反承诺"
    )
    html = page(Client(), "certificate", certificate, printed).content.decode()
    assert 'data-testid="public-content"' in html
    assert "本证书自2026年5月1日起为“吊销”状态" in html
    assert "违反承诺" not in html  # the reason stays inside
    # The post ends and a successor holds a new certificate: the old one leads to it.
    post = certificate.post
    cadres_services.post_close(
        actor=insider, post=post, end_date=D(2026, 5, 2), end_reason=EndReason.RECALLED
    )
    successor = sitting_post(insider, village, PostKind.SECRETARY, "周新书记", pledge=False)
    new = DOCUMENTS["certificate"].rows().get(post=successor)
    html = page(Client(), "certificate", certificate, printed).content.decode()
    assert new.number in html
    assert verify_url("certificate", new.pk, check_code(DOCUMENTS["certificate"], new)) in html
    assert personal_data(html) == []


@pytest.fixture
def corrected_hearing(contact, supervisor, village):
    """A completed hearing (every asker satisfied), printed, then reopened by the county."""
    hearing = make_hearing(contact, village)
    add_question(contact, hearing, satisfied=True)
    hearing = sup_services.hearing_complete(actor=contact, hearing=hearing)
    printed = check_code(DOCUMENTS["hearing"], DOCUMENTS["hearing"].rows().get(pk=hearing.pk))
    sup_services.record_reopen(actor=supervisor, record=hearing, reason="出席人数录错")
    hearing.refresh_from_db()
    return hearing, printed


def test_a_reopened_hearing_is_a_draft_then_links_to_its_corrected_text(contact, corrected_hearing):
    hearing, printed = corrected_hearing
    html = page(Client(), "hearing", hearing, printed).content.decode()
    assert 'data-matches="draft"' in html and "退回更正" in html
    assert 'data-testid="public-content"' not in html
    sup_services.hearing_update(actor=contact, hearing=hearing, others_present=4)
    sup_services.hearing_complete(actor=contact, hearing=hearing)
    hearing = DOCUMENTS["hearing"].rows().get(pk=hearing.pk)
    html = page(Client(), "hearing", hearing, printed).content.decode()
    assert 'data-matches="no"' in html and 'data-testid="public-content"' in html
    assert "这份记录已于" in html and "被退回更正" in html
    assert verify_url("hearing", hearing.pk, check_code(DOCUMENTS["hearing"], hearing)) in html
    differences = html.split('data-testid="differences"')[1].split("</table>")[0]
    assert "其他到会人数" in differences


def test_free_text_with_an_id_number_or_a_phone_is_masked(insider, contact, village):
    hearing = make_hearing(contact, village)
    add_question(
        contact,
        hearing,
        question=f"我的身份证号{REAL_ID}，电话13912345678，低保为何没批？",
        answer="请拨打13805371234咨询",
    )
    hearing = sup_services.hearing_complete(actor=contact, hearing=hearing)
    hearing = DOCUMENTS["hearing"].rows().get(pk=hearing.pk)
    content = public_content(DOCUMENTS["hearing"], hearing)
    assert personal_data(str(content)) == []
    html = page(Client(), "hearing", hearing).content.decode()
    assert personal_data(html) == [] and "低保为何没批" in html
    assert "139****5678" in html and "3708**********4217" in html


@pytest.mark.parametrize("kind", fx.KINDS)
def test_the_projection_leaves_out_everything_personal(kind, records):
    obj = records[kind]
    text = str(public_content(DOCUMENTS[kind], obj))
    assert personal_data(text) == []
    assert "王五" not in text
    for cadre_field in ("13805371234", "1975"):
        assert cadre_field not in text


def test_a_pledge_shows_each_promises_redemption(insider, village):
    post = sitting_post(insider, village, PostKind.SECRETARY, "李书记")
    redemption = make_redemption(insider, village)
    for row in redemption.results.select_related("promise"):
        sup_services.redemption_set_result(
            actor=insider,
            redemption=redemption,
            promise=row.promise,
            result=Fulfilment.FULFILLED,
            appraisal="satisfied",
            evidence="现场查看",
        )
    sup_services.redemption_complete(actor=insider, redemption=redemption)
    pledge = DOCUMENTS["pledge"].rows().get(post=post)
    html = page(Client(), "pledge", pledge).content.decode()
    assert html.count("2026年度：已兑现（群众评议：满意）") == 3
    assert "现场查看" not in html  # the evidence is the township's file


def test_the_village_page_links_each_document_to_its_verification(insider, village, records):
    html = Client().get(reverse("public:village", args=[village.code])).content.decode()
    for kind in ("certificate", "pledge", "hearing"):
        obj = DOCUMENTS[kind].rows().get(pk=records[kind].pk)
        assert verify_url(kind, obj.pk, check_code(DOCUMENTS[kind], obj)) in html, kind


def test_the_page_reads_a_bounded_number_of_queries(django_assert_max_num_queries, records):
    pledge = records["pledge"]
    code = check_code(DOCUMENTS["pledge"], pledge)
    client = Client()
    with django_assert_max_num_queries(12):
        client.get(verify_url("pledge", pledge.pk, code))
    with django_assert_max_num_queries(12):
        client.get(verify_url("pledge", pledge.pk, "0000-0000-0000"))


def test_no_verification_page_of_the_demo_shows_an_id_number_or_a_phone():
    """Every verification page the demo's village pages link to, and one of every printed
    record of the demo, read without an account: nothing personal."""
    call_command("seed_demo", "--villages", "4", stdout=StringIO())
    client = Client()
    urls = set()
    for village in Village.objects.all():
        html = client.get(reverse("public:village", args=[village.code])).content.decode()
        urls |= set(VERIFY_LINK.findall(html))
    for kind, doc in DOCUMENTS.items():
        for obj in doc.rows()[:3]:
            urls.add(verify_url(kind, obj.pk, check_code(doc, obj)))
    assert any("/pledge/" in url for url in urls) and any("/hearing/" in url for url in urls)
    shown = 0
    for url in sorted(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert personal_data(body) == [], url
        shown += 'data-testid="public-content"' in body
    assert shown
