"""Pages of the two certificates: certificates, pledges and advised resignations.

Every page and action is tried as anonymous, outsider, insider, county supervisor and the
village's contact cadre (who reads everything and changes nothing).
"""

import datetime as dt

import pytest
from django.urls import reverse

from cadres import services
from cadres.choices import AdviceState, CertificateState, PledgeState, PostKind
from cadres.models import Pledge, QualificationCertificate, ResignationAdvice
from cadres.tests.factories import CadreFactory, PostFactory, promise_data
from villages.models import ChangeEvent
from villages.tests.factories import UserFactory, VillageFactory
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db
D = dt.date
PREFIX = "promises"


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture
def people(personas, contact):
    return {**personas, "contact": contact}


@pytest.fixture
def chair(village):
    return PostFactory(cadre=CadreFactory(village=village, name="李明"), kind=PostKind.CHAIR)


@pytest.fixture
def secretary(village):
    return PostFactory(cadre=CadreFactory(village=village, name="王芳"), kind=PostKind.SECRETARY)


def promise_form(rows, total=None, extra=None):
    """POST data of the promise rows (dates as the date input sends them)."""
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{PREFIX}-INITIAL_FORMS": "0",
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{PREFIX}-{i}-{key}"] = value.isoformat() if isinstance(value, dt.date) else value
    return data


def draft(actor, post, n=3):
    return services.pledge_draft(
        actor=actor, post=post, drafted_on=D(2024, 1, 12), promises=promise_data(n)
    )


def signed(actor, post):
    return services.pledge_sign(actor=actor, pledge=draft(actor, post), signed_on=D(2024, 1, 15))


def in_force(actor, post):
    pledge = signed(actor, post)
    for body in ("party", "government"):
        pledge = services.pledge_countersign(
            actor=actor, pledge=pledge, body=body, signer="赵书记", signed_on=D(2024, 1, 16)
        )
    return pledge


def certificate(actor, post, state=CertificateState.VALID):
    cert = services.certificate_issue(actor=actor, post=post, issued_on=D(2024, 1, 20))
    if state == CertificateState.SUSPENDED:
        cert = services.certificate_suspend(
            actor=actor, certificate=cert, on=D(2025, 1, 5), reason="年检不合格"
        )
    return cert


def advice(actor, post, talked=False):
    a = services.advice_open(actor=actor, post=post, grounds="未兑现承诺", opened_on=D(2025, 3, 1))
    if talked:
        a = services.advice_record_talk(
            actor=actor, advice=a, talk_on=D(2025, 3, 5), talk_by="赵书记", talk_notes="谈话"
        )
    return a


def html(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------ who may see and do what

# persona -> status of a page about the insider's village (lists: outsider sees an empty list)
PAGE = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200, "contact": 200}
ACTION_PAGE = {**PAGE, "contact": 403}
LIST_PAGE = {**PAGE, "outsider": 200}
PERSONAS = list(PAGE)


@pytest.fixture
def records(insider, chair, secretary):
    """One of each record, in the states the action pages start from."""
    return {
        "certificate": certificate(insider, chair),
        "pledge": draft(insider, chair),
        "advice": advice(insider, secretary),
        "post": secretary,
    }


def page_urls(r):
    return {
        "qualification-certificate-list": reverse("cadres:qualification-certificate-list"),
        "pledge-list": reverse("cadres:pledge-list"),
        "resignation-advice-list": reverse("cadres:resignation-advice-list"),
        "qualification-certificate-detail": reverse(
            "cadres:qualification-certificate-detail", args=[r["certificate"].pk]
        ),
        "pledge-detail": reverse("cadres:pledge-detail", args=[r["pledge"].pk]),
        "resignation-advice-detail": reverse(
            "cadres:resignation-advice-detail", args=[r["advice"].pk]
        ),
    }


