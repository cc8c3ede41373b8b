"""Correcting a decided annual inspection's verdict (issue 16): recorded, its consequences
followed or undone, refused when something happened since; the database allows exactly that."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse
from django.utils.translation import override

from cadres import services as cadres_services
from cadres.choices import AdviceState, CertificateState
from cadres.models import ResignationAdvice
from supervision import services
from supervision.choices import RecordState, TaskKind, Verdict
from supervision.models import CertificateInspection, VerdictCorrection
from villages.tests.helpers import login

from .bottomup_helpers import duty

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 11, 23)
REFUSED = (InternalError, IntegrityError)


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English msgids."""
    with override("en"):
        yield


def decided(actor, village, certificate, verdict, reasons=""):
    task = duty(village, TaskKind.ANNUAL_INSPECTION, "2026")
    record = services.annual_inspection_start(actor=actor, task=task, certificate=certificate)
    return services.annual_inspection_decide(
        actor=actor, record=record, verdict=verdict, reasons=reasons, on=ON
    )


def test_a_fail_corrected_to_pass_reinstates_and_withdraws_its_advice(
    insider, supervisor, village, sitting
):
    certificate = sitting["secretary"].certificate
    record = decided(insider, village, certificate, Verdict.FAIL, "兑现率低")
    advice_pk = record.advice_id
    with pytest.raises(PermissionDenied):  # the county's act, not the township's
        services.annual_inspection_correct(
            actor=insider, record=record, verdict=Verdict.PASS, reason="误判"
        )
    with pytest.raises(ValidationError, match="reason"):
        services.annual_inspection_correct(
            actor=supervisor, record=record, verdict=Verdict.PASS, reason=" "
        )
    with pytest.raises(ValidationError, match="already"):
        services.annual_inspection_correct(
            actor=supervisor, record=record, verdict=Verdict.FAIL, reasons="x", reason="误判"
        )

    correction = services.annual_inspection_correct(
        actor=supervisor, record=record, verdict=Verdict.PASS, reason="证据录错了村", on=ON
    )
    record.refresh_from_db()
    certificate.refresh_from_db()
    assert record.verdict == Verdict.PASS and record.reasons == "" and record.advice is None
    assert record.state == RecordState.COMPLETED
    assert certificate.state == CertificateState.VALID
    assert not ResignationAdvice.objects.filter(pk=advice_pk).exists()
    assert (correction.from_verdict, correction.from_reasons) == (Verdict.FAIL, "兑现率低")
    assert correction.corrected_by == supervisor and correction.reason == "证据录错了村"
    assert "withdrawn" in correction.consequences
    # The original verdict stays in the record's history.
    assert Verdict.FAIL in record.events.values_list("verdict", flat=True)


def test_a_pass_corrected_to_fail_suspends_and_advises(insider, supervisor, village, sitting):
    certificate = sitting["chair"].certificate
    record = decided(insider, village, certificate, Verdict.PASS)
    with pytest.raises(ValidationError, match="reasons"):
        services.annual_inspection_correct(
            actor=supervisor, record=record, verdict=Verdict.FAIL, reason="复核"
        )
    services.annual_inspection_correct(
        actor=supervisor,
        record=record,
        verdict=Verdict.FAIL,
        reasons="群众不满意",
        reason="复核发现问题",
        on=ON,
    )
    record.refresh_from_db()
    certificate.refresh_from_db()
    assert record.verdict == Verdict.FAIL and certificate.state == CertificateState.SUSPENDED
    assert record.advice.state == AdviceState.OPEN and "群众不满意" in record.advice.grounds


def test_nothing_is_undone_once_the_advice_went_on(insider, supervisor, village, sitting):
    record = decided(insider, village, sitting["secretary"].certificate, Verdict.FAIL, "兑现率低")
    cadres_services.advice_record_talk(
        actor=insider, advice=record.advice, talk_on=ON, talk_by="王书记", talk_notes="谈话"
    )
    with pytest.raises(ValidationError, match="gone on"):
        services.annual_inspection_correct(
            actor=supervisor, record=record, verdict=Verdict.PASS, reason="误判"
        )
    record.refresh_from_db()
    assert record.verdict == Verdict.FAIL and not record.corrections.exists()


def test_nothing_is_undone_once_the_certificate_changed(insider, supervisor, village, sitting):
    certificate = sitting["secretary"].certificate
    record = decided(insider, village, certificate, Verdict.FAIL, "兑现率低")
    certificate.refresh_from_db()
    cadres_services.certificate_revoke(
        actor=insider, certificate=certificate, on=ON, reason="撤销资格"
    )
    with pytest.raises(ValidationError, match="changed since"):
        services.annual_inspection_correct(
            actor=supervisor, record=record, verdict=Verdict.PASS, reason="误判"
        )


