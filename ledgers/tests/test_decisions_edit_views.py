"""Pages and API of the decision's correction before the proposal, of the end of its
implementation and of the county's days for the result: every persona, the refusals (4xx,
never 5xx), and the history shown on the decision page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ledgers import services
from ledgers.choices import DecisionKind
from ledgers.models import Decision
from ledgers.tests.decision_fixtures import resolved, step
from villages.tests.helpers import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
API = "/api/v1"
PAGE = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}
API_WRITE = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200}
EDIT = {"subject": "村委会办公楼维修加固", "kind": "funds", "amount": "65000", "attachments": "1"}


@pytest.fixture
def drafted(clerk, village):
    return services.decision_create(
        actor=clerk,
        village=village,
        subject="村委会办公楼维修",
        kind=DecisionKind.PROJECT,
        amount=Decimal("60000"),
        year=2026,
    )


@pytest.fixture
def public(clerk, village):
    return resolved(clerk, village, subject="文化广场")


@pytest.mark.parametrize("persona", list(PAGE))
def test_the_correction_page_by_persona(client, personas, persona, drafted):
    url = reverse("ledgers:decision-edit", args=[drafted.pk])
    login(client, personas[persona])
    assert client.get(url).status_code == PAGE[persona]
    response = client.post(url, EDIT)
    assert response.status_code == {**PAGE, "insider": 302, "supervisor": 302}[persona]
    drafted.refresh_from_db()
    changed = persona in ("insider", "supervisor")
    assert (drafted.subject == EDIT["subject"]) is changed
    if changed:
        assert drafted.amount == Decimal("65000.00") and drafted.kind == "funds"


def test_the_correction_is_refused_after_the_proposal_and_odd_input_is_a_form_error(
    client, insider, clerk, drafted
):
    url = reverse("ledgers:decision-edit", args=[drafted.pk])
    login(client, insider)
    bad = client.post(url, {**EDIT, "amount": "-5", "kind": "nonsense"})
    assert bad.status_code == 200 and bad.context["form"].errors
    step(clerk, drafted, D(2026, 1, 5), 5, 5, 5)
    page = client.get(url)
    assert page.status_code == 200 and "不能再修改" in page.content.decode()
    assert "form" not in page.context or page.context["form"] is None
    refused = client.post(url, EDIT)
    assert refused.status_code == 200 and "不能再修改" in refused.content.decode()
    drafted.refresh_from_db()
    assert drafted.subject == "村委会办公楼维修"


def test_the_decision_page_offers_the_correction_and_shows_the_history(client, insider, drafted):
    login(client, insider)
    client.post(reverse("ledgers:decision-edit", args=[drafted.pk]), EDIT)
    html = client.get(drafted.get_absolute_url()).content.decode()
    assert reverse("ledgers:decision-edit", args=[drafted.pk]) in html
    assert "历史记录" in html and "村委会办公楼维修加固" in html
    assert "diff-old" in html  # the change, old value to new, in the history


@pytest.mark.parametrize("persona", list(PAGE))
def test_recording_the_implementation_by_persona(client, personas, persona, public):
    url = reverse("ledgers:decision-implemented", args=[public.pk])
    login(client, personas[persona])
    response = client.post(url, {"implemented_on": "2026-03-01"})
    assert response.status_code == {**PAGE, "insider": 302, "supervisor": 302}[persona]
    public.refresh_from_db()
    assert (public.implemented_on == D(2026, 3, 1)) is (persona in ("insider", "supervisor"))


def test_the_decision_page_says_when_the_result_is_due_and_overdue(client, insider, clerk, public):
    login(client, insider)
    html = client.get(public.get_absolute_url()).content.decode()
    assert 'data-testid="implementation-form"' in html
    services.decision_record_implementation(
        actor=clerk, decision=public, implemented_on=D(2026, 3, 1)
    )
    html = client.get(public.get_absolute_url()).content.decode()
    assert "2026年3月31日" in html and 'data-testid="result-overdue"' in html
    assert 'data-testid="implementation-form"' not in html
    bad = client.post(
        reverse("ledgers:decision-implemented", args=[public.pk]), {"implemented_on": "x"}
    )
    assert bad.status_code == 200


def test_the_result_form_asks_when_the_implementation_ended(client, insider, public):
    login(client, insider)
    response = client.post(
        reverse("ledgers:decision-publish", args=[public.pk]),
        {"published_on": "2026-04-01", "text": "已完工", "implemented_on": "2026-03-20"},
    )
    assert response.status_code == 302
    public.refresh_from_db()
    assert (public.implemented_on, public.result_published_on) == (D(2026, 3, 20), D(2026, 4, 1))


@pytest.mark.parametrize("persona", list(API_WRITE))
def test_the_api_corrects_a_draft_by_persona(api, personas, persona, drafted):
    api_login(api, personas[persona])
    response = api.patch(
        f"{API}/decisions/{drafted.pk}/", {"subject": "改正后的事项"}, format="json"
    )
    assert response.status_code == API_WRITE[persona]
    drafted.refresh_from_db()
    if API_WRITE[persona] == 200:
        assert response.json()["subject"] == "改正后的事项" == drafted.subject
        assert drafted.amount == Decimal("60000.00")  # PATCH keeps what it does not name
    else:
        assert drafted.subject == "村委会办公楼维修"


def test_the_api_refuses_a_correction_after_the_proposal_and_odd_input(
    api, insider, clerk, drafted
):
    api_login(api, insider)
    url = f"{API}/decisions/{drafted.pk}/"
    for body in ({"amount": "-1"}, {"kind": "x"}, {"subject": "a\x00b"}, {"amount": "1e400"}):
        assert api.patch(url, body, format="json").status_code == 400, body
    full = {"subject": "新事项", "kind": "project", "amount": "70000.00"}
    assert api.put(url, full, format="json").status_code == 200
    step(clerk, drafted, D(2026, 1, 5), 5, 5, 5)
    assert api.put(url, full | {"amount": "1.00"}, format="json").status_code == 400
    assert Decision.objects.get(pk=drafted.pk).amount == Decimal("70000.00")


@pytest.mark.parametrize("persona", list(API_WRITE))
def test_the_api_records_the_implementation_by_persona(api, personas, persona, public):
    api_login(api, personas[persona])
    url = f"{API}/decisions/{public.pk}/implemented/"
    response = api.post(url, {"implemented_on": "2026-03-01"}, format="json")
    assert response.status_code == API_WRITE[persona]
    if response.status_code == 200:
        assert response.json()["implemented_on"] == "2026-03-01"
        # Twice, or a date before the resolution was made public: 400.
        assert api.post(url, {"implemented_on": "2026-03-02"}, format="json").status_code == 400


def test_the_api_refuses_an_implementation_before_the_resolution(api, insider, public):
    api_login(api, insider)
    url = f"{API}/decisions/{public.pk}/implemented/"
    assert api.post(url, {"implemented_on": "2025-01-01"}, format="json").status_code == 400
    assert api.post(url, {"implemented_on": "nope"}, format="json").status_code == 400


def test_the_county_sets_the_days_for_the_result(client, api, supervisor, insider, county):
    login(client, supervisor)
    response = client.post(
        reverse("ledgers:decision-policy"),
        {
            "county": county.code,
            "enabled": "on",
            "threshold": "50000",
            "kinds": ["funds"],
            "result_due_days": "15",
        },
    )
    assert response.status_code == 302
    policy = services.decision_policy_for(county.code)
    assert policy.result_due_days == 15
    page = client.get(reverse("ledgers:decision-policy")).content.decode()
    assert 'data-testid="result-due-days">15<' in page
    api_login(api, supervisor)
    url = f"{API}/decision-policies/{policy.pk}/"
    assert api.patch(url, {"result_due_days": 0}, format="json").status_code == 400
    assert api.patch(url, {"result_due_days": 45}, format="json").json()["result_due_days"] == 45
    api_login(api, insider)
    assert api.patch(url, {"result_due_days": 5}, format="json").status_code == 403


def test_the_admin_corrects_a_draft_and_shows_recorded_steps_read_only(
    admin_client, clerk, drafted, public
):
    url = reverse("admin:ledgers_decision_change", args=[drafted.pk])
    assert admin_client.get(url).status_code == 200
    body = {
        "subject": "管理员更正",
        "kind": "project",
        "amount": "61000",
        "description": "",
        "attachments": "0",
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
    }
    assert admin_client.post(url, body).status_code == 302
    drafted.refresh_from_db()
    assert (drafted.subject, drafted.amount) == ("管理员更正", Decimal("61000.00"))

    proposed_page = admin_client.get(reverse("admin:ledgers_decision_change", args=[public.pk]))
    html = proposed_page.content.decode()
    assert proposed_page.status_code == 200
    assert 'name="subject"' not in html and "文化广场" in html  # read-only once proposed
    assert 'name="steps-0-minutes"' not in html and "会议讨论" in html
    assert admin_client.get(reverse("admin:ledgers_decision_add")).status_code == 403
    delete = reverse("admin:ledgers_decision_delete", args=[drafted.pk])
    assert admin_client.get(delete).status_code == 403
