"""双联一带 / 四包 and work team pages and API: the four personas (and the leader, who holds no
area role), assigning and recording through the forms, the export, and constant queries with 2
links and with 30."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import today
from supervision import services
from supervision.choices import LeaderLevel, LinkKind, WorkTeamRole
from supervision.models import LeaderLink, LeaderMatter, WorkTeamMember
from villages.tests.factories import TownshipFactory, UserFactory, VillageFactory
from villages.tests.helpers import api_login, login

pytestmark = pytest.mark.django_db
LIST = reverse("supervision:link-list")
TEAMS = reverse("supervision:team-list")
API = "/api/v1/leader-links/"
TEAM_API = "/api/v1/work-teams/"
START = today() - dt.timedelta(days=40)


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", last_name="张", first_name="副书记")


@pytest.fixture
def linked(supervisor, leader, village):
    return services.leader_link_assign(
        actor=supervisor,
        leader=leader,
        level=LeaderLevel.COUNTY,
        post="县委副书记",
        village=village,
        kind=LinkKind.BACKWARD,
        start_date=START,
    )


@pytest.fixture
def member(insider, village):
    return services.work_team_member_add(
        actor=insider,
        village=village,
        person=UserFactory(username="secretary1"),
        role=WorkTeamRole.FIRST_SECRETARY,
        unit="县委组织部",
        start_date=START,
    )


def who(request, persona):
    return None if persona == "anonymous" else request.getfixturevalue(persona)


@pytest.mark.parametrize(
    "persona,listed,detail,create,teams",
    [
        ("anonymous", None, 302, 302, None),
        ("outsider", 0, 404, 403, 0),  # a township without villages: nothing to link
        ("insider", 1, 200, 200, 1),
        ("supervisor", 1, 200, 200, 1),
        ("contact", 1, 200, 403, 1),
        ("clerk", 1, 200, 403, 1),
        ("leader", 1, 200, 403, 0),  # no area role: their own links only
    ],
)
def test_pages_persona_matrix(
    client, request, linked, member, persona, listed, detail, create, teams
):
    login(client, who(request, persona))
    response = client.get(LIST)
    if listed is None:
        assert response.status_code == 302
    else:
        assert len(response.context["object_list"]) == listed
    assert client.get(reverse("supervision:link-detail", args=[linked.pk])).status_code == detail
    assert client.get(reverse("supervision:link-create")).status_code == create
    response = client.get(TEAMS)
    if teams is None:
        assert response.status_code == 302
    else:
        assert len(response.context["object_list"]) == teams
    export = client.get(reverse("supervision:link-export"))
    assert export.status_code == (302 if persona == "anonymous" else 200)


@pytest.mark.parametrize(
    "persona,listed,matter",
    [
        ("anonymous", None, 403),
        ("outsider", 0, 404),
        ("insider", 1, 201),
        ("supervisor", 1, 201),
        ("contact", 1, 403),
        ("leader", 1, 201),
    ],
)
def test_api_persona_matrix(api, request, linked, persona, listed, matter):
    api_login(api, who(request, persona))
    response = api.get(API)
    if listed is None:
        assert response.status_code == 403
    else:
        assert response.json()["count"] == listed
    body = {"date": str(today()), "matter": "修路", "result": "协调资金"}
    assert api.post(f"{API}{linked.pk}/matters/", body, format="json").status_code == matter


def test_the_county_links_through_the_form_and_the_township_may_not_link_a_county_leader(
    client, supervisor, insider, leader, village
):
    data = {
        "leader": "leader",
        "level": LeaderLevel.COUNTY,
        "post": "县委副书记",
        "village": village.pk,
        "kind": LinkKind.MODEL,
        "start_date": str(START),
    }
    login(client, insider)
    response = client.post(reverse("supervision:link-create"), data)
    assert response.status_code == 403
    login(client, supervisor)
    response = client.post(reverse("supervision:link-create"), data)
    link = LeaderLink.objects.get()
    assert response.status_code == 302 and link.leader == leader
    # A second model village over the same term: the form shows the refusal.
    other = VillageFactory(township=village.township)
    response = client.post(reverse("supervision:link-create"), {**data, "village": other.pk})
    assert response.status_code == 200 and response.context["form"].errors


def test_the_leader_records_a_matter_and_the_page_shows_it(client, leader, linked):
    login(client, leader)
    url = reverse("supervision:link-step", args=[linked.pk, "matter"])
    response = client.post(
        url,
        {"date": str(today()), "matter": "村内道路坑洼", "result": "协调资金硬化", "solved": "on"},
    )
    assert response.status_code == 302
    page = client.get(reverse("supervision:link-detail", args=[linked.pk]))
    assert "村内道路坑洼" in page.content.decode()
    assert page.context["end_form"] is None  # only the county ends a county leader's link
    assert LeaderMatter.objects.get().recorded_by == leader


def test_the_leader_may_record_a_visit_in_the_linked_village(client, leader, linked, village):
    login(client, leader)
    assert client.get(reverse("supervision:presence-record")).status_code == 200
    response = client.post(
        reverse("supervision:presence-record"),
        {"village": village.pk, "date": str(today()), "half_days": 1, "work_done": "调研党建"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:link-detail", args=[linked.pk])
    page = client.get(response["Location"])
    assert page.context["link"].visits_quarter + page.context["link"].visits_year >= 1
    assert "调研党建" in page.content.decode()


def test_the_leader_sees_their_own_visit_and_no_one_elses(client, leader, linked, village):
    """The leader holds no area role: the visit's page is theirs to see, not another
    role-less user's; the phone's sync answer points there and follows the page's own way."""
    login(client, leader)
    data = {"village": village.pk, "date": str(today()), "half_days": 1, "work_done": "走访"}
    answer = client.post(reverse("supervision:presence-record"), data, HTTP_X_CUNJIAN_SYNC="1")
    assert answer.status_code == 201
    assert answer.json()["next"] == reverse("supervision:link-detail", args=[linked.pk])
    assert client.get(answer.json()["url"]).status_code == 200
    login(client, UserFactory(username="bystander"))
    assert client.get(answer.json()["url"]).status_code == 404


