"""Top-down pages: the persona matrix, the inspection and review forms, checklist versions,
and constant query counts of the lists."""

import pytest
from django.urls import reverse

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from supervision import services
from supervision.choices import RecordState, TaskKind, TaskState, TemplateState
from supervision.models import Inspection, InspectionTemplate, Problem, Review
from supervision.periods import Period
from villages.tests.factories import VillageFactory
from villages.tests.helpers import login

from .bottomup_helpers import formset_data
from .topdown_helpers import *  # noqa: F403
from .topdown_helpers import D, complete_inspection

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]


def url(name, *args):
    return reverse(f"supervision:{name}", args=args)


@pytest.fixture
def everyone(personas, contact):
    return {**personas, "contact": contact}


# ------------------------------------------------------------------ personas


READ = {
    # page: expected status per persona (anonymous, outsider, insider, supervisor, contact)
    "template-list": (302, 200, 200, 200, 200),
    "template-detail": (302, 200, 200, 200, 200),  # read by everyone in the county
    "inspection-list": (302, 200, 200, 200, 200),
    "inspection-detail": (302, 404, 200, 200, 200),
    "review-list": (302, 200, 200, 200, 200),
    "review-detail": (302, 404, 200, 200, 200),
}
ORDER = ["anonymous", "outsider", "insider", "supervisor", "contact"]


@pytest.mark.parametrize("persona", ORDER)
def test_read_pages_persona_matrix(client, everyone, persona, checklist, inspection, review):
    args = {
        "template-detail": (checklist.pk,),
        "inspection-detail": (inspection.pk,),
        "review-detail": (review.pk,),
    }
    login(client, everyone[persona])
    for name, statuses in READ.items():
        response = client.get(url(name, *args.get(name, ())))
        assert response.status_code == statuses[ORDER.index(persona)], name
    if persona == "outsider":
        assert client.get(url("inspection-list")).context["object_list"].count() == 0
    if persona in ("insider", "supervisor", "contact"):
        page = client.get(url("inspection-list")).content.decode()
        assert url("inspection-detail", inspection.pk) in page


@pytest.mark.parametrize("persona", ORDER)
def test_write_pages_persona_matrix(
    client, everyone, persona, checklist, inspection, review, inspection_task, sitting
):
    """Township and county staff write inspections and reviews; the contact cadre reads only."""
    task = services.task_for(inspection_task.village, TaskKind.INSPECTION, Period.parse("2026Q4"))
    finding = services.inspection_add_finding(
        actor=everyone["insider"],
        inspection=inspection,
        description="x",
        category="other",
        owner_name="x",
        deadline=D(2026, 12, 1),
    )
    posts = [
        url("inspection-create", task.pk),
        url("inspection-update", inspection.pk),
        url("inspection-scores", inspection.pk),
        url("inspection-participants", inspection.pk),
        url("inspection-finding-add", inspection.pk),
        url("inspection-finding-remove", inspection.pk, finding.pk),
        url("inspection-complete", inspection.pk),
        url("review-scores", review.pk),
        url("review-complete", review.pk),
    ]
    expected = {"anonymous": 302, "outsider": 404, "contact": 403}
    login(client, everyone[persona])
    if persona in expected:
        for target in posts:
            assert client.post(target, {}).status_code == expected[persona], target
        assert client.get(url("inspection-create", task.pk)).status_code == expected[persona]
    else:
        assert client.get(url("inspection-create", task.pk)).status_code == 200
        # an empty score sheet is valid and changes nothing; an empty update is shown
        assert client.post(url("inspection-scores", inspection.pk), {}).status_code == 302
        assert client.post(url("inspection-update", inspection.pk), {}).status_code == 200
    inspection.refresh_from_db()
    assert inspection.state == RecordState.DRAFT and inspection.findings.count() == 1


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("insider", 403), ("contact", 403), ("supervisor", 200)]
)
def test_only_county_supervisors_write_checklists(client, everyone, persona, status, checklist):
    login(client, everyone[persona])
    assert client.get(url("template-create", checklist.area_code)).status_code == status
    for name in ("template-activate", "template-new-version"):
        response = client.post(url(name, checklist.pk))
        assert response.status_code == (302 if status != 403 else 403)
    expected = 2 if persona == "supervisor" else 1
    assert InspectionTemplate.objects.count() == expected


# ------------------------------------------------------------------ inspections


