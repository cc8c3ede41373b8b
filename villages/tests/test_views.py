"""Every page of the tree, tried as anonymous, outsider, insider and county supervisor."""

import datetime as dt

import pghistory
import pytest
from django.urls import reverse
from django.utils import translation

from villages.choices import RoleKind
from villages.models import ContactAssignment, Village
from villages.tests.factories import (
    ContactAssignmentFactory,
    StaffRoleFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


def get_as(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


# persona -> expected status for a page about the insider's village
VILLAGE_PAGE = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
@pytest.mark.parametrize(
    "name", ["village-detail", "village-history", "village-edit", "contact-add"]
)
def test_village_pages_access_matrix(client, personas, village, persona, name):
    response = get_as(client, personas[persona], reverse(f"villages:{name}", args=[village.code]))
    assert response.status_code == VILLAGE_PAGE[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 200), ("insider", 200), ("supervisor", 200)],
)
def test_village_list_shows_only_scope(client, personas, village, other_village, persona, status):
    response = get_as(client, personas[persona], reverse("villages:village-list"))
    assert response.status_code == status
    if status != 200:
        return
    shown = {v.code for v in response.context["object_list"]}
    expected = {
        "outsider": {other_village.code},
        "insider": {village.code},
        "supervisor": {village.code, other_village.code},
    }[persona]
    assert shown == expected


def test_village_list_search_filter_sort(client, insider, township, village):
    VillageFactory(township=township, code="370830102202", name="东赵村", population=99)
    VillageFactory(
        township=township, code="370830102203", name="西赵村", population=5000, is_backward=True
    )
    client.force_login(insider)
    url = reverse("villages:village-list")
    names = lambda r: [v.name for v in r.context["object_list"]]  # noqa: E731
    assert names(client.get(url, {"q": "赵"})) == ["东赵村", "西赵村"]
    assert names(client.get(url, {"q": "370830102203"})) == ["西赵村"]
    assert names(client.get(url, {"is_backward": "true"})) == ["西赵村"]
    assert names(client.get(url, {"ordering": "-population"}))[0] == "西赵村"
    assert names(client.get(url, {"ordering": "population"}))[0] == "东赵村"


def test_village_list_paginates(client, insider, township):
    for i in range(30):
        VillageFactory(township=township, code=f"370830102{300 + i}")
    client.force_login(insider)
    response = client.get(reverse("villages:village-list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 5
    assert response.context["page_obj"].paginator.count == 30


def add_villages(township, n, start=300, by=None):
    # Written in the name of `by`, as a request would, so the change log has accounts to show.
    with pghistory.context(user=by.pk if by else None):
        for i in range(n):
            VillageFactory(township=township, code=f"{township.code}{start + i}")


@pytest.mark.parametrize(
    "url_name", ["villages:village-list", "villages:region-list", "villages:changelog", "home"]
)
def test_list_pages_query_count_is_the_same_for_2_and_50_villages(
    client, supervisor, township, count_queries, url_name
):
    client.force_login(supervisor)
    url = reverse(url_name)
    add_villages(township, 2, by=supervisor)
    with_two = count_queries(url)
    add_villages(township, 48, start=400, by=supervisor)
    assert count_queries(url) == with_two
    assert with_two <= 12


def test_township_page_query_count_is_constant(client, insider, township, count_queries):
    client.force_login(insider)
    url = reverse("villages:region-detail", args=[township.code])
    add_villages(township, 2)
    with_two = count_queries(url)
    add_villages(township, 48, start=400)
    assert count_queries(url) == with_two


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 404), ("insider", 200), ("supervisor", 200)],
)
def test_township_page_access_matrix(client, personas, township, village, persona, status):
    response = get_as(
        client, personas[persona], reverse("villages:region-detail", args=[township.code])
    )
    assert response.status_code == status


