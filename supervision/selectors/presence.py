"""Reads of 在岗/驻村: who owes how many half days where in a week, what was recorded, and the
shortfalls; a fixed number of queries however many villages and people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from core.dates import today
from core.rates import presence_rate
from core.rights import AnyUser, Right
from villages.models import ContactAssignment, Village

from ..choices import PresenceRole
from ..models import PresenceShortfall, PresenceVisit, SupervisionPolicy
from ..periods import week_end

__all__ = [
    "PresenceDue",
    "is_contact_cadre",
    "presence_villages",
    "VillagePresence",
    "person_presence_weeks",
    "presence_due",
    "presence_role",
    "presence_summary",
    "presence_visits",
    "shortfall_facts",
    "village_presence",
]


def presence_role(is_backward: bool) -> str:
    """The norm a contact cadre is held to in a village: the work team's in a designated
    backward village (seed 002), the contact cadre's elsewhere (seed 001)."""
    return PresenceRole.WORK_TEAM if is_backward else PresenceRole.CONTACT_CADRE


def presence_villages(user: AnyUser, on: dt.date | None = None):
    """The villages `user` may record their presence in: those whose supervision they organize
    (a contact cadre's assigned villages, a township's or county's villages for its staff), and
    those they are linked to as a leader or serve on the work team of (双联一带, 四包)."""
    from .links import linked_villages

    organized = Village.objects.with_right(user, Right.ORGANIZE).values("pk")
    linked = linked_villages(user, on or today()).values("pk")
    return Village.objects.filter(Q(pk__in=organized) | Q(pk__in=linked)).order_by("code")


def is_contact_cadre(user: AnyUser) -> bool:
    """True if `user` is assigned to some village as its contact cadre today."""
    return ContactAssignment.objects.active().filter(cadre_id=getattr(user, "pk", None)).exists()


@dataclass
class PresenceDue:
    """One person's duty in one village for one week, and the half days recorded."""

    person_id: int
    person_name: str
    village_id: int
    village_code: str
    village_name: str
    role: str
    required: int
    recorded: int

    @property
    def short(self) -> bool:
        return self.recorded < self.required

    @property
    def missing(self) -> int:
        return max(self.required - self.recorded, 0)

    def get_role_display(self) -> str:
        return str(PresenceRole(self.role).label)


def _name(last: str, first: str, username: str) -> str:
    # The Chinese way, family name first (villages.templatetags.cunjian.person_name).
    full = f"{(last or '').strip()}{(first or '').strip()}"
    return full or username