def test_township_records_an_inspection_from_start_to_completion(
    client, insider, checklist, inspection_task
):
    login(client, insider)
    create = url("inspection-create", inspection_task.pk)
    page = client.get(create).content.decode()
    assert "季度巡查清单 v1" in page and "2026年" in page
    assert client.post(create, {"date": "2026-06-30"}).status_code == 200  # before the quarter
    response = client.post(create, {"date": "2026-08-03"})
    inspection = Inspection.objects.get()
    assert response.url == url("inspection-detail", inspection.pk)
    assert client.get(create).url == response.url  # the duty has its inspection now

    items = list(checklist.items.order_by("position"))
    scores = url("inspection-scores", inspection.pk)
    response = client.post(scores, {f"score_{items[0].pk}": "41"})  # above the weight of 40
    assert response.status_code == 200 and response.context["score_form"].errors
    data = {f"score_{i.pk}": s for i, s in zip(items, ("38", "30", "25.5"), strict=True)}
    assert client.post(scores, {**data, f"note_{items[2].pk}": "调解记录不全"}).status_code == 302

    participants = {
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "participants-0-name": "王镇长",
        "participants-0-kind": "township_official",
        "participants-0-organization": "镇政府",
        "participants-1-name": "",
    }
    response = client.post(url("inspection-participants", inspection.pk), participants)
    assert response.status_code == 302
    finding = {
        "description": "财务公开不及时",
        "category": "finance",
        "severity": "serious",
        "owner_name": "李书记",
        "deadline": "2026-12-31",
    }
    add = url("inspection-finding-add", inspection.pk)
    assert client.post(add, {**finding, "deadline": "2026-07-01"}).status_code == 200
    assert client.post(add, finding).status_code == 302

    response = client.post(url("inspection-complete", inspection.pk), {"confirm": "1"}, follow=True)
    inspection.refresh_from_db()
    inspection_task.refresh_from_db()
    assert inspection.state == RecordState.COMPLETED and str(inspection.total_score) == "93.5"
    assert inspection_task.state == TaskState.DONE
    problem = Problem.objects.get()
    assert problem.inspection_finding == inspection.findings.get()
    page = response.content.decode()
    assert "巡查已完成" in page and "财务公开不及时" in page and "已入问题台账" in page
    assert "score-form" not in page and 'data-testid="score-sheet"' in page and "data-print" in page

    # nothing changes any more; the page says why
    response = client.post(scores, data, follow=True)
    assert "该记录已完成" in response.content.decode()


def test_completion_refused_in_words_on_the_page(client, insider, inspection):
    login(client, insider)
    response = client.post(url("inspection-complete", inspection.pk), {"confirm": "1"}, follow=True)
    assert "请先为清单的每个条目打分" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.state == RecordState.DRAFT


