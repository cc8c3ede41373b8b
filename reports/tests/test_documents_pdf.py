"""The printed documents read for real: pdftotext finds the title, the village and the key
fields; pdffonts shows embedded CJK fonts; zbarimg decodes the QR code to the right absolute
address; the printed check code is the one the verification page accepts."""

import pytest
from django.urls import reverse

from cadres import services as cadres_services
from cadres.tests.factories import promise_data
from reports.documents import DOCUMENTS, check_code
from villages.tests.helpers import login

from . import test_documents_fixtures as fx
from .test_documents_fixtures import *  # noqa: F403  (the fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]

TITLES = {
    "certificate": "任职资格证书",
    "pledge": "任职保证书",
    "handover": "换届交接记录",
    "disclosure": "定期公开表",
    "inspection": "巡查记录",
    "hearing": "村务听证质询会纪要",
}
# What each document must show besides its title and village (pdftotext -layout output).
KEY_FIELDS = {
    "certificate": ["李书记", "党支部书记", "2024年1月10日 – 2029年1月10日", "有效", "汶上县"],
    "pledge": [
        "硬化村内主干道",
        "新建大棚40个",
        "严守廉洁纪律",
        "自觉接受党员群众监督",
        "王镇长",
        "2024年1月6日",
        "2024年1月7日",
    ],
    "handover": [
        "王前任",
        "赵新任",
        "钱监督",
        "101 库存现金",
        "9,900.00 元",
        "-100.00 元",
        "现金短款100元",
        "村委会公章",
        "2026年1月5日",
    ],
    "disclosure": ["2026 年第 1 季度", "土地流转费", "12,000.00 元", "12,200.00 元", "东洼地"],
    "inspection": ["季度巡查清单 v1", "93.0", "王镇长", "三务公开栏未及时更新", "已完成"],
    "hearing": [
        "村委会议室",
        "共33人",
        "修路的钱花在哪里了",
        "村东路灯何时修好",
        "2 名提问人中 1 人满意",
    ],
}


def download(client, kind, pk) -> bytes:
    response = client.get(reverse("reports:document", args=[kind, pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF-")
    return pdf


def verify_path(kind, pk, code):
    return reverse("reports:verify", args=[kind, pk, code])


@pytest.mark.parametrize("kind", fx.KINDS)
def test_each_document_prints_its_title_village_fields_fonts_qr_and_code(
    kind, client, insider, records, tmp_path
):
    obj = records[kind]
    pdf = download(login(client, insider), kind, obj.pk)
    text = fx.pdf_text(pdf, tmp_path)
    assert TITLES[kind] in text
    assert "南旺村" in text and "南旺镇" in text
    for field in KEY_FIELDS[kind]:
        assert field in text, field
    assert "草稿" not in text  # a final record carries no draft mark
    assert "第1页/共" in text.replace(" ", "")

    fonts = fx.pdf_fonts(pdf, tmp_path)
    assert any("CJK" in name for name, _ in fonts), fonts
    assert all(embedded for _, embedded in fonts), fonts

    code = fx.printed_code(text)
    assert code == check_code(DOCUMENTS[kind], obj)
    if kind == "disclosure":
        # The QR code leads to the statement's public page; the code is its SHA-256's prefix.
        expected = "http://testserver" + reverse("public:statement", args=[obj.pk])
        assert code.replace("-", "") == obj.sha256[:12].upper()
    else:
        expected = "http://testserver" + verify_path(kind, obj.pk, code)
    assert fx.pdf_qr(pdf, tmp_path) == [expected]
    assert expected in text.replace(" ", "").replace("\n", "") or expected in text

    # The code printed is the one the verification page accepts, as staff and as anyone.
    for user in (insider, None):
        page = login(client, user).get(verify_path(kind, obj.pk, code))
        assert page.status_code == 200
        assert page.context["answer"].matches is True


def test_a_pdf_masks_the_id_number_and_leaves_out_the_phone(client, insider, records, tmp_path):
    cadre = records["certificate"].post.cadre
    text = fx.pdf_text(
        download(login(client, insider), "certificate", records["certificate"].pk), tmp_path
    )
    assert cadre.masked_id_number in text
    assert cadre.id_number not in text and cadre.id_number[6:14] not in text
    assert cadre.phone not in text


def test_a_draft_prints_marked_and_an_edit_gives_another_code(
    client, insider, draft_pledge, tmp_path
):
    login(client, insider)
    first = fx.pdf_text(download(client, "pledge", draft_pledge.pk), tmp_path)
    assert "草稿" in first and "不得张贴" in first
    assert "硬化村内主干道" in first
    code = fx.printed_code(first)
    assert (
        client.get(verify_path("pledge", draft_pledge.pk, code)).context["answer"].matches is True
    )

    # Same record, same code: printing twice gives the same paper.
    again = fx.pdf_text(download(client, "pledge", draft_pledge.pk), tmp_path)
    assert fx.printed_code(again) == code

    changed = promise_data(3)
    changed[0]["target"] = "3.0公里"
    cadres_services.pledge_update_draft(actor=insider, pledge=draft_pledge, promises=changed)
    edited = fx.pdf_text(download(client, "pledge", draft_pledge.pk), tmp_path)
    assert "3.0公里" in edited
    new_code = fx.printed_code(edited)
    assert new_code != code
    # The old paper no longer matches (a draft's promises were rewritten: no version has its code).
    stale = client.get(verify_path("pledge", draft_pledge.pk, code))
    assert stale.context["answer"].matches is False and stale.context["current_code"] == new_code
    login(client, None)
    assert (
        client.get(verify_path("pledge", draft_pledge.pk, code)).context["answer"].matches is False
    )
    assert (
        client.get(verify_path("pledge", draft_pledge.pk, new_code)).context["answer"].matches
        is True
    )


def test_signing_the_pledge_fills_its_signature_block_and_changes_the_code(
    client, insider, draft_pledge, tmp_path
):
    login(client, insider)
    before = fx.pdf_text(download(client, "pledge", draft_pledge.pk), tmp_path)
    assert "2026年11月2日" not in before
    cadres_services.pledge_sign(actor=insider, pledge=draft_pledge, signed_on=fx.D(2026, 11, 2))
    after = fx.pdf_text(download(client, "pledge", draft_pledge.pk), tmp_path)
    assert "2026年11月2日" in after and "草稿" not in after
    assert fx.printed_code(after) != fx.printed_code(before)


def test_a_suspended_certificate_prints_its_state_and_a_new_code(
    client, insider, records, tmp_path
):
    certificate = records["certificate"]
    login(client, insider)
    valid_code = fx.printed_code(
        fx.pdf_text(download(client, "certificate", certificate.pk), tmp_path)
    )
    cadres_services.certificate_suspend(
        actor=insider, certificate=certificate, on=fx.D(2026, 11, 20), reason="年检不合格"
    )
    text = fx.pdf_text(download(client, "certificate", certificate.pk), tmp_path)
    assert "暂停" in text and "年检不合格" in text
    assert fx.printed_code(text) != valid_code
    login(client, None)
    assert (
        client.get(verify_path("certificate", certificate.pk, valid_code)).context["answer"].matches
        is False
    )
