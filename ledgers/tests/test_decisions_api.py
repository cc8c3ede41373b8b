"""/api/v1/decisions and decision-policies: personas, the steps, publication, the voucher's
citation and the policy's update."""

import datetime as dt
from decimal import Decimal

import pytest

from ledgers import services
from ledgers.choices import DecisionState
from ledgers.models import Decision
from ledgers.tests.decision_fixtures import policy, resolved
from villages.tests.helpers import api_login

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1"

READ = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200, "clerk": 200}
READ["contact"] = 200


@pytest.fixture
def everyone(personas, clerk, contact):
    return {**personas, "clerk": clerk, "contact": contact}


@pytest.fixture
def decision(clerk, village):
    return resolved(clerk, village, amount="85000")


@pytest.mark.parametrize("persona", list(READ))
def test_detail_and_list_by_persona(api, everyone, persona, decision):
    api_login(api, everyone[persona])
    assert api.get(f"{API}/decisions/{decision.pk}/").status_code == READ[persona]
    listing = api.get(f"{API}/decisions/")
    if persona == "anonymous":
        assert listing.status_code == 403
    else:
        ids = [row["id"] for row in listing.json()["results"]]
        assert ids == ([] if persona == "outsider" else [decision.pk])


@pytest.mark.parametrize("persona", ["contact", "outsider"])
def test_only_bookkeepers_record(api, everyone, persona, decision, village):
    api_login(api, everyone[persona])
    body = {"village": village.code, "subject": "x", "kind": "project", "amount": "1"}
    assert api.post(f"{API}/decisions/", body, format="json").status_code in (400, 403, 404)
    step = {"held_on": "2026-02-01", "entitled": 5, "present": 5, "votes_for": 5, "minutes": "x"}
    assert api.post(f"{API}/decisions/{decision.pk}/step/", step, format="json").status_code in (
        403,
        404,
    )
    assert Decision.objects.count() == 1


def test_a_decision_through_the_api(api, clerk, village):
    api_login(api, clerk)
    made = api.post(
        f"{API}/decisions/",
        {"village": village.code, "subject": "修水渠", "kind": "project", "amount": "85000"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    for day, e, p, f in [("2026-01-05", 5, 5, 5), ("2026-01-06", 7, 7, 7), ("2026-01-07", 9, 9, 9)]:
        body = {"held_on": day, "entitled": e, "present": p, "votes_for": f, "minutes": "同意"}
        assert api.post(f"{API}/decisions/{pk}/step/", body, format="json").status_code == 200
    # Out of the representatives' 30, 19 present: under two thirds, the decision fails.
    last = {
        "held_on": "2026-01-08",
        "assembly": "representatives",
        "entitled": 30,
        "present": 19,
        "votes_for": 19,
        "minutes": "到会不足",
    }
    response = api.post(f"{API}/decisions/{pk}/step/", last, format="json")
    assert response.json()["state"] == DecisionState.FAILED
    assert [s["passed"] for s in response.json()["steps"]] == [True, True, True, False]
    refused = api.post(
        f"{API}/decisions/{pk}/publish/",
        {"published_on": "2026-01-09", "text": "x"},
        format="json",
    )
    assert refused.status_code == 400


def test_a_voucher_cites_its_decision_through_the_api(
    api, clerk, insider, supervisor, county, village, chart, open_books, decision
):
    policy(supervisor, county)
    api_login(api, clerk)
    body = {
        "village": village.code,
        "date": "2026-02-03",
        "summary": "工程款",
        "lines": [
            {"account_code": "513", "debit": "85000.00"},
            {"account_code": "102", "credit": "85000.00"},
        ],
    }
    without = api.post(f"{API}/vouchers/", body, format="json").json()
    api_login(api, insider)
    refused = api.post(f"{API}/vouchers/{without['id']}/post/")
    assert refused.status_code == 400
    api_login(api, clerk)
    patched = api.patch(
        f"{API}/vouchers/{without['id']}/", {"decision": decision.pk}, format="json"
    )
    assert patched.json()["decision"] == decision.pk
    api_login(api, insider)
    assert api.post(f"{API}/vouchers/{without['id']}/post/").status_code == 200
    shown = api.get(f"{API}/decisions/{decision.pk}/").json()
    assert Decimal(shown["remaining"]) == 0


def test_the_policy_through_the_api(api, supervisor, insider, county):
    made = policy(supervisor, county)
    api_login(api, insider)
    assert api.get(f"{API}/decision-policies/").json()["results"][0]["threshold"] == "50000.00"
    assert (
        api.patch(
            f"{API}/decision-policies/{made.pk}/", {"threshold": "1"}, format="json"
        ).status_code
        == 403
    )
    api_login(api, supervisor)
    response = api.patch(
        f"{API}/decision-policies/{made.pk}/", {"threshold": "80000"}, format="json"
    )
    assert response.status_code == 200 and response.json()["threshold"] == "80000.00"
    assert services.decision_policy_for(county.code).kinds == ["funds", "contract", "disposal"]
