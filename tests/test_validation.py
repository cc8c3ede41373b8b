# ruff: noqa: F811 -- pytest fixtures are imported from problems_helpers
"""The nonsense of issue 15 refused with a Chinese message, through the pages and the API: a
certificate revoked before its issue, a rectification for 2014, a problem whose village is not
its source record's, control characters and a reason of one character."""

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import serializers

from cadres import services as cadre_services
from cadres.choices import CertificateState, PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from core.api import CleanTextSerializerMixin
from core.dates import today
from core.forms import CleanTextFormMixin
from ledgers import services as ledger_services
from supervision.models import Problem, Rectification
from supervision.services import bottomup
from supervision.tests.bottomup_helpers import HEARING_DAY, make_hearing
from supervision.tests.problems_helpers import (  # noqa: F401 (fixtures)
    audit_finding,
    disclosure_question,
)
from villages.tests.helpers import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
API = "/api/v1"


def page(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------ a certificate's life


@pytest.fixture
def certificate(insider, village):
    """The certificate of the issue: issued 2026-09-08 to a sitting secretary."""
    post = PostFactory(
        cadre=CadreFactory(village=village), kind=PostKind.SECRETARY, start_date=D(2026, 1, 10)
    )
    return cadre_services.certificate_issue(actor=insider, post=post, issued_on=D(2026, 9, 8))


def revoke_url(certificate):
    return reverse("cadres:qualification-certificate-revoke", args=[certificate.pk])


def still_valid(certificate) -> bool:
    certificate.refresh_from_db()
    return certificate.state == CertificateState.VALID and certificate.state_reason == ""


def test_the_form_refuses_a_revocation_before_the_issue(client, insider, certificate):
    login(client, insider)
    response = client.post(
        revoke_url(certificate), {"confirm": "1", "on": "2000-01-01", "reason": "严重违纪"}
    )
    assert response.status_code == 200
    assert "日期不能早于证书颁发日期（2026年9月8日）。" in page(response)
    response = client.post(
        revoke_url(certificate), {"confirm": "1", "on": "2026-09-07", "reason": "严重违纪"}
    )
    assert "日期不能早于证书颁发日期" in page(response)
    assert still_valid(certificate)
    # The issue day itself is inside the certificate's life.
    assert (
        client.post(
            revoke_url(certificate), {"confirm": "1", "on": "2026-09-08", "reason": "严重违纪"}
        ).status_code
        == 302
    )


def test_the_api_refuses_a_revocation_before_the_issue(api, insider, certificate):
    url = f"{API}/certificates/{certificate.pk}/revoke/"
    response = api_login(api, insider).post(url, {"on": "2000-01-01", "reason": "0"})
    assert response.status_code == 400
    assert response.json() == {"reason": ["请用文字说明理由，至少2个字。"]}
    response = api.post(url, {"on": "2000-01-01", "reason": "严重违纪"})
    assert response.status_code == 400
    assert response.json() == {"on": ["日期不能早于证书颁发日期（2026年9月8日）。"]}
    assert still_valid(certificate)


def test_a_suspension_cannot_precede_the_last_change(insider, certificate):
    cadre_services.certificate_suspend(
        actor=insider, certificate=certificate, on=D(2026, 10, 1), reason="年检不合格"
    )
    with pytest.raises(Exception, match="证书上次状态变更日期"):
        cadre_services.certificate_revoke(
            actor=insider, certificate=certificate, on=D(2026, 9, 30), reason="严重违纪"
        )


# ------------------------------------------------------------------ control characters in a reason


@pytest.mark.parametrize("reason", ["违纪\x00", "违纪\x1b[2J", "违\x85纪", "违纪\x7f"])
def test_control_characters_in_a_reason_are_refused_by_the_form(
    client, insider, certificate, reason
):
    login(client, insider)
    response = client.post(revoke_url(certificate), {"on": "2026-10-01", "reason": reason})
    assert response.status_code == 200
    assert "控制字符" in page(response) or "空字符" in page(response)
    assert still_valid(certificate)


@pytest.mark.parametrize("reason", ["违纪\x00", "违纪\x1b[2J", "违\x85纪", "违纪\x7f"])
def test_control_characters_in_a_reason_are_refused_by_the_api(api, insider, certificate, reason):
    url = f"{API}/certificates/{certificate.pk}/revoke/"
    response = api_login(api, insider).post(
        url, {"on": "2026-10-01", "reason": reason}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert still_valid(certificate)


def test_a_reason_on_several_lines_is_kept(api, insider, certificate):
    url = f"{API}/certificates/{certificate.pk}/revoke/"
    response = api_login(api, insider).post(
        url, {"on": "2026-10-01", "reason": "严重违纪：\r\n\t一、挪用资金"}, format="json"
    )
    assert response.status_code == 200, response.json()


# ------------------------------------------------------------------ the years of a rectification


def test_the_form_refuses_a_rectification_for_2014(client, insider, village):
    login(client, insider)
    url = reverse("supervision:rectification-designate")
    for year in (2014, 2018, today().year + 2):
        response = client.post(url, {"village": village.pk, "year": year, "reasons": "软弱涣散"})
        assert response.status_code == 200
        assert f"请选择2020年至{today().year + 1}年之间的年份。" in page(response)
    assert not Rectification.objects.exists()
    response = client.post(
        url, {"village": village.pk, "year": today().year + 1, "reasons": "软弱涣散"}
    )
    assert response.status_code == 302


def test_the_api_refuses_a_rectification_for_2014(api, insider, village):
    api_login(api, insider)
    body = {"village": village.code, "year": 2014, "reasons": "软弱涣散"}
    response = api.post(f"{API}/rectifications/", body)
    assert response.status_code == 400
    assert response.json() == {"year": [f"请选择2020年至{today().year + 1}年之间的年份。"]}
    response = api.post(f"{API}/rectifications/", {**body, "year": 2020, "reasons": "0"})
    assert response.status_code == 400 and list(response.json()) == ["reasons"]
    assert not Rectification.objects.exists()


# ------------------------------------------------------------------ a problem and its source


def test_the_problems_api_refuses_a_village_other_than_the_records(
    api, supervisor, village, other_village, audit_finding, disclosure_question
):
    api_login(api, supervisor)
    deadline = (today() + dt.timedelta(days=30)).isoformat()
    body = {"owner_name": "会计", "deadline": deadline, "village": other_village.code}
    response = api.post(f"{API}/problems/", {**body, "disclosure_question": disclosure_question.pk})
    assert response.status_code == 400
    assert response.json() == {"disclosure_question": ["所选群众质询属于另一个村。"]}
    response = api.post(f"{API}/problems/", {**body, "audit_finding": audit_finding.pk})
    assert response.status_code == 400
    assert response.json() == {"audit_finding": ["所选审计发现属于另一个村。"]}
    assert not Problem.objects.exists()
    # The record's own village, named or not, is accepted.
    response = api.post(
        f"{API}/problems/",
        {**body, "village": village.code, "disclosure_question": disclosure_question.pk},
    )
    assert response.status_code == 201, response.json()
    assert Problem.objects.get().village == village


def test_the_problems_api_refuses_a_source_other_than_the_records(api, supervisor, audit_finding):
    api_login(api, supervisor)
    body = {
        "audit_finding": audit_finding.pk,
        "source": "screening",
        "owner_name": "会计",
        "deadline": (today() + dt.timedelta(days=30)).isoformat(),
    }
    response = api.post(f"{API}/problems/", body)
    assert response.status_code == 400
    assert response.json() == {"source": ["由记录登记的问题沿用该记录的来源，请勿另填来源。"]}
    assert not Problem.objects.exists()


# ------------------------------------------------------------------ dates inside a record's life


def test_a_certificate_is_issued_and_a_post_ends_inside_their_lives(insider, village):
    post = PostFactory(
        cadre=CadreFactory(village=village), kind=PostKind.SECRETARY, start_date=D(2026, 1, 10)
    )
    with pytest.raises(ValidationError, match="任职开始日期（2026年1月10日）"):
        cadre_services.certificate_issue(actor=insider, post=post, issued_on=D(2026, 1, 9))
    with pytest.raises(ValidationError, match="任职开始日期"):
        cadre_services.advice_open(
            actor=insider, post=post, grounds="未履行承诺", opened_on=D(2026, 1, 9)
        )
    cadre_services.certificate_issue(actor=insider, post=post, issued_on=D(2026, 2, 1))
    # The certificate expires with the post, which cannot end before the certificate's issue.
    with pytest.raises(ValidationError, match="证书颁发日期"):
        cadre_services.post_close(
            actor=insider, post=post, end_date=D(2026, 1, 31), end_reason="resigned"
        )


def test_a_meeting_is_completed_from_its_day_to_today(contact, village):
    hearing = make_hearing(contact, village)
    with pytest.raises(ValidationError, match="会议日期"):
        bottomup.hearing_complete(
            actor=contact, hearing=hearing, on=HEARING_DAY - dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        bottomup.hearing_complete(actor=contact, hearing=hearing, on=today() + dt.timedelta(1))
    bottomup.hearing_complete(actor=contact, hearing=hearing, on=HEARING_DAY)


def test_an_audit_concerns_the_record_years_and_its_findings_follow_it(
    insider, village, audit_finding
):
    with pytest.raises(ValidationError) as refused:
        ledger_services.audit_record(
            actor=insider,
            village=village,
            kind="periodic",
            auditor="县农经站",
            period_start=D(2014, 1, 1),
            period_end=D(2014, 12, 31),
        )
    assert set(refused.value.message_dict) == {"period_start"}
    with pytest.raises(ValidationError, match="审计期间的起始日（2025年1月1日）"):
        ledger_services.finding_update_status(
            actor=insider, finding=audit_finding, status="resolved", resolved_on=D(2024, 12, 31)
        )
    ledger_services.finding_update_status(
        actor=insider, finding=audit_finding, status="resolved", resolved_on=D(2025, 1, 1)
    )


# ------------------------------------------------------------------ every text input


def _project_modules():
    for app in ("villages", "cadres", "ledgers", "supervision", "reports"):
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not any(part in info.name for part in (".tests", ".migrations", ".management")):
                yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_and_serializer_of_the_project_checks_its_text():
    """A new form or serializer on Django's or DRF's own base would take control characters."""
    modules = {m.__name__ for m in _project_modules()}
    unchecked = [
        f"{cls.__module__}.{cls.__name__}"
        for base, mixin in (
            (forms.BaseForm, CleanTextFormMixin),
            (serializers.Serializer, CleanTextSerializerMixin),
        )
        for cls in _subclasses(base)
        if cls.__module__ in modules
        and not issubclass(cls, mixin)
        # django-filter builds its forms itself: they filter lists and store nothing.
        and not cls.__module__.split(".")[-1].startswith("filtersets")
    ]
    assert unchecked == []
