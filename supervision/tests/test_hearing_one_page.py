"""The quarterly hearing in one submit (issue #16): every question, its answer and whether the
asker was satisfied typed on one page, like the public report's votes. 保存草稿 keeps what was
typed (new questions added, changed ones saved, removed ones gone); 完成 saves the rows and
completes the hearing in one transaction, all or nothing, each refusal next to its row."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from supervision import services
from supervision.choices import RecordState, TaskState
from supervision.models import HearingQuestion, Problem
from supervision.services.common import RowErrors
from villages.tests.helpers import api_login, login

from .bottomup_helpers import (
    add_question,
    make_hearing,
    other_contact_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db


def typed(question, satisfied=True, **extra):
    return {
        "asker_name": "",
        "asker_kind": "villager",
        "category": "finance",
        "question": question,
        "answered_by": None,
        "answer": "按预算支出",
        "satisfied": satisfied,
        "follow_up": "",
        **extra,
    }


# ------------------------------------------------------------------ the service


def test_questions_are_added_changed_and_removed_in_one_call(contact, village, sitting):
    hearing = make_hearing(contact, village)
    kept = add_question(contact, hearing, question="旧问题一")
    gone = add_question(contact, hearing, question="旧问题二")
    services.hearing_set_questions(
        actor=contact,
        hearing=hearing,
        rows=[
            (kept, typed("旧问题一（改）", satisfied=False)),
            (gone, None),
            (None, typed("新问题")),
        ],
    )
    hearing.refresh_from_db()
    assert hearing.state == RecordState.DRAFT
    assert [(q.question, q.satisfied) for q in hearing.questions.order_by("pk")] == [
        ("旧问题一（改）", False),
        ("新问题", True),
    ]


def test_a_refused_row_saves_none_and_names_its_row(contact, village, sitting, other_village):
    hearing = make_hearing(contact, village)
    stranger = sitting["secretary"].cadre
    stranger.village = other_village  # a cadre of another village cannot have answered
    with pytest.raises(RowErrors) as refused:
        services.hearing_set_questions(
            actor=contact,
            hearing=hearing,
            rows=[(None, typed("好问题")), (None, typed("坏问题", answered_by=stranger))],
        )
    assert list(refused.value.rows) == [1]
    assert "answered_by" in refused.value.rows[1].message_dict
    assert not HearingQuestion.objects.exists()


def test_completing_in_the_same_call_registers_the_unsatisfied_questions(contact, village, sitting):
    hearing = make_hearing(contact, village)
    services.hearing_set_questions(
        actor=contact,
        hearing=hearing,
        rows=[
            (None, typed("满意的问题")),
            (None, typed("低保名单为什么不公开？", satisfied=False)),
        ],
        complete=True,
    )
    hearing.refresh_from_db()
    assert hearing.state == RecordState.COMPLETED
    assert hearing.task.state == TaskState.DONE
    assert list(Problem.objects.values_list("title", flat=True)) == ["低保名单为什么不公开？"]


def test_a_refused_completion_keeps_none_of_the_rows(contact, village, sitting):
    hearing = make_hearing(
        contact, village, party_members_present=0, representatives_present=0, others_present=0
    )
    with pytest.raises(ValidationError, match="参会人员"):
        services.hearing_set_questions(
            actor=contact, hearing=hearing, rows=[(None, typed("一个问题"))], complete=True
        )
    assert not HearingQuestion.objects.exists()
    hearing.refresh_from_db()
    assert hearing.state == RecordState.DRAFT


def test_a_question_of_another_hearing_is_refused(
    contact, supervisor, village, sitting, other_village
):
    hearing = make_hearing(contact, village)
    other = add_question(supervisor, make_hearing(supervisor, other_village), question="别村的问题")
    with pytest.raises(RowErrors) as refused:
        services.hearing_set_questions(
            actor=contact, hearing=hearing, rows=[(other, typed("改别村的问题"))]
        )
    assert list(refused.value.rows) == [0]
    other.refresh_from_db()
    assert other.question == "别村的问题"


# ------------------------------------------------------------------ the page


def page_data(formset, rows, confirmed=True):
    """The POST of the one-page hearing: `rows` (a list of field dicts; a "key" names an
    existing question) after the page's own rows, as typed."""
    data = {
        **({"confirm": "1"} if confirmed else {}),
        "questions-TOTAL_FORMS": str(len(rows)),
        "questions-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for i, row in enumerate(rows):
        values = {"asker_kind": "villager", "category": "finance", "satisfied": "yes", **row}
        data.update({f"questions-{i}-{name}": value for name, value in values.items()})
    return data


def open_page(client, hearing):
    response = client.get(reverse("supervision:hearing-detail", args=[hearing.pk]))
    assert response.status_code == 200
    return response


def test_the_page_offers_a_row_per_question_and_blank_rows(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    add_question(contact, hearing, question="修路的钱花在哪里了？")
    login(client, contact)
    response = open_page(client, hearing)
    formset = response.context["formset"]
    assert len(formset.forms) == 1 + 3
    html = response.content.decode()
    assert "修路的钱花在哪里了？" in html and 'data-formset-add="questions"' in html


def test_a_hearing_is_completed_in_one_submit(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    login(client, contact)
    formset = open_page(client, hearing).context["formset"]
    rows = [
        {"question": "道路硬化花了多少钱？", "answer": "12万元"},
        {"question": "低保名单为什么不公开？", "satisfied": "no"},
        {},  # a blank row is left out
    ]
    response = client.post(
        reverse("supervision:hearing-complete", args=[hearing.pk]), page_data(formset, rows)
    )
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.state == RecordState.COMPLETED
    assert hearing.questions.count() == 2
    assert Problem.objects.get().title == "低保名单为什么不公开？"


def test_a_draft_keeps_what_was_typed_and_removes_what_was_ticked(
    client, contact, village, sitting
):
    hearing = make_hearing(contact, village)
    first = add_question(contact, hearing, question="问题一")
    second = add_question(contact, hearing, question="问题二")
    login(client, contact)
    formset = open_page(client, hearing).context["formset"]
    rows = [
        {"key": first.pk, "question": "问题一（补充）", "answer": "已答复"},
        {"key": second.pk, "question": "问题二", "remove": "on"},
        {"question": "问题三"},
    ]
    response = client.post(
        reverse("supervision:hearing-questions", args=[hearing.pk]),
        page_data(formset, rows, confirmed=False),
    )
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.state == RecordState.DRAFT
    assert list(hearing.questions.order_by("pk").values_list("question", "answer")) == [
        ("问题一（补充）", "已答复"),
        ("问题三", ""),
    ]


def test_a_refused_row_comes_back_with_everything_typed(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    kept = add_question(contact, hearing, question="问题一")
    login(client, contact)
    formset = open_page(client, hearing).context["formset"]
    rows = [
        {"key": kept.pk, "question": "", "answer": "答复保留"},  # the question wiped out
        {"question": "新的问题在这里"},
    ]
    response = client.post(
        reverse("supervision:hearing-complete", args=[hearing.pk]), page_data(formset, rows)
    )
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[0].errors and not forms[1].errors
    html = response.content.decode()
    assert "新的问题在这里" in html and "答复保留" in html
    assert hearing.questions.get().question == "问题一"
    hearing.refresh_from_db()
    assert hearing.state == RecordState.DRAFT


def test_a_page_opened_before_a_question_was_removed_is_refused(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    gone = add_question(contact, hearing, question="被删的问题")
    login(client, contact)
    formset = open_page(client, hearing).context["formset"]
    key = gone.pk
    services.hearing_remove_question(actor=contact, question=gone)
    response = client.post(
        reverse("supervision:hearing-questions", args=[hearing.pk]),
        page_data(formset, [{"key": key, "question": "改了"}], confirmed=False),
    )
    assert response.status_code == 200
    assert not HearingQuestion.objects.exists()


WRITE = {
    "anonymous": 302,
    "outsider": 404,
    "other_contact": 404,
    "insider": 302,
    "supervisor": 302,
    "contact": 302,
}


@pytest.fixture
def everyone(personas, contact, other_contact):
    return {**personas, "contact": contact, "other_contact": other_contact}


@pytest.mark.parametrize("persona, status", WRITE.items())
@pytest.mark.parametrize("route", ["questions", "complete"])
def test_the_one_page_hearing_persona_matrix(
    client, everyone, contact, village, sitting, persona, status, route
):
    hearing = make_hearing(contact, village)
    login(client, contact)
    formset = open_page(client, hearing).context["formset"]
    login(client, everyone[persona])
    response = client.post(
        reverse(f"supervision:hearing-{route}", args=[hearing.pk]),
        page_data(formset, [{"question": "一个问题"}]),
    )
    assert response.status_code == status
    saved = status == 302 and persona != "anonymous"
    assert HearingQuestion.objects.count() == (1 if saved else 0)
    hearing.refresh_from_db()
    done = saved and route == "complete"
    assert hearing.state == (RecordState.COMPLETED if done else RecordState.DRAFT)


def test_the_hearing_page_has_a_constant_query_count(
    client, count_queries, contact, village, sitting
):
    hearing = make_hearing(contact, village)
    add_question(contact, hearing)
    url = reverse("supervision:hearing-detail", args=[hearing.pk])
    login(client, contact)
    few = count_queries(url)
    for n in range(9):
        add_question(contact, hearing, question=f"问题{n}", answered_by=sitting["chair"].cadre)
    assert len(client.get(url).context["formset"].forms) == 10 + 3
    assert count_queries(url) == few


# ------------------------------------------------------------------ the API


API_STATUS = {
    "anonymous": None,
    "outsider": 404,
    "other_contact": 404,
    "insider": 200,
    "supervisor": 200,
    "contact": 200,
}


@pytest.mark.parametrize("persona, status", API_STATUS.items())
def test_the_api_takes_every_question_at_once(
    api, everyone, contact, village, sitting, persona, status
):
    hearing = make_hearing(contact, village)
    old = add_question(contact, hearing, question="旧问题")
    url = f"/api/v1/hearings/{hearing.pk}/all-questions/"
    api_login(api, everyone[persona])
    stranger = {"asker_kind": "villager", "category": "finance", "question": "别人的"}
    row = {"asker_kind": "villager", "category": "finance", "question": "低保名单？"}
    refused = api.post(
        url,
        {
            "questions": [{**row, "satisfied": False}, {**stranger, "answered_by": 10**6}],
            "complete": True,
        },
        format="json",
    )
    if status is None:
        assert refused.status_code in (401, 403)
        return
    if status != 200:
        assert refused.status_code == status
        return
    assert refused.status_code == 400  # an unknown cadre: nothing saved
    assert hearing.questions.count() == 1
    done = api.post(
        url,
        {
            "questions": [{**row, "satisfied": False}, {"id": old.pk, "remove": True}],
            "complete": True,
        },
        format="json",
    )
    assert done.status_code == 200, done.data
    assert done.data["state"] == RecordState.COMPLETED
    assert [q["question"] for q in done.data["questions"]] == ["低保名单？"]
    assert Problem.objects.get().title == "低保名单？"


def test_the_api_names_the_refused_row_by_its_index(api, contact, supervisor, village, sitting):
    hearing = make_hearing(contact, village)
    question = add_question(contact, hearing)
    api_login(api, contact)
    url = f"/api/v1/hearings/{hearing.pk}/all-questions/"
    row = {"asker_kind": "villager", "category": "finance", "question": "问题"}
    unknown = api.post(url, {"questions": [row, {**row, "id": question.pk + 999}]}, format="json")
    assert unknown.status_code == 400 and list(unknown.data["questions"]) == ["1"]
    services.hearing_update(
        actor=contact,
        hearing=hearing,
        party_members_present=0,
        representatives_present=0,
        others_present=0,
    )
    no_one = api.post(url, {"questions": [row], "complete": True}, format="json")
    assert no_one.status_code == 400  # the completion's refusal: no row kept
    assert hearing.questions.count() == 1
