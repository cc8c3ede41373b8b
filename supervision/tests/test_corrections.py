"""Correcting a decided annual inspection's verdict (issue 16): recorded, its consequences
followed or undone, refused when something happened since; the database allows exactly that."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.utils.translation import override

from cadres import services as cadres_services
from cadres.choices import AdviceState, CertificateState
from cadres.models import ResignationAdvice
from supervision import services
from supervision.choices import RecordState, TaskKind, Verdict
from supervision.models import CertificateInspection, VerdictCorrection

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
