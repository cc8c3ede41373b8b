"""Reads of the village's public page (阳光村务, issue #20): what villagers without an account may
see of the supervision. Names and posts of the sitting committees only: never an ID number, a
phone, a birth date or the name of a villager who asked; each part is one query, whatever the
village's size (the page's query count does not grow with its records)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q

from cadres.choices import CERTIFIED_POSTS, PledgeState, PostKind
from cadres.models import Pledge, Post, Promise
from core.dates import today
from core.rates import format_percent
from villages.models import Village

from ..choices import LinkKind, ProblemSource, RecordState
from ..models import HearingQuestion, LeaderLink, Problem, PromiseRedemption, PublicReportVote

__all__ = ["PUBLIC_ROWS", "public_village_record"]

#: the most rows of each part the page lists (the newest first): a phone screen, not an archive
PUBLIC_ROWS = 30

#: the two committees (两委), by post: the party branch (支部) and the villagers' committee
BRANCH_POSTS = (
    PostKind.SECRETARY,
    PostKind.SECRETARY_AND_CHAIR,
    PostKind.DEPUTY_SECRETARY,
    PostKind.BRANCH_MEMBER,
)
COMMITTEE_POSTS = (
    PostKind.CHAIR,
    PostKind.SECRETARY_AND_CHAIR,
    PostKind.VICE_CHAIR,
    PostKind.COMMITTEE_MEMBER,
)
#: problems that villagers raised (a hearing, an unsatisfied question, a statement's question)
VILLAGER_SOURCES = (ProblemSource.HEARING, ProblemSource.QUESTION, ProblemSource.DISCLOSURE)
#: the pledges a villager holds the cadre to (in force, or ended after the term)
PUBLIC_PLEDGE_STATES = (PledgeState.IN_FORCE, PledgeState.CLOSED)

_ORDER = {kind: i for i, kind in enumerate(PostKind.values)}


def _committees(village: Village) -> tuple[list[Post], list[Post], list[Post]]:
    """The sitting posts (one query, with the cadre's name and the certificate's state):
    the branch's, the villagers' committee's, and the certified ones (secretary, chair)."""
    posts = sorted(
        Post.objects.current()
        .filter(village=village)
        .select_related("cadre", "certificate")
        .only(
            "kind",
            "start_date",
            "term_ends",
            "cadre",
            "cadre__name",
            "certificate__state",
            "certificate__issued_on",
        ),
        key=lambda p: (_ORDER.get(p.kind, 99), p.cadre.name),
    )
    branch = [p for p in posts if p.kind in BRANCH_POSTS]
    committee = [p for p in posts if p.kind in COMMITTEE_POSTS]
    certified = [p for p in posts if p.kind in CERTIFIED_POSTS]
    for post in certified:
        try:
            post.public_certificate = post.certificate  # type: ignore[attr-defined]
        except Post.certificate.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
            post.public_certificate = None  # type: ignore[attr-defined]
    return branch, committee, certified


def _pledges(certified: list[Post]) -> None:
    """Each certified post's latest public pledge on `post.public_pledge`, its promises on
    `pledge.public_promises`, each with its yearly redemptions on `promise.public_redemptions`
    (three queries)."""
    by_post: dict[int, Any] = {}
    for pledge in (
        Pledge.objects.filter(post__in=certified, state__in=PUBLIC_PLEDGE_STATES)
        .only("post", "state", "version", "in_force_on", "closed_on")
        .order_by("post_id", "-version")
    ):
        by_post.setdefault(pledge.post_id, pledge)
    promises: dict[int, list[Promise]] = defaultdict(list)
    found = list(
        Promise.objects.filter(pledge__in=by_post.values())
        .only("pledge", "position", "audience", "category", "text", "target", "due_date")
        .order_by("pledge_id", "position", "pk")
    )
    for promise in found:
        promise.public_redemptions = []  # type: ignore[attr-defined]
        promises[promise.pledge_id].append(promise)
    by_promise = {p.pk: p for p in found}
    for result in (
        PromiseRedemption.objects.filter(promise__in=found, redemption__state=RecordState.COMPLETED)
        .select_related("redemption")
        .only(
            "promise",
            "result",
            "appraisal",
            "redemption",
            "redemption__period",
            "redemption__date",
        )
        .order_by("-redemption__period")
    ):
        by_promise[result.promise_id].public_redemptions.append(result)  # type: ignore[attr-defined]
    for post in certified:
        pledge = by_post.get(post.pk)
        if pledge is not None:
            pledge.public_promises = promises[pledge.pk]
        post.public_pledge = pledge  # type: ignore[attr-defined]


def public_village_record(
    village: Village, *, between: tuple[dt.date, dt.date] | None = None
) -> dict[str, Any]:
    """The supervision a village's public page shows: the two committees, the secretary's and
    the chair's certificate and pledge with the redemption of each promise, the public
    reports' votes, the hearings' questions and answers, and the problems villagers raised
    with their state to closure, and the leaders linked to the village (双联一带, 四包: name,
    post, kind, term; a constant number of queries: eight). `between` (first and
    last day, the 公开榜's quarter) keeps the votes and hearings held then and the problems
    open at some time then."""
    branch, committee, certified = _committees(village)
    _pledges(certified)
    held = Q()
    open_then = Q()
    if between is not None:
        first, last = between
        held = Q(report__date__range=between)
        open_then = Q(opened_on__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gte=first))
    votes = list(
        PublicReportVote.objects.filter(
            held, report__village=village, report__state=RecordState.COMPLETED
        )
        .select_related("report", "post__cadre")
        .only(
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "report",
            "report__period",
            "report__date",
            "post",
            "post__kind",
            "post__cadre",
            "post__cadre__name",
        )
        .order_by("-report__date", "post__kind", "pk")[:PUBLIC_ROWS]
    )
    for vote in votes:
        vote.rate_text = format_percent(vote.satisfaction_rate)  # type: ignore[attr-defined]
    hearing_questions = list(
        HearingQuestion.objects.filter(
            Q(hearing__date__range=between) if between else Q(),
            hearing__village=village,
            hearing__state=RecordState.COMPLETED,
        )
        .select_related("hearing")
        .only(
            "category",
            "question",
            "answer",
            "satisfied",
            "hearing",
            "hearing__date",
            "hearing__period",
        )
        .order_by("-hearing__date", "pk")[:PUBLIC_ROWS]
    )
    problems = list(
        Problem.objects.filter(open_then, village=village, source__in=VILLAGER_SOURCES)
        .only("title", "source", "state", "opened_on", "deadline", "closed_on")
        .order_by("-opened_on", "-pk")[:PUBLIC_ROWS]
    )
    on = today()
    leaders = [
        {
            "name": f"{row.pop('leader__last_name')}{row.pop('leader__first_name')}".strip(),
            **row,
        }
        for row in LeaderLink.objects.active_on(on)
        .filter(village=village)
        .order_by("level", "kind", "start_date")
        .values("leader__last_name", "leader__first_name", "post", "kind", "start_date", "term_end")
    ]
    for row in leaders:
        row["kind_label"] = LinkKind(row["kind"]).label
    return {
        "branch": branch,
        "committee": committee,
        "certified": certified,
        "linked_leaders": leaders,
        "votes": votes,
        "hearing_questions": hearing_questions,
        "villager_problems": problems,
    }
