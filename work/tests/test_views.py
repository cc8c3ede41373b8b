"""The inbox page and the navigation's badge: four personas, the clerk and the contact cadre,
and a constant number of queries at 2 and 50 villages."""

import pytest
from django.urls import reverse

from supervision.choices import TaskKind
from villages.tests.helpers import login

from . import helpers as h
from .test_inbox import fill

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture
def waiting(village, other_village, clerk, insider, outsider, contact):
    """One item of most kinds in the village, and a draft voucher in the other township."""
    return {
        "voucher": h.voucher(village, clerk),
        "other_voucher": h.voucher(other_village, outsider),
        "question": h.question(village),
        "problem": h.problem(village, insider),
        "duty": h.duty(village, TaskKind.HEARING, days=-1),
        "handover": h.handover(village),
    }


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_insider_sees_what_waits_in_the_township_each_a_link_to_its_action(
    client, waiting, insider
):
    page = login(client, insider).get(HOME)
    html = page.content.decode()
    counts = page.context["inbox_counts"]
    assert counts["vouchers_to_post"] == 1  # not the other township's
    assert counts["questions_to_answer"] == 1
    assert counts["handovers_to_sign"] == 1
    assert counts["problems_to_rectify"] == 0  # the contact cadre's
    assert reverse("ledgers:voucher-detail", args=[waiting["voucher"].pk]) in html
    question = waiting["question"]
    answer = reverse("ledgers:disclosure-detail", args=[question.disclosure_id])
    assert f"{answer}#answer-{question.pk}" in html
    assert reverse("ledgers:voucher-detail", args=[waiting["other_voucher"].pk]) not in html
    assert f'data-testid="inbox-badge">{counts.total}<' in html


def test_the_outsider_sees_nothing_of_another_township(client, waiting, outsider):
    page = login(client, outsider).get(HOME)
    html = page.content.decode()
    assert page.context["inbox_counts"].total == 0  # their own draft: another must post it
    assert reverse("ledgers:voucher-detail", args=[waiting["voucher"].pk]) not in html
    assert f"#answer-{waiting['question'].pk}" not in html
    assert 'data-testid="inbox-empty"' in html


def test_the_supervisor_sees_the_county(client, waiting, supervisor):
    counts = login(client, supervisor).get(HOME).context["inbox_counts"]
    assert counts["vouchers_to_post"] == 2  # both townships' drafts
    assert counts["questions_to_answer"] == 1


def test_the_contact_cadre_sees_the_village_s_problems_questions_and_duties(
    client, waiting, contact
):
    page = login(client, contact).get(HOME)
    counts = page.context["inbox_counts"]
    assert counts["problems_to_rectify"] == 1
    assert counts["questions_to_answer"] == 1
    assert counts["duties_overdue"] == 1
    assert counts["vouchers_to_post"] == 0
    html = page.content.decode()
    assert reverse("supervision:problem-detail", args=[waiting["problem"].pk]) in html
    assert reverse("supervision:supervision-task-detail", args=[waiting["duty"].pk]) in html


def test_the_clerk_sees_the_handover_signatures_they_record(client, waiting, clerk):
    page = login(client, clerk).get(HOME)
    assert page.context["inbox_counts"].total == 1
    assert reverse("ledgers:handover-detail", args=[waiting["handover"].pk]) in (
        page.content.decode()
    )


def test_every_page_shows_the_badge(client, waiting, insider):
    html = login(client, insider).get(reverse("villages:village-list")).content.decode()
    assert 'data-testid="inbox-badge">3<' in html


def test_more_items_than_shown_link_to_the_filtered_list(client, village, clerk, insider):
    for n in range(1, 8):
        h.voucher(village, clerk, n)
    html = login(client, insider).get(HOME).content.decode()
    assert html.count('data-testid="inbox-item"') == 5
    assert reverse("ledgers:voucher-list") + "?state=draft" in html


@pytest.mark.parametrize("page", ["home", "villages:village-list"])
def test_pages_take_as_many_queries_with_50_villages_as_with_2(
    client, count_queries, township, village, clerk, insider, contact, page
):
    url = reverse(page)
    login(client, insider)
    # A first request, so that both fills below come after one (the change log's context of a
    # request is seen by the ORM writes that follow it in the test's thread).
    client.get(url)
    fill(township, 2, clerk, insider, contact)
    few = count_queries(url)
    fill(township, 48, clerk, insider, contact, start=400)
    assert client.get(HOME).context["inbox_counts"]["vouchers_to_post"] == 50
    assert count_queries(url) == few


def test_a_ready_report_is_named_by_its_area_and_downloads_in_one_tap(client, township, insider):
    run = h.report(township.code, requested_by=insider)
    html = login(client, insider).get(HOME).content.decode()
    inbox = html.split('data-testid="inbox-reports_ready"', 1)[1].split("</section>", 1)[0]
    assert reverse("reports:report-download", args=[run.pk]) in inbox
    assert township.name in inbox and township.code not in inbox


@pytest.mark.parametrize("persona", ["insider", "contact", "clerk", "supervisor"])
def test_every_item_opens_the_page_of_its_action(client, request, waiting, village, persona):
    h.statement(village, "draft", 5)
    h.pledge(village)  # (a ready report's link is its download: see above)
    login(client, request.getfixturevalue(persona))
    urls = [
        e.url
        for _g, kinds in client.get(HOME).context["groups"]
        for k in kinds
        for e in k["entries"]
    ]
    assert urls
    for url in urls:
        assert client.get(url).status_code == 200, url
