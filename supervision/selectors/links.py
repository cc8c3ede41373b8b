"""Reads of 双联一带 and 四包: each link with its leader's visits (PresenceVisit rows of the
leader in the village, within the term) this quarter and this year, the last visit, and the
flag of a whole quarter without one; the work teams. A fixed number of queries per page."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.rights import AnyUser
from villages.models import Village

from ..choices import PeriodKind
from ..models import LeaderLink, LeaderMatter, PresenceVisit, Problem, WorkTeamMember
from ..periods import Period

__all__ = [
    "active_accounts",
    "idle_last_quarter",
    "leader_link_of",
    "link_problems",
    "link_visits",
    "idle_link_facts",
    "leader_links",
    "link_matters",
    "linked_villages",
    "village_leader_links",
    "work_team_members",
]


def _visits(day_from: dt.date, day_to: dt.date):
    """The link's leader's visits to its village between the two days (inclusive), in its term."""
    return PresenceVisit.objects.filter(
        person_id=OuterRef("leader_id"),
        village_id=OuterRef("village_id"),
        date__gte=OuterRef("start_date"),
        date__lt=Coalesce(OuterRef("ended_on"), OuterRef("term_end")),
    ).filter(date__gte=day_from, date__lte=day_to)


def _agg(qs, expr, by="person_id"):
    sub = qs.order_by().values(by).annotate(v=expr).values("v")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def leader_links(on: dt.date):
    """Links with what their pages show, annotated with the leader's visits as of `on`:
    `visits_quarter`, `half_days_quarter`, `visits_year`, `half_days_year`, `last_visit`,
    `visits_last_quarter`, and `idle_last_quarter` (in force the whole last quarter and never
    visited in it). Subqueries: one query per page however many links."""
    quarter = Period.containing(PeriodKind.QUARTER, on)
    last = quarter.previous()
    year_start = dt.date(on.year, 1, 1)
    this_q = _visits(quarter.start, on)
    this_y = _visits(year_start, on)
    last_q = _visits(last.start, last.end)
    last_visit = _visits(dt.date.min, on).order_by("-date").values("date")[:1]
    return LeaderLink.objects.select_related("leader", "village__township").annotate(
        visits_quarter=_agg(this_q, Count("pk")),
        half_days_quarter=_agg(this_q, Sum("half_days")),
        visits_year=_agg(this_y, Count("pk")),
        half_days_year=_agg(this_y, Sum("half_days")),
        visits_last_quarter=_agg(last_q, Count("pk")),
        last_visit=Subquery(last_visit),
        matters_count=_agg(
            LeaderMatter.objects.filter(link_id=OuterRef("pk")).values("link_id"),
            Count("pk"),
            by="link_id",
        ),
    )


def idle_last_quarter(link, on: dt.date) -> bool:
    """True if the link was in force the whole last quarter and its leader never visited."""
    last = Period.containing(PeriodKind.QUARTER, on).previous()
    whole = link.start_date <= last.start and link.end > last.end
    return whole and not link.visits_last_quarter


def linked_villages(user: AnyUser, on: dt.date):
    """The villages `user` is linked to as a leader, or serves on the work team of, on `on`."""
    pk = getattr(user, "pk", None)
    links = LeaderLink.objects.active_on(on).filter(leader_id=pk).values("village_id")
    teams = WorkTeamMember.objects.active_on(on).filter(person_id=pk).values("village_id")
    return Village.objects.filter(Q(pk__in=links) | Q(pk__in=teams))


def leader_link_of(person_id: int, village_id: int | None, day: dt.date):
    """The person's link to the village (None: to any village) in force on `day`, or None."""
    links = LeaderLink.objects.active_on(day).filter(leader_id=person_id)
    if village_id is not None:
        links = links.filter(village_id=village_id)
    return links.order_by("pk").first()


def link_visits(link):
    """The leader's visits to the linked village within the term, newest first (read through
    the link, which the reader sees: a leader without an area role sees their own)."""
    return PresenceVisit.objects.filter(
        person_id=link.leader_id,
        village_id=link.village_id,
        date__gte=link.start_date,
        date__lt=link.end,
    ).order_by("-date", "-pk")


def link_problems(user: AnyUser, link):
    """The problems of the link's village the reader sees (a matter may name the one closed)."""
    return Problem.objects.visible_to(user).filter(village_id=link.village_id).order_by("-pk")


def active_accounts():
    """Accounts that may be named a leader or a work team member."""
    return get_user_model().objects.filter(is_active=True)


def link_matters(link):
    """The link's matters, newest first, with the problems they closed."""
    return LeaderMatter.objects.filter(link=link).select_related("problem", "recorded_by")


def village_leader_links(village, on: dt.date):
    """The leaders linked to `village` on `on` (the village page, the public page)."""
    return (
        LeaderLink.objects.active_on(on)
        .filter(village=village)
        .select_related("leader")
        .order_by("level", "kind", "start_date")
    )


def work_team_members():
    """Work team members with what their list shows."""
    return WorkTeamMember.objects.select_related("village__township", "person")


def idle_link_facts(quarter: Period, codes: list[str] | None) -> dict[int, list[str]]:
    """The leaders (by name, per village id) linked to a village for the whole of `quarter`
    who recorded no visit to it in that quarter (the warning rule). One query."""
    visited = PresenceVisit.objects.filter(
        person_id=OuterRef("leader_id"),
        village_id=OuterRef("village_id"),
        date__gte=quarter.start,
        date__lte=quarter.end,
    )
    links = (
        LeaderLink.objects.filter(start_date__lte=quarter.start)
        .filter(Q(ended_on__isnull=True, term_end__gt=quarter.end) | Q(ended_on__gt=quarter.end))
        .exclude(Exists(visited))
    )
    if codes is not None:
        links = links.filter(area_code__in=codes)
    out: dict[int, list[str]] = {}
    for village_id, last, first, username in links.order_by(
        "village_id", "leader__last_name", "leader__first_name"
    ).values_list("village_id", "leader__last_name", "leader__first_name", "leader__username"):
        out.setdefault(village_id, []).append(f"{last}{first}".strip() or username)
    return out