def action_urls(r):
    c, p, a, post = r["certificate"].pk, r["pledge"].pk, r["advice"].pk, r["post"].pk
    return {
        "qualification-certificate-issue": reverse(
            "cadres:qualification-certificate-issue", args=[post]
        ),
        "qualification-certificate-suspend": reverse(
            "cadres:qualification-certificate-suspend", args=[c]
        ),
        "qualification-certificate-reinstate": reverse(
            "cadres:qualification-certificate-reinstate", args=[c]
        ),
        "qualification-certificate-revoke": reverse(
            "cadres:qualification-certificate-revoke", args=[c]
        ),
        "pledge-add": reverse("cadres:pledge-add", args=[post]),
        "pledge-edit": reverse("cadres:pledge-edit", args=[p]),
        "pledge-sign": reverse("cadres:pledge-sign", args=[p]),
        "pledge-countersign-party": reverse("cadres:pledge-countersign", args=[p, "party"]),
        "pledge-countersign-government": reverse(
            "cadres:pledge-countersign", args=[p, "government"]
        ),
        "pledge-amend": reverse("cadres:pledge-amend", args=[p]),
        "pledge-discard": reverse("cadres:pledge-discard", args=[p]),
        "resignation-advice-add": reverse("cadres:resignation-advice-add", args=[post]),
        "resignation-advice-talk": reverse("cadres:resignation-advice-talk", args=[a]),
        "resignation-advice-decide": reverse("cadres:resignation-advice-decide", args=[a]),
    }


