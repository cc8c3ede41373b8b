# ruff: noqa: F811 -- pytest fixtures are imported from problems_helpers
"""From an audit finding or a villager's question to the problem ledger in one tap (issue 16):
the service, the button on the record's page, and the problem's link back."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.dates import today
from supervision import services
from supervision.choices import ProblemSource
from supervision.models import Problem
from villages.tests.helpers import login

from .bottomup_helpers import HEARING_DAY, add_question, make_hearing
from .problems_helpers import audit_finding, disclosure_question  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def tap(kind, record):
    return reverse("supervision:problem-from-record", args=[kind, record.pk])


def test_the_service_registers_once_with_a_deadline(insider, contact, clerk, audit_finding):
    with pytest.raises(PermissionDenied):  # the clerk keeps the books, registers no problems
        services.problem_register_record(
            actor=clerk, source=ProblemSource.AUDIT, record=audit_finding
        )
    problem = services.problem_register_record(
        actor=contact, source=ProblemSource.AUDIT, record=audit_finding
    )
    assert problem.audit_finding == audit_finding and problem.title == "报销凭证缺少附件"
    assert problem.deadline == today() + dt.timedelta(days=30) and problem.owner_name
    with pytest.raises(ValidationError, match="已登记"):
        services.problem_register_record(
            actor=insider, source=ProblemSource.AUDIT, record=audit_finding
        )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("outsider", 404), ("insider", 302), ("supervisor", 302)],
)
def test_one_tap_personas(client, personas, persona, expected, disclosure_question):
    if personas[persona]:
        login(client, personas[persona])
    response = client.post(tap("disclosure-question", disclosure_question))
    assert response.status_code == expected
    registered = Problem.objects.filter(disclosure_question=disclosure_question)
    if persona in ("insider", "supervisor"):
        problem = registered.get()
        assert response["Location"] == problem.get_absolute_url()
        assert problem.source == ProblemSource.DISCLOSURE
    else:
        assert not registered.exists()
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))


def test_the_clerk_may_not_register(client, clerk, audit_finding):
    login(client, clerk)
    assert client.post(tap("audit-finding", audit_finding)).status_code == 403
    page = client.get(reverse("ledgers:audit-detail", args=[audit_finding.audit_id]))
    assert 'data-testid="register-problem"' not in page.content.decode()


def test_the_button_becomes_a_link_both_ways(client, insider, audit_finding):
    login(client, insider)
    audit_page = reverse("ledgers:audit-detail", args=[audit_finding.audit_id])
    assert 'data-testid="register-problem"' in client.get(audit_page).content.decode()
    response = client.post(tap("audit-finding", audit_finding), follow=True)
    problem = Problem.objects.get(audit_finding=audit_finding)
    text = response.content.decode()
    assert "已登记到问题台账" in text  # the message says what happened
    assert f'href="{audit_page}"' in text  # the problem links back to its source
    page = client.get(audit_page).content.decode()
    assert 'data-testid="register-problem"' not in page
    assert problem.get_absolute_url() in page
    # a second tap (an old page) leads to the same problem, nothing new
    again = client.post(tap("audit-finding", audit_finding))
    assert again["Location"] == problem.get_absolute_url()
    assert Problem.objects.count() == 1


def test_the_question_page_shows_the_button(client, insider, disclosure_question):
    login(client, insider)
    url = reverse("ledgers:disclosure-detail", args=[disclosure_question.disclosure_id])
    assert tap("disclosure-question", disclosure_question) in client.get(url).content.decode()
    assert client.post(tap("no-such-thing", disclosure_question)).status_code == 404


def test_a_satisfied_hearing_question_is_registered_in_one_tap(
    client, contact, outsider, village, sitting
):
    hearing = make_hearing(contact, village)
    question = add_question(contact, hearing, satisfied=True)
    url = tap("hearing-question", question)
    login(client, contact)
    refused = client.post(url, follow=True)  # a draft's questions go at its completion
    assert "听证会完成时" in refused.content.decode()
    services.hearing_complete(actor=contact, hearing=hearing, on=HEARING_DAY)
    page = reverse("supervision:hearing-detail", args=[hearing.pk])
    assert url in client.get(page).content.decode()
    login(client, outsider)
    assert client.post(url).status_code == 404
    login(client, contact)
    response = client.post(url)
    problem = Problem.objects.get(hearing_question=question)
    assert response["Location"] == problem.get_absolute_url()
    assert problem.title == question.question and problem.source == ProblemSource.HEARING
    text = client.get(page).content.decode()
    assert 'data-testid="question-problem"' in text and url not in text
