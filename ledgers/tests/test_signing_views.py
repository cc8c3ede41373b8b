"""Pages and /api/v1/ of the signing day (联签) and the financial review meetings: the four
personas, recording through the forms and the API, the county's switch on the policy page,
constant query counts, the inbox's vouchers waiting for signatures."""

import datetime as dt

import pytest
from django.urls import reverse

from ledgers.models import FinancialReview, SigningSession
from ledgers.tests.signing_fixtures import SIGNING_DAY, committees, draft, sign, supervision
from villages.tests.helpers import api_login, login
from work import inbox

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
API = "/api/v1"
PAGE = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}
API_READ = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.fixture
def signed(clerk, village, chart, open_books):
    members = committees(village, 5)
    reviewer = supervision(village)
    voucher = draft(clerk, village, chart)
    session = sign(clerk, village, members[:3], [voucher], reviewer)
    return {"members": members, "reviewer": reviewer, "voucher": voucher, "session": session}


@pytest.fixture
def meeting(clerk, village):
    from ledgers import services

    return services.financial_review_record(
        actor=clerk,
        village=village,
        year=2026,
        quarter=1,
        held_on=D(2026, 4, 8),
        representatives=30,
        present=24,
        approved=True,
        opinion="同意报销。",
    )


@pytest.mark.parametrize("persona", list(PAGE))
def test_pages_by_persona(client, personas, persona, signed, meeting, village):
    login(client, personas[persona])
    urls = [
        reverse("ledgers:signing-detail", args=[signed["session"].pk]),
        reverse("ledgers:signing-add", args=[village.code]),
        reverse("ledgers:financial-review-add", args=[village.code]),
    ]
    for url in urls:
        assert client.get(url).status_code == PAGE[persona], url
    for name in ("ledgers:signing-list", "ledgers:financial-review-list"):
        response = client.get(reverse(name), {"village": village.code})
        if persona == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 200
            shown = village.name in response.content.decode().split("<tbody>")[1]
            assert shown is (persona != "outsider")


def test_the_signing_page_shows_who_signed(client, insider, signed):
    login(client, insider)
    page = client.get(reverse("ledgers:signing-detail", args=[signed["session"].pk]))
    text = page.content.decode()
    assert "两委在任 5 名成员中的 3 人" in text
    for post in signed["members"][:3]:
        assert post.cadre.name in text
    assert signed["voucher"].display_number in text
    assert "票据真实齐全" in text