def presence_due(monday: dt.date, villages=None) -> list[PresenceDue]:
    """Every duty of the week starting `monday`: each contact cadre assigned to a village for the
    whole week, and each work team member on a backward village's roster for the whole week (a
    period that starts or ends within the week owes nothing that week), the county's norm for
    the village, and the half days recorded. The work team's norm (seed 002) applies to the
    roster's members; a contact cadre of a backward village without a roster is still held to
    it, as before the rosters (a village with one holds its contact cadre to the contact
    cadre's norm). Linked leaders (双联一带) owe no weekly norm. `villages`: a Village queryset
    (None: all). Four queries."""
    from ..models import WorkTeamMember

    sunday = week_end(monday)
    columns = ("village_id", "village__code", "village__name", "village__is_backward")
    assignments = ContactAssignment.objects.filter(start_date__lte=monday).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=sunday)
    )
    team = WorkTeamMember.objects.filter(start_date__lte=monday, village__is_backward=True).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=sunday)
    )
    if villages is not None:
        assignments = assignments.filter(village__in=villages.values("pk"))
        team = team.filter(village__in=villages.values("pk"))
    person = ("__last_name", "__first_name", "__username")
    rows = [
        (PresenceRole.CONTACT_CADRE, r)
        for r in assignments.order_by().values_list(
            "cadre_id", *(f"cadre{p}" for p in person), *columns
        )
    ] + [
        (PresenceRole.WORK_TEAM, r)
        for r in team.order_by().values_list("person_id", *(f"person{p}" for p in person), *columns)
    ]
    if not rows:
        return []
    with_roster = {r[4] for role, r in rows if role == PresenceRole.WORK_TEAM}
    duties: dict[tuple[int, int], tuple] = {}
    for role, r in rows:
        person_id, village_id, is_backward = r[0], r[4], r[7]
        if role == PresenceRole.CONTACT_CADRE and is_backward and village_id not in with_roster:
            role = presence_role(is_backward)
        key = (person_id, village_id)
        # One duty per person and village; a contact cadre on the roster owes the team's norm.
        if key not in duties or role == PresenceRole.WORK_TEAM:
            duties[key] = (role, r)
    pairs = sorted(duties.values(), key=lambda d: (d[1][5], d[1][0]))
    visits = PresenceVisit.objects.filter(
        date__gte=monday, date__lte=sunday, village_id__in={r[4] for _role, r in pairs}
    )
    recorded = {
        (row["person_id"], row["village_id"]): row["n"]
        for row in visits.order_by().values("person_id", "village_id").annotate(n=Sum("half_days"))
    }
    policies = {
        p.area_code: p
        for p in SupervisionPolicy.objects.filter(area_code__in={r[5][:6] for _role, r in pairs})
    }
    out = []
    for role, (person_id, last, first, username, village_id, code, name, _backward) in pairs:
        policy = policies.get(code[:6]) or SupervisionPolicy(area_code=code[:6])
        out.append(
            PresenceDue(
                person_id=person_id,
                person_name=_name(last, first, username),
                village_id=village_id,
                village_code=code,
                village_name=name,
                role=role,
                required=policy.presence_norm(role),
                recorded=recorded.get((person_id, village_id), 0),
            )
        )
    return out


@dataclass
class VillagePresence:
    """A village's duties of one week (for the township's page)."""

    village: Village
    dues: list[PresenceDue] = field(default_factory=list)

    @property
    def short(self) -> bool:
        return any(d.short for d in self.dues)


def village_presence(villages, monday: dt.date) -> list[VillagePresence]:
    """The villages of `villages` (a scoped queryset) with their duties of the week; four
    queries."""
    rows = {v.pk: VillagePresence(v) for v in villages.order_by("code")}
    for due in presence_due(monday, villages):
        if due.village_id in rows:
            rows[due.village_id].dues.append(due)
    return list(rows.values())


def presence_summary(dues: list[PresenceDue]) -> dict:
    """The figures of a set of duties: how many, how many met the norm, the rate (core.rates)."""
    met = sum(1 for d in dues if not d.short)
    villages_short = len({d.village_id for d in dues if d.short})
    return {
        "due": len(dues),
        "met": met,
        "short": len(dues) - met,
        "villages_short": villages_short,
        "rate": presence_rate(met=met, due=len(dues)),
    }


def presence_visits():
    """Visits with what their list shows (one query per page)."""
    return PresenceVisit.objects.select_related("village__township", "person", "recorded_by")


def person_presence_weeks(person, villages, mondays: list[dt.date]) -> list[tuple]:
    """(monday, the person's duties that week) for each of `mondays`, limited to `villages`."""
    out = []
    for monday in mondays:
        dues = [d for d in presence_due(monday, villages) if d.person_id == person.pk]
        out.append((monday, dues))
    return out


def shortfall_facts(monday: dt.date, codes: list[str] | None) -> dict[int, list[dict]]:
    """The week's stored shortfalls by village id, for the warning rule (one query)."""
    qs = PresenceShortfall.objects.in_week(monday)
    if codes is not None:
        qs = qs.filter(area_code__in=codes)
    out: dict[int, list[dict]] = defaultdict(list)
    for row in qs.order_by("village_id", "person__last_name", "person__first_name").values(
        "village_id",
        "required",
        "recorded",
        "person__last_name",
        "person__first_name",
        "person__username",
    ):
        row["name"] = _name(
            row.pop("person__last_name"), row.pop("person__first_name"), row.pop("person__username")
        )
        out[row["village_id"]].append(row)
    return out
