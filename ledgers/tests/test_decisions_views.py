"""Pages of 四议两公开: every persona on every page, the forms, the pickers, the export."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from ledgers import services
from ledgers.choices import DecisionState
from ledgers.models import Decision
from ledgers.tests.decision_fixtures import resolved
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def decision(clerk, village):
    return resolved(clerk, village, amount="85000", subject='=HYPERLINK("x") 村道硬化')


def read_urls(village, decision):
    return [
        reverse("ledgers:decision-list"),
        reverse("ledgers:decision-detail", args=[decision.pk]),
        reverse("ledgers:decision-export", args=[village.code]),
        reverse("ledgers:decision-policy"),
    ]


def write_urls(village, decision):
    return [
        reverse("ledgers:decision-add", args=[village.code]),
        reverse("ledgers:decision-step", args=[decision.pk]),
        reverse("ledgers:decision-publish", args=[decision.pk]),
    ]


EXPECTED = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_page_by_persona(client, personas, persona, village, decision):
    login(client, personas[persona])
    for url in read_urls(village, decision)[1:3] + write_urls(village, decision):
        assert client.get(url).status_code == EXPECTED[persona], url
    for url in write_urls(village, decision):
        # An empty form comes back with its errors (200); nothing is written.
        assert client.post(url, {}).status_code == EXPECTED[persona], url
    listing = client.get(reverse("ledgers:decision-list"))
    assert listing.status_code == (302 if persona == "anonymous" else 200)
    if persona == "outsider":
        assert decision.subject not in listing.content.decode()
    elif persona != "anonymous":
        assert decision.display_number in listing.content.decode()
    assert Decision.objects.count() == 1


def test_contact_cadre_reads_but_may_not_write(client, contact, village, decision):
    login(client, contact)
    for url in read_urls(village, decision)[:3]:
        assert client.get(url).status_code == 200, url
    for url in write_urls(village, decision):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_clerk_takes_a_decision_through_its_steps_on_the_pages(client, clerk, village):
    login(client, clerk)
    response = client.post(
        reverse("ledgers:decision-add", args=[village.code]),
        {"subject": "修建村文化广场", "kind": "project", "amount": "85000", "attachments": "2"},
    )
    decision = Decision.objects.get()
    assert response.status_code == 302 and response.url == decision.get_absolute_url()
    meetings = [
        {"held_on": "2026-01-05", "entitled": 5, "present": 5, "votes_for": 5},
        {"held_on": "2026-01-06", "entitled": 7, "present": 7, "votes_for": 6},
        {"held_on": "2026-01-08", "entitled": 30, "present": 25, "votes_for": 22},
        {
            "held_on": "2026-01-10",
            "entitled": 40,
            "present": 27,
            "votes_for": 20,
            "assembly": "representatives",
        },
    ]
    for meeting in meetings:
        page = client.get(decision.get_absolute_url())
        assert 'data-testid="step-form"' in page.content.decode()
        data = {"votes_against": 0, "votes_abstain": 0, "minutes": "一致同意", **meeting}
        response = client.post(reverse("ledgers:decision-step", args=[decision.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
    decision.refresh_from_db()
    assert decision.state == DecisionState.RESOLVED
    client.post(
        reverse("ledgers:decision-publish", args=[decision.pk]),
        {"published_on": "2026-01-11", "text": "决议张榜公布"},
    )
    decision.refresh_from_db()
    assert decision.state == DecisionState.PUBLISHED


def test_a_step_against_the_order_comes_back_with_its_error(client, clerk, village, decision):
    other = services.decision_create(
        actor=clerk, village=village, subject="x", kind="project", amount=Decimal(1)
    )
    services.decision_record_step(
        actor=clerk,
        decision=other,
        held_on=D(2026, 3, 1),
        entitled=5,
        present=5,
        votes_for=5,
        minutes="x",
    )
    login(client, clerk)
    response = client.post(
        reverse("ledgers:decision-step", args=[other.pk]),
        {"held_on": "2026-02-01", "entitled": 7, "present": 7, "votes_for": 7, "minutes": "x"},
    )
    assert response.status_code == 200
    assert other.steps.count() == 1


def test_the_voucher_form_offers_only_the_villages_usable_decisions(
    client, clerk, village, other_village, decision, supervisor
):
    resolved(clerk, village, amount="5000", publish=False, subject="未公开的决议")
    elsewhere = resolved(supervisor, other_village, amount="5000", subject="外村决议")
    login(client, clerk)
    page = client.get(reverse("ledgers:voucher-add", args=[village.code])).content.decode()
    assert decision.display_number in page and "未公开的决议" not in page
    assert elsewhere.subject not in page


def test_the_policy_page(client, supervisor, insider, county):
    login(client, insider)
    assert client.post(reverse("ledgers:decision-policy"), {"threshold": "1"}).status_code == 403
    login(client, supervisor)
    response = client.post(
        reverse("ledgers:decision-policy"),
        {"county": county.code, "enabled": "on", "threshold": "50000", "kinds": ["funds"]},
    )
    assert response.status_code == 302
    policy = services.decision_policy_for(county.code)
    assert policy.threshold == Decimal("50000.00") and policy.kinds == ["funds"]


def test_the_export_writes_subjects_as_text(client, insider, village, decision):
    login(client, insider)
    response = client.get(reverse("ledgers:decision-export", args=[village.code]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == decision.subject]
    assert cells and all(c.data_type == "s" for c in cells)


def test_list_query_count_is_the_same_for_2_and_20(client, count_queries, insider, clerk, village):
    login(client, insider)
    for i in range(2):
        resolved(clerk, village, subject=f"a{i}")
    login_count = count_queries(reverse("ledgers:decision-list"))
    for i in range(18):
        services.decision_create(
            actor=clerk, village=village, subject=f"b{i}", kind="other", amount=Decimal(1)
        )
    assert count_queries(reverse("ledgers:decision-list")) == login_count


def test_the_public_page_shows_the_decisions_made_public(client, clerk, village, decision):
    services.decision_publish_result(
        actor=clerk, decision=decision, published_on=D(2026, 3, 1), text="道路已完工验收"
    )
    hidden = resolved(clerk, village, amount="1000", publish=False, subject="尚未公开的事项")
    page = client.get(f"/public/villages/{village.code}/").content.decode()
    assert decision.display_number in page and "道路已完工验收" in page
    assert hidden.subject not in page


def test_the_registers_show_the_decision_cited(client, clerk, insider, village):
    from ledgers.choices import DecisionKind
    from ledgers.tests.test_registers_services import make_asset, make_resource

    disposal = resolved(clerk, village, amount="350000", kind=DecisionKind.DISPOSAL, subject="d")
    asset = make_asset(clerk, village)
    services.asset_move(
        actor=clerk,
        asset=asset,
        kind="disposal",
        date=D(2026, 3, 1),
        amount=Decimal(1),
        decision=disposal,
    )
    contract_decision = resolved(clerk, village, amount="9000", kind=DecisionKind.CONTRACT)
    resource = make_resource(clerk, village)
    services.contract_sign(
        actor=clerk,
        resource=resource,
        party="李四",
        start_date=D(2026, 3, 1),
        end_date=D(2027, 2, 28),
        annual_fee=Decimal("9000"),
        decision=contract_decision,
    )
    login(client, insider)
    page = client.get(reverse("ledgers:asset-detail", args=[asset.pk])).content.decode()
    assert disposal.display_number in page
    page = client.get(reverse("ledgers:resource-detail", args=[resource.pk])).content.decode()
    assert contract_decision.display_number in page
    # The contract form offers the village's contract decisions only.
    form = client.get(reverse("ledgers:contract-add", args=[resource.pk])).content.decode()
    assert contract_decision.display_number in form and disposal.display_number not in form
