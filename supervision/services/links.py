"""Writes of 双联一带 and 四包 (seed 000): the county (any leader) or the township (its own
leaders, its villages) links a leader to a village for three years or ends a link early with a
reason; the leader (or the staff) records what was solved (一事一记账); the township keeps each
village's work team roster."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.dates import today
from core.public_cache import public_changed
from core.rights import AnyUser, Right, require, scope_for
from core.types import Actor
from core.validators import check_reason
from villages.models import Village

from ..choices import LINK_TERM_YEARS, LeaderLevel, LinkKind, WorkTeamRole
from ..models import LeaderLink, LeaderMatter, Problem, WorkTeamMember

# `may_step` is not star-exported (the rectification's has that name): import this module.
__all__ = [
    "add_years",
    "leader_link_assign",
    "leader_link_end",
    "leader_matter_record",
    "link_right",
    "work_team_member_add",
    "work_team_member_end",
]


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years; 29 February becomes 28 February (as PostgreSQL's interval)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def link_right(level: str) -> Right:
    """The right that assigns (and ends) a link of a leader of `level`: county leaders are
    assigned by the county, a township's leaders by the township (or the county)."""
    return Right.SUPERVISE if level == LeaderLevel.COUNTY else Right.EDIT


def may_step(user: AnyUser, link: LeaderLink, step: str) -> bool:
    """True if `user` may take `step` on the link: "end" it early (who assigns it) or record a
    "matter" (the leader themself, or the staff managing the village)."""
    scope = scope_for(user)
    if step == "end":
        return scope.allows(link_right(link.level), link.area_code)
    if step == "matter":
        return link.leader_id == getattr(user, "pk", None) or scope.allows(
            Right.EDIT, link.area_code
        )
    return False


def _save(row, message: str):
    row.full_clean()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as e:  # a concurrent write that the check above could not see
        raise ValidationError(message) from e
    return row


@transaction.atomic
def leader_link_assign(
    *,
    actor: Actor,
    leader,
    level: str,
    post: str,
    village: Village,
    kind: str,
    start_date: dt.date,
) -> LeaderLink:
    """Link `leader` to `village` for three years from `start_date` (一定三年不变)."""
    require(actor, link_right(level), village.code)
    if level not in LeaderLevel.values or kind not in LinkKind.values:
        raise ValidationError(_("Choose the level and the kind of link."))
    post = (post or "").strip()
    if not post:
        raise ValidationError({"post": _("Give the leader's post and unit.")})
    link = LeaderLink(
        leader=leader,
        level=level,
        post=post,
        village=village,
        kind=kind,
        start_date=start_date,
        term_end=add_years(start_date, LINK_TERM_YEARS),
        assigned_by=actor,
        area_code=village.code,
    )
    public_changed(village.code)  # the public page lists the linked leaders
    return _save(link, _("The leader already holds a link of this kind over that term."))


@transaction.atomic
def leader_link_end(*, actor: Actor, link: LeaderLink, on: dt.date, reason: str) -> LeaderLink:
    """End a link before its term (a leader moved, replaced): the link and its record stay."""
    require(actor, link_right(link.level), link.area_code)
    link = LeaderLink.objects.select_for_update().get(pk=link.pk)
    if link.ended_on:
        raise ValidationError(_("The link has already ended."))
    if not (link.start_date < on < link.term_end):
        raise ValidationError({"on": _("A link ends early after it starts, within its term.")})
    link.ended_on = on
    link.end_reason = check_reason(reason, field="reason")
    link.full_clean()
    link.save(update_fields=["ended_on", "end_reason"])
    public_changed(link.area_code)
    return link


@transaction.atomic
def leader_matter_record(
    *,
    actor: Actor,
    link: LeaderLink,
    date: dt.date,
    matter: str,
    result: str,
    solved: bool = True,
    problem: Problem | None = None,
) -> LeaderMatter:
    """一事一记账: a matter the leader took on in the linked village, and what was done."""
    if not may_step(actor, link, "matter"):
        raise PermissionDenied(_("Only the leader or the village's managers record its matters."))
    if date > today():
        raise ValidationError({"date": _("A matter is recorded once it is dealt with.")})
    if not (link.start_date <= date < link.end):
        raise ValidationError({"date": _("The date is outside the link's term.")})
    if problem is not None and problem.village_id != link.village_id:
        raise ValidationError({"problem": _("The problem is of another village.")})
    row = LeaderMatter(
        link=link,
        date=date,
        matter=(matter or "").strip(),
        result=(result or "").strip(),
        solved=solved,
        problem=problem,
        recorded_by=actor,
        area_code=link.area_code,
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def work_team_member_add(
    *,
    actor: Actor,
    village: Village,
    person,
    role: str,
    unit: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> WorkTeamMember:
    """Put a person on the village's work team (the township or county)."""
    require(actor, Right.EDIT, village.code)
    if role not in WorkTeamRole.values:
        raise ValidationError({"role": _("Choose the role.")})
    member = WorkTeamMember(
        village=village,
        person=person,
        role=role,
        unit=(unit or "").strip(),
        start_date=start_date,
        end_date=end_date,
        added_by=actor,
        area_code=village.code,
    )
    return _save(member, _("The person is already in this village's team then."))


@transaction.atomic
def work_team_member_end(*, actor: Actor, member: WorkTeamMember, on: dt.date) -> WorkTeamMember:
    """The member's last day on the team."""
    require(actor, Right.EDIT, member.area_code)
    member = WorkTeamMember.objects.select_for_update().get(pk=member.pk)
    if member.end_date is not None:
        raise ValidationError(_("The member has already left the team."))
    if on < member.start_date:
        raise ValidationError({"on": _("The last day is not before the first.")})
    member.end_date = on
    member.full_clean()
    member.save(update_fields=["end_date"])
    return member
