# ruff: noqa: F811 -- pytest fixtures are imported from disclosure_fixtures
"""The village affairs supervision committee (村务监督委员会): its posts and 换届, its review
and signatures on a statement (the majority rule at its boundaries), the county's switch,
the frozen published copy, the pages, the API and the phone."""

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from cadres import services as cadre_services
from cadres.choices import PostKind
from cadres.models import Post
from cadres.tests.factories import CadreFactory, PostFactory
from ledgers import selectors, services
from ledgers.choices import DisclosureState
from ledgers.models import DecisionPolicy, DisclosureSignature
from ledgers.quorum import more_than_half
from ledgers.tests.disclosure_fixtures import (  # noqa: F401
    draft_statement,
    published,
    quarter_books,
)
from supervision.services.bottomup import sitting_posts
from villages.tests.helpers import api_login, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
REVIEW_DAY = D(2026, 4, 10)
START = D(2024, 1, 10)
CHAIR, MEMBER = PostKind.SUPERVISION_CHAIR, PostKind.SUPERVISION_MEMBER


def supervisor_post(village, kind=MEMBER, name=None, start=START, end=None):
    cadre = CadreFactory(village=village, **({"name": name} if name else {}))
    post = PostFactory(cadre=cadre, village=village, kind=kind, start_date=start)
    if end is not None:
        post.end_date, post.end_reason = end, "resigned"
        post.save()
    return post


@pytest.fixture
def committee(village):
    """A chair and two members (three sitting), the village's phone set."""
    village.supervision_phone = "0537-7123456"
    village.save()
    return [
        supervisor_post(village, CHAIR, "王监督"),
        supervisor_post(village, MEMBER, "李监督"),
        supervisor_post(village, MEMBER, "赵监督"),
    ]


def review(insider, disclosure, posts, on=REVIEW_DAY, opinion="经审核，收支真实，同意公开。"):
    return services.disclosure_record_review(
        actor=insider, disclosure=disclosure, opinion=opinion, reviewed_on=on, posts=posts
    )


# ------------------------------------------------------------------ the rule, once


@pytest.mark.parametrize(
    "count,of,passes",
    [(0, 0, False), (1, 1, True), (1, 2, False), (2, 2, True), (1, 3, False), (2, 3, True),
     (2, 4, False), (3, 4, True), (2, 5, False), (3, 5, True)],
)  # fmt: skip
def test_more_than_half_at_its_boundaries(count, of, passes):
    assert more_than_half(count, of) is passes


# ------------------------------------------------------------------ posts and 换届


def test_the_supervision_committee_is_not_one_of_the_two_committees(village, committee):
    secretary = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)
    assert list(sitting_posts(village, REVIEW_DAY)) == [secretary]
    assert set(Post.objects.supervision()) == set(committee)
    assert list(Post.objects.two_committees()) == [secretary]


def test_one_sitting_chair_of_the_supervision_committee(insider, village, committee):
    with pytest.raises(ValidationError, match="已有在任的村务监督委员会主任"):
        cadre_services.post_open(
            actor=insider,
            village=village,
            cadre=CadreFactory(village=village),
            kind=CHAIR,
            start_date=REVIEW_DAY,
        )


def test_a_term_change_renews_the_supervision_committee(insider, village, committee):
    elected = [CadreFactory(village=village) for _ in range(3)]
    held_on = D(2026, 3, 20)
    cadre_services.term_change_record(
        actor=insider,
        village=village,
        held_on=held_on,
        new_posts=[
            {"cadre": elected[0], "kind": CHAIR},
            {"cadre": elected[1], "kind": MEMBER},
            {"cadre": elected[2], "kind": MEMBER},
        ],
    )
    for post in committee:
        post.refresh_from_db()
        assert post.end_date == held_on and post.closed_by_change is not None
    after = selectors.supervisors_on(village, D(2026, 3, 21))
    assert {p.cadre for p in after} == set(elected)


# ------------------------------------------------------------------ the review


def test_more_than_half_of_the_sitting_members_sign(insider, draft_statement, committee):
    with pytest.raises(ValidationError, match="3 名在任成员中过半数"):
        review(insider, draft_statement, committee[:1])
    done = review(insider, draft_statement, committee[:2])
    assert done.reviewed_on == REVIEW_DAY
    assert {s.post for s in done.signatures.all()} == set(committee[:2])
    # Recorded again: the signatures follow the new list.
    review(insider, draft_statement, committee[1:])
    assert {s.post for s in draft_statement.signatures.all()} == set(committee[1:])


def test_the_majority_counts_the_members_sitting_on_the_review_day(
    insider, village, draft_statement, committee
):
    # A fourth member who left the day before does not count; one leaving that day does.
    supervisor_post(village, end=REVIEW_DAY - dt.timedelta(days=1))
    leaving = supervisor_post(village, end=REVIEW_DAY)
    # Four sitting (three and the one leaving that day): two is not more than half.
    with pytest.raises(ValidationError, match="4 名在任成员中过半数"):
        review(insider, draft_statement, committee[:2])
    review(insider, draft_statement, [*committee[:2], leaving])