def test_the_county_ends_a_link_early(client, supervisor, linked):
    login(client, supervisor)
    url = reverse("supervision:link-step", args=[linked.pk, "end"])
    response = client.post(url, {"on": str(today()), "reason": "工作调整，另行安排"})
    assert response.status_code == 302
    linked.refresh_from_db()
    assert linked.ended_on == today()


def test_work_team_form_and_end(client, insider, village):
    UserFactory(username="teamer")
    login(client, insider)
    response = client.post(
        reverse("supervision:team-create"),
        {
            "village": village.pk,
            "person": "teamer",
            "role": WorkTeamRole.LEADER,
            "unit": "县农业农村局",
            "start_date": str(START),
        },
    )
    m = WorkTeamMember.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("supervision:team-detail", args=[m.pk]), {"on": str(today())})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.end_date == today()


def test_the_export_writes_text_cells_never_formulas(client, supervisor, leader, village):
    services.leader_link_assign(
        actor=supervisor,
        leader=leader,
        level=LeaderLevel.COUNTY,
        post='=HYPERLINK("http://x")',
        village=village,
        kind=LinkKind.MODEL,
        start_date=START,
    )
    login(client, supervisor)
    response = client.get(reverse("supervision:link-export"))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = list(ws[3])
    assert row[0].value == village.code and row[0].data_type == "s"
    assert row[5].value.startswith("=HYPERLINK") and row[5].data_type == "s"


def _township_with_links(county, supervisor, code, n):
    township = TownshipFactory(parent=county, code=code)
    for i in range(n):
        v = VillageFactory(township=township, code=f"{code}{200 + i:03d}")
        services.leader_link_assign(
            actor=supervisor,
            leader=UserFactory(),
            level=LeaderLevel.COUNTY,
            post="县直部门负责人",
            village=v,
            kind=LinkKind.MODEL,
            start_date=START,
        )
        services.work_team_member_add(
            actor=supervisor,
            village=v,
            person=UserFactory(),
            role=WorkTeamRole.MEMBER,
            unit="县直单位",
            start_date=START,
        )
    return township


@pytest.mark.parametrize("page", ["list", "teams", "api", "team_api"])
def test_queries_do_not_grow_with_the_links(client, api, supervisor, county, page):
    def count(code, n):
        _township_with_links(county, supervisor, code, n)
        url = {"list": LIST, "teams": TEAMS, "api": API, "team_api": TEAM_API}[page]
        url = f"{url}?township={code}"
        c = api if page.endswith("api") else client
        (api_login if page.endswith("api") else login)(c, supervisor)
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert count("370830110", 2) == count("370830111", 30)


def test_the_public_page_lists_the_linked_leaders_without_phones(linked, leader, village):
    from django.test import Client

    leader.email = "leader@example.org"
    leader.save()
    page = Client().get(reverse("public:village", args=[village.code])).content.decode()
    part = page.split('data-testid="public-linked-leaders"')[1].split("</ul>")[0]
    assert "张副书记" in part and "县委副书记" in part and str(linked.term_end.year) in part
    assert "leader@example.org" not in page and "leader" not in part


def test_api_assigns_ends_and_keeps_the_roster(api, supervisor, insider, leader, village):
    body = {
        "leader": "leader",
        "level": "county",
        "post": "县委副书记",
        "village": village.code,
        "kind": "model",
        "start_date": str(START),
    }
    api_login(api, insider)
    assert api.post(API, body, format="json").status_code == 403  # a county leader
    api_login(api, supervisor)
    response = api.post(API, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["term_end"] == str(services.add_years(START, 3))
    assert data["visits_year"] == 0 and "phone" not in str(data)
    assert api.post(API, body, format="json").status_code == 400  # overlapping
    end = {"on": str(today()), "reason": "工作调整，另行安排"}
    response = api.post(f"{API}{data['id']}/end/", end, format="json")
    assert response.status_code == 200 and response.json()["ended_on"] == str(today())

    UserFactory(username="teamer")
    api_login(api, insider)
    team = {
        "village": village.code,
        "person": "teamer",
        "role": "first_secretary",
        "unit": "县委组织部",
        "start_date": str(START),
    }
    response = api.post(TEAM_API, team, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.post(f"{TEAM_API}{pk}/end/", {"on": str(today())}, format="json")
    assert response.status_code == 200 and response.json()["end_date"] == str(today())


def test_the_presence_menu_leads_a_leader_to_their_links(client, leader, linked, insider):
    login(client, leader)
    response = client.get(reverse("supervision:presence-home"))
    assert response["Location"] == LIST
    login(client, insider)
    response = client.get(reverse("supervision:presence-home"))
    assert response["Location"] == reverse("supervision:presence-list")