PAGES = [
    "qualification-certificate-list",
    "pledge-list",
    "resignation-advice-list",
    "qualification-certificate-detail",
    "pledge-detail",
    "resignation-advice-detail",
]
ACTIONS = [
    "qualification-certificate-issue",
    "qualification-certificate-suspend",
    "qualification-certificate-reinstate",
    "qualification-certificate-revoke",
    "pledge-add",
    "pledge-edit",
    "pledge-sign",
    "pledge-countersign-party",
    "pledge-countersign-government",
    "pledge-amend",
    "pledge-discard",
    "resignation-advice-add",
    "resignation-advice-talk",
    "resignation-advice-decide",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", PAGES)
def test_pages_access_matrix(client, people, records, persona, name):
    response = login(client, people[persona]).get(page_urls(records)[name])
    expected = LIST_PAGE if name.endswith("-list") else PAGE
    assert response.status_code == expected[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ACTIONS)
def test_action_pages_access_matrix(client, people, records, persona, name):
    response = login(client, people[persona]).get(action_urls(records)[name])
    assert response.status_code == ACTION_PAGE[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_lists_show_only_the_scope(client, people, records, insider, other_village):
    far_post = PostFactory(cadre=CadreFactory(village=other_village), kind=PostKind.CHAIR)
    far = certificate(UserFactory(is_superuser=True), far_post)
    login(client, insider)
    numbers = [
        c.number
        for c in client.get(reverse("cadres:qualification-certificate-list")).context["object_list"]
    ]
    assert numbers == [records["certificate"].number]
    login(client, people["contact"])
    numbers = [
        c.number
        for c in client.get(reverse("cadres:qualification-certificate-list")).context["object_list"]
    ]
    assert far.number not in numbers and records["certificate"].number in numbers
    login(client, people["outsider"])
    assert list(client.get(reverse("cadres:pledge-list")).context["object_list"]) == []


def action_setups(insider, chair, secretary):
    """name -> (url, valid POST data, check) with the record in the state the action needs."""

    def cert_change(name, state, expected):
        def setup():
            cert = certificate(insider, chair, state)
            url = reverse(f"cadres:{name}", args=[cert.pk])
            data = {"on": "2025-06-01", "reason": "年检结果"}

            def check():
                cert.refresh_from_db()
                return cert.state == expected

            return url, data, check

        return setup

    def issue():
        url = reverse("cadres:qualification-certificate-issue", args=[chair.pk])
        return (
            url,
            {"issued_on": "2024-01-20"},
            lambda: (
                chair.__class__.objects.get(pk=chair.pk).certificate.state == CertificateState.VALID
            ),
        )

    def pledge_add():
        url = reverse("cadres:pledge-add", args=[chair.pk])
        data = {"drafted_on": "2024-01-12", **promise_form(promise_data(3))}
        return url, data, lambda: Pledge.objects.filter(post=chair).count() == 1

    def pledge_edit():
        pledge = draft(insider, chair)
        url = reverse("cadres:pledge-edit", args=[pledge.pk])
        return url, promise_form(promise_data(2)), lambda: pledge.promises.count() == 2

    def pledge_state(make, name, args, data, expected):
        def setup():
            pledge = make(insider, chair)
            url = reverse(f"cadres:{name}", args=[pledge.pk, *args])

            def check():
                pledge.refresh_from_db()
                return pledge.state == expected

            return url, data, check

        return setup

    def amend():
        pledge = in_force(insider, chair)
        url = reverse("cadres:pledge-amend", args=[pledge.pk])
        data = {"reason": "增加一项", "drafted_on": "2025-01-10", **promise_form(promise_data(4))}
        return url, data, lambda: Pledge.objects.filter(amends=pledge).exists()

    def discard():
        pledge = draft(insider, chair)
        url = reverse("cadres:pledge-discard", args=[pledge.pk])
        return url, {}, lambda: not Pledge.objects.filter(pk=pledge.pk).exists()

    def advice_add():
        url = reverse("cadres:resignation-advice-add", args=[secretary.pk])
        data = {"grounds": "承诺未兑现", "opened_on": "2025-03-01"}
        return url, data, lambda: ResignationAdvice.objects.filter(post=secretary).exists()

    def advice_step(talked, name, data, expected):
        def setup():
            a = advice(insider, secretary, talked=talked)
            url = reverse(f"cadres:{name}", args=[a.pk])

            def check():
                a.refresh_from_db()
                return a.state == expected

            return url, data, check

        return setup

    sign_data = {"signed_on": "2024-01-15"}
    counter = {"signer": "赵书记", "signed_on": "2024-01-16"}
    return {
        "qualification-certificate-issue": issue,
        "qualification-certificate-suspend": cert_change(
            "qualification-certificate-suspend", CertificateState.VALID, CertificateState.SUSPENDED
        ),
        "qualification-certificate-reinstate": cert_change(
            "qualification-certificate-reinstate",
            CertificateState.SUSPENDED,
            CertificateState.VALID,
        ),
        "qualification-certificate-revoke": cert_change(
            "qualification-certificate-revoke", CertificateState.VALID, CertificateState.REVOKED
        ),
        "pledge-add": pledge_add,
        "pledge-edit": pledge_edit,
        "pledge-sign": pledge_state(draft, "pledge-sign", [], sign_data, PledgeState.SIGNED),
        "pledge-countersign-party": pledge_state(
            signed, "pledge-countersign", ["party"], counter, PledgeState.SIGNED
        ),
        "pledge-countersign-government": pledge_state(
            signed, "pledge-countersign", ["government"], counter, PledgeState.SIGNED
        ),
        "pledge-amend": amend,
        "pledge-discard": discard,
        "resignation-advice-add": advice_add,
        "resignation-advice-talk": advice_step(
            False,
            "resignation-advice-talk",
            {"talk_on": "2025-03-05", "talk_by": "赵书记", "talk_notes": "谈话记录"},
            AdviceState.TALKED,
        ),
        "resignation-advice-decide": advice_step(
            True,
            "resignation-advice-decide",
            {"outcome": "warned", "decided_on": "2025-03-10", "notes": ""},
            AdviceState.DECIDED,
        ),
    }


POST_EXPECTED = {"anonymous": 302, "outsider": 404, "insider": 302, "supervisor": 302}
POST_EXPECTED["contact"] = 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ACTIONS)
def test_actions_post_matrix(client, people, insider, chair, secretary, persona, name):
    url, data, check = action_setups(insider, chair, secretary)[name]()
    login(client, people[persona])
    before = ChangeEvent.objects.count()
    # confirm=1: the irreversible ones ask first (their confirmation page is tested elsewhere)
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == POST_EXPECTED[persona], html(response)[:2000]
    if persona in ("insider", "supervisor"):
        assert not response["Location"].startswith(reverse("login"))
        assert check()
    else:
        assert ChangeEvent.objects.count() == before  # nothing written
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))


