"""/api/v1/ of the cycle: supervision-tasks, notifications, supervision-policies; each tried as
anonymous, outsider, insider, supervisor and contact cadre."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.dates import today
from supervision.choices import TaskKind, TaskState
from supervision.models import Notification, SupervisionPolicy
from supervision.periods import Period
from villages.tests.helpers import api_login

from .cycle_helpers import D, make_task, more_villages

pytestmark = pytest.mark.django_db
API = "/api/v1"
PERSONAS = ["anonymous", "outsider", "insider", "supervisor", "contact"]
YEAR = today().year
QUARTER = Period(YEAR, "quarter", 1)


@pytest.fixture
def everyone(personas, contact):
    return {**personas, "contact": contact}


@pytest.fixture
def tasks(village, other_village):
    return {
        "mine": make_task(village, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28)),
        "done": make_task(
            village,
            TaskKind.HEARING,
            QUARTER,
            D(YEAR, 3, 31),
            state=TaskState.DONE,
            done_on=D(YEAR, 3, 1),
        ),
        "other": make_task(other_village, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28)),
    }


# ------------------------------------------------------------------ supervision-tasks


@pytest.mark.parametrize("persona", PERSONAS)
def test_tasks_persona_matrix(api, everyone, persona, tasks):
    api_login(api, everyone[persona])
    response = api.get(f"{API}/supervision-tasks/")
    if persona == "anonymous":
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    sees_village = persona != "outsider"
    sees_other = persona in ("outsider", "supervisor")
    assert (tasks["mine"].pk in ids) is sees_village
    assert (tasks["other"].pk in ids) is sees_other
    detail = api.get(f"{API}/supervision-tasks/{tasks['mine'].pk}/")
    assert detail.status_code == (200 if sees_village else 404)
    if sees_village:
        body = detail.json()
        assert body["village"] == tasks["mine"].area_code
        assert body["period"] == f"{YEAR}Q1" and body["kind"] == "inspection"
    # Read only: duties are planned by the cycle and done by their records.
    assert api.post(f"{API}/supervision-tasks/", {}).status_code == 405
    assert (
        api.patch(f"{API}/supervision-tasks/{tasks['mine'].pk}/", {"state": "done"}).status_code
        == 405
    )


def test_tasks_filters(api, supervisor, tasks, village):
    api_login(api, supervisor)

    def ids(**params):
        return {r["id"] for r in api.get(f"{API}/supervision-tasks/", params).json()["results"]}

    assert ids(overdue="true") == {tasks["mine"].pk, tasks["other"].pk}
    assert ids(state="done") == {tasks["done"].pk}
    assert ids(village=village.code, kind="inspection") == {tasks["mine"].pk}
    assert ids(period=str(YEAR)) == {t.pk for t in tasks.values()}
    assert ids(period=f"{YEAR}Q2") == set()


def test_task_list_in_constant_queries(api, supervisor, township, tasks):
    api_login(api, supervisor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"{API}/supervision-tasks/").status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request also reads the user's scope
    few = count()
    for v in more_villages(township, 15):
        make_task(v, TaskKind.INSPECTION, QUARTER, D(YEAR, 2, 28))
        make_task(v, TaskKind.HEARING, QUARTER, D(YEAR, 3, 31))
    assert count() == few


# ------------------------------------------------------------------ notifications


@pytest.fixture
def notes(tasks, insider, contact, outsider):
    made = {}
    for user, task in (
        (insider, tasks["mine"]),
        (contact, tasks["mine"]),
        (outsider, tasks["other"]),
    ):
        made[user.username] = Notification.objects.create(
            user=user,
            task=task,
            key=f"task:{task.pk}:due",
            message=f"给{user.username}",
            area_code=task.area_code,
        )
    return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_notifications_are_the_users_own(api, everyone, persona, notes):
    api_login(api, everyone[persona])
    response = api.get(f"{API}/notifications/")
    if persona == "anonymous":
        assert response.status_code in (401, 403)
        return
    mine = notes.get(persona)
    assert {r["id"] for r in response.json()["results"]} == ({mine.pk} if mine else set())
    others = [n for name, n in notes.items() if name != persona]
    for n in others:
        assert api.get(f"{API}/notifications/{n.pk}/").status_code == 404
        assert api.post(f"{API}/notifications/{n.pk}/read/").status_code == 404
    assert not Notification.objects.filter(read_at__isnull=False).exists()
    if mine:
        response = api.post(f"{API}/notifications/{mine.pk}/read/")
        assert response.status_code == 200 and response.json()["read_at"]
        assert api.get(f"{API}/notifications/", {"unread": "true"}).json()["count"] == 0


def test_read_all(api, contact, notes):
    Notification.objects.create(
        user=contact, task=notes["contact"].task, key="x", message="m", area_code="370830102201"
    )
    api_login(api, contact)
    assert api.post(f"{API}/notifications/read_all/").json() == {"read": 2}
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # the others'


# ------------------------------------------------------------------ supervision-policies


@pytest.mark.parametrize("persona", PERSONAS)
def test_policies_persona_matrix(api, everyone, persona, county):
    api_login(api, everyone[persona])
    url = f"{API}/supervision-policies/{county.code}/"
    response = api.get(url)
    if persona == "anonymous":
        assert response.status_code in (401, 403)
        assert api.patch(url, {"reminder_days": 3}, format="json").status_code in (401, 403)
        return
    assert response.status_code == 200  # everyone in the county reads it: the defaults
    assert response.json()["due_months"]["inspection"] == 2
    response = api.patch(url, {"reminder_days": 3, "due_months": {"inspection": 1}}, format="json")
    if persona == "supervisor":
        assert response.status_code == 200
        assert response.json()["due_months"]["inspection"] == 1
        policy = SupervisionPolicy.objects.get(area_code=county.code)
        assert policy.reminder_days == 3
        assert [
            p["area_code"] for p in api.get(f"{API}/supervision-policies/").json()["results"]
        ] == [county.code]
    else:
        assert response.status_code == 403
        assert not SupervisionPolicy.objects.exists()


def test_policy_of_a_county_out_of_sight_is_404(api, insider, county):
    api_login(api, insider)
    assert api.get(f"{API}/supervision-policies/370829/").status_code == 404


def test_policy_update_is_validated(api, supervisor, county):
    api_login(api, supervisor)
    url = f"{API}/supervision-policies/{county.code}/"
    response = api.patch(
        url, {"due_months": {"inspection": 30}, "rule_levels": {"backward": 5}}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"due_months", "rule_levels"}
    response = api.patch(url, {"satisfaction_threshold": "1.5"}, format="json")
    assert response.status_code == 400
    assert not SupervisionPolicy.objects.exists()


def test_the_county_sets_its_presence_norms(api, supervisor, county):
    api_login(api, supervisor)
    url = f"{API}/supervision-policies/{county.code}/"
    defaults = api.get(url).json()
    assert (defaults["contact_presence_half_days"], defaults["work_team_presence_half_days"]) == (
        1,
        2,
    )
    assert api.patch(url, {"work_team_presence_half_days": 0}, format="json").status_code == 400
    response = api.patch(url, {"work_team_presence_half_days": 4}, format="json")
    assert response.status_code == 200
    assert SupervisionPolicy.objects.get(area_code=county.code).presence_norm("work_team") == 4
