"""The village's public page with its supervision (阳光村务, issue #20): the two committees, the
secretary's and chair's certificate and pledge with each promise's redemption, the public
reports' votes, the hearings and the problems villagers raised; no login, nothing personal, a
constant number of queries."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cadres.choices import PostKind
from ledgers.models import Disclosure, DisclosureQuestion
from supervision import services
from supervision.choices import Fulfilment, ProblemSource
from supervision.models import Problem
from supervision.tests.conftest import sitting_post
from villages.models import Village
from villages.tests.helpers import login

from .bottomup_helpers import add_question, make_hearing, make_redemption, make_report

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 23)
#: an 18-character resident ID number, and a mainland mobile number, standing alone (a hash or a
#: receipt holds digits too, between letters)
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def personal_data(html: str) -> list[str]:
    return ID_NUMBER.findall(html) + MOBILE.findall(html)


def supervised(actor, village, *, questions=1, members=1):
    """A village (`actor`: its township's staff) whose secretary and chair hold certificates
    and pledges in force, with `members` more committee members, a completed hearing of
    `questions` questions (the even ones unsatisfied: each a problem), a completed public
    report with a vote on every post and a completed redemption of every promise."""
    posts = [
        sitting_post(actor, village, PostKind.SECRETARY, "李书记"),
        sitting_post(actor, village, PostKind.CHAIR, "赵主任"),
    ] + [
        sitting_post(actor, village, PostKind.COMMITTEE_MEMBER, f"孙委员{n}")
        for n in range(members)
    ]
    hearing = make_hearing(actor, village)
    for n in range(questions):
        add_question(actor, hearing, satisfied=n % 2 == 1, question=f"修路的钱花在哪里了？第{n}问")
    services.hearing_complete(actor=actor, hearing=hearing, on=ON)
    report = make_report(actor, village)
    for post in posts:
        services.public_report_set_vote(
            actor=actor,
            report=report,
            post=post,
            satisfied=40,
            basically_satisfied=6,
            dissatisfied=2,
        )
    services.public_report_complete(actor=actor, report=report, on=ON)
    redemption = make_redemption(actor, village)
    for row in redemption.results.select_related("promise"):
        services.redemption_set_result(
            actor=actor,
            redemption=redemption,
            promise=row.promise,
            result=Fulfilment.FULFILLED,
            appraisal="satisfied",
            evidence="现场查看",
        )
    services.redemption_complete(actor=actor, redemption=redemption, on=ON)
    return posts


def village_page(village, client=None):
    return (client or Client()).get(reverse("public:village", args=[village.code]))


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
def test_the_page_is_the_same_public_page_for_every_persona(
    client, personas, persona, insider, village
):
    supervised(insider, village)
    login(client, personas[persona])
    response = village_page(village, client)
    assert response.status_code == 200
    assert "李书记" in response.content.decode()


def test_the_page_shows_the_supervision_and_nothing_personal(insider, village):
    posts = supervised(insider, village, questions=2)
    page = village_page(village).content.decode()
    committees = page.split('data-testid="public-committees"')[1].split("</h2>")[0]
    assert "李书记" in committees and "赵主任" in committees and "孙委员0" in committees
    pledges = page.split('data-testid="public-pledges"')[1]
    # the promises of the secretary and the chair, each with its redemption of 2026
    assert pledges.count('data-testid="public-promise"') == 6
    assert "2026" in pledges
    assert 'data-testid="public-votes"' in page and "95.8%" in page
    hearings = page.split('data-testid="public-hearings"')[1]
    assert "第0问" in hearings and "第1问" in hearings
    assert "王五" not in page  # the asker's name stays inside
    problems = page.split('data-testid="public-problems"')[1]
    assert Problem.objects.filter(village=village, source=ProblemSource.QUESTION).count() == 1
    assert Problem.objects.get(village=village).title in problems
    cadre = posts[0].cadre
    assert cadre.phone and cadre.id_number
    assert cadre.phone not in page and cadre.id_number not in page
    assert personal_data(page) == []


def test_a_problem_shows_its_state_to_closure(contact, insider, village):
    supervised(insider, village, questions=1)
    problem = Problem.objects.get(village=village)
    problem = services.problem_start(actor=contact, problem=problem)
    problem = services.problem_submit(actor=contact, problem=problem, rectification="已公开")
    problem = services.problem_close(actor=insider, problem=problem, evidence="公开栏照片")
    page = village_page(village).content.decode()
    problems = page.split('data-testid="public-problems"')[1]
    assert problem.get_state_display() in problems
    assert problem.closed_on.strftime("%Y") in problems


def test_the_page_of_another_village_shows_nothing_of_this_one(insider, village, other_village):
    supervised(insider, village)
    assert "李书记" not in village_page(other_village).content.decode()


def test_the_query_count_does_not_grow_with_the_records(
    count_queries, insider, outsider, village, other_village
):
    supervised(insider, village, questions=1, members=0)
    supervised(outsider, other_village, questions=24, members=6)
    few = count_queries(reverse("public:village", args=[village.code]))
    many = count_queries(reverse("public:village", args=[other_village.code]))
    assert few == many
    assert Problem.objects.filter(village=other_village).count() == 12


# ------------------------------------------------------------------ the PII scan on the demo


def test_no_public_page_of_the_demo_shows_an_id_number_or_a_phone():
    call_command("seed_demo", "--villages", "4", stdout=StringIO())
    client = Client()
    urls = []
    for village in Village.objects.all():
        urls.append(reverse("public:village", args=[village.code]))
    for statement in Disclosure.objects.published()[:6]:
        urls.append(reverse("public:statement", args=[statement.pk]))
        urls.append(reverse("public:statement-json", args=[statement.pk]))
    for question in DisclosureQuestion.objects.all()[:10]:
        urls.append(reverse("public:question", args=[question.receipt]))
    assert len(urls) > 4
    rich = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert personal_data(body) == [], url
        rich += 'data-testid="public-promise"' in body
    assert rich  # the demo's pledges are on the pages scanned
