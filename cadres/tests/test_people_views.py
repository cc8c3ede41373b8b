"""Pages of people, posts, term changes and a village's committees, tried as every persona."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres import services
from cadres.choices import CertificateState, EndReason, PledgeState, PostKind
from cadres.models import Cadre, Post, TermChange
from cadres.tests.factories import CadreFactory, PostFactory, make_id_number, promise_data
from villages.choices import RoleKind
from villages.models import ChangeEvent
from villages.tests.factories import ContactAssignmentFactory, StaffRoleFactory, UserFactory
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db
D = dt.date

# The full number of the `cadre` fixture: it must never reach a page unless revealed.
FULL_ID = make_id_number(D(1975, 6, 1), serial=907)
FULL_PHONE = "13905379876"


@pytest.fixture
def everyone(personas, contact, clerk):
    return {**personas, "contact": contact, "clerk": clerk}


@pytest.fixture
def cadre(village):
    return CadreFactory(village=village, name="龚测甲", id_number=FULL_ID, phone=FULL_PHONE)


@pytest.fixture
def secretary(cadre):
    return PostFactory(cadre=cadre, kind=PostKind.SECRETARY, start_date=D(2021, 1, 10))


READ = {
    "anonymous": 302,
    "outsider": 404,
    "insider": 200,
    "supervisor": 200,
    "contact": 200,
    "clerk": 200,
}
WRITE_PAGE = {**READ, "contact": 403, "clerk": 403}
PERSONAS = list(READ)


# ------------------------------------------------------------------ access matrix


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "page,expected",
    [
        ("cadre-detail", READ),
        ("cadre-edit", WRITE_PAGE),
        ("cadre-add", WRITE_PAGE),
        ("post-add", WRITE_PAGE),
        ("post-end", WRITE_PAGE),
        ("village-committees", READ),
        ("term-change-add", WRITE_PAGE),
    ],
)
def test_pages_access_matrix(client, everyone, village, secretary, persona, page, expected):
    url = {
        "cadre-detail": reverse("cadres:cadre-detail", args=[secretary.cadre.pk]),
        "cadre-edit": reverse("cadres:cadre-edit", args=[secretary.cadre.pk]),
        "cadre-add": reverse("cadres:cadre-add") + f"?village={village.code}",
        "post-add": reverse("cadres:post-add") + f"?village={village.code}",
        "post-end": reverse("cadres:post-end", args=[secretary.pk]),
        "village-committees": reverse("cadres:village-committees", args=[village.code]),
        "term-change-add": reverse("cadres:term-change-add", args=[village.code]),
    }[page]
    response = login(client, everyone[persona]).get(url)
    assert response.status_code == expected[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["cadres:cadre-list", "cadres:post-list"])
def test_lists_show_only_the_scope(client, everyone, secretary, other_village, persona, name):
    PostFactory(cadre=CadreFactory(village=other_village, name="郭测外"))
    response = login(client, everyone[persona]).get(reverse(name))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    sees_ours = persona != "outsider"
    sees_theirs = persona in {"outsider", "supervisor"}
    assert ("龚测甲" in html) == sees_ours
    assert ("郭测外" in html) == sees_theirs


def test_add_pages_without_a_village_are_for_managers_only(client, everyone, village):
    for persona, status in [("insider", 200), ("contact", 403), ("clerk", 403)]:
        c = login(client, everyone[persona])
        assert c.get(reverse("cadres:cadre-add")).status_code == status
        assert c.get(reverse("cadres:post-add")).status_code == status
    chooser = login(client, everyone["insider"]).get(reverse("cadres:post-add"))
    assert village.code in chooser.content.decode()


# ------------------------------------------------------------------ writes, as every persona


WRITE = {"outsider": 404, "contact": 403, "clerk": 403, "insider": 302, "supervisor": 302}


@pytest.mark.parametrize("persona", list(WRITE))
def test_register_a_cadre(client, everyone, village, persona):
    number = make_id_number(D(1982, 3, 4), serial=31, male=False)
    response = login(client, everyone[persona]).post(
        reverse("cadres:cadre-add") + f"?village={village.code}",
        {"village": village.code, "name": "李秀英", "id_number": number, "phone": "13800001111"},
    )
    assert response.status_code == WRITE[persona]
    created = Cadre.objects.filter(name="李秀英").first()
    if WRITE[persona] == 302:
        assert response["Location"] == created.get_absolute_url()
        assert (created.birth_date, created.gender, created.area_code) == (
            D(1982, 3, 4),
            "female",
            village.code,
        )
    else:
        assert created is None


@pytest.mark.parametrize("persona", list(WRITE))
def test_edit_a_cadre(client, everyone, cadre, persona):
    response = login(client, everyone[persona]).post(
        reverse("cadres:cadre-edit", args=[cadre.pk]),
        {"name": "龚测乙", "is_party_member": "on", "education": "senior"},
    )
    assert response.status_code == WRITE[persona]
    cadre.refresh_from_db()
    if WRITE[persona] == 302:
        # Empty ID number and phone fields keep the stored values.
        assert (cadre.name, cadre.education) == ("龚测乙", "senior")
        assert (cadre.id_number, cadre.phone) == (FULL_ID, FULL_PHONE)
    else:
        assert cadre.name == "龚测甲"


@pytest.mark.parametrize("persona", list(WRITE))
def test_appoint_to_a_post(client, everyone, village, cadre, persona):
    response = login(client, everyone[persona]).post(
        reverse("cadres:post-add") + f"?village={village.code}",
        {"cadre": cadre.pk, "kind": PostKind.CHAIR, "start_date": "2025-03-01"},
    )
    assert response.status_code == WRITE[persona]
    post = Post.objects.filter(cadre=cadre, kind=PostKind.CHAIR).first()
    if WRITE[persona] == 302:
        assert response["Location"] == reverse("cadres:village-committees", args=[village.code])
        assert post.term_ends == D(2030, 3, 1)  # five years by default
    else:
        assert post is None


@pytest.mark.parametrize("persona", list(WRITE))
def test_end_a_post(client, everyone, secretary, persona):
    response = login(client, everyone[persona]).post(
        reverse("cadres:post-end", args=[secretary.pk]),
        {"end_date": "2025-05-01", "end_reason": EndReason.TRANSFERRED},
    )
    assert response.status_code == WRITE[persona]
    secretary.refresh_from_db()
    if WRITE[persona] == 302:
        assert (secretary.end_date, secretary.end_reason) == (D(2025, 5, 1), "transferred")
    else:
        assert secretary.end_date is None


@pytest.mark.parametrize("persona", list(WRITE))
def test_record_a_term_change(client, everyone, village, secretary, persona):
    newcomer = CadreFactory(village=village, name="赵新")
    response = login(client, everyone[persona]).post(
        reverse("cadres:term-change-add", args=[village.code]),
        term_change_data("2026-01-10", [(newcomer, PostKind.SECRETARY_AND_CHAIR)]),
    )
    assert response.status_code == WRITE[persona]
    assert TermChange.objects.exists() == (WRITE[persona] == 302)


@pytest.mark.parametrize(
    "persona,status",
    [("outsider", 404), ("contact", 403), ("clerk", 403), ("insider", 200), ("supervisor", 200)],
)
def test_reveal_personal_data_matrix(client, everyone, cadre, persona, status):
    response = login(client, everyone[persona]).post(
        reverse("cadres:cadre-detail", args=[cadre.pk])
    )
    assert response.status_code == status
    viewed = ChangeEvent.objects.tracks(cadre).filter(pgh_label="personal_data_viewed")
    assert viewed.exists() == (status == 200)


# ------------------------------------------------------------------ personal data


def test_lists_and_pages_never_show_the_full_id_number(client, everyone, village, secretary):
    for persona in ["insider", "supervisor", "contact", "clerk"]:
        c = login(client, everyone[persona])
        for url in [
            reverse("cadres:cadre-list"),
            reverse("cadres:post-list"),
            reverse("cadres:cadre-detail", args=[secretary.cadre.pk]),
            reverse("cadres:village-committees", args=[village.code]),
        ]:
            html = c.get(url).content.decode()
            assert FULL_ID not in html, (persona, url)
            assert FULL_PHONE not in html, (persona, url)
    html = login(client, everyone["insider"]).get(reverse("cadres:cadre-list")).content.decode()
    assert secretary.cadre.masked_id_number in html
    assert secretary.cadre.masked_phone in html


def test_the_edit_form_does_not_show_the_full_id_number(client, insider, cadre):
    html = login(client, insider).get(reverse("cadres:cadre-edit", args=[cadre.pk]))
    html = html.content.decode()
    assert FULL_ID not in html and FULL_PHONE not in html
    assert cadre.masked_id_number in html


def test_reveal_button_only_for_roles_that_may_see(client, everyone, cadre):
    url = reverse("cadres:cadre-detail", args=[cadre.pk])
    for persona, shown in [("insider", True), ("supervisor", True), ("contact", False)]:
        html = login(client, everyone[persona]).get(url).content.decode()
        assert ('data-testid="reveal"' in html) == shown, persona


def test_reveal_shows_the_full_data_once_and_logs_it(client, insider, cadre):
    c = login(client, insider)
    url = reverse("cadres:cadre-detail", args=[cadre.pk])
    response = c.post(url)
    html = response.content.decode()
    assert FULL_ID in html and FULL_PHONE in html
    assert "no-store" in response["Cache-Control"]
    # Once: the next page view is masked again, and the look is in the cadre's history.
    again = c.get(url)
    html = again.content.decode()
    assert FULL_ID not in html and FULL_PHONE not in html
    assert "查看完整个人信息" in html
    event = ChangeEvent.objects.tracks(cadre).get(pgh_label="personal_data_viewed")
    assert event.pgh_context["user"] == insider.pk
    assert not any(FULL_ID in str(v) for v in c.session.values())


def test_history_masks_phone_and_id_hash(client, insider, village):
    number = make_id_number(D(1990, 1, 2), serial=44)
    c = login(client, insider)
    c.post(
        reverse("cadres:cadre-add"),
        {"village": village.code, "name": "孙历史", "id_number": number, "phone": "13712345678"},
    )
    cadre = Cadre.objects.get(name="孙历史")
    c.post(
        reverse("cadres:cadre-edit", args=[cadre.pk]),
        {"name": "孙历史", "phone": "13887654321"},
    )
    html = c.get(reverse("cadres:cadre-detail", args=[cadre.pk])).content.decode()
    assert "13712345678" not in html and "13887654321" not in html
    assert "137****5678" in html and "138****4321" in html
    assert cadre.id_number_hash not in html


# ------------------------------------------------------------------ forms keep the input


def test_invalid_id_number_is_explained_in_chinese_and_the_input_is_kept(client, insider, village):
    bad = make_id_number(serial=5)[:-1] + ("0" if make_id_number(serial=5)[-1] != "0" else "1")
    response = login(client, insider).post(
        reverse("cadres:cadre-add"),
        {"village": village.code, "name": "错号码", "id_number": bad, "phone": "13800001111"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证号码校验码不正确" in html
    assert f'value="{bad}"' in html and 'value="错号码"' in html
    assert response.context["form"].errors["id_number"]
    assert not Cadre.objects.filter(name="错号码").exists()


def test_short_id_number_and_duplicate_are_refused_on_the_field(client, insider, cadre, village):
    c = login(client, insider)
    url = reverse("cadres:cadre-add")
    short = c.post(url, {"village": village.code, "name": "短号", "id_number": "37083019"})
    assert "居民身份证号码应为 18 位" in short.content.decode()
    twice = c.post(url, {"village": village.code, "name": "重号", "id_number": FULL_ID.lower()})
    assert twice.status_code == 200
    assert "该身份证号码的村干部已登记" in str(twice.context["form"].errors["id_number"])


def test_a_duplicate_outside_the_scope_is_shown_to_the_persons_county_not_the_user(
    client, outsider, supervisor, cadre, other_village
):
    response = login(client, outsider).post(
        reverse("cadres:cadre-add"),
        {"village": other_village.code, "name": "重号", "id_number": FULL_ID},
    )
    assert response.status_code == 200
    errors = str(response.context["form"].errors["id_number"])
    assert "请联系县委组织部" in errors and "已登记" not in errors and "龚测甲" not in errors
    history = login(client, supervisor).get(reverse("cadres:cadre-detail", args=[cadre.pk]))
    html = history.content.decode()
    assert "身份证号码被重复登记" in html and f"尝试登记地：{other_village.code}" in html


def test_correcting_the_id_number_rederives_birth_date_and_gender(client, insider, cadre):
    number = make_id_number(D(1968, 12, 24), serial=12, male=False)
    response = login(client, insider).post(
        reverse("cadres:cadre-edit", args=[cadre.pk]),
        {"name": cadre.name, "id_number": number, "is_party_member": "on"},
    )
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.id_number, cadre.birth_date, cadre.gender) == (number, D(1968, 12, 24), "female")


def test_appointing_to_an_occupied_seat_is_refused_on_the_form(client, insider, village, secretary):
    other = CadreFactory(village=village)
    response = login(client, insider).post(
        reverse("cadres:post-add") + f"?village={village.code}",
        {"cadre": other.pk, "kind": PostKind.SECRETARY_AND_CHAIR, "start_date": "2025-03-01"},
    )
    assert response.status_code == 200
    assert "本村已有在任的党支部书记" in response.content.decode()


def test_post_end_offers_no_advised_resignation(client, insider, secretary):
    c = login(client, insider)
    url = reverse("cadres:post-end", args=[secretary.pk])
    form = c.get(url).context["form"]
    assert EndReason.ADVISED not in dict(form.fields["end_reason"].choices)
    refused = c.post(url, {"end_date": "2025-05-01", "end_reason": EndReason.ADVISED})
    assert refused.status_code == 200
    secretary.refresh_from_db()
    assert secretary.end_date is None


def test_appoint_candidates_are_the_village_and_free_people_of_the_township(
    client, insider, village, township, other_village
):
    from villages.tests.factories import VillageFactory

    neighbour = VillageFactory(township=township, code="370830102202", name="邻村")
    mine = CadreFactory(village=village, name="本村人")
    free = CadreFactory(village=neighbour, name="邻村闲人")
    PostFactory(cadre=CadreFactory(village=neighbour, name="邻村书记"))
    CadreFactory(village=other_village, name="外镇人")
    form = (
        login(client, insider)
        .get(reverse("cadres:post-add") + f"?village={village.code}")
        .context["form"]
    )
    assert set(form.fields["cadre"].queryset) == {mine, free}


# ------------------------------------------------------------------ term change and committees


def term_change_data(held_on, rows, notes="第十二届换届选举", blank=2):
    data = {"held_on": held_on, "notes": notes}
    rows = [*rows, *[(None, "")] * blank]
    data.update({"posts-TOTAL_FORMS": len(rows), "posts-INITIAL_FORMS": 0})
    for i, (person, kind) in enumerate(rows):
        data[f"posts-{i}-cadre"] = person.pk if person else ""
        data[f"posts-{i}-kind"] = kind
        data[f"posts-{i}-term_ends"] = ""
    return data


def test_term_change_form_closes_old_posts_and_opens_new_ones(client, insider, village, cadre):
    old_secretary = PostFactory(cadre=cadre, kind=PostKind.SECRETARY, start_date=D(2021, 1, 10))
    old_member = PostFactory(
        cadre=CadreFactory(village=village), kind=PostKind.BRANCH_MEMBER, start_date=D(2021, 1, 10)
    )
    certificate = services.certificate_issue(
        actor=insider, post=old_secretary, issued_on=D(2021, 2, 1)
    )
    newcomer = CadreFactory(village=village, name="赵新")
    c = login(client, insider)
    url = reverse("cadres:term-change-add", args=[village.code])
    # The form starts from the sitting committees.
    initial = c.get(url).context["formset"].initial
    assert {(r["cadre"].pk, r["kind"]) for r in initial if r} == {
        (cadre.pk, PostKind.SECRETARY),
        (old_member.cadre.pk, PostKind.BRANCH_MEMBER),
    }
    response = c.post(
        url,
        term_change_data(
            "2026-01-10",
            [(newcomer, PostKind.SECRETARY_AND_CHAIR), (cadre, PostKind.DEPUTY_SECRETARY)],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cadres:village-committees", args=[village.code])
    change = TermChange.objects.get(village=village)
    for post in (old_secretary, old_member):
        post.refresh_from_db()
        assert (post.end_date, post.end_reason, post.closed_by_change) == (
            D(2026, 1, 10),
            EndReason.TERM_ENDED,
            change,
        )
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.EXPIRED
    sitting = Post.objects.filter(village=village, end_date__isnull=True)
    assert {(p.cadre_id, p.kind, p.opened_by_change_id) for p in sitting} == {
        (newcomer.pk, PostKind.SECRETARY_AND_CHAIR, change.pk),
        (cadre.pk, PostKind.DEPUTY_SECRETARY, change.pk),
    }
    page = c.get(response["Location"])
    tc = page.context["term_changes"][0]
    assert (tc.opened_count, tc.closed_count) == (2, 2)
    assert "第十二届换届选举" in page.content.decode()


def test_term_change_errors_keep_the_input_and_change_nothing(client, insider, village, cadre):
    other = CadreFactory(village=village)
    c = login(client, insider)
    url = reverse("cadres:term-change-add", args=[village.code])
    empty = c.post(url, term_change_data("2026-01-10", []))
    assert empty.status_code == 200
    assert "请至少填写一个当选职务" in empty.content.decode()
    two_secretaries = c.post(
        url,
        term_change_data(
            "2026-01-10", [(cadre, PostKind.SECRETARY), (other, PostKind.SECRETARY_AND_CHAIR)]
        ),
    )
    assert two_secretaries.status_code == 200
    assert "书记、主任职位各只能有一人" in two_secretaries.content.decode()
    assert two_secretaries.context["form"]["held_on"].value() == "2026-01-10"
    half_row = c.post(url, term_change_data("2026-01-10", [(cadre, "")]))
    assert half_row.status_code == 200
    assert half_row.context["formset"].forms[0].errors["kind"]
    assert not TermChange.objects.exists() and not Post.objects.exists()


def test_committees_page_groups_posts_with_certificate_and_pledge(client, insider, village, cadre):
    both = PostFactory(cadre=cadre, kind=PostKind.SECRETARY_AND_CHAIR, start_date=D(2021, 1, 10))
    deputy = PostFactory(
        cadre=CadreFactory(village=village, name="钱副书"), kind=PostKind.DEPUTY_SECRETARY
    )
    member = PostFactory(
        cadre=CadreFactory(village=village, name="孙委员"), kind=PostKind.COMMITTEE_MEMBER
    )
    certificate = services.certificate_issue(actor=insider, post=both, issued_on=D(2021, 2, 1))
    pledge = services.pledge_draft(
        actor=insider, post=both, drafted_on=D(2021, 1, 5), promises=promise_data(2)
    )
    services.pledge_sign(actor=insider, pledge=pledge, signed_on=D(2021, 1, 6))
    advice = services.advice_open(
        actor=insider, post=member, grounds="未兑现承诺", opened_on=D(2025, 6, 1)
    )
    response = login(client, insider).get(reverse("cadres:village-committees", args=[village.code]))
    committees = response.context["committees"]
    branch = {str(g.label): [p.pk for p in g.posts] for g in committees.branch}
    villagers = {str(g.label): [p.pk for p in g.posts] for g in committees.villagers}
    assert [both.pk] in branch.values() and [both.pk] in villagers.values()
    assert [deputy.pk] in branch.values() and [member.pk] in villagers.values()
    seat = next(p for g in committees.branch for p in g.posts if p.pk == both.pk)
    assert seat.current_pledge.state == PledgeState.SIGNED
    assert seat.current_pledge.promise_count == 2
    html = response.content.decode()
    assert certificate.number in html
    assert "本人已签字" in html  # the pledge's state
    assert "一肩挑" in html
    assert list(response.context["advices"]) == [advice]
    assert "村两委" in html  # the tab


def test_committee_tab_is_on_the_village_pages(client, insider, village):
    html = login(client, insider).get(reverse("villages:village-detail", args=[village.code]))
    assert reverse("cadres:village-committees", args=[village.code]) in html.content.decode()


# ------------------------------------------------------------------ lists: filters and queries


def test_cadre_list_filters_and_sorts(client, insider, village, township):
    from villages.tests.factories import VillageFactory

    east = VillageFactory(township=township, code="370830102202", name="东村")
    a = CadreFactory(village=village, name="甲", birth_date=D(1960, 1, 1), is_party_member=True)
    b = CadreFactory(village=east, name="乙", birth_date=D(1990, 1, 1), is_party_member=False)
    PostFactory(cadre=a, kind=PostKind.CHAIR)
    c = login(client, insider)
    url = reverse("cadres:cadre-list")

    def names(**params):
        return [x.name for x in c.get(url, params).context["object_list"]]

    assert names(q="甲") == ["甲"]
    assert names(village=east.code) == ["乙"]
    assert names(township=township.code) == ["甲", "乙"]
    assert names(is_party_member="false") == ["乙"]
    assert names(post=PostKind.CHAIR) == ["甲"]
    assert names(serving="false") == ["乙"]
    assert names(ordering="-birth_date") == ["乙", "甲"]
    assert b.name in c.get(url).content.decode()


def add_cadres(village, n, start=0):
    kinds = [PostKind.BRANCH_MEMBER, PostKind.COMMITTEE_MEMBER]
    for i in range(n):
        person = CadreFactory(village=village, name=f"干部{start + i}")
        PostFactory(cadre=person, kind=kinds[i % 2])


@pytest.mark.parametrize(
    "name,args", [("cadres:cadre-list", []), ("cadres:post-list", []), ("committees", None)]
)
def test_query_count_is_the_same_for_2_and_50_cadres(
    client, insider, village, count_queries, name, args
):
    url = (
        reverse("cadres:village-committees", args=[village.code])
        if name == "committees"
        else reverse(name, args=args)
    )
    login(client, insider)
    secretary = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)
    services.certificate_issue(actor=insider, post=secretary, issued_on=D(2024, 2, 1))
    services.pledge_draft(
        actor=insider, post=secretary, drafted_on=D(2024, 1, 5), promises=promise_data(1)
    )
    add_cadres(village, 2)
    with_two = count_queries(url)
    add_cadres(village, 48, start=100)
    assert count_queries(url) == with_two
    assert with_two <= 14


def test_shared_history_pages_never_show_full_personal_data(client, insider, supervisor, village):
    from cadres import services as cadre_services

    number = make_id_number(D(1970, 3, 4), serial=42)
    client.force_login(insider)
    cadre = cadre_services.cadre_create(
        actor=insider, village=village, name="历史人", id_number=number, phone="13912345678"
    )
    cadre_services.cadre_update(actor=insider, cadre=cadre, phone="13887654321")
    pages = [f"/villages/{village.code}/history/", f"/cadres/{cadre.pk}/"]
    client.force_login(supervisor)
    pages_as_supervisor = ["/changelog/"]
    for url in pages:
        client.force_login(insider)
        html = client.get(url).content.decode()
        for secret in (number, "13912345678", "13887654321", "1970-03-04", cadre.id_number_hash):
            assert secret not in html, (url, secret)
        assert "139****5678" in html or url.startswith("/cadres/")
    client.force_login(supervisor)
    for url in pages_as_supervisor:
        html = client.get(url).content.decode()
        for secret in (number, "13912345678", "13887654321", "1970-03-04", cadre.id_number_hash):
            assert secret not in html, (url, secret)


def test_forbidden_and_missing_pages_speak_chinese(client, township, village):

    contact = UserFactory()
    StaffRoleFactory(user=contact, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=contact, village=village)
    client.force_login(contact)
    forbidden = client.get(f"/villages/{village.code}/edit/")
    assert forbidden.status_code == 403 and "无权" in forbidden.content.decode()
    missing = client.get("/villages/370830199999/")
    assert missing.status_code == 404 and "找不到" in missing.content.decode()