def test_only_sitting_members_of_this_village_sign(
    insider, village, other_village, draft_statement, committee
):
    late = supervisor_post(village, start=REVIEW_DAY + dt.timedelta(days=1), name="迟到")
    gone = supervisor_post(village, end=REVIEW_DAY - dt.timedelta(days=1), name="离任")
    elsewhere = supervisor_post(other_village, name="外村")
    secretary = PostFactory(cadre=CadreFactory(village=village, name="书记"))
    for outsider in (late, gone, elsewhere, secretary):
        with pytest.raises(ValidationError, match=outsider.cadre.name):
            review(insider, draft_statement, [*committee[:2], outsider])


def test_the_review_needs_an_opinion_and_a_past_date(insider, draft_statement, committee):
    with pytest.raises(ValidationError) as error:
        review(insider, draft_statement, committee, opinion="  ", on=D(2999, 1, 1))
    assert set(error.value.message_dict) == {"opinion", "reviewed_on"}


def test_the_clerk_and_the_contact_do_not_record_a_review(
    clerk, contact, draft_statement, committee
):
    from django.core.exceptions import PermissionDenied

    for who in (clerk, contact):
        with pytest.raises(PermissionDenied):
            review(who, draft_statement, committee)


# ------------------------------------------------------------------ publishing


def test_publishing_freezes_the_review_phone_and_signatures(insider, draft_statement, committee):
    review(insider, draft_statement, committee[:2])
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    done = services.disclosure_publish(actor=insider, disclosure=draft_statement)
    block = done.content["supervision"]
    assert block == {
        "opinion": "经审核，收支真实，同意公开。",
        "reviewed_on": "2026-04-10",
        "members": 3,
        "signers": [
            {"name": "王监督", "post": "supervision_chair"},
            {"name": "李监督", "post": "supervision_member"},
        ],
        "phone": "0537-7123456",
    }
    assert done.content["format"] == 3
    body = services.canonical_statement(done.content)
    assert done.sha256 == hashlib.sha256(body).hexdigest()
    with pytest.raises(ValidationError, match="不能再修改"):
        review(insider, done, committee)
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosureSignature.objects.filter(disclosure=done).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosureSignature.objects.create(
            disclosure=done, post=committee[2], area_code=done.area_code
        )


def test_publishing_checks_the_signatures_again(insider, village, draft_statement, committee):
    review(insider, draft_statement, committee[:2])
    # A member recorded late, sitting since before the review: two of four is no majority.
    supervisor_post(village, start=D(2026, 1, 1))
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    with pytest.raises(ValidationError, match="4 名在任成员中过半数"):
        services.disclosure_publish(actor=insider, disclosure=draft_statement)


def test_the_county_switch_is_off_by_default(insider, draft_statement, village, committee):
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    done = services.disclosure_publish(actor=insider, disclosure=draft_statement)
    assert done.content["supervision"]["opinion"] == ""
    assert done.content["supervision"]["phone"] == "0537-7123456"
    assert DecisionPolicy(area_code=village.code[:6]).statements_need_review is False


def test_the_county_switch_makes_publishing_wait_for_the_review(
    insider, supervisor, draft_statement, village, committee
):
    services.decision_policy_update(
        actor=supervisor,
        county_code=village.code[:6],
        enabled=False,
        threshold=0,
        kinds=[],
        statements_need_review=True,
    )
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    with pytest.raises(ValidationError, match="本县要求公开表经村务监督委员会审核"):
        services.disclosure_publish(actor=insider, disclosure=draft_statement)
    draft_statement.refresh_from_db()
    assert draft_statement.state == DisclosureState.APPROVED
    review(insider, draft_statement, committee[:2])
    done = services.disclosure_publish(actor=insider, disclosure=draft_statement)
    assert done.state == DisclosureState.PUBLISHED


# ------------------------------------------------------------------ pages


# The county supervisor holds the township's rights too (core.rights), as for approving.
REVIEW_PAGE = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}
RECORDED = {"insider", "supervisor"}


@pytest.mark.parametrize("persona", list(REVIEW_PAGE))
def test_the_review_page_by_persona(client, personas, persona, draft_statement, committee):
    login(client, personas[persona])
    url = reverse("ledgers:disclosure-review", args=[draft_statement.pk])
    assert client.get(url).status_code == REVIEW_PAGE[persona]
    data = {
        "opinion": "同意公开",
        "reviewed_on": "2026-04-10",
        "posts": [p.pk for p in committee[:2]],
    }
    response = client.post(url, data)
    assert response.status_code == (302 if persona in RECORDED else REVIEW_PAGE[persona])
    draft_statement.refresh_from_db()
    assert bool(draft_statement.reviewed_on) == (persona in RECORDED)