def test_start_without_a_checklist_in_use_says_so(client, insider, inspection_task):
    login(client, insider)
    create = url("inspection-create", inspection_task.pk)
    assert "没有正在使用的巡查清单" in client.get(create).content.decode()
    response = client.post(create, {"date": "2026-08-03"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_a_duty_of_another_kind_is_not_an_inspection(client, insider, village, checklist):
    hearing = services.task_for(village, TaskKind.HEARING, Period.parse("2026Q3"))
    login(client, insider)
    assert client.get(url("inspection-create", hearing.pk)).status_code == 404
    assert client.get(url("review-create", hearing.pk)).status_code == 404


def test_a_finding_can_be_removed_from_a_draft(client, insider, inspection):
    finding = services.inspection_add_finding(
        actor=insider,
        inspection=inspection,
        description="x",
        category="other",
        owner_name="x",
        deadline=D(2026, 12, 1),
    )
    login(client, insider)
    response = client.post(url("inspection-finding-remove", inspection.pk, finding.pk))
    assert response.status_code == 302 and not inspection.findings.exists()


# ------------------------------------------------------------------ checklists


def test_supervisor_drafts_edits_and_activates_a_new_version(
    client, supervisor, insider, checklist, inspection
):
    complete_inspection(insider, inspection, finding=False)
    login(client, supervisor)
    response = client.post(url("template-new-version", checklist.pk))
    draft = InspectionTemplate.objects.get(version=2)
    assert response.url == url("template-items", draft.pk)
    page = client.get(response.url).content.decode()
    assert "组织生活按期开展" in page  # copied from the version in use

    items = url("template-items", draft.pk)
    rows = {
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-section": "组织",
        "items-0-text": "三会一课",
        "items-0-weight": "60",
        "items-1-text": "按季公开",
        "items-1-weight": "",
        "items-2-text": "",
    }
    assert client.post(items, rows).status_code == 200  # an item without a weight
    rows["items-1-weight"] = "40"
    assert client.post(items, rows).status_code == 302
    assert [(i.text, i.weight) for i in draft.items.order_by("position")] == [
        ("三会一课", 60),
        ("按季公开", 40),
    ]
    client.post(url("template-activate", draft.pk))
    checklist.refresh_from_db()
    draft.refresh_from_db()
    assert (checklist.state, draft.state) == (TemplateState.RETIRED, TemplateState.ACTIVE)
    # the old version still lists the inspection that used it; its items page is closed
    page = client.get(url("template-detail", checklist.pk)).content.decode()
    assert url("inspection-detail", inspection.pk) in page
    assert client.get(url("template-items", checklist.pk)).status_code == 302


def test_supervisor_creates_the_countys_first_checklist(client, supervisor, county):
    login(client, supervisor)
    assert url("template-create", county.code) in client.get(url("template-list")).content.decode()
    response = client.post(url("template-create", county.code), {"name": "巡查清单"})
    template = InspectionTemplate.objects.get()
    assert response.url == url("template-items", template.pk)
    response = client.post(url("template-activate", template.pk), follow=True)
    assert "启用前请先添加清单条目" in response.content.decode()


# ------------------------------------------------------------------ reviews


def test_township_reviews_every_sitting_cadre(client, insider, sitting, review_task):
    login(client, insider)
    create = url("review-create", review_task.pk)
    assert "德、能、勤、绩、廉" in client.get(create).content.decode()
    assert client.post(create, {"date": "2026-11-10", "panel": ""}).status_code == 200
    assert client.post(create, {"date": "2026-11-10", "panel": "王镇长"}).status_code == 302
    review = Review.objects.get()
    detail = client.get(url("review-detail", review.pk))
    page = detail.content.decode()
    for post in sitting.values():
        assert post.cadre.name in page
    assert url("review-scores", review.pk) in page and url("review-complete", review.pk) in page
    formset = detail.context["formset"]

    def typed(**values):
        return {sitting[k].pk: {f"d{n}": v for n in range(5)} for k, v in values.items()}

    # out of range: shown on the chair's row, and nothing is saved, not even the good row
    refused = client.post(
        url("review-complete", review.pk), formset_data(formset, typed(chair="120", member="70"))
    )
    assert refused.status_code == 200
    rows = {r.post.pk: r.form for r in refused.context["rows"]}
    assert rows[sitting["chair"].pk].errors and not rows[sitting["member"].pk].errors
    assert not review.scores.exists()
    # a draft keeps the one row typed
    draft = client.post(url("review-scores", review.pk), formset_data(formset, typed(chair="80")))
    assert draft.status_code == 302 and review.scores.get().post == sitting["chair"]
    stranger = PostFactory(
        cadre=CadreFactory(village=sitting["chair"].village),
        kind=PostKind.COMMITTEE_MEMBER,
        start_date=D(2026, 12, 1),
    )  # takes office after the review: not on the sheet
    formset = client.get(url("review-detail", review.pk)).context["formset"]
    assert stranger.pk not in formset.keys
    values = typed(secretary="95", chair="80", member="65")
    response = client.post(
        url("review-complete", review.pk),
        {**formset_data(formset, values), "confirm": "1"},
        follow=True,
    )
    page = response.content.decode()
    review.refresh_from_db()
    assert review.state == RecordState.COMPLETED
    assert "优秀" in page and "称职" in page and "基本称职" in page
    assert stranger.cadre.name not in page


# ------------------------------------------------------------------ query counts


def add_inspections(actor, township, checklist, start, n):
    for i in range(start, start + n):
        village = VillageFactory(township=township, code=f"370830102{i:03d}")
        task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q3"))
        services.inspection_start(actor=actor, task=task, date=D(2026, 8, 3))
        task = services.task_for(village, TaskKind.REVIEW, Period.parse("2026H2"))
        services.review_start(actor=actor, task=task, date=D(2026, 11, 3), panel="王")


@pytest.mark.parametrize("name", ["inspection-list", "review-list", "template-list"])
def test_lists_take_the_same_number_of_queries(
    client, insider, township, checklist, count_queries, name
):
    login(client, insider)
    add_inspections(insider, township, checklist, 300, 2)
    few = count_queries(url(name))
    add_inspections(insider, township, checklist, 310, 20)
    assert count_queries(url(name)) == few
    assert count_queries(url(name), period="2026", ordering="-score") <= few + 1


def test_list_filters(client, insider, township, checklist):
    add_inspections(insider, township, checklist, 300, 3)
    first = Inspection.objects.order_by("area_code").first()
    complete_inspection(insider, first, finding=False)
    login(client, insider)

    def rows(**params):
        return list(client.get(url("inspection-list"), params).context["object_list"])

    assert rows(score_min="90", score_max="95") == [first]
    assert len(rows(state="draft")) == 2
    assert len(rows(period="2026Q3")) == 3 and rows(period="2026Q4") == []
    assert rows(q=first.village.name) == [first]
    assert rows(township="370830105") == []
