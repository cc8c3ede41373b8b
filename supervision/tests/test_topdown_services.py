"""Top-down services: checklist versions, inspections and reviews."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from supervision import services
from supervision.choices import (
    Grade,
    ProblemSource,
    RecordState,
    TaskKind,
    TaskState,
    TemplateState,
)
from supervision.models import InspectionTemplate, Problem, Review, SupervisionPolicy
from supervision.periods import Period

from .topdown_helpers import *  # noqa: F403
from .topdown_helpers import PARTICIPANT, D, complete_inspection, score_all

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]

ITEMS = [
    {"section": "组织建设", "text": "三会一课", "weight": "50"},
    {"section": "村务公开", "text": "按季公开", "weight": "50"},
]


# ------------------------------------------------------------------ checklists


def test_checklist_versions_keep_a_completed_inspection_on_its_version(
    supervisor, insider, checklist, inspection
):
    complete_inspection(insider, inspection, finding=False)
    draft = services.template_new_version(actor=supervisor, county_code=checklist.area_code)
    assert (draft.version, draft.state) == (2, TemplateState.DRAFT)
    assert [i.text for i in draft.items.all()] == [i.text for i in checklist.items.all()]
    services.template_set_items(actor=supervisor, template=draft, items=ITEMS)
    services.template_activate(actor=supervisor, template=draft)

    checklist.refresh_from_db()
    draft.refresh_from_db()
    inspection.refresh_from_db()
    assert checklist.state == TemplateState.RETIRED
    assert draft.state == TemplateState.ACTIVE and draft.activated_at is not None
    assert inspection.template_id == checklist.pk
    assert inspection.total_score == Decimal("93.0")
    assert [s.item.template_id for s in inspection.scores.all()] == [checklist.pk] * 3
    assert draft.total_weight == 100


def test_new_inspections_use_the_version_in_use(supervisor, insider, checklist, village):
    draft = services.template_new_version(actor=supervisor, county_code=checklist.area_code)
    services.template_activate(actor=supervisor, template=draft)
    task = services.task_for(village, TaskKind.INSPECTION, Period.parse("2026Q4"))
    inspection = services.inspection_start(actor=insider, task=task, date=D(2026, 11, 2))
    assert inspection.template == draft


def test_checklist_items_change_only_in_a_draft(supervisor, checklist):
    with pytest.raises(ValidationError, match="新版本"):
        services.template_set_items(actor=supervisor, template=checklist, items=ITEMS)
    with pytest.raises(ValidationError, match="草稿"):
        services.template_activate(actor=supervisor, template=checklist)
    draft = services.template_new_version(actor=supervisor, county_code=checklist.area_code)
    with pytest.raises(ValidationError, match="草稿"):
        services.template_new_version(actor=supervisor, county_code=checklist.area_code)
    bad = [{"text": "无权重", "weight": "0"}, {"text": "", "weight": "5"}]
    with pytest.raises(ValidationError) as refused:
        services.template_set_items(actor=supervisor, template=draft, items=bad)
    assert len(refused.value.message_dict["items"]) == 2
    assert draft.items.count() == 3  # unchanged


def test_only_the_countys_supervisors_write_checklists(insider, supervisor, county):
    with pytest.raises(PermissionDenied):
        services.template_create(actor=insider, county_code=county.code, name="x", items=ITEMS)
    first = services.template_create(
        actor=supervisor, county_code=county.code, name="清单", items=ITEMS
    )
    second = services.template_create(actor=supervisor, county_code=county.code, name="清单二")
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(ValidationError, match="条目"):
        services.template_activate(actor=supervisor, template=second)  # no items


@pytest.mark.parametrize("position", [0, -1, "第一", "1.5"])
def test_a_checklist_item_position_is_a_whole_number_from_one(supervisor, county, position):
    items = [{"position": position, "text": "账目公开", "weight": 10}]
    with pytest.raises(ValidationError) as refused:
        services.template_create(
            actor=supervisor, county_code=county.code, name="清单", items=items
        )
    assert "items" in refused.value.message_dict


def test_a_checklist_item_without_position_takes_its_place(supervisor, county):
    items = [{"text": "账目公开", "weight": 10}, {"position": "", "text": "三资", "weight": 5}]
    template = services.template_create(
        actor=supervisor, county_code=county.code, name="清单", items=items
    )
    assert list(template.items.order_by("position").values_list("position", "text")) == [
        (1, "账目公开"),
        (2, "三资"),
    ]


# ------------------------------------------------------------------ inspections


def test_start_needs_an_inspection_duty_and_a_checklist_in_use(insider, village, inspection_task):
    with pytest.raises(ValidationError, match="没有正在使用的巡查清单"):
        services.inspection_start(actor=insider, task=inspection_task, date=D(2026, 8, 3))
    hearing = services.task_for(village, TaskKind.HEARING, Period.parse("2026Q3"))
    with pytest.raises(ValidationError):
        services.inspection_start(actor=insider, task=hearing, date=D(2026, 8, 3))


def test_start_is_refused_outside_the_township_and_twice(
    insider, outsider, contact, inspection_task, checklist
):
    for stranger in (outsider, contact):
        with pytest.raises(PermissionDenied):
            services.inspection_start(actor=stranger, task=inspection_task, date=D(2026, 8, 3))
    services.inspection_start(actor=insider, task=inspection_task, date=D(2026, 8, 3))
    with pytest.raises(ValidationError, match="已有"):
        services.inspection_start(actor=insider, task=inspection_task, date=D(2026, 8, 4))


def test_a_score_above_the_items_weight_is_refused(insider, inspection):
    first = inspection.template.items.order_by("position").first()
    with pytest.raises(ValidationError, match="40"):
        services.inspection_set_scores(
            actor=insider, inspection=inspection, scores={first.pk: ("40.5", "")}
        )
    with pytest.raises(ValidationError):
        services.inspection_set_scores(
            actor=insider, inspection=inspection, scores={first.pk: ("-1", "")}
        )
    assert not inspection.scores.exists()
    services.inspection_set_scores(
        actor=insider, inspection=inspection, scores={first.pk: ("40", "满分")}
    )
    assert inspection.scores.get().score == 40


def test_completion_needs_every_item_and_a_participant(insider, inspection):
    first = inspection.template.items.order_by("position").first()
    services.inspection_set_scores(
        actor=insider, inspection=inspection, scores={first.pk: (30, "")}
    )
    with pytest.raises(ValidationError, match="未打分"):
        services.inspection_complete(actor=insider, inspection=inspection)
    score_all(insider, inspection)
    with pytest.raises(ValidationError, match="参加人员"):
        services.inspection_complete(actor=insider, inspection=inspection)


def test_completion_scores_registers_findings_and_marks_the_duty_done(
    insider, inspection, inspection_task
):
    inspection = complete_inspection(insider, inspection)
    assert inspection.state == RecordState.COMPLETED
    assert inspection.total_score == Decimal("93.0")  # 100 × (36+27+30) / 100
    inspection_task.refresh_from_db()
    assert (inspection_task.state, inspection_task.done_on) == (TaskState.DONE, D(2026, 8, 3))
    problem = Problem.objects.get()
    finding = inspection.findings.get()
    assert problem.source == ProblemSource.INSPECTION
    assert problem.inspection_finding == finding
    assert (problem.title, problem.owner_name, problem.deadline) == (
        "三务公开栏未及时更新",
        "李书记",
        D(2026, 12, 31),
    )
    assert problem.village_id == inspection.village_id and problem.opened_on == D(2026, 8, 3)


def test_the_total_is_rounded_to_a_tenth(insider, inspection):
    score_all(insider, inspection, scores=("33.3", "20", "10"))
    services.inspection_set_participants(
        actor=insider, inspection=inspection, participants=[PARTICIPANT]
    )
    inspection = services.inspection_complete(actor=insider, inspection=inspection)
    assert inspection.total_score == Decimal("63.3")


def test_a_completed_inspection_refuses_every_change_in_words(insider, inspection):
    complete_inspection(insider, inspection)
    finding = inspection.findings.get()
    item = inspection.template.items.first()
    changes = [
        lambda: services.inspection_update(
            actor=insider, inspection=inspection, date=D(2026, 8, 5), summary="改"
        ),
        lambda: services.inspection_set_scores(
            actor=insider, inspection=inspection, scores={item.pk: (1, "")}
        ),
        lambda: services.inspection_set_participants(
            actor=insider, inspection=inspection, participants=[]
        ),
        lambda: services.inspection_add_finding(
            actor=insider,
            inspection=inspection,
            description="x",
            category="other",
            owner_name="x",
            deadline=D(2026, 12, 1),
        ),
        lambda: services.inspection_remove_finding(actor=insider, finding=finding),
        lambda: services.inspection_complete(actor=insider, inspection=inspection),
    ]
    for change in changes:
        with pytest.raises(ValidationError, match="已完成"):
            change()
    assert Problem.objects.count() == 1


def test_participants_are_replaced_and_checked(insider, inspection):
    with pytest.raises(ValidationError):
        services.inspection_set_participants(
            actor=insider, inspection=inspection, participants=[{"name": "", "kind": "x"}]
        )
    services.inspection_set_participants(
        actor=insider,
        inspection=inspection,
        participants=[PARTICIPANT, {"name": "张代表", "kind": "npc_rep"}],
    )
    services.inspection_set_participants(
        actor=insider, inspection=inspection, participants=[PARTICIPANT]
    )
    assert [p.name for p in inspection.participants.all()] == ["王镇长"]


def test_a_finding_due_before_the_inspection_is_refused(insider, inspection):
    with pytest.raises(ValidationError, match="整改期限早于巡查日期"):
        services.inspection_add_finding(
            actor=insider,
            inspection=inspection,
            description="x",
            category="other",
            owner_name="x",
            deadline=D(2026, 8, 1),
        )


# ------------------------------------------------------------------ reviews


def scores(value):
    return dict.fromkeys(["德", "能", "勤", "绩", "廉"], value)


def test_review_grades_follow_the_countys_floors(insider, county, review, sitting):
    assert review.dimensions == ["德", "能", "勤", "绩", "廉"]
    row = services.review_set_score(
        actor=insider, review=review, post=sitting["secretary"], scores=scores(92)
    )
    assert (row.average, row.grade) == (Decimal("92.0"), Grade.EXCELLENT)
    row = services.review_set_score(
        actor=insider,
        review=review,
        post=sitting["chair"],
        scores={"德": 80, "能": 70, "勤": 75, "绩": 74, "廉": 76},
    )
    assert (row.average, row.grade) == (Decimal("75.0"), Grade.COMPETENT)
    row = services.review_set_score(
        actor=insider, review=review, post=sitting["member"], scores=scores(59.9)
    )
    assert row.grade == Grade.INCOMPETENT

    # a county that sets its own floors grades by them
    SupervisionPolicy.objects.create(
        area_code=county.code,
        grade_floors={"excellent": 95, "competent": 80, "basic": 50, "incompetent": 0},
    )
    row = services.review_set_score(
        actor=insider, review=review, post=sitting["secretary"], scores=scores(92)
    )
    assert row.grade == Grade.COMPETENT
    row = services.review_set_score(
        actor=insider, review=review, post=sitting["member"], scores=scores(59.9)
    )
    assert row.grade == Grade.BASIC


def test_a_post_of_another_village_or_ended_is_refused(insider, review, other_village, village):
    stranger = PostFactory(cadre=CadreFactory(village=other_village), village=other_village)
    gone = PostFactory(
        cadre=CadreFactory(village=village),
        kind=PostKind.COMMITTEE_MEMBER,
        end_date=D(2026, 3, 1),
        end_reason="term_ended",
    )
    for post in (stranger, gone):
        with pytest.raises(ValidationError, match="不在任"):
            services.review_set_score(actor=insider, review=review, post=post, scores=scores(80))


def test_review_scores_are_checked(insider, review, sitting):
    with pytest.raises(ValidationError, match="0"):
        services.review_set_score(
            actor=insider, review=review, post=sitting["chair"], scores=scores(101)
        )
    with pytest.raises(ValidationError):
        services.review_set_score(
            actor=insider, review=review, post=sitting["chair"], scores={"德": 80}
        )


def test_a_review_without_dimensions_refuses_scores(insider, review, sitting):
    Review.objects.filter(pk=review.pk).update(dimensions=[])
    review.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.review_set_score(
            actor=insider, review=review, post=sitting["chair"], scores=scores(80)
        )
    assert "scores" in refused.value.message_dict


def test_review_completes_once_every_sitting_post_is_scored(
    insider, contact, review, sitting, review_task
):
    with pytest.raises(PermissionDenied):
        services.review_set_score(
            actor=contact, review=review, post=sitting["chair"], scores=scores(80)
        )
    for post in list(sitting.values())[:2]:
        services.review_set_score(actor=insider, review=review, post=post, scores=scores(80))
    with pytest.raises(ValidationError, match="1"):
        services.review_complete(actor=insider, review=review)
    services.review_set_score(
        actor=insider, review=review, post=sitting["member"], scores=scores(80)
    )
    review = services.review_complete(actor=insider, review=review)
    review_task.refresh_from_db()
    assert review.state == RecordState.COMPLETED
    assert (review_task.state, review_task.done_on) == (TaskState.DONE, D(2026, 11, 10))
    with pytest.raises(ValidationError, match="已完成"):
        services.review_set_score(
            actor=insider, review=review, post=sitting["member"], scores=scores(90)
        )


def test_review_needs_a_review_duty(insider, inspection_task, sitting):
    with pytest.raises(ValidationError):
        services.review_start(actor=insider, task=inspection_task, date=D(2026, 8, 1), panel="x")


def test_templates_reach_every_reader_in_the_county(insider, contact, outsider, checklist):
    for user in (insider, contact, outsider):
        assert list(InspectionTemplate.objects.visible_to(user)) == [checklist]