def test_unknown_countersigning_body_is_404(client, insider, chair):
    pledge = signed(insider, chair)
    login(client, insider)
    url = reverse("cadres:pledge-countersign", args=[pledge.pk, "county"])
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------ certificates


def test_a_certificate_is_issued_once_with_a_chinese_refusal(client, insider, chair):
    login(client, insider)
    url = reverse("cadres:qualification-certificate-issue", args=[chair.pk])
    first = client.post(url, {"issued_on": "2024-01-20"})
    cert = QualificationCertificate.objects.get(post=chair)
    assert first.status_code == 302 and first["Location"] == cert.get_absolute_url()
    second = client.post(url, {"issued_on": "2024-02-01"})
    assert second.status_code == 200
    assert "该任职已颁发过任职资格证书。" in html(second)
    assert QualificationCertificate.objects.filter(post=chair).count() == 1
    # the page already says so before anyone submits
    assert cert.number in html(client.get(url))


def test_certificate_detail_shows_facts_and_state_history(client, insider, chair):
    cert = certificate(insider, chair)
    login(client, insider)
    url = reverse("cadres:qualification-certificate-suspend", args=[cert.pk])
    assert client.post(url, {"on": "2025-01-05", "reason": "年检不合格"}).status_code == 302
    url = reverse("cadres:qualification-certificate-reinstate", args=[cert.pk])
    assert client.post(url, {"on": "2025-04-01", "reason": "整改到位"}).status_code == 302
    page = client.get(cert.get_absolute_url())
    text = html(page)
    assert cert.number in text and "李明" in text and "村委会主任" in text
    history = page.context["state_history"]
    assert [(r["previous"], r["state"]) for r in history] == [
        (None, "有效"),
        ("有效", "暂停"),
        ("暂停", "有效"),
    ]
    assert history[1]["reason"] == "年检不合格" and history[1]["user"] == insider
    assert "2025年1月5日" in text


def test_certificate_change_needs_a_reason_and_keeps_the_date(client, insider, chair):
    cert = certificate(insider, chair)
    login(client, insider)
    response = client.post(
        reverse("cadres:qualification-certificate-revoke", args=[cert.pk]),
        {"on": "2025-02-03", "reason": ""},
    )
    assert response.status_code == 200
    assert "该字段是必填项。" in html(response)
    assert 'value="2025-02-03"' in html(response)
    cert.refresh_from_db()
    assert cert.state == CertificateState.VALID


def test_a_revoked_certificate_cannot_be_reinstated(client, insider, chair):
    cert = certificate(insider, chair)
    services.certificate_revoke(actor=insider, certificate=cert, on=D(2025, 1, 1), reason="违纪")
    login(client, insider)
    response = client.post(
        reverse("cadres:qualification-certificate-reinstate", args=[cert.pk]),
        {"on": "2025-02-01", "reason": "复核"},
    )
    assert response.status_code == 200
    assert "吊销" in html(response)  # the service's message names the state
    cert.refresh_from_db()
    assert cert.state == CertificateState.REVOKED


# ------------------------------------------------------------------ pledges


