"""/api/v1/ of the top-down records: personas, the explicit actions, errors in Chinese."""

import pytest

from supervision import services
from supervision.choices import RecordState, TaskKind, TaskState, TemplateState
from supervision.models import Inspection, InspectionTemplate, Problem, Review
from supervision.periods import Period
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login

from .topdown_helpers import *  # noqa: F403
from .topdown_helpers import PARTICIPANT, D

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
API = "/api/v1"
ORDER = ["anonymous", "outsider", "insider", "supervisor", "contact"]


@pytest.fixture
def everyone(personas, contact):
    return {**personas, "contact": contact}


@pytest.mark.parametrize(
    "persona,detail,listed",
    [
        ("anonymous", (401, 403), None),
        ("outsider", (404,), 0),
        ("insider", (200,), 1),
        ("supervisor", (200,), 1),
        ("contact", (200,), 1),
    ],
)
def test_read_persona_matrix(api, everyone, persona, detail, listed, checklist, inspection, review):
    api_login(api, everyone[persona])
    for base, obj in (("inspections", inspection), ("reviews", review)):
        assert api.get(f"{API}/{base}/{obj.pk}/").status_code in detail
        response = api.get(f"{API}/{base}/")
        if listed is not None:
            assert response.data["count"] == listed
    response = api.get(f"{API}/inspection-templates/{checklist.pk}/")
    if listed is not None:  # every user of the county reads its checklists
        assert response.status_code == 200 and len(response.data["items"]) == 3


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "contact"])
def test_strangers_and_the_contact_cadre_write_nothing(
    api, everyone, persona, checklist, inspection, review, sitting, village
):
    api_login(api, everyone[persona])
    task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q4"))
    writes = [
        ("post", "inspections/", {"task": task.pk, "date": "2026-11-02"}),
        ("patch", f"inspections/{inspection.pk}/", {"date": "2026-08-04"}),
        ("post", f"inspections/{inspection.pk}/scores/", {"scores": []}),
        ("post", f"inspections/{inspection.pk}/participants/", {"participants": [PARTICIPANT]}),
        ("post", f"inspections/{inspection.pk}/complete/", {}),
        ("post", f"reviews/{review.pk}/complete/", {}),
        ("post", f"inspection-templates/{checklist.pk}/new_version/", {}),
    ]
    for method, path, body in writes:
        response = getattr(api, method)(f"{API}/{path}", body, format="json")
        assert response.status_code in (400, 401, 403, 404), path
    assert Inspection.objects.count() == 1 and InspectionTemplate.objects.count() == 1
    assert not inspection.participants.exists()


def test_township_inspects_through_the_api(api, insider, checklist, inspection_task):
    api_login(api, insider)
    response = api.post(
        f"{API}/inspections/", {"task": inspection_task.pk, "date": "2026-08-03"}, format="json"
    )
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    assert response.data["template"] == checklist.pk
    items = list(checklist.items.order_by("position"))

    def scores(*values):
        body = {"scores": [{"item": i.pk, "score": v} for i, v in zip(items, values, strict=True)]}
        return api.post(f"{API}/inspections/{pk}/scores/", body, format="json")

    response = scores("41", "30", "30")
    assert response.status_code == 400
    assert "得分须在 0 到 40.0 之间" in str(response.data["scores"])
    assert scores("40", "30", "20").status_code == 200
    response = api.post(f"{API}/inspections/{pk}/complete/", {}, format="json")
    assert response.status_code == 400 and "参加人员" in str(response.data)
    response = api.post(
        f"{API}/inspections/{pk}/participants/", {"participants": [PARTICIPANT]}, format="json"
    )
    assert response.status_code == 200 and response.data["participants"][0]["name"] == "王镇长"
    finding = {
        "description": "矛盾纠纷台账缺失",
        "category": "stability",
        "owner_name": "赵主任",
        "deadline": "2026-12-15",
    }
    response = api.post(f"{API}/inspections/{pk}/findings/", finding, format="json")
    assert response.status_code == 201
    extra = api.post(f"{API}/inspections/{pk}/findings/", finding, format="json").data
    response = api.delete(f"{API}/inspections/{pk}/findings/?finding={extra['findings'][1]['id']}")
    assert response.status_code == 200 and len(response.data["findings"]) == 1

    response = api.post(f"{API}/inspections/{pk}/complete/", {}, format="json")
    assert response.status_code == 200
    assert (response.data["state"], response.data["total_score"]) == ("completed", "90.0")
    problem = Problem.objects.get()
    assert response.data["findings"][0]["problem"] == problem.pk
    inspection_task.refresh_from_db()
    assert inspection_task.state == TaskState.DONE

    response = api.patch(f"{API}/inspections/{pk}/", {"date": "2026-08-05"}, format="json")
    assert response.status_code == 400 and "已完成" in str(response.data)


