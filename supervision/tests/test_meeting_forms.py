"""Meetings in one form (issue #16): the votes on every cadre of a public report, the outcomes
of every promise of a redemption and the review scores of every cadre, typed on one page.
保存草稿 keeps what was typed; 完成 checks every row and completes in one transaction, all or
nothing, each refusal next to its row. Services, forms, the pages with the personas, and
constant query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.choices import PostKind
from supervision import services
from supervision.choices import RecordState, TaskKind, TaskState
from supervision.forms_bottomup import ResultFormSet, VoteFormSet
from supervision.models import PublicReportVote
from supervision.periods import Period
from supervision.services.common import RowErrors
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login, login

from .bottomup_helpers import (
    formset_data,
    make_redemption,
    make_report,
    other_contact_fixture,  # noqa: F401 (fixture)
    pledged_secretary,
)
from .conftest import sitting_post

pytestmark = pytest.mark.django_db
D = dt.date


def counts(s, b, d, summary=""):
    return {"satisfied": s, "basically_satisfied": b, "dissatisfied": d, "summary": summary}


def posts_of(sitting):
    return sitting["secretary"], sitting["chair"], sitting["member"]


# ------------------------------------------------------------------ services


def test_votes_are_all_or_nothing_and_each_refusal_names_its_row(contact, village, sitting):
    report = make_report(contact, village, issued=50, returned=48)
    secretary, chair, member = posts_of(sitting)
    with pytest.raises(RowErrors) as refused:
        services.public_report_set_votes(
            actor=contact,
            report=report,
            votes={secretary: counts(40, 8, 0), chair: counts(30, 10, 2), member: counts(1, 1, 1)},
        )
    # the two rows that do not add up to 48 are named; the good one was not kept either
    assert set(refused.value.rows) == {chair.pk, member.pk}
    assert "42" in refused.value.rows[chair.pk].messages[0]
    assert not PublicReportVote.objects.exists()


def test_a_draft_keeps_the_rows_typed_and_completing_needs_every_cadre(contact, village, sitting):
    report = make_report(contact, village, issued=50, returned=48)
    secretary, chair, member = posts_of(sitting)
    services.public_report_set_votes(
        actor=contact, report=report, votes={secretary: counts(40, 8, 0, "抓党建")}
    )
    report.refresh_from_db()
    assert report.state == RecordState.DRAFT
    assert report.votes.get().summary == "抓党建"
    # completing with the member left out: refused on the member's row, the chair's not kept
    with pytest.raises(RowErrors) as refused:
        services.public_report_set_votes(
            actor=contact, report=report, votes={chair: counts(30, 18, 0)}, complete=True
        )
    assert set(refused.value.rows) == {member.pk}
    assert report.votes.count() == 1
    services.public_report_set_votes(
        actor=contact,
        report=report,
        votes={chair: counts(30, 18, 0), member: counts(20, 20, 8)},
        complete=True,
    )
    report.refresh_from_db()
    assert report.state == RecordState.COMPLETED and report.votes.count() == 3
    assert report.task.state == TaskState.DONE


def test_redemption_rows_keep_each_promises_outcomes(insider, contact, village):
    pledged_secretary(insider, village, [D(2026, 6, 30), D(2028, 12, 31)])
    redemption = make_redemption(contact, village)
    due, later = [r.promise for r in redemption.results.order_by("promise__position")]
    mark = {"appraisal": "satisfied", "evidence": ""}
    with pytest.raises(RowErrors) as refused:
        services.redemption_set_results(
            actor=contact,
            redemption=redemption,
            results={due: {**mark, "result": "on_track"}, later: {**mark, "result": "not_due"}},
            complete=True,
        )
    # a promise due this year cannot be "on schedule"; nothing was saved or completed
    assert list(refused.value.rows) == [due.pk]
    assert "2026年6月30日" in refused.value.rows[due.pk].messages[0]
    assert not redemption.results.exclude(result="").exists()
    services.redemption_set_results(
        actor=contact,
        redemption=redemption,
        results={due: {**mark, "result": "fulfilled"}, later: {**mark, "result": "not_due"}},
        complete=True,
    )
    redemption.refresh_from_db()
    assert redemption.state == RecordState.COMPLETED


def test_completing_a_redemption_names_the_promises_left_unmarked(insider, contact, village):
    pledged_secretary(insider, village, [D(2026, 6, 30), D(2026, 9, 30)])
    redemption = make_redemption(contact, village)
    first, second = [r.promise for r in redemption.results.order_by("promise__position")]
    with pytest.raises(RowErrors) as refused:
        services.redemption_set_results(
            actor=contact,
            redemption=redemption,
            results={first: {"result": "fulfilled", "appraisal": "basic", "evidence": ""}},
            complete=True,
        )
    assert list(refused.value.rows) == [second.pk]
    redemption.refresh_from_db()
    assert redemption.state == RecordState.DRAFT


# ------------------------------------------------------------------ forms


def _vote_formset(keys, rows):
    data = {"votes-TOTAL_FORMS": str(len(keys)), "votes-INITIAL_FORMS": str(len(keys))}
    for i, (key, row) in enumerate(zip(keys, rows, strict=True)):
        data[f"votes-{i}-key"] = key
        data.update({f"votes-{i}-{k}": v for k, v in row.items()})
    return VoteFormSet(data, keys=keys, prefix="votes")


def test_a_vote_row_is_all_three_counts_or_none():
    formset = _vote_formset(
        [1, 2, 3],
        [{"satisfied": "10", "basically_satisfied": "", "dissatisfied": ""}, {}, counts(1, 2, 3)],
    )
    assert not formset.is_valid()
    assert "也要填写" in str(formset.forms[0].errors["basically_satisfied"])
    assert not formset.forms[1].errors and not formset.forms[2].errors
    valid = _vote_formset([1, 2], [{}, counts(1, 2, 3)])
    assert valid.is_valid()
    assert [key for key, _row in valid.filled()] == [2]


def test_a_page_opened_before_the_list_changed_is_refused():
    formset = _vote_formset([1, 2], [counts(1, 2, 3), counts(1, 2, 3)])
    formset.keys = [2, 1]  # the server now lists the cadres in another order
    assert not formset.is_valid()
    assert "重新打开" in str(formset.non_form_errors())


def test_a_result_row_offers_only_its_promises_outcomes_and_a_blank():
    formset = ResultFormSet(
        keys=[1, 2],
        row_kwargs=[
            {"due_date": D(2026, 6, 30), "year": 2026},
            {"due_date": D(2027, 1, 1), "year": 2026},
        ],
        prefix="results",
    )
    offered = [[v for v, _label in f.fields["result"].widget.choices] for f in formset.forms]
    assert offered == [["", "fulfilled", "partly", "not"], ["", "fulfilled", "on_track", "not_due"]]


# ------------------------------------------------------------------ pages


@pytest.fixture
def everyone(personas, contact, other_contact):
    return {**personas, "contact": contact, "other_contact": other_contact}


WRITE = {
    "anonymous": 302,
    "outsider": 404,
    "other_contact": 404,
    "insider": 302,
    "supervisor": 302,
    "contact": 302,
}


@pytest.mark.parametrize("persona, status", WRITE.items())
@pytest.mark.parametrize("route", ["votes", "complete"])
def test_the_vote_form_persona_matrix(
    client, everyone, contact, village, sitting, persona, status, route
):
    report = make_report(contact, village, issued=50, returned=48)
    login(client, contact)
    formset = client.get(reverse("supervision:public-report-detail", args=[report.pk])).context[
        "formset"
    ]
    typed = {p.pk: counts(40, 8, 0) for p in posts_of(sitting)}
    login(client, everyone[persona])
    response = client.post(
        reverse(f"supervision:public-report-{route}", args=[report.pk]),
        formset_data(formset, typed),
    )
    assert response.status_code == status
    report.refresh_from_db()
    saved = status == 302 and persona != "anonymous"
    assert report.votes.count() == (3 if saved else 0)
    done = saved and route == "complete"
    assert report.state == (RecordState.COMPLETED if done else RecordState.DRAFT)


def test_a_refused_completion_shows_each_error_on_its_row_and_keeps_what_was_typed(
    client, contact, village, sitting
):
    report = make_report(contact, village, issued=50, returned=48)
    secretary, chair, member = posts_of(sitting)
    login(client, contact)
    detail = reverse("supervision:public-report-detail", args=[report.pk])
    formset = client.get(detail).context["formset"]
    typed = {secretary.pk: counts(40, 8, 0, "抓党建促发展"), chair.pk: counts(30, 10, 2)}
    response = client.post(
        reverse("supervision:public-report-complete", args=[report.pk]),
        formset_data(formset, typed),
    )
    assert response.status_code == 200
    rows = {row["post"].pk: row["form"] for row in response.context["rows"]}
    assert "42" in str(rows[chair.pk].errors)  # the chair's counts do not add up
    assert "填写对该干部的测评" in str(rows[member.pk].errors)  # the member has none
    assert not rows[secretary.pk].errors
    html = response.content.decode()
    assert "抓党建促发展" in html and "需要更正" in html  # typed text kept, the summary at the top
    assert not report.votes.exists()
    report.refresh_from_db()
    assert report.state == RecordState.DRAFT


def test_a_redemption_is_completed_in_one_submit(client, insider, contact, village):
    pledged_secretary(insider, village, [D(2026, 6, 30), D(2026, 12, 31), D(2029, 12, 31)])
    redemption = make_redemption(contact, village)
    login(client, contact)
    formset = client.get(reverse("supervision:redemption-detail", args=[redemption.pk])).context[
        "formset"
    ]
    promises = [r.promise_id for r in redemption.results.order_by("promise__position")]
    outcomes = ["fulfilled", "partly", "on_track"]
    typed = {
        pk: {"result": result, "appraisal": "satisfied", "evidence": "现场查看"}
        for pk, result in zip(promises, outcomes, strict=True)
    }
    response = client.post(
        reverse("supervision:redemption-complete", args=[redemption.pk]),
        formset_data(formset, typed),
    )
    assert response.status_code == 302
    redemption.refresh_from_db()
    assert redemption.state == RecordState.COMPLETED
    assert [r.result for r in redemption.results.order_by("promise__position")] == outcomes


def test_the_vote_page_has_a_constant_query_count(client, count_queries, insider, contact, village):
    sitting_post(insider, village, PostKind.SECRETARY, "李书记", pledge=False)
    sitting_post(insider, village, PostKind.CHAIR, "赵主任", pledge=False)
    report = make_report(contact, village)
    url = reverse("supervision:public-report-detail", args=[report.pk])
    login(client, contact)
    few = count_queries(url)
    for n in range(8):
        sitting_post(insider, village, PostKind.COMMITTEE_MEMBER, f"委员{n}")
    assert len(client.get(url).context["rows"]) == 10
    assert count_queries(url) == few


def test_the_redemption_page_has_a_constant_query_count(
    client, count_queries, insider, contact, village, township
):
    pledged_secretary(insider, village, [D(2026, 6, 30)] * 2)
    small = make_redemption(contact, village)
    big_village = VillageFactory(township=township, code="370830102299", name="东庄村")
    pledged_secretary(insider, big_village, [D(2026, 6, 30)] * 10)
    big = make_redemption(insider, big_village)
    login(client, insider)
    few = count_queries(reverse("supervision:redemption-detail", args=[small.pk]))
    url = reverse("supervision:redemption-detail", args=[big.pk])
    assert len(client.get(url).context["formset"].forms) == 10
    assert count_queries(url) == few


# ------------------------------------------------------------------ the semi-annual review


def _scores(review, value):
    return {"scores": dict.fromkeys(review.dimensions, value), "comment": ""}


def test_review_scores_are_all_or_nothing_and_complete_in_one_call(insider, village, sitting):
    task = services.task_for(village, TaskKind.REVIEW, Period.parse("2026H2"))
    review = services.review_start(actor=insider, task=task, date=D(2026, 11, 10), panel="王镇长")
    secretary, chair, member = posts_of(sitting)
    with pytest.raises(RowErrors) as refused:
        services.review_set_scores(
            actor=insider,
            review=review,
            scores={secretary: _scores(review, "90"), chair: _scores(review, "120")},
            complete=True,
        )
    assert set(refused.value.rows) == {chair.pk, member.pk}  # out of range; not scored
    assert not review.scores.exists()
    services.review_set_scores(actor=insider, review=review, scores={chair: _scores(review, "80")})
    review.refresh_from_db()
    assert review.state == RecordState.DRAFT and review.scores.count() == 1
    services.review_set_scores(
        actor=insider,
        review=review,
        scores={secretary: _scores(review, "90"), member: _scores(review, "70")},
        complete=True,
    )
    review.refresh_from_db()
    assert review.state == RecordState.COMPLETED and review.scores.count() == 3


def test_the_review_page_has_a_constant_query_count(client, count_queries, insider, village):
    sitting_post(insider, village, PostKind.SECRETARY, "李书记", pledge=False)
    sitting_post(insider, village, PostKind.CHAIR, "赵主任", pledge=False)
    task = services.task_for(village, TaskKind.REVIEW, Period.parse("2026H2"))
    review = services.review_start(actor=insider, task=task, date=D(2026, 11, 10), panel="王镇长")
    url = reverse("supervision:review-detail", args=[review.pk])
    login(client, insider)
    few = count_queries(url)
    for n in range(8):
        sitting_post(insider, village, PostKind.COMMITTEE_MEMBER, f"委员{n}")
    assert len(client.get(url).context["formset"].forms) == 10
    assert count_queries(url) == few


# ------------------------------------------------------------------ the API's bulk endpoints


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", None),
        ("outsider", 404),
        ("other_contact", 404),
        ("insider", 200),
        ("supervisor", 200),
        ("contact", 200),
    ],
)
def test_the_api_takes_every_vote_at_once(
    api, everyone, contact, village, sitting, persona, status
):
    report = make_report(contact, village, issued=50, returned=48)
    secretary, chair, member = posts_of(sitting)
    url = f"/api/v1/public-reports/{report.pk}/all-votes/"
    api_login(api, everyone[persona])

    def body(chair_satisfied, complete):
        votes = [
            {"post": p.pk, **counts(s, 8, 0)}
            for p, s in ((secretary, 40), (chair, chair_satisfied), (member, 40))
        ]
        return {"votes": votes, "complete": complete}

    refused = api.post(url, body(39, complete=True), format="json")
    if status is None:
        assert refused.status_code in (401, 403)
        return
    if status != 200:
        assert refused.status_code == status
        return
    # the chair's row does not add up: named by its post, nothing saved
    assert refused.status_code == 400
    assert list(refused.data["votes"]) == [str(chair.pk)]
    assert not report.votes.exists()
    done = api.post(url, body(40, complete=True), format="json")
    assert done.status_code == 200, done.data
    assert done.data["state"] == RecordState.COMPLETED and len(done.data["votes"]) == 3


def test_the_api_takes_every_promises_outcome_at_once(api, insider, contact, village):
    pledged_secretary(insider, village, [D(2026, 6, 30), D(2028, 12, 31)])
    redemption = make_redemption(contact, village)
    due, later = [r.promise_id for r in redemption.results.order_by("promise__position")]
    url = f"/api/v1/redemptions/{redemption.pk}/all-results/"
    api_login(api, contact)
    draft = api.post(
        url,
        {"results": [{"promise": later, "result": "on_track", "appraisal": "basic"}]},
        format="json",
    )
    assert draft.status_code == 200 and draft.data["state"] == RecordState.DRAFT
    refused = api.post(url, {"results": [], "complete": True}, format="json")
    assert refused.status_code == 400 and list(refused.data["results"]) == [str(due)]
    done = api.post(
        url,
        {
            "results": [{"promise": due, "result": "fulfilled", "appraisal": "satisfied"}],
            "complete": True,
        },
        format="json",
    )
    assert done.status_code == 200 and done.data["state"] == RecordState.COMPLETED


def test_valid_rows_are_asked_before_completing_and_the_question_sends_them_again(
    client, contact, village, sitting
):
    report = make_report(contact, village, issued=50, returned=48)
    login(client, contact)
    detail = reverse("supervision:public-report-detail", args=[report.pk])
    formset = client.get(detail).context["formset"]
    typed = {p.pk: counts(40, 8, 0) for p in posts_of(sitting)}
    data = formset_data(formset, typed, confirmed=False)
    response = client.post(reverse("supervision:public-report-complete", args=[report.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "收回的选票数" in page  # what completing does, said before it is done
    assert all(f'value="{value}"' in page for value in ("40", "8"))  # the rows, sent again
    assert not report.votes.exists()
    report.refresh_from_db()
    assert report.state == RecordState.DRAFT