def test_the_draft_page_offers_three_empty_rows_and_adds_more(client, insider, chair):
    login(client, insider)
    url = reverse("cadres:pledge-add", args=[chair.pk])
    page = client.get(url)
    assert page.context["formset"].total_form_count() >= 3
    assert f'name="{PREFIX}-2-text"' in html(page)
    row = promise_data(1)[0]
    data = {"drafted_on": "2024-01-12", "add_row": "1", **promise_form([row], total=3)}
    more = client.post(url, data)
    assert more.status_code == 200
    formset = more.context["formset"]
    assert formset.total_form_count() == 4
    assert "硬化村内主干道" in html(more)  # what was typed is kept
    assert "该字段是必填项。" not in html(more)  # and no errors yet
    assert not Pledge.objects.exists()


def test_draft_with_blank_rows_skipped_then_shown_as_a_document(client, insider, chair):
    login(client, insider)
    url = reverse("cadres:pledge-add", args=[chair.pk])
    rows = promise_data(3)
    response = client.post(url, {"drafted_on": "2024-01-12", **promise_form(rows, total=5)})
    assert response.status_code == 302
    pledge = Pledge.objects.get(post=chair)
    assert response["Location"] == pledge.get_absolute_url()
    assert [p.text for p in pledge.promises.all()] == [r["text"] for r in rows]
    page = client.get(pledge.get_absolute_url())
    text = html(page)
    assert [p.text for p in page.context["to_villagers"]] == ["硬化村内主干道", "发展大棚蔬菜"]
    assert [p.text for p in page.context["to_organization"]] == ["严守廉洁纪律"]
    for clause in pledge.clauses:
        assert clause in text
    assert text.count("待签字") == 3
    assert "2.3公里" in text and "2026年12月31日" in text
    assert reverse("cadres:pledge-edit", args=[pledge.pk]) in text


def test_bad_promise_rows_are_refused_in_chinese_and_kept(client, insider, chair):
    login(client, insider)
    url = reverse("cadres:pledge-add", args=[chair.pk])
    row = {**promise_data(1)[0], "target": "", "due_date": "明年"}
    response = client.post(url, {"drafted_on": "2024-01-12", **promise_form([row], total=3)})
    assert response.status_code == 200
    text = html(response)
    assert "该字段是必填项。" in text and "输入一个有效的日期。" in text
    assert "硬化村内主干道" in text and 'value="明年"' in text
    assert not Pledge.objects.exists()
    empty = client.post(url, {"drafted_on": "2024-01-12", **promise_form([], total=3)})
    assert "请至少填写一项承诺。" in html(empty)
    assert not Pledge.objects.exists()


def test_a_second_pledge_for_the_post_is_refused(client, insider, chair):
    draft(insider, chair)
    login(client, insider)
    url = reverse("cadres:pledge-add", args=[chair.pk])
    response = client.post(url, {"drafted_on": "2024-01-12", **promise_form(promise_data(1))})
    assert response.status_code == 200
    assert "该任职已有保证书，如需变更请修订。" in html(response)
    assert Pledge.objects.filter(post=chair).count() == 1


def test_edit_a_draft_replaces_its_promises(client, insider, chair):
    pledge = draft(insider, chair)
    login(client, insider)
    url = reverse("cadres:pledge-edit", args=[pledge.pk])
    page = client.get(url)
    assert "硬化村内主干道" in html(page)  # prefilled
    rows = promise_data(3)[:1] + [{**promise_data(5)[4]}]
    assert client.post(url, promise_form(rows)).status_code == 302
    assert [p.text for p in pledge.promises.all()] == ["硬化村内主干道", "发展年轻党员"]


