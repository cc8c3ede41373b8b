"""Pages of bottom-up supervision and the annual inspection: the personas (anonymous, outsider,
insider, supervisor, the contact cadre and a neighbouring village's), forms and query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from supervision import services
from supervision.choices import RecordState, TaskKind, Verdict
from supervision.models import CertificateInspection, Hearing, Problem, PublicReport
from villages.tests.factories import VillageFactory
from villages.tests.helpers import login

from .bottomup_helpers import (
    add_question,
    duty,
    formset_data,
    make_hearing,
    make_redemption,
    make_report,
    other_contact_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db
D = dt.date
READ = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200, "contact": 200}


@pytest.fixture
def everyone(personas, contact, other_contact):
    return {**personas, "contact": contact, "other_contact": other_contact}


@pytest.fixture
def records(contact, insider, village, sitting):
    hearing = make_hearing(contact, village)
    add_question(contact, hearing, satisfied=False)
    report = make_report(contact, village)
    redemption = make_redemption(contact, village)
    annual = services.annual_inspection_start(
        actor=insider,
        task=duty(village, TaskKind.ANNUAL_INSPECTION, "2026"),
        certificate=sitting["secretary"].certificate,
    )
    return {"hearing": hearing, "report": report, "redemption": redemption, "annual": annual}


def detail_urls(r):
    return [
        reverse("supervision:hearing-detail", args=[r["hearing"].pk]),
        reverse("supervision:public-report-detail", args=[r["report"].pk]),
        reverse("supervision:redemption-detail", args=[r["redemption"].pk]),
        reverse("supervision:certificate-inspection-detail", args=[r["annual"].pk]),
    ]


LISTS = ["hearing-list", "public-report-list", "redemption-list", "certificate-inspection-list"]


@pytest.mark.parametrize("persona", list(READ) + ["other_contact"])
def test_read_pages_persona_matrix(client, everyone, persona, records, sitting):
    login(client, everyone[persona])
    expected = 404 if persona == "other_contact" else READ[persona]
    for url in detail_urls(records):
        assert client.get(url).status_code == expected, url
    for name in LISTS:
        response = client.get(reverse(f"supervision:{name}"))
        assert response.status_code == (302 if persona == "anonymous" else 200), name
        if response.status_code == 200:
            rows = len(response.context["object_list"])
            assert rows == (1 if expected == 200 else 0), name
    if expected == 200:
        page = client.get(detail_urls(records)[1]).content.decode()
        assert "李书记" in page and "赵主任" in page and "孙委员" in page  # one row per cadre
        annual = client.get(detail_urls(records)[3]).content.decode()
        assert 'data-testid="evidence"' in annual


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_contact", 404),
        ("contact", 200),
        ("insider", 200),
        ("supervisor", 200),
    ],
)
def test_starting_a_hearing_persona_matrix(client, everyone, persona, status, village):
    task = duty(village, TaskKind.HEARING, "2026Q4")
    url = reverse("supervision:hearing-create", args=[task.pk])
    login(client, everyone[persona])
    assert client.get(url).status_code == status
    data = {
        "date": "2026-11-20",
        "place": "村委会",
        "party_members_present": "10",
        "representatives_present": "15",
        "others_present": "0",
        "agenda": "财务公开",
    }
    response = client.post(url, data)
    if status == 200:
        hearing = Hearing.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("supervision:hearing-detail", args=[hearing.pk])
        assert hearing.created_by == everyone[persona]
        # a second visit goes to the record
        assert client.get(url).url == response.url
    else:
        assert response.status_code == status
        assert not Hearing.objects.exists()


def test_contact_cadre_adds_questions_and_completes_on_the_page(client, contact, village, sitting):
    hearing = make_hearing(contact, village)
    login(client, contact)
    url = reverse("supervision:hearing-question-add", args=[hearing.pk])
    question = {
        "q-asker_name": "",
        "q-asker_kind": "party_member",
        "q-category": "finance",
        "q-question": "账目为何迟迟不公开？",
        "q-answered_by": str(sitting["chair"].cadre.pk),
        "q-answer": "下周公开",
        "q-satisfied": "no",
        "q-follow_up": "",
    }
    assert client.post(url, question).status_code == 302
    bad = client.post(url, {**question, "q-question": ""})
    assert bad.status_code == 200 and bad.context["question_form"].errors
    response = client.post(
        reverse("supervision:hearing-complete", args=[hearing.pk]), {"confirm": "1"}
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.owner == sitting["chair"].cadre and problem.hearing_question.satisfied is False
    page = client.get(reverse("supervision:hearing-detail", args=[hearing.pk])).content.decode()
    assert 'data-testid="question-problem"' in page and "账目为何迟迟不公开" in page
    # completed: the page offers no more forms, and a POST is refused with the reason
    assert 'data-testid="question-form"' not in page
    again = client.post(url, question)
    assert again.status_code == 200 and "不能再修改" in again.content.decode()


def test_writes_of_strangers_are_refused(client, everyone, records, sitting):
    r = records
    posts = [
        reverse("supervision:hearing-question-add", args=[r["hearing"].pk]),
        reverse("supervision:hearing-complete", args=[r["hearing"].pk]),
        reverse("supervision:public-report-votes", args=[r["report"].pk]),
        reverse("supervision:public-report-complete", args=[r["report"].pk]),
        reverse("supervision:redemption-complete", args=[r["redemption"].pk]),
        reverse("supervision:redemption-results", args=[r["redemption"].pk]),
    ]
    decide = reverse("supervision:certificate-inspection-decide", args=[r["annual"].pk])
    for persona, status in (("outsider", 404), ("other_contact", 404), ("anonymous", 302)):
        login(client, everyone[persona])
        for url in [*posts, decide]:
            assert client.post(url, {}).status_code == status, (persona, url)
    login(client, everyone["contact"])  # the annual inspection is the township's
    assert client.post(decide, {"confirm": "1", "verdict": "pass"}).status_code == 403
    assert (
        client.get(
            reverse("supervision:certificate-inspection-create", args=[r["annual"].task_id])
        ).status_code
        == 403
    )
    assert Hearing.objects.get().state == RecordState.DRAFT
    assert CertificateInspection.objects.get().state == RecordState.DRAFT


def test_vote_form_refuses_counts_that_do_not_add_up(client, contact, village, sitting):
    report = make_report(contact, village, issued=50, returned=48)
    login(client, contact)
    detail = reverse("supervision:public-report-detail", args=[report.pk])
    url = reverse("supervision:public-report-votes", args=[report.pk])
    post = sitting["secretary"]
    formset = client.get(detail).context["formset"]
    counts = {"satisfied": "30", "basically_satisfied": "10", "dissatisfied": "2"}
    response = client.post(url, formset_data(formset, {post.pk: counts}))
    assert response.status_code == 200
    assert "42" in response.content.decode() and "48" in response.content.decode()
    assert not report.votes.exists()
    counts["satisfied"] = "36"
    response = client.post(url, formset_data(formset, {post.pk: counts}))
    assert response.status_code == 302
    page = client.get(detail)
    assert "95.8%" in page.content.decode()


def test_redemption_page_sets_results_and_shows_rates(client, contact, village, sitting):
    redemption = make_redemption(contact, village)
    login(client, contact)
    detail = reverse("supervision:redemption-detail", args=[redemption.pk])
    rows = list(redemption.results.order_by("promise__pledge_id", "promise__position"))
    typed = {
        row.promise_id: {"result": result, "appraisal": "basic", "evidence": "照片"}
        for row, result in zip(rows, ["fulfilled", "partly", "not"] * 2, strict=True)
    }
    data = formset_data(client.get(detail).context["formset"], typed)
    response = client.post(reverse("supervision:redemption-results", args=[redemption.pk]), data)
    assert response.status_code == 302
    page = client.get(detail)
    assert page.context["village_rate"] == "50.0%"
    assert (
        client.post(
            reverse("supervision:redemption-complete", args=[redemption.pk]), {"confirm": "1"}
        ).status_code
        == 302
    )
    redemption.refresh_from_db()
    assert redemption.state == RecordState.COMPLETED


def test_township_decides_an_annual_inspection_on_the_page(client, insider, village, sitting):
    task = duty(village, TaskKind.ANNUAL_INSPECTION, "2026")
    certificate = sitting["chair"].certificate
    login(client, insider)
    url = reverse("supervision:certificate-inspection-create", args=[task.pk])
    listing = client.get(url)
    assert listing.status_code == 200 and certificate.number in listing.content.decode()
    preview = client.get(url, {"certificate": certificate.pk})
    assert 'data-testid="evidence"' in preview.content.decode()
    response = client.post(url, {"certificate": certificate.pk})
    record = CertificateInspection.objects.get()
    assert response.url == reverse("supervision:certificate-inspection-detail", args=[record.pk])
    decide = reverse("supervision:certificate-inspection-decide", args=[record.pk])
    refused = client.post(decide, {"confirm": "1", "verdict": "fail", "reasons": ""})
    assert refused.status_code == 200 and refused.context["decide_form"].errors
    assert (
        client.post(decide, {"confirm": "1", "verdict": "fail", "reasons": "不合格"}).status_code
        == 302
    )
    record.refresh_from_db()
    assert record.verdict == Verdict.FAIL and record.advice is not None
    certificate.refresh_from_db()
    assert certificate.state == "suspended"


def _many(insider, n):
    """`n` more villages of the township, each with a hearing, report and redemption."""
    done = Hearing.objects.count()
    for i in range(done, done + n):
        v = VillageFactory(township=_township(), code=f"370830102{300 + i}")
        add_question(insider, make_hearing(insider, v))
        make_report(insider, v)
        make_redemption(insider, v)


def _township():
    from villages.models import Region

    return Region.objects.get(code="370830102")


@pytest.mark.parametrize("name", LISTS)
def test_lists_have_constant_query_counts(
    client, count_queries, insider, contact, village, sitting, name
):
    login(client, insider)
    url = reverse(f"supervision:{name}")
    _many(insider, 2)
    annual_for(insider, 2)
    few = count_queries(url)
    _many(insider, 6)
    annual_for(insider, 6)
    assert count_queries(url) == few
    assert count_queries(url, township="370830102", period="2026", ordering="-village") == few


def annual_for(insider, n):
    from supervision.tests.conftest import sitting_post

    done = CertificateInspection.objects.count()
    for i in range(done, done + n):
        v = VillageFactory(township=_township(), code=f"370830102{500 + i}")
        post = sitting_post(insider, v, "secretary", f"书记{i}", pledge=False)
        services.annual_inspection_start(
            actor=insider,
            task=duty(v, TaskKind.ANNUAL_INSPECTION, "2026"),
            certificate=post.certificate,
        )


def test_list_filters(client, insider, contact, village, sitting):
    make_hearing(contact, village)
    login(client, insider)
    url = reverse("supervision:hearing-list")
    assert len(client.get(url, {"q": "南旺"}).context["object_list"]) == 1
    assert len(client.get(url, {"q": "无此村"}).context["object_list"]) == 0
    assert len(client.get(url, {"period": "2026"}).context["object_list"]) == 1
    assert len(client.get(url, {"period": "2025"}).context["object_list"]) == 0
    assert len(client.get(url, {"state": "completed"}).context["object_list"]) == 0
    assert PublicReport.objects.count() == 0
