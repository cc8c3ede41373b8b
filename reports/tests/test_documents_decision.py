"""The printed decision record (四议两公开): the matter, each step with its date, attendance
against the quorum, votes and minutes, the two publications; its QR code and check code lead to
the verification page; printed before the fourth step it is marked 草稿; no ID number or phone;
who may print it; the decision page links it."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from ledgers import services
from ledgers.tests.decision_fixtures import resolved, step
from reports.documents import DOCUMENTS, check_code
from villages.tests.helpers import login

from . import test_documents_fixtures as fx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date


@pytest.fixture
def decision(clerk, village):
    decision = resolved(clerk, village, subject="村东道路硬化工程", description="长800米")
    services.decision_record_implementation(
        actor=clerk, decision=decision, implemented_on=D(2026, 5, 30)
    )
    return services.decision_publish_result(
        actor=clerk, decision=decision, published_on=D(2026, 6, 10), text="工程已完工并验收"
    )


def pdf_url(pk):
    return reverse("reports:document", args=["decision", pk])


def download(client, pk) -> bytes:
    response = client.get(pdf_url(pk))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_the_record_prints_the_matter_steps_and_publications(client, insider, decision, tmp_path):
    text = fx.pdf_text(download(login(client, insider), decision.pk), tmp_path)
    flat = text.replace(" ", "")
    for expected in [
        "四议两公开决议记录",
        "南旺村",
        "议-2026-001",
        "村东道路硬化工程",
        "长800米",
        "100,000.00元",
        "党支部提议",
        "两委会商议",
        "党员大会审议",
        "村民代表会议",
        "2026年1月5日",
        "2026年1月10日",
        "会议讨论，形成意见。",
        "决议内容张榜公布。",
        "2026年5月30日",
        "2026年6月10日",
        "工程已完工并验收",
    ]:
        assert expected.replace(" ", "") in flat, expected
    # Attendance against the quorum of each meeting: the representatives' 40 need 27 present.
    assert "应到40" in flat and "实到30" in flat, flat
    assert "草稿" not in text
    assert not re.search(r"\d{17}[\dX]", text)  # no ID number
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)  # no mobile phone

    code = fx.printed_code(text)
    assert code == check_code(DOCUMENTS["decision"], decision)
    path = reverse("reports:verify", args=["decision", decision.pk, code])
    expected_url = "http://testserver" + path
    assert fx.pdf_qr(download(client, decision.pk), tmp_path) == [expected_url]


def test_the_verification_page_for_staff_and_for_anyone(
    client, insider, supervisor, outsider, decision
):
    code = check_code(DOCUMENTS["decision"], decision)
    url = reverse("reports:verify", args=["decision", decision.pk, code])
    for user in (insider, supervisor):
        page = login(client, user).get(url)
        assert page.status_code == 200 and page.context["answer"].matches is True
        assert decision.get_absolute_url() in page.content.decode()
    # anyone holding the printout reads its public text to compare, without the record's page
    for user in (None, outsider):
        page = login(client, user).get(url)
        assert page.status_code == 200 and page.context["answer"].matches is True
        text = page.content.decode()
        assert page.context["record"] is None and decision.get_absolute_url() not in text
        assert "村东道路" in text and "工程已完工并验收" in text
    wrong = reverse("reports:verify", args=["decision", decision.pk, "0000-0000-0000"])
    page = login(client, None).get(wrong)
    assert page.context["answer"].matches is False and "村东道路" not in page.content.decode()


def test_who_may_print_it(client, decision, outsider, insider, supervisor, clerk):
    url = pdf_url(decision.pk)
    response = login(client, None).get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert login(client, outsider).get(url).status_code == 404
    for user in (insider, supervisor, clerk):
        assert login(client, user).get(url).status_code == 200, user


def test_before_the_fourth_step_it_prints_as_a_draft_and_the_code_follows_the_record(
    client, clerk, insider, village, tmp_path
):
    decision = services.decision_create(
        actor=clerk,
        village=village,
        subject="购置垃圾清运车",
        kind="funds",
        amount=60000,
        year=2026,
    )
    login(client, insider)
    first = fx.pdf_text(download(client, decision.pk), tmp_path)
    assert "草稿" in first and "购置垃圾清运车" in first
    old = fx.printed_code(first)
    step(clerk, decision, D(2026, 2, 1), 5, 5, 5)
    second = fx.pdf_text(download(client, decision.pk), tmp_path)
    assert "党支部提议" in second and fx.printed_code(second) != old
    stale = client.get(reverse("reports:verify", args=["decision", decision.pk, old]))
    assert stale.context["answer"].matches is False


def test_the_decision_page_links_its_printout(client, insider, decision):
    html = login(client, insider).get(decision.get_absolute_url()).content.decode()
    assert pdf_url(decision.pk) in html and "打印" in html