def test_after_signing_the_text_cannot_change_through_the_pages(client, insider, chair):
    pledge = draft(insider, chair)
    login(client, insider)
    sign = client.post(
        reverse("cadres:pledge-sign", args=[pledge.pk]), {"confirm": "1", "signed_on": "2024-01-15"}
    )
    assert sign.status_code == 302
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.SIGNED
    before = [(p.pk, p.text, p.target) for p in pledge.promises.all()]

    detail = html(client.get(pledge.get_absolute_url()))
    edit_url = reverse("cadres:pledge-edit", args=[pledge.pk])
    assert edit_url not in detail and 'data-testid="edit"' not in detail

    refused = client.get(edit_url)
    assert refused.status_code == 403
    assert "保证书已签字，内容不可修改" in html(refused)
    posted = client.post(edit_url, promise_form([{**promise_data(1)[0], "text": "改过的承诺"}]))
    assert posted.status_code == 403
    assert "保证书已签字，内容不可修改" in html(posted)
    discard = client.post(reverse("cadres:pledge-discard", args=[pledge.pk]))
    assert discard.status_code == 403
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.SIGNED
    assert [(p.pk, p.text, p.target) for p in pledge.promises.all()] == before


def test_countersignatures_put_the_pledge_in_force(client, insider, chair):
    pledge = signed(insider, chair)
    login(client, insider)
    party = reverse("cadres:pledge-countersign", args=[pledge.pk, "party"])
    government = reverse("cadres:pledge-countersign", args=[pledge.pk, "government"])
    early = client.post(party, {"signer": "赵书记", "signed_on": "2024-01-01"})
    assert early.status_code == 200 and "赵书记" in html(early)
    assert client.post(party, {"signer": "赵书记", "signed_on": "2024-01-16"}).status_code == 302
    again = client.post(party, {"signer": "钱副书记", "signed_on": "2024-01-17"})
    assert again.status_code == 200 and "该单位已签字。" in html(again)
    response = client.post(government, {"signer": "孙镇长", "signed_on": "2024-01-18"}, follow=True)
    assert "已登记签字，保证书已生效。" in html(response)
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.IN_FORCE and pledge.in_force_on == D(2024, 1, 18)
    text = html(client.get(pledge.get_absolute_url()))
    assert "待签字" not in text
    assert "赵书记" in text and "孙镇长" in text and "2024年1月18日" in text


def test_an_amendment_needs_its_own_three_signatures(client, insider, chair):
    pledge = in_force(insider, chair)
    login(client, insider)
    url = reverse("cadres:pledge-amend", args=[pledge.pk])
    page = client.get(url)
    assert page.context["formset"].initial_form_count() == 3  # prefilled from the pledge
    assert "严守廉洁纪律" in html(page)
    missing_reason = client.post(
        url, {"reason": "", "drafted_on": "2025-01-10", **promise_form(promise_data(4))}
    )
    assert missing_reason.status_code == 200 and not Pledge.objects.filter(amends=pledge)
    response = client.post(
        url, {"reason": "增加党建承诺", "drafted_on": "2025-01-10", **promise_form(promise_data(4))}
    )
    amendment = Pledge.objects.get(amends=pledge)
    assert response["Location"] == amendment.get_absolute_url()
    assert (amendment.version, amendment.state) == (2, PledgeState.DRAFT)
    text = html(client.get(amendment.get_absolute_url()))
    assert text.count("待签字") == 3 and "增加党建承诺" in text
    assert pledge.get_absolute_url() in text  # links to the version it amends
    assert amendment.get_absolute_url() in html(client.get(pledge.get_absolute_url()))

    client.post(
        reverse("cadres:pledge-sign", args=[amendment.pk]),
        {"confirm": "1", "signed_on": "2025-01-11"},
    )
    client.post(
        reverse("cadres:pledge-countersign", args=[amendment.pk, "party"]),
        {"signer": "赵书记", "signed_on": "2025-01-12"},
    )
    pledge.refresh_from_db()
    amendment.refresh_from_db()
    assert pledge.state == PledgeState.IN_FORCE and amendment.state == PledgeState.SIGNED
    client.post(
        reverse("cadres:pledge-countersign", args=[amendment.pk, "government"]),
        {"signer": "孙镇长", "signed_on": "2025-01-13"},
    )
    pledge.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.state == PledgeState.IN_FORCE
    assert pledge.state == PledgeState.SUPERSEDED
    assert amendment.promises.count() == 4 and pledge.promises.count() == 3


