"""/api/v1/ endpoints of the cadres app: personas, masking, frozen pledges, query counts."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from cadres import services
from cadres.choices import PledgeState, PostKind
from cadres.models import Cadre, Pledge, Post, Promise, QualificationCertificate, TermChange
from cadres.tests.factories import CadreFactory, PostFactory, make_id_number, promise_data
from villages.models import ChangeEvent
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login

# Until config/api_router.py registers the viewsets, the tests use a URLconf that does.
pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1"
FROZEN = "保证书已签字，内容不可修改；如需变更请起草修订版。"


@pytest.fixture
def everyone(personas, contact):
    return {**personas, "contact": contact}


@pytest.fixture
def r(insider, village):
    """One record of every kind in `village` (a secretary with certificate, pledge, advice)."""
    cadre = CadreFactory(village=village, name="王建国")
    post = PostFactory(cadre=cadre, kind=PostKind.SECRETARY)
    certificate = services.certificate_issue(actor=insider, post=post, issued_on=D(2024, 2, 1))
    pledge = services.pledge_draft(
        actor=insider, post=post, drafted_on=D(2024, 1, 15), promises=promise_data()
    )
    advice = services.advice_open(
        actor=insider, post=post, grounds="未履行承诺", opened_on=D(2024, 6, 1)
    )
    change = TermChange.objects.create(
        village=village, held_on=D(2021, 1, 10), recorded_by=insider, area_code=village.code
    )
    return SimpleNamespace(
        insider=insider,
        village=village,
        cadre=cadre,
        post=post,
        certificate=certificate,
        pledge=pledge,
        advice=advice,
        change=change,
    )


def detail_ids(r):
    return {
        "cadres": r.cadre.pk,
        "posts": r.post.pk,
        "certificates": r.certificate.pk,
        "pledges": r.pledge.pk,
        "advices": r.advice.pk,
        "term-changes": r.change.pk,
    }


ENDPOINTS = ["cadres", "posts", "certificates", "pledges", "advices", "term-changes"]
READERS = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200, "contact": 200}


# ------------------------------------------------------------------ reading, for every persona


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_are_scoped(api, everyone, r, endpoint, persona):
    response = api_login(api, everyone[persona]).get(f"{API}/{endpoint}/")
    if persona == "anonymous":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == (set() if persona == "outsider" else {detail_ids(r)[endpoint]})


@pytest.mark.parametrize("persona,status", READERS.items())
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_detail_access_matrix(api, everyone, r, endpoint, persona, status):
    pk = detail_ids(r)[endpoint]
    response = api_login(api, everyone[persona]).get(f"{API}/{endpoint}/{pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == pk


# ------------------------------------------------------------------ writing, for every persona


def _chair(r):
    """A sitting chair without certificate, pledge or advice."""
    return PostFactory(cadre=CadreFactory(village=r.village), kind=PostKind.CHAIR)


def _suspended(r):
    services.certificate_suspend(
        actor=r.insider, certificate=r.certificate, on=D(2024, 5, 1), reason="年检不合格"
    )


def _signed(r):
    services.pledge_sign(actor=r.insider, pledge=r.pledge, signed_on=D(2024, 1, 20))


def _in_force(r):
    _signed(r)
    for body in ("party", "government"):
        services.pledge_countersign(
            actor=r.insider, pledge=r.pledge, body=body, signer="李书记", signed_on=D(2024, 1, 25)
        )


def _talked(r):
    services.advice_record_talk(
        actor=r.insider,
        advice=r.advice,
        talk_on=D(2024, 6, 10),
        talk_by="镇党委",
        talk_notes="谈话",
    )


# name -> (request(r) -> (method, path, body), status on success, status for the outsider)
WRITES = {
    "cadre-create": (
        lambda r: (
            "post",
            "cadres/",
            {
                "village": r.village.code,
                "name": "刘新",
                "id_number": make_id_number(D(1980, 3, 3), serial=77),
                "phone": "13912345678",
            },
        ),
        201,
        400,  # the village "does not exist" for the outsider
    ),
    "cadre-update": (lambda r: ("patch", f"cadres/{r.cadre.pk}/", {"notes": "改"}), 200, 404),
    "cadre-reveal": (lambda r: ("post", f"cadres/{r.cadre.pk}/reveal/", {}), 200, 404),
    "post-create": (
        lambda r: (
            "post",
            "posts/",
            {
                "cadre": CadreFactory(village=r.village).pk,
                "village": r.village.code,
                "kind": PostKind.COMMITTEE_MEMBER,
                "start_date": "2024-03-01",
            },
        ),
        201,
        400,
    ),
    "post-end": (
        lambda r: (
            "post",
            f"posts/{r.post.pk}/end/",
            {"end_date": "2024-12-31", "end_reason": "resigned"},
        ),
        200,
        404,
    ),
    "certificate-create": (
        lambda r: ("post", "certificates/", {"post": _chair(r).pk, "issued_on": "2024-02-01"}),
        201,
        400,
    ),
    "certificate-suspend": (
        lambda r: (
            "post",
            f"certificates/{r.certificate.pk}/suspend/",
            {"on": "2024-05-01", "reason": "年检不合格"},
        ),
        200,
        404,
    ),
    "certificate-reinstate": (
        lambda r: (
            "post",
            f"certificates/{r.certificate.pk}/reinstate/",
            {"on": "2024-07-01", "reason": "整改完成"},
        ),
        200,
        404,
    ),
    "certificate-revoke": (
        lambda r: (
            "post",
            f"certificates/{r.certificate.pk}/revoke/",
            {"on": "2024-05-01", "reason": "违纪"},
        ),
        200,
        404,
    ),
    "pledge-create": (
        lambda r: (
            "post",
            "pledges/",
            {
                "post": _chair(r).pk,
                "drafted_on": "2024-01-15",
                "promises": [{**p, "due_date": p["due_date"].isoformat()} for p in promise_data(2)],
            },
        ),
        201,
        400,
    ),
    "pledge-update": (
        lambda r: (
            "patch",
            f"pledges/{r.pledge.pk}/",
            {"promises": [{**promise_data(1)[0], "due_date": "2026-06-30"}]},
        ),
        200,
        404,
    ),
    "pledge-sign": (
        lambda r: ("post", f"pledges/{r.pledge.pk}/sign/", {"signed_on": "2024-01-20"}),
        200,
        404,
    ),
    "pledge-countersign": (
        lambda r: (
            "post",
            f"pledges/{r.pledge.pk}/countersign/",
            {"body": "party", "signer": "李书记", "signed_on": "2024-01-25"},
        ),
        200,
        404,
    ),
    "pledge-amend": (
        lambda r: (
            "post",
            f"pledges/{r.pledge.pk}/amend/",
            {"reason": "调整目标", "drafted_on": "2025-01-10"},
        ),
        201,
        404,
    ),
    "advice-create": (
        lambda r: (
            "post",
            "advices/",
            {"post": _chair(r).pk, "grounds": "不作为", "opened_on": "2024-06-01"},
        ),
        201,
        400,
    ),
    "advice-talk": (
        lambda r: (
            "post",
            f"advices/{r.advice.pk}/talk/",
            {"talk_on": "2024-06-10", "talk_by": "镇党委书记", "talk_notes": "谈话记录"},
        ),
        200,
        404,
    ),
    "advice-decide": (
        lambda r: (
            "post",
            f"advices/{r.advice.pk}/decide/",
            {"outcome": "warned", "decided_on": "2024-06-20"},
        ),
        200,
        404,
    ),
    "term-change-create": (
        lambda r: (
            "post",
            "term-changes/",
            {
                "village": r.village.code,
                "held_on": "2025-01-05",
                "notes": "第十二届",
                "new_posts": [
                    {"cadre": CadreFactory(village=r.village).pk, "kind": "secretary_chair"},
                    {"cadre": r.cadre.pk, "kind": "deputy_secretary", "term_ends": "2030-01-05"},
                ],
            },
        ),
        201,
        400,
    ),
}

# the state a write needs first
BEFORE = {
    "certificate-reinstate": _suspended,
    "pledge-countersign": _signed,
    "pledge-amend": _in_force,
    "advice-decide": _talked,
}


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("write", WRITES)
def test_write_access_matrix(api, everyone, r, write, persona):
    request, ok, outsider_status = WRITES[write]
    BEFORE.get(write, lambda r: None)(r)
    method, path, body = request(r)
    response = getattr(api_login(api, everyone[persona]), method)(
        f"{API}/{path}", body, format="json"
    )
    expected = {
        "anonymous": 403,
        "outsider": outsider_status,
        "insider": ok,
        "supervisor": ok,
        "contact": 403,  # reads the village, changes nothing
    }[persona]
    assert response.status_code == expected, response.content.decode()


def test_a_refused_write_changes_nothing(api, contact, outsider, r):
    api_login(api, contact).post(
        f"{API}/certificates/{r.certificate.pk}/revoke/", {"on": "2024-05-01", "reason": "x"}
    )
    api_login(api, outsider).patch(f"{API}/cadres/{r.cadre.pk}/", {"notes": "改"}, format="json")
    r.certificate.refresh_from_db()
    r.cadre.refresh_from_db()
    assert r.certificate.state == "valid" and r.cadre.notes == ""


# ------------------------------------------------------------------ personal data


@pytest.mark.parametrize("persona", ["insider", "supervisor", "contact"])
def test_personal_data_is_masked_everywhere(api, everyone, r, persona):
    client = api_login(api, everyone[persona])
    for endpoint, pk in detail_ids(r).items():
        for path in (f"{API}/{endpoint}/", f"{API}/{endpoint}/{pk}/"):
            content = client.get(path).content.decode()
            assert r.cadre.id_number not in content, path
            assert r.cadre.phone not in content, path
    # the browsable API's forms are filled from the same masked representation
    page = client.get(f"{API}/cadres/{r.cadre.pk}/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and r.cadre.masked_id_number in page.content.decode()
    assert r.cadre.id_number not in page.content.decode()
    assert r.cadre.phone not in page.content.decode()
    row = client.get(f"{API}/cadres/").json()["results"][0]
    detail = client.get(f"{API}/cadres/{r.cadre.pk}/").json()
    for shown in (row, detail):
        assert shown["id_number_masked"] == r.cadre.masked_id_number
        assert shown["phone_masked"] == "138****1234"
        assert "id_number" not in shown and "phone" not in shown


def test_writes_answer_with_masked_values_too(api, insider, r):
    client = api_login(api, insider)
    number = make_id_number(D(1980, 3, 3), serial=78)
    created = client.post(
        f"{API}/cadres/",
        {"village": r.village.code, "name": "刘新", "id_number": number, "phone": "13912345678"},
        format="json",
    )
    assert created.status_code == 201
    assert number not in created.content.decode() and "13912345678" not in created.content.decode()
    assert created.json()["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    cadre = Cadre.objects.get(pk=created.json()["id"])
    assert cadre.id_number == number and cadre.birth_date == D(1980, 3, 3)
    changed = client.patch(f"{API}/cadres/{cadre.pk}/", {"phone": "13700001111"}, format="json")
    assert changed.status_code == 200 and "13700001111" not in changed.content.decode()
    assert changed.json()["phone_masked"] == "137****1111"


def test_reveal_returns_full_values_and_is_logged(api, insider, r):
    response = api_login(api, insider).post(f"{API}/cadres/{r.cadre.pk}/reveal/")
    assert response.status_code == 200
    assert response.json() == {"id_number": r.cadre.id_number, "phone": r.cadre.phone}
    assert "no-store" in response["Cache-Control"]
    events = ChangeEvent.objects.tracks(r.cadre).filter(pgh_label="personal_data_viewed")
    assert events.count() == 1 and events.get().pgh_context["user"] == insider.pk


def test_reveal_is_refused_to_a_contact_cadre_and_not_logged(api, contact, r):
    response = api_login(api, contact).post(f"{API}/cadres/{r.cadre.pk}/reveal/")
    assert response.status_code == 403
    assert r.cadre.id_number not in response.content.decode()
    events = ChangeEvent.objects.tracks(r.cadre).filter(pgh_label="personal_data_viewed")
    assert not events.exists()


def _wrong_check_digit():
    valid = make_id_number(serial=5)
    return valid[:17] + ("1" if valid[17] != "1" else "2")


@pytest.mark.parametrize(
    "number,message",
    [
        (_wrong_check_digit(), "身份证号码校验码不正确，请逐位核对。"),
        ("37083019750601", "居民身份证号码应为 18 位，这个号码是 14 位。"),
    ],
)
def test_an_invalid_id_number_is_refused_in_chinese(api, insider, village, number, message):
    response = api_login(api, insider).post(
        f"{API}/cadres/", {"village": village.code, "name": "刘新", "id_number": number}
    )
    assert response.status_code == 400
    assert response.json() == {"id_number": [message]}
    assert not Cadre.objects.exists()


def test_a_duplicate_id_number_is_refused(api, insider, r):
    response = api_login(api, insider).post(
        f"{API}/cadres/",
        {"village": r.village.code, "name": "重复", "id_number": r.cadre.id_number},
    )
    assert response.status_code == 400
    assert response.json() == {
        "id_number": [f"该身份证号码的村干部已登记：{r.cadre.name}（{r.village.name}）。"]
    }
    assert Cadre.objects.count() == 1


# ------------------------------------------------------------------ certificates and pledges


def test_a_certificate_is_issued_once(api, insider, r):
    response = api_login(api, insider).post(
        f"{API}/certificates/", {"post": r.post.pk, "issued_on": "2024-03-01"}
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["该任职已颁发过任职资格证书。"]}
    assert QualificationCertificate.objects.count() == 1


def test_a_new_certificate_is_numbered_by_the_service(api, supervisor, r):
    chair = _chair(r)
    response = api_login(api, supervisor).post(
        f"{API}/certificates/", {"post": chair.pk, "issued_on": "2024-03-01", "number": "X"}
    )
    assert response.status_code == 201
    assert response.json()["number"] == "370830-2024-0002"
    assert response.json()["cadre_name"] == chair.cadre.name


def test_certificate_state_changes(api, insider, r):
    client = api_login(api, insider)
    url = f"{API}/certificates/{r.certificate.pk}"
    body = {"on": "2024-05-01", "reason": "年检不合格"}
    assert client.post(f"{url}/suspend/", body).json()["state"] == "suspended"
    assert client.post(f"{url}/suspend/", body).status_code == 400  # already suspended
    assert client.post(f"{url}/reinstate/", body).json()["state"] == "valid"
    missing = client.post(f"{url}/revoke/", {"on": "2024-05-01"})
    assert missing.status_code == 400 and "reason" in missing.json()
    assert client.post(f"{url}/revoke/", body).json()["state"] == "revoked"


def _texts(pledge):
    return list(Promise.objects.filter(pledge=pledge).order_by("position").values_list("text"))


@pytest.mark.parametrize("method", ["put", "patch"])
def test_pledge_text_cannot_change_after_the_first_signature(api, insider, r, method):
    client = api_login(api, insider)
    url = f"{API}/pledges/{r.pledge.pk}/"
    new = {"promises": [{**promise_data(1)[0], "text": "新承诺", "due_date": "2026-06-30"}]}
    draft = getattr(client, method)(url, new, format="json")
    assert draft.status_code == 200
    assert [p["text"] for p in draft.json()["promises"]] == ["新承诺"]
    assert client.post(f"{url}sign/", {"signed_on": "2024-01-20"}).status_code == 200
    before = _texts(r.pledge)
    changed = {"promises": [{**new["promises"][0], "text": "偷改"}]}
    response = getattr(client, method)(url, changed, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [FROZEN]}
    assert _texts(r.pledge) == before
    assert Pledge.objects.get(pk=r.pledge.pk).state == PledgeState.SIGNED


def test_a_draft_needs_a_promise(api, insider, r):
    response = api_login(api, insider).patch(
        f"{API}/pledges/{r.pledge.pk}/", {"promises": []}, format="json"
    )
    assert response.status_code == 400
    assert len(_texts(r.pledge)) == 3


def test_an_amendment_carries_its_own_signatures(api, insider, r):
    client = api_login(api, insider)
    url = f"{API}/pledges/{r.pledge.pk}"
    client.post(f"{url}/sign/", {"signed_on": "2024-01-20"})
    for body in ("party", "government"):
        signed = client.post(
            f"{url}/countersign/", {"body": body, "signer": "李书记", "signed_on": "2024-01-25"}
        )
        assert signed.status_code == 200
    assert signed.json()["state"] == "in_force" and signed.json()["in_force_on"] == "2024-01-25"
    twice = client.post(
        f"{url}/countersign/", {"body": "party", "signer": "李书记", "signed_on": "2024-01-26"}
    )
    assert twice.status_code == 400

    amended = client.post(
        f"{url}/amend/",
        {"reason": "调整目标", "drafted_on": "2025-01-10", "promises": []},
        format="json",
    )
    assert amended.status_code == 400  # an amendment needs promises too
    amended = client.post(f"{url}/amend/", {"reason": "调整目标", "drafted_on": "2025-01-10"})
    assert amended.status_code == 201
    new = amended.json()
    assert new["id"] != r.pledge.pk and new["version"] == 2 and new["amends"] == r.pledge.pk
    assert new["state"] == "draft" and new["cadre_signed_on"] is None
    assert new["party_countersigner"] == "" and new["government_countersigned_on"] is None
    assert [p["text"] for p in new["promises"]] == [t for (t,) in _texts(r.pledge)]

    new_url = f"{API}/pledges/{new['id']}"
    assert client.post(f"{new_url}/sign/", {"signed_on": "2025-01-12"}).status_code == 200
    for body in ("party", "government"):
        client.post(
            f"{new_url}/countersign/",
            {"body": body, "signer": "赵镇长", "signed_on": "2025-01-15"},
        )
    old, amendment = client.get(f"{url}/").json(), client.get(f"{new_url}/").json()
    assert amendment["state"] == "in_force" and amendment["government_countersigner"] == "赵镇长"
    assert old["state"] == "superseded" and old["closed_on"] == "2025-01-15"
    # the old version keeps its own signatures
    assert old["cadre_signed_on"] == "2024-01-20" and old["party_countersigner"] == "李书记"


def test_countersign_refuses_an_unknown_body(api, insider, r):
    services.pledge_sign(actor=insider, pledge=r.pledge, signed_on=D(2024, 1, 20))
    response = api_login(api, insider).post(
        f"{API}/pledges/{r.pledge.pk}/countersign/",
        {"body": "county", "signer": "某", "signed_on": "2024-01-25"},
    )
    assert response.status_code == 400 and "body" in response.json()


# ------------------------------------------------------------------ posts, advices, term changes


def test_a_seat_has_one_holder_through_the_api(api, insider, r):
    response = api_login(api, insider).post(
        f"{API}/posts/",
        {
            "cadre": CadreFactory(village=r.village).pk,
            "village": r.village.code,
            "kind": PostKind.SECRETARY,
            "start_date": "2024-03-01",
        },
    )
    assert response.status_code == 400 and "kind" in response.json()


def test_ending_a_post_expires_its_certificate(api, insider, r):
    response = api_login(api, insider).post(
        f"{API}/posts/{r.post.pk}/end/", {"end_date": "2024-12-31", "end_reason": "resigned"}
    )
    assert response.status_code == 200
    assert response.json()["end_date"] == "2024-12-31"
    r.certificate.refresh_from_db()
    assert r.certificate.state == "expired"


def test_advice_talk_then_decide(api, insider, r):
    client = api_login(api, insider)
    url = f"{API}/advices/{r.advice.pk}"
    early = client.post(f"{url}/decide/", {"outcome": "resigned", "decided_on": "2024-06-20"})
    assert early.status_code == 400
    client.post(
        f"{url}/talk/", {"talk_on": "2024-06-10", "talk_by": "镇党委书记", "talk_notes": "谈话"}
    )
    decided = client.post(f"{url}/decide/", {"outcome": "resigned", "decided_on": "2024-06-20"})
    assert decided.status_code == 200 and decided.json()["state"] == "decided"
    assert Post.objects.get(pk=r.post.pk).end_reason == "advised"


def test_term_change_closes_and_opens_posts(api, insider, r):
    newcomer = CadreFactory(village=r.village, name="孙明")
    response = api_login(api, insider).post(
        f"{API}/term-changes/",
        {
            "village": r.village.code,
            "held_on": "2025-01-05",
            "new_posts": [{"cadre": newcomer.pk, "kind": "secretary_chair"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    change = response.json()
    assert [p["id"] for p in change["closed_posts"]] == [r.post.pk]
    assert [(p["cadre_name"], p["kind"]) for p in change["opened_posts"]] == [
        ("孙明", "secretary_chair")
    ]
    assert change["opened_posts"][0]["term_ends"] == "2030-01-05"
    listed = api_login(api, insider).get(f"{API}/term-changes/", {"village": r.village.code})
    assert change["id"] in {row["id"] for row in listed.json()["results"]}


def test_term_change_refuses_an_out_of_scope_cadre(api, insider, r, other_village):
    stranger = CadreFactory(village=other_village)
    response = api_login(api, insider).post(
        f"{API}/term-changes/",
        {
            "village": r.village.code,
            "held_on": "2025-01-05",
            "new_posts": [{"cadre": stranger.pk, "kind": "secretary"}],
        },
        format="json",
    )
    assert response.status_code == 400 and "new_posts" in response.json()
    assert TermChange.objects.count() == 1


def test_filters(api, supervisor, r, other_village):
    PostFactory(cadre=CadreFactory(village=other_village), kind=PostKind.COMMITTEE_MEMBER)
    client = api_login(api, supervisor)

    def ids(endpoint, **params):
        return {row["id"] for row in client.get(f"{API}/{endpoint}/", params).json()["results"]}

    assert ids("cadres", village=r.village.code) == {r.cadre.pk}
    assert ids("cadres", q="王建国") == {r.cadre.pk}
    assert ids("posts", kind="secretary") == {r.post.pk}
    assert len(ids("posts", township="370830105")) == 1
    assert ids("certificates", state="valid") == {r.certificate.pk}
    assert ids("certificates", state="revoked") == set()
    assert ids("pledges", state="draft") == {r.pledge.pk}
    assert ids("advices", state="open") == {r.advice.pk}
    assert ids("term-changes", township="370830105") == set()


def test_token_authentication(api, insider, r):
    token = Token.objects.create(user=insider)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(f"{API}/cadres/")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert api.post(f"{API}/cadres/{r.cadre.pk}/reveal/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api.get(f"{API}/cadres/").status_code in (401, 403)


# ------------------------------------------------------------------ query counts


def _rows(endpoint, village, actor, i):
    """One row for `endpoint` in `village`, with the relations its list shows."""
    if endpoint == "cadres":
        PostFactory(cadre=CadreFactory(village=village), kind=PostKind.COMMITTEE_MEMBER)
    elif endpoint == "posts":
        PostFactory(cadre=CadreFactory(village=village), kind=PostKind.COMMITTEE_MEMBER)
    elif endpoint == "certificates":
        post = PostFactory(cadre=CadreFactory(village=village))
        services.certificate_issue(actor=actor, post=post, issued_on=D(2024, 2, 1))
    elif endpoint == "pledges":
        post = PostFactory(cadre=CadreFactory(village=village))
        services.pledge_draft(
            actor=actor, post=post, drafted_on=D(2024, 1, 15), promises=promise_data(2)
        )
    elif endpoint == "advices":
        post = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.COMMITTEE_MEMBER)
        services.advice_open(actor=actor, post=post, grounds="不作为", opened_on=D(2024, 6, 1))
    elif endpoint == "term-changes":
        change = TermChange.objects.create(
            village=village, held_on=D(2024, 1, 10), recorded_by=actor, area_code=village.code
        )
        PostFactory(cadre=CadreFactory(village=village), opened_by_change=change)
        PostFactory(
            cadre=CadreFactory(village=village),
            kind=PostKind.COMMITTEE_MEMBER,
            end_date=D(2024, 1, 10),
            end_reason="term_ended",
            start_date=D(2019, 1, 10),
            closed_by_change=change,
        )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_endpoints_query_count_is_the_same_for_2_and_50(api, supervisor, township, endpoint):
    client = api_login(api, supervisor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{API}/{endpoint}/")
            assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    def add(start, n):
        for i in range(start, start + n):
            village = VillageFactory(township=township, code=f"370830102{300 + i}")
            _rows(endpoint, village, supervisor, i)

    add(0, 2)
    count()  # the first request computes and caches the user's scope
    with_two, rows = count()
    assert rows == 2
    add(2, 48)
    assert count() == (with_two, 50)