def test_the_database_allows_only_the_latest_correction(insider, supervisor, village, sitting):
    record = decided(insider, village, sitting["chair"].certificate, Verdict.PASS)
    rows = CertificateInspection.objects.filter(pk=record.pk)
    with pytest.raises(REFUSED), transaction.atomic():  # no correction recorded
        rows.update(verdict=Verdict.BASIC_PASS, reasons="改")
    correction = services.annual_inspection_correct(
        actor=supervisor,
        record=record,
        verdict=Verdict.BASIC_PASS,
        reasons="略有不足",
        reason="复核",
    )
    for change in (
        lambda: rows.update(verdict=Verdict.PASS, reasons=""),  # back, without a correction
        lambda: rows.update(year=2025),  # any other field
        lambda: rows.delete(),
        lambda: VerdictCorrection.objects.filter(pk=correction.pk).update(reason="改"),
        lambda: VerdictCorrection.objects.filter(pk=correction.pk).delete(),
    ):
        with pytest.raises(REFUSED), transaction.atomic():
            change()


# ------------------------------------------------------------------ pages


@pytest.fixture
def failed(insider, village, sitting):
    return decided(insider, village, sitting["secretary"].certificate, Verdict.FAIL, "兑现率低")


def correct_url(record):
    return reverse("supervision:certificate-inspection-correct", args=[record.pk])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("outsider", 404), ("insider", 403), ("supervisor", 200)],
)
def test_the_correction_page_is_the_county_supervisors(client, personas, persona, expected, failed):
    if personas[persona]:
        login(client, personas[persona])
    assert client.get(correct_url(failed)).status_code == expected
    data = {"verdict": "pass", "reason": "证据录错", "confirm": "1"}
    is_supervisor = persona == "supervisor"
    assert client.post(correct_url(failed), data).status_code == (
        302 if is_supervisor else expected
    )
    failed.refresh_from_db()
    assert failed.verdict == (Verdict.PASS if is_supervisor else Verdict.FAIL)
    detail = reverse("supervision:certificate-inspection-detail", args=[failed.pk])
    if persona in ("insider", "supervisor"):
        shown = 'data-testid="correct-link"' in client.get(detail).content.decode()
        assert shown == (persona == "supervisor")


def test_a_supervisor_corrects_after_confirming(client, supervisor, failed):
    login(client, supervisor)
    data = {"verdict": "pass", "reasons": "", "reason": "证据录错了村"}
    with override("zh-hans"):
        asked = client.post(correct_url(failed), data)
        text = asked.content.decode()
        # no JavaScript: a page says what will happen and sends the same form, confirmed
        assert asked.status_code == 200 and 'data-testid="confirm-message"' in text
        assert "恢复证书" in text or "恢复有效" in text
        assert 'name="reason" value="证据录错了村"' in text and 'name="confirm" value="1"' in text
        failed.refresh_from_db()
        assert failed.verdict == Verdict.FAIL and not failed.corrections.exists()
        # a refusal needs no confirming: the form shows it at once
        refused = client.post(correct_url(failed), {**data, "reason": ""})
        assert 'data-testid="confirm-message"' not in refused.content.decode()
        done = client.post(correct_url(failed), {**data, "confirm": "1"}, follow=True)
        text = done.content.decode()
    failed.refresh_from_db()
    assert failed.verdict == Verdict.PASS and failed.corrections.get().reason == "证据录错了村"
    assert 'data-testid="corrections"' in text and "证据录错了村" in text


def test_a_refused_correction_says_why_in_chinese(client, insider, supervisor, failed):
    cadres_services.advice_record_talk(
        actor=insider, advice=failed.advice, talk_on=ON, talk_by="王书记", talk_notes="谈话"
    )
    login(client, supervisor)
    data = {"verdict": "pass", "reason": "证据录错", "confirm": "1"}
    with override("zh-hans"):
        response = client.post(correct_url(failed), data)
    assert response.status_code == 200 and "不能再更正" in response.content.decode()


def test_the_verdict_asks_before_it_is_recorded(client, insider, village, sitting):
    task = duty(village, TaskKind.ANNUAL_INSPECTION, "2026")
    record = services.annual_inspection_start(
        actor=insider, task=task, certificate=sitting["chair"].certificate
    )
    login(client, insider)
    url = reverse("supervision:certificate-inspection-decide", args=[record.pk])
    detail = client.get(reverse("supervision:certificate-inspection-detail", args=[record.pk]))
    assert 'data-confirm="' in detail.content.decode()  # the dialog's text, for cunjian.js
    asked = client.post(url, {"verdict": "fail", "reasons": "群众不满意"})
    assert 'data-testid="confirm-message"' in asked.content.decode()
    record.refresh_from_db()
    assert record.state == RecordState.DRAFT
    client.post(url, {"verdict": "fail", "reasons": "群众不满意", "confirm": "1"})
    record.refresh_from_db()
    assert record.state == RecordState.COMPLETED and record.verdict == Verdict.FAIL