def test_sign_before_the_draft_is_refused_in_chinese(client, insider, chair):
    pledge = draft(insider, chair)
    login(client, insider)
    response = client.post(
        reverse("cadres:pledge-sign", args=[pledge.pk]), {"confirm": "1", "signed_on": "2023-12-31"}
    )
    assert response.status_code == 200
    assert "签字日期不能早于起草日期。" in html(response)
    assert 'value="2023-12-31"' in html(response)


def test_discard_a_draft(client, insider, chair):
    pledge = draft(insider, chair)
    login(client, insider)
    response = client.post(reverse("cadres:pledge-discard", args=[pledge.pk]))
    assert response.status_code == 302
    assert not Pledge.objects.exists()


# ------------------------------------------------------------------ advised resignations


def test_advice_from_opening_to_resignation(client, insider, secretary):
    login(client, insider)
    open_url = reverse("cadres:resignation-advice-add", args=[secretary.pk])
    bad = client.post(open_url, {"grounds": "", "opened_on": "2025-03-01"})
    assert bad.status_code == 200 and "该字段是必填项。" in html(bad)
    assert client.post(open_url, {"grounds": "三项承诺未兑现", "opened_on": "2025-03-01"})
    a = ResignationAdvice.objects.get(post=secretary)
    too_early = client.post(
        reverse("cadres:resignation-advice-decide", args=[a.pk]),
        {"confirm": "1", "outcome": "resigned", "decided_on": "2025-03-02"},
    )
    assert too_early.status_code == 200 and "请先登记谈话" in html(too_early)
    talk = client.post(
        reverse("cadres:resignation-advice-talk", args=[a.pk]),
        {"talk_on": "2025-03-05", "talk_by": "赵书记", "talk_notes": "本人表示愿意辞职"},
    )
    assert talk.status_code == 302
    decided = client.post(
        reverse("cadres:resignation-advice-decide", args=[a.pk]),
        {
            "confirm": "1",
            "outcome": "resigned",
            "decided_on": "2025-03-10",
            "notes": "本人书面辞职",
        },
    )
    assert decided.status_code == 302
    secretary.refresh_from_db()
    assert secretary.end_reason == "advised" and secretary.end_date == D(2025, 3, 10)
    text = html(client.get(a.get_absolute_url()))
    assert "三项承诺未兑现" in text and "本人表示愿意辞职" in text and "本人书面辞职" in text


# ------------------------------------------------------------------ query counts


def fill(township, insider, n, start):
    """`n` villages, each with a chair holding a certificate, a pledge and an open advice."""
    for i in range(n):
        village = VillageFactory(township=township, code=f"{township.code}{start + i}")
        post = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.CHAIR)
        certificate(insider, post)
        draft(insider, post, n=1)
        advice(insider, post)


@pytest.mark.parametrize(
    "name", ["qualification-certificate-list", "pledge-list", "resignation-advice-list"]
)
def test_list_pages_query_count_is_the_same_for_2_and_50_rows(
    client, supervisor, insider, township, count_queries, name
):
    client.force_login(supervisor)
    url = reverse(f"cadres:{name}")
    fill(township, insider, 2, 300)
    with_two = count_queries(url)
    fill(township, insider, 48, 400)
    assert count_queries(url) == with_two
    assert with_two <= 10


def test_lists_filter_by_state_and_township(client, insider, township, chair, secretary):
    certificate(insider, chair)
    certificate(insider, secretary, CertificateState.SUSPENDED)
    in_force(insider, chair)
    login(client, insider)
    certs = client.get(reverse("cadres:qualification-certificate-list"), {"state": "suspended"})
    assert [c.post for c in certs.context["object_list"]] == [secretary]
    pledges = client.get(
        reverse("cadres:pledge-list"), {"state": "in_force", "township": township.code}
    )
    assert [p.post for p in pledges.context["object_list"]] == [chair]
    assert "生效" in html(pledges)