def test_recording_a_signing_through_the_form(client, clerk, village, chart, open_books):
    members = committees(village, 4)
    reviewer = supervision(village)
    vouchers = [draft(clerk, village, chart), draft(clerk, village, chart)]
    login(client, clerk)
    url = reverse("ledgers:signing-add", args=[village.code])
    form = client.get(url, {"on": "2026-01-21"}).content.decode()
    assert members[0].cadre.name in form and vouchers[1].display_number in form
    data = {
        "signed_on": "2026-01-21",
        "posts": [members[0].pk, members[1].pk],
        "vouchers": [v.pk for v in vouchers],
        "reviewer": reviewer.pk,
        "review_opinion": "同意。",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "半数以上" in refused.content.decode()
    data["posts"].append(members[2].pk)
    response = client.post(url, data)
    session = SigningSession.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    assert session.signed_vouchers.count() == 2 and session.members == 4
    # Odd input is a form error, never a 500.
    assert client.post(url, {**data, "signed_on": "2026-02-30"}).status_code == 200
    assert client.post(url, {**data, "posts": ["x"]}).status_code == 200


def test_recording_a_financial_review_through_the_form(client, clerk, village):
    login(client, clerk)
    url = reverse("ledgers:financial-review-add", args=[village.code])
    data = {
        "year": 2026,
        "quarter": 1,
        "held_on": "2026-04-08",
        "representatives": 30,
        "present": 25,
        "approved": "on",
        "opinion": "同意。",
    }
    assert client.post(url, data).status_code == 302
    assert FinancialReview.objects.get().approved
    again = client.post(url, data)
    assert again.status_code == 200 and "已记录" in again.content.decode()


def test_the_outsider_and_the_contact_cannot_record(client, outsider, contact, village):
    for user in (outsider, contact):
        login(client, user)
        response = client.post(reverse("ledgers:signing-add", args=[village.code]), {})
        assert response.status_code in (403, 404)
    assert not SigningSession.objects.exists()


def test_the_policy_page_sets_the_signing_day_and_the_switch(client, supervisor, county):
    login(client, supervisor)
    url = reverse("ledgers:decision-policy")
    data = {"county": county.code, "threshold": "50000", "signing_day": "21"}
    response = client.post(url, {**data, "posting_needs_signing": "on"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="signing-day">21<' in page
    assert 'data-testid="posting-needs-signing">是<' in page


def test_list_query_count_is_constant(client, count_queries, clerk, insider, village, chart,
                                      open_books):  # fmt: skip
    members = committees(village, 3)
    reviewer = supervision(village)
    login(client, insider)
    days = [D(2026, 1, d) for d in range(16, 28)]

    def session_on(day):
        sign(clerk, village, members[:2], [draft(clerk, village, chart)], reviewer, on=day)

    for day in days[:2]:
        session_on(day)
    few = count_queries(reverse("ledgers:signing-list"))
    for day in days[2:]:
        session_on(day)
    assert count_queries(reverse("ledgers:signing-list")) == few


def test_the_inbox_lists_vouchers_waiting_for_signatures(
    clerk, insider, supervisor, county, village, chart, open_books
):
    from ledgers.tests.signing_fixtures import switch_on

    members = committees(village, 3)
    reviewer = supervision(village)
    waiting = draft(clerk, village, chart)
    assert list(inbox.vouchers_to_sign(insider)) == []  # the switch is off
    assert list(inbox.vouchers_to_post(insider)) == [waiting]
    switch_on(supervisor, county)
    assert list(inbox.vouchers_to_sign(insider)) == [waiting]
    assert list(inbox.vouchers_to_post(insider)) == []
    assert inbox.counts(insider)["vouchers_to_sign"] == 1
    sign(clerk, village, members[:2], [waiting], reviewer)
    assert list(inbox.vouchers_to_sign(insider)) == []
    assert list(inbox.vouchers_to_post(insider)) == [waiting]


# ------------------------------------------------------------------ the API


@pytest.mark.parametrize("persona", list(API_READ))
def test_api_by_persona(api, personas, persona, signed, meeting):
    api_login(api, personas[persona])
    for base, obj in (("signings", signed["session"]), ("financial-reviews", meeting)):
        assert api.get(f"{API}/{base}/{obj.pk}/").status_code == API_READ[persona]
        listing = api.get(f"{API}/{base}/")
        if persona == "anonymous":
            assert listing.status_code == 403
        else:
            ids = [row["id"] for row in listing.json()["results"]]
            assert ids == ([] if persona == "outsider" else [obj.pk])
    # Records: never changed or deleted through the API.
    if persona == "insider":
        url = f"{API}/signings/{signed['session'].pk}/"
        assert api.delete(url).status_code == 405
        assert api.patch(url, {"notes": "x"}, format="json").status_code == 405


def test_recording_through_the_api(api, clerk, outsider, village, chart, open_books):
    members = committees(village, 3)
    reviewer = supervision(village)
    voucher = draft(clerk, village, chart)
    body = {
        "village": village.code,
        "signed_on": SIGNING_DAY.isoformat(),
        "posts": [members[0].pk],
        "vouchers": [voucher.pk],
        "reviewer": reviewer.pk,
        "review_opinion": "同意。",
    }
    api_login(api, outsider)
    assert api.post(f"{API}/signings/", body, format="json").status_code == 400  # not theirs
    api_login(api, clerk)
    refused = api.post(f"{API}/signings/", body, format="json")
    assert refused.status_code == 400 and "半数以上" in str(refused.json())
    body["posts"].append(members[1].pk)
    made = api.post(f"{API}/signings/", body, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["members"] == 3 and made.json()["vouchers"] == [voucher.display_number]
    assert len(made.json()["signers"]) == 2
    meeting = {
        "village": village.code,
        "year": 2026,
        "quarter": 1,
        "held_on": "2026-04-08",
        "representatives": 30,
        "present": 20,
        "approved": True,
        "opinion": "同意。",
    }
    made = api.post(f"{API}/financial-reviews/", meeting, format="json")
    assert made.status_code == 201 and made.json()["quorate"] is True
    assert api.post(f"{API}/financial-reviews/", meeting, format="json").status_code == 400
    odd = {**meeting, "quarter": 9, "present": -1, "year": "x"}
    assert api.post(f"{API}/financial-reviews/", odd, format="json").status_code == 400