def test_supervisor_versions_the_checklist_through_the_api(api, supervisor, insider, county):
    api_login(api, insider)
    body = {"county": county.code, "name": "清单", "items": [{"text": "三会一课", "weight": "100"}]}
    assert api.post(f"{API}/inspection-templates/", body, format="json").status_code == 403
    api_login(api, supervisor)
    response = api.post(f"{API}/inspection-templates/", body, format="json")
    assert response.status_code == 201 and response.data["version"] == 1
    first = response.data["id"]
    response = api.post(f"{API}/inspection-templates/{first}/activate/", {}, format="json")
    assert response.data["state"] == TemplateState.ACTIVE
    response = api.post(f"{API}/inspection-templates/{first}/new_version/", {}, format="json")
    assert response.status_code == 201 and response.data["version"] == 2
    second = response.data["id"]
    items = {"items": [{"text": "三会一课", "weight": "0"}]}
    response = api.post(f"{API}/inspection-templates/{second}/items/", items, format="json")
    assert response.status_code == 400
    items = {"items": [{"text": "三会一课", "weight": "60"}, {"text": "公开", "weight": "40"}]}
    response = api.post(f"{API}/inspection-templates/{second}/items/", items, format="json")
    assert response.status_code == 200 and len(response.data["items"]) == 2
    api.post(f"{API}/inspection-templates/{second}/activate/", {}, format="json")
    states = dict(InspectionTemplate.objects.values_list("version", "state"))
    assert states == {1: TemplateState.RETIRED, 2: TemplateState.ACTIVE}
    response = api.get(f"{API}/inspection-templates/", {"state": "active"})
    assert [t["id"] for t in response.data["results"]] == [second]


def test_township_reviews_through_the_api(api, insider, review_task, sitting, other_village):
    api_login(api, insider)
    body = {"task": review_task.pk, "date": "2026-11-10", "panel": "王镇长"}
    response = api.post(f"{API}/reviews/", body, format="json")
    assert response.status_code == 201
    pk = response.data["id"]

    def score(post, value):
        body = {"post": post.pk, "scores": dict.fromkeys("德能勤绩廉", value)}
        return api.post(f"{API}/reviews/{pk}/scores/", body, format="json")

    assert score(sitting["secretary"], 91).status_code == 200
    response = api.post(f"{API}/reviews/{pk}/complete/", {}, format="json")
    assert response.status_code == 400 and "2" in str(response.data)
    assert score(sitting["chair"], 76).status_code == 200
    assert score(sitting["member"], 50).status_code == 200
    response = api.post(f"{API}/reviews/{pk}/complete/", {}, format="json")
    assert response.status_code == 200 and response.data["state"] == RecordState.COMPLETED
    grades = {s["cadre_name"]: s["grade"] for s in response.data["scores"]}
    assert grades == {"李书记": "excellent", "赵主任": "competent", "孙委员": "incompetent"}
    assert Review.objects.get().task.state == TaskState.DONE


def test_a_post_of_another_village_is_refused(api, insider, review, other_village):
    from cadres.tests.factories import CadreFactory, PostFactory

    api_login(api, insider)
    stranger = PostFactory(cadre=CadreFactory(village=other_village), village=other_village)
    body = {"post": stranger.pk, "scores": dict.fromkeys("德能勤绩廉", 80)}
    response = api.post(f"{API}/reviews/{review.pk}/scores/", body, format="json")
    assert response.status_code == 400  # outside the scope: it "does not exist"
    assert not review.scores.exists()


def test_api_lists_take_the_same_number_of_queries(api, insider, township, checklist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api_login(api, insider)

    def add(start, n):
        for i in range(start, start + n):
            village = VillageFactory(township=township, code=f"370830102{i:03d}")
            task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))
            inspection = services.inspection_start(actor=insider, task=task, date=D(2026, 8, 3))
            services.inspection_set_participants(
                actor=insider, inspection=inspection, participants=[PARTICIPANT]
            )

    def count(path):
        api.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(path).status_code == 200
        return len(ctx.captured_queries)

    add(300, 2)
    few = {p: count(f"{API}/{p}/") for p in ("inspections", "reviews")}
    add(310, 15)
    assert {p: count(f"{API}/{p}/") for p in ("inspections", "reviews")} == few
