"""双联一带 and 四包 (seed 000): county and township leaders linked to villages for three years
(一定三年不变), what they solved there (一事一记账), and each village's work team roster
(驻村工作队, 包村工作组). Visits are PresenceVisit rows of the leader in the linked village."""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import LINK_TERM_YEARS, LeaderLevel, LinkKind, WorkTeamRole
from .problems import Problem

__all__ = ["LeaderLink", "LeaderMatter", "WorkTeamMember", "term_end_sql"]


class _DateRange(Func):
    """PostgreSQL's daterange(lower, upper, '[)'): the days a row is in force."""

    function = "daterange"
    output_field = DateRangeField()


def term_end_sql():
    """The stored term's end, as the database computes it: the start plus three years (a term
    started on 29 February ends on 28 February, as Python's dates do too)."""
    return Func(
        F("start_date"),
        template=f"((%(expressions)s + interval '{LINK_TERM_YEARS} years')::date)",
        output_field=models.DateField(),
    )


class _LinkQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """In the reader's scope, or the reader's own (a leader holds no area role)."""
        own = Q(**{self.own_field: getattr(user, "pk", None)})
        return self.filter(Q(pk__in=super().visible_to(user).values("pk")) | own)

    own_field = "leader"

    def active_on(self, day):
        return self.filter(start_date__lte=day).filter(
            Q(ended_on__isnull=True, term_end__gt=day) | Q(ended_on__gt=day)
        )


class LeaderLinkQuerySet(_LinkQuerySet):
    pass


class LeaderMatterQuerySet(_LinkQuerySet):
    own_field = "link__leader"


@audited
@pgtrigger.register(pgtrigger.Protect(name="link_is_kept", operation=pgtrigger.Delete))
class LeaderLink(models.Model):
    """A leader linked to a village for three years: 双联一带's model or backward branch, or
    one of 四包's villages. Ended early (replaced) with a reason, never deleted."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="leader_links",
    )
    level = models.CharField(_("level"), max_length=12, choices=LeaderLevel.choices)
    post = models.CharField(_("post and unit"), max_length=100)
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of link"), max_length=12, choices=LinkKind.choices)
    start_date = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))  # exclusive: start + three years
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended early"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    area_code = area_code_field()

    objects = LeaderLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader's linked village")
        verbose_name_plural = _("leaders' linked villages")
        ordering = ["-start_date", "area_code"]
        indexes = [
            models.Index(
                fields=["area_code"],
                name="leaderlink_area_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(term_end=term_end_sql()),
                name="link_term_is_three_years",
                violation_error_message=_("A link's term is three years."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gt=F("start_date"), ended_on__lt=F("term_end")),
                name="link_ends_within_its_term",
                violation_error_message=_("A link ends early after it starts, within its term."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="link_early_end_has_reason",
                violation_error_message=_("Say why the link ended early."),
            ),
            # One link of a kind at a time for a leader (one model village, one backward
            # branch): the database refuses overlapping terms, whoever writes.
            ExclusionConstraint(
                name="one_link_of_a_kind_at_a_time",
                expressions=[
                    (F("leader"), RangeOperators.EQUAL),
                    (F("kind"), RangeOperators.EQUAL),
                    (
                        _DateRange(
                            F("start_date"), Coalesce(F("ended_on"), F("term_end")), Value("[)")
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message=_(
                    "The leader already holds a link of this kind over that term."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.get_kind_display()}"

    @property
    def end(self):
        """The first day the link is no longer in force."""
        return self.ended_on or self.term_end


@audited
@pgtrigger.register(pgtrigger.Protect(name="matter_is_kept", operation=pgtrigger.Delete))
class LeaderMatter(models.Model):
    """一事一记账: one matter a linked leader took on in the village and what was done."""

    link = models.ForeignKey(
        LeaderLink, verbose_name=_("link"), on_delete=models.PROTECT, related_name="matters"
    )
    date = models.DateField(_("date"))
    matter = models.TextField(_("matter"))
    result = models.TextField(_("what was done"))
    solved = models.BooleanField(_("solved"), default=True)
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem closed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    area_code = area_code_field()

    objects = LeaderMatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("matter taken on")
        verbose_name_plural = _("matters taken on")
        ordering = ["-date", "-pk"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.link} {self.date}"


class WorkTeamQuerySet(ScopedQuerySet):
    def active_on(self, day):
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def leads(self):
        from ..choices import WORK_TEAM_LEADS

        return self.filter(role__in=WORK_TEAM_LEADS)


@audited
@pgtrigger.register(pgtrigger.Protect(name="team_member_is_kept", operation=pgtrigger.Delete))
class WorkTeamMember(models.Model):
    """A member of a village's work team (驻村工作队, 包村工作组): who, in which role, sent by
    which unit, from when to when (the last day; open while serving)."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="work_teams",
    )
    role = models.CharField(_("role"), max_length=16, choices=WorkTeamRole.choices)
    unit = models.CharField(_("sending unit"), max_length=100)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()

    objects = WorkTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("work team member")
        verbose_name_plural = _("work team members")
        ordering = ["area_code", "role", "start_date"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="team_member_ends_after_start",
                violation_error_message=_("The last day is not before the first."),
            ),
            ExclusionConstraint(
                name="one_place_in_a_team_at_a_time",
                expressions=[
                    (F("person"), RangeOperators.EQUAL),
                    (F("village"), RangeOperators.EQUAL),
                    (
                        _DateRange(F("start_date"), F("end_date"), Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message=_("The person is already in this village's team then."),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.get_role_display()}"
