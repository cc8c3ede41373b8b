"""/api/v1/ of bottom-up supervision and the annual inspection: personas, actions, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.choices import RecordState, TaskKind
from supervision.models import CertificateInspection, Hearing, Problem, PublicReport
from villages.tests.helpers import api_login

from .bottomup_helpers import (
    add_question,
    duty,
    make_hearing,
    make_redemption,
    make_report,
    other_contact_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
READ = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200, "contact": 200}


@pytest.fixture
def everyone(personas, contact, other_contact):
    return {**personas, "contact": contact, "other_contact": other_contact}


@pytest.mark.parametrize("persona", [*READ, "other_contact"])
def test_read_persona_matrix(api, everyone, persona, contact, insider, village, sitting):
    hearing = make_hearing(contact, village)
    report = make_report(contact, village)
    redemption = make_redemption(contact, village)
    api_login(api, insider)
    annual = api.post(
        f"{API}/annual-inspections/",
        {
            "task": duty(village, TaskKind.ANNUAL_INSPECTION, "2026").pk,
            "certificate": sitting["chair"].certificate.pk,
        },
        format="json",
    ).data["id"]
    api_login(api, everyone[persona])
    expected = READ.get(persona, 404)
    if persona == "anonymous":
        expected = api.get(f"{API}/hearings/").status_code  # 401 or 403, per the auth classes
        assert expected in (401, 403)
    pairs = [
        ("hearings", hearing.pk),
        ("public-reports", report.pk),
        ("redemptions", redemption.pk),
        ("annual-inspections", annual),
    ]
    for name, pk in pairs:
        assert api.get(f"{API}/{name}/{pk}/").status_code == expected, name
        listing = api.get(f"{API}/{name}/")
        if persona != "anonymous":
            assert listing.status_code == 200
            assert listing.data["count"] == (1 if expected == 200 else 0), name


def test_hearing_journey_through_the_api(api, contact, village, sitting):
    api_login(api, contact)
    task = duty(village, TaskKind.HEARING, "2026Q4")
    created = api.post(
        f"{API}/hearings/",
        {"task": task.pk, "date": "2026-11-20", "agenda": "财务", "party_members_present": 9},
        format="json",
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    q = {"asker_kind": "villager", "category": "land", "question": "承包费？", "satisfied": False}
    added = api.post(f"{API}/hearings/{pk}/questions/", q, format="json")
    assert added.status_code == 201 and len(added.data["questions"]) == 1
    extra = api.post(f"{API}/hearings/{pk}/questions/", {**q, "satisfied": True}, format="json")
    removed = api.delete(
        f"{API}/hearings/{pk}/questions/?question={extra.data['questions'][1]['id']}"
    )
    assert removed.status_code == 200 and len(removed.data["questions"]) == 1
    for bad in ("abc", "²", "-1", "99999999999999999999", ""):
        refused = api.delete(f"{API}/hearings/{pk}/questions/", QUERY_STRING=f"question={bad}")
        assert refused.status_code == 400 and "question" in refused.data, bad
    done = api.post(f"{API}/hearings/{pk}/complete/")
    assert done.status_code == 200 and done.data["state"] == RecordState.COMPLETED
    assert Problem.objects.get().owner == sitting["secretary"].cadre
    again = api.post(f"{API}/hearings/{pk}/questions/", q, format="json")
    assert again.status_code == 400


def test_api_refuses_votes_that_do_not_add_up_and_records_them(api, contact, village, sitting):
    report = make_report(contact, village, issued=20, returned=20)
    api_login(api, contact)
    url = f"{API}/public-reports/{report.pk}/votes/"
    body = {
        "post": sitting["secretary"].pk,
        "satisfied": 10,
        "basically_satisfied": 5,
        "dissatisfied": 1,
    }
    refused = api.post(url, body, format="json")
    assert refused.status_code == 400 and "16" in str(refused.data) and "20" in str(refused.data)
    for post in sitting.values():
        ok = api.post(url, {**body, "post": post.pk, "dissatisfied": 5}, format="json")
        assert ok.status_code == 200
    assert ok.data["votes"][0]["satisfaction_rate"] == "0.750"
    done = api.post(f"{API}/public-reports/{report.pk}/complete/")
    assert done.status_code == 200 and PublicReport.objects.get().state == "completed"


def test_api_redemption_results_and_complete(api, contact, village, sitting):
    redemption = make_redemption(contact, village)
    api_login(api, contact)
    url = f"{API}/redemptions/{redemption.pk}/"
    assert api.post(url + "complete/").status_code == 400
    for row in redemption.results.all():
        r = api.post(
            url + "results/",
            {"promise": row.promise_id, "result": "fulfilled", "appraisal": "satisfied"},
            format="json",
        )
        assert r.status_code == 200
    assert r.data["fulfilment_rate"] == "1.000"
    assert api.post(url + "complete/").data["state"] == "completed"


def test_api_writes_need_the_right(api, everyone, contact, insider, village, sitting):
    hearing = make_hearing(contact, village)
    add_question(contact, hearing)
    q = {"asker_kind": "villager", "category": "land", "question": "？"}
    for persona, status in (("outsider", 404), ("other_contact", 404)):
        api_login(api, everyone[persona])
        assert (
            api.post(f"{API}/hearings/{hearing.pk}/questions/", q, format="json").status_code
            == status
        )
        assert api.post(f"{API}/hearings/{hearing.pk}/complete/").status_code == status
        created = api.post(
            f"{API}/hearings/",
            {"task": hearing.task_id, "date": "2026-11-20", "agenda": "x"},
            format="json",
        )
        assert created.status_code == 400  # the duty is not theirs to see
    api_login(api, insider)
    task = duty(village, TaskKind.ANNUAL_INSPECTION, "2026")
    annual = api.post(
        f"{API}/annual-inspections/",
        {"task": task.pk, "certificate": sitting["secretary"].certificate.pk},
        format="json",
    )
    assert annual.status_code == 201
    api_login(api, contact)
    decide = f"{API}/annual-inspections/{annual.data['id']}/decide/"
    assert api.post(decide, {"verdict": "pass"}, format="json").status_code == 403
    assert (
        api.post(
            f"{API}/annual-inspections/",
            {"task": task.pk, "certificate": sitting["chair"].certificate.pk},
            format="json",
        ).status_code
        == 403
    )
    api_login(api, insider)
    failed = api.post(decide, {"verdict": "fail", "reasons": "不合格"}, format="json")
    assert failed.status_code == 200 and failed.data["advice"] is not None
    assert Hearing.objects.get().state == RecordState.DRAFT
    assert CertificateInspection.objects.get().state == RecordState.COMPLETED


@pytest.mark.parametrize("name", ["hearings", "public-reports", "redemptions"])
def test_api_lists_have_constant_query_counts(api, insider, township, sitting, village, name):
    from villages.tests.factories import VillageFactory

    api_login(api, insider)

    def grow(n):
        done = Hearing.objects.count()
        for i in range(done, done + n):
            v = VillageFactory(township=township, code=f"370830102{300 + i}")
            add_question(insider, make_hearing(insider, v))
            make_report(insider, v)
            make_redemption(insider, v)

    def count():
        api.get(f"{API}/{name}/")
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"{API}/{name}/").status_code == 200
        return len(ctx.captured_queries)

    grow(2)
    few = count()
    grow(5)
    assert count() == few