def test_township_staff_sees_county_page_with_only_own_township(
    client, insider, county, village, other_village
):
    client.force_login(insider)
    response = client.get(reverse("villages:region-detail", args=[county.code]))
    assert response.status_code == 200
    assert [t["township__code"] for t in response.context["totals"]] == ["370830102"]


def test_edit_village_as_insider_saves_and_is_logged(client, insider, village):
    client.force_login(insider)
    url = reverse("villages:village-edit", args=[village.code])
    data = {
        "name": "南旺新村",
        "households": 400,
        "population": 1300,
        "party_members": 40,
        "collective_income": "120000.50",
        "is_backward": "",
        "notes": "合并后",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.name == "南旺新村" and village.households == 400
    history = client.get(reverse("villages:village-history", args=[village.code]))
    row = history.context["events"][0]
    event, changes = row.event, row.changes
    assert event.pgh_label == "update" and row.user == insider
    assert {c.new for c in changes} >= {"南旺新村", 400}


def test_edit_village_rejects_bad_input_in_chinese_and_changes_nothing(client, insider, village):
    client.force_login(insider)
    url = reverse("villages:village-edit", args=[village.code])
    with translation.override("zh-hans"):
        response = client.post(
            url,
            {
                "name": "",
                "households": -3,
                "population": "many",
                "party_members": 1,
                "collective_income": "x",
            },
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 200
    assert "该字段是必填项。" in response.content.decode()
    village.refresh_from_db()
    assert village.name == "南旺村"


def test_contact_cadre_cannot_edit_visible_village(client, township, village):
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=cadre, village=village)
    client.force_login(cadre)
    assert client.get(reverse("villages:village-detail", args=[village.code])).status_code == 200
    assert client.get(reverse("villages:village-edit", args=[village.code])).status_code == 403


def test_assign_and_end_contact_cadre(client, insider, township, village):
    cadre = UserFactory(username="baocun", last_name="王", first_name="强")
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    client.force_login(insider)
    url = reverse("villages:contact-add", args=[village.code])
    response = client.post(url, {"cadre": cadre.pk, "start_date": "2026-01-05"})
    assert response.status_code == 302
    assignment = ContactAssignment.objects.get(village=village, cadre=cadre)
    assert assignment.area_code == village.code
    # the cadre now sees the village
    assert Village.objects.visible_to(UserFactory(username="baocun")).count() == 1
    # a second open assignment of the same cadre is refused
    again = client.post(url, {"cadre": cadre.pk, "start_date": "2026-02-01"})
    assert again.status_code == 200 and ContactAssignment.objects.count() == 1
    end_url = reverse("villages:contact-end", args=[assignment.pk])
    bad = client.post(end_url, {"end_date": "2025-01-01"})
    assert bad.status_code == 200
    assignment.refresh_from_db()
    assert assignment.end_date is None
    assert client.post(end_url, {"end_date": "2026-06-30"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_date == dt.date(2026, 6, 30)


def test_outsider_cannot_end_assignment(client, outsider, village):
    assignment = ContactAssignmentFactory(village=village)
    client.force_login(outsider)
    url = reverse("villages:contact-end", args=[assignment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"end_date": "2026-06-30"}).status_code == 404


def test_assigning_a_non_contact_cadre_is_refused(client, insider, village, outsider):
    client.force_login(insider)
    url = reverse("villages:contact-add", args=[village.code])
    response = client.post(url, {"cadre": outsider.pk, "start_date": "2026-01-05"})
    assert response.status_code == 200
    assert not ContactAssignment.objects.exists()


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 200), ("insider", 200), ("supervisor", 200)],
)
def test_add_village_page(client, personas, township, persona, status):
    response = get_as(client, personas[persona], reverse("villages:village-add"))
    assert response.status_code == status