def test_the_review_form_shows_the_majority_error(client, insider, draft_statement, committee):
    login(client, insider)
    url = reverse("ledgers:disclosure-review", args=[draft_statement.pk])
    response = client.post(
        url, {"opinion": "同意", "reviewed_on": "2026-04-10", "posts": [committee[0].pk]}
    )
    assert response.status_code == 200
    assert "须经监委会 3 名在任成员中过半数签字" in response.content.decode()


def test_staff_and_public_pages_show_the_review_and_the_phone(
    client, insider, draft_statement, committee
):
    review(insider, draft_statement, committee[:2])
    login(client, insider)
    page = client.get(draft_statement.get_absolute_url()).content.decode()
    assert "经审核，收支真实，同意公开。" in page and "0537-7123456" in page
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    services.disclosure_publish(actor=insider, disclosure=draft_statement)
    client.logout()
    page = client.get(reverse("public:statement", args=[draft_statement.pk])).content.decode()
    assert "经审核，收支真实，同意公开。" in page and "王监督" in page
    assert 'href="tel:0537-7123456"' in page
    body = client.get(reverse("public:statement-json", args=[draft_statement.pk])).content
    assert json.loads(body)["supervision"]["phone"] == "0537-7123456"
    village_page = client.get(reverse("public:village", args=[draft_statement.village.code]))
    assert "0537-7123456" in village_page.content.decode()


def test_the_committees_page_lists_the_supervision_committee(client, insider, village, committee):
    login(client, insider)
    page = client.get(reverse("cadres:village-committees", args=[village.code])).content.decode()
    assert 'data-testid="supervision-committee"' in page and "王监督" in page


# ------------------------------------------------------------------ API


REVIEW_API = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.mark.parametrize("persona", list(REVIEW_API))
def test_the_review_api_by_persona(api, personas, persona, draft_statement, committee):
    api_login(api, personas[persona])
    url = f"/api/v1/disclosures/{draft_statement.pk}/review/"
    body = {
        "opinion": "同意公开",
        "reviewed_on": "2026-04-10",
        "posts": [p.pk for p in committee[:2]],
    }
    response = api.post(url, body, format="json")
    assert response.status_code in (
        (REVIEW_API[persona], 401) if persona == "anonymous" else (REVIEW_API[persona],)
    )
    if persona in RECORDED:
        shown = response.json()["review"]
        assert shown["opinion"] == "同意公开" and shown["members"] == 3
        assert [s["name"] for s in shown["signers"]] == ["王监督", "李监督"]
        assert shown["phone"] == "0537-7123456"


def test_the_review_api_refuses_a_minority(api, insider, draft_statement, committee):
    api_login(api, insider)
    response = api.post(
        f"/api/v1/disclosures/{draft_statement.pk}/review/",
        {"opinion": "同意", "reviewed_on": "2026-04-10", "posts": [committee[0].pk]},
        format="json",
    )
    assert response.status_code == 400


def test_the_village_api_shows_the_phone_in_full(api, insider, village, committee):
    api_login(api, insider)
    shown = api.get(f"/api/v1/villages/{village.code}/").json()
    assert shown["supervision_phone"] == "0537-7123456"


def test_the_policy_api_carries_the_switch(api, supervisor, village):
    DecisionPolicy.objects.create(area_code=village.code[:6])
    api_login(api, supervisor)
    rows = api.get("/api/v1/decision-policies/").json()
    row = (rows["results"] if isinstance(rows, dict) else rows)[0]
    assert row["statements_need_review"] is False
    response = api.patch(
        f"/api/v1/decision-policies/{row['id']}/",
        {"statements_need_review": True},
        format="json",
    )
    assert response.status_code == 200 and response.json()["statements_need_review"] is True


def test_the_printed_statement_carries_the_review_and_the_phone(
    client, insider, draft_statement, committee, tmp_path
):
    from reports.tests.test_documents_fixtures import pdf_text

    review(insider, draft_statement, committee[:2])
    services.disclosure_approve(actor=insider, disclosure=draft_statement)
    services.disclosure_publish(actor=insider, disclosure=draft_statement)
    login(client, insider)
    response = client.get(reverse("reports:document", args=["disclosure", draft_statement.pk]))
    text = pdf_text(b"".join(response.streaming_content), tmp_path)
    for shown in ("经审核，收支真实，同意公开。", "王监督", "李监督", "0537-7123456"):
        assert shown in text.replace(" ", ""), shown


def test_the_policy_page_sets_the_switch(client, supervisor, insider, village):
    url = reverse("ledgers:decision-policy")
    login(client, supervisor)
    assert 'data-testid="review-required"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "county": village.code[:6],
            "threshold": "50000",
            "kinds": [],
            "statements_need_review": "on",
        },
    )
    assert response.status_code == 302
    assert DecisionPolicy.objects.get(area_code=village.code[:6]).statements_need_review
    login(client, insider)  # a township reads the policy, does not change it
    assert client.post(url, {"county": village.code[:6], "threshold": "0"}).status_code == 403