def test_add_village_outside_own_township_is_refused(client, insider, township, other_township):
    client.force_login(insider)
    response = client.post(
        reverse("villages:village-add"),
        {
            "township": other_township.pk,
            "code": "370830105299",
            "name": "外村",
            "households": 1,
            "population": 1,
            "party_members": 0,
            "collective_income": "0",
        },
    )
    assert response.status_code == 200  # other township is not even a choice
    assert not Village.objects.filter(code="370830105299").exists()
    ok = client.post(
        reverse("villages:village-add"),
        {
            "township": township.pk,
            "code": "370830102299",
            "name": "新村",
            "households": 1,
            "population": 1,
            "party_members": 0,
            "collective_income": "0",
        },
    )
    assert ok.status_code == 302
    wrong_prefix = client.post(
        reverse("villages:village-add"),
        {
            "township": township.pk,
            "code": "370830105298",
            "name": "错村",
            "households": 1,
            "population": 1,
            "party_members": 0,
            "collective_income": "0",
        },
    )
    assert wrong_prefix.status_code == 200
    assert not Village.objects.filter(code="370830105298").exists()


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 403), ("insider", 403), ("supervisor", 200)],
)
def test_changelog_access_matrix(client, personas, village, persona, status):
    response = get_as(client, personas[persona], reverse("villages:changelog"))
    assert response.status_code == status


def test_changelog_is_scoped_to_the_county_and_filterable(client, supervisor, village):
    from villages.tests.factories import CountyFactory, TownshipFactory

    far = CountyFactory(code="370831", name="泗水县")
    VillageFactory(township=TownshipFactory(parent=far, code="370831100"), code="370831100201")
    client.force_login(supervisor)
    response = client.get(reverse("villages:changelog"))
    codes = {r.event.code or r.event.area_code for r in response.context["events"]}
    assert village.code in codes
    assert not any(c and c.startswith("370831") for c in codes)
    filtered = client.get(reverse("villages:changelog"), {"model": "villages.Village"})
    assert {r.event.pgh_obj_model for r in filtered.context["events"]} == {"villages.Village"}


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 200), ("insider", 200), ("supervisor", 200)],
)
def test_home_page(client, personas, village, persona, status):
    response = get_as(client, personas[persona], reverse("home"))
    assert response.status_code == status


def test_home_lists_contact_villages(client, township, village):
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=cadre, village=village)
    client.force_login(cadre)
    response = client.get(reverse("home"))
    assert list(response.context["my_villages"]) == [village]


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("anonymous", None),
        ("outsider", {"370830", "370830105"}),
        ("insider", {"370830", "370830102"}),
        ("supervisor", {"370830", "370830102", "370830105"}),
    ],
)
def test_region_list_access_matrix(client, personas, village, other_village, persona, expected):
    response = get_as(client, personas[persona], reverse("villages:region-list"))
    if expected is None:
        assert response.status_code == 302
        return
    assert {r.code for r in response.context["object_list"]} == expected


def test_healthz_is_public_and_reports_both_services(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"


def test_changelog_filters_by_account_action_area_and_date(
    client, supervisor, insider, village, other_village
):
    client.force_login(insider)
    client.post(
        reverse("villages:village-edit", args=[village.code]),
        {
            "name": "改名村",
            "households": 1,
            "population": 1,
            "party_members": 0,
            "collective_income": "0",
            "notes": "",
        },
    )
    client.force_login(supervisor)
    url = reverse("villages:changelog")
    rows = client.get(url, {"user": "insider"}).context["events"]
    assert [(r.event.pgh_label, r.user) for r in rows] == [("update", insider)]
    assert {c.new for c in rows[0].changes} >= {"改名村"}
    assert [(c.old, c.new) for c in rows[0].changes if c.new == "改名村"] == [("南旺村", "改名村")]
    by_area = client.get(url, {"area": other_village.code}).context["events"]
    assert {r.event.code or r.event.area_code for r in by_area} == {other_village.code}
    assert client.get(url, {"action": "delete"}).context["events"] == []
    assert client.get(url, {"since": "2999-01-01"}).context["events"] == []
    bad = client.get(url, {"area": "37x"})
    assert bad.status_code == 200 and bad.context["form"].errors
