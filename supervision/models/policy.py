"""A county's settings of the supervision cycle: due dates, reminders, review dimensions and
the warning thresholds and levels."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import COUNTY, area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from core.rights import scope_for
from villages.models import audited

from ..choices import (
    DEFAULT_DUE_MONTHS,
    DEFAULT_GRADE_FLOORS,
    DEFAULT_PRESENCE_NORMS,
    DEFAULT_REVIEW_DIMENSIONS,
    DEFAULT_RULE_LEVELS,
    PresenceRole,
)


def default_due_months():
    return {str(k): v for k, v in DEFAULT_DUE_MONTHS.items()}


def default_dimensions():
    return list(DEFAULT_REVIEW_DIMENSIONS)


def default_grade_floors():
    return dict(DEFAULT_GRADE_FLOORS)


def default_rule_levels():
    return {str(k): int(v) for k, v in DEFAULT_RULE_LEVELS.items()}


RATE = {
    "max_digits": 4,
    "decimal_places": 3,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
}


class SupervisionPolicyQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Everyone in a county reads its policy (a township's scope lies under the county)."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(area_code__in=scope.counties())


@audited
class SupervisionPolicy(models.Model):
    """One county's rules of the cycle; a county without one uses the defaults."""

    area_code = area_code_field(_("county code"), max_length=6, unique=True)
    due_months = models.JSONField(
        _("due dates (months from the start of the period)"), default=default_due_months
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before a due date"), default=7
    )
    review_dimensions = models.JSONField(_("review dimensions"), default=default_dimensions)
    grade_floors = models.JSONField(_("lowest score of each grade"), default=default_grade_floors)
    satisfaction_threshold = models.DecimalField(
        _("warn below this satisfaction rate"), default=Decimal("0.800"), **RATE
    )
    redemption_threshold = models.DecimalField(
        _("warn below this pledge fulfilment rate"), default=Decimal("0.800"), **RATE
    )
    rule_levels = models.JSONField(
        _("level raised by each warning rule"), default=default_rule_levels
    )
    escalate_after_reasons = models.PositiveSmallIntegerField(
        _("raise the level by one from this many reasons"), default=3
    )
    county_escalation_days = models.PositiveSmallIntegerField(
        _("pass an overdue problem to the county after this many days"), default=30
    )
    # 在岗/驻村: half days a week each contact cadre spends in each of their villages (seed 001),
    # and in a designated backward village, where the work team's norm applies (seed 002).
    contact_presence_half_days = models.PositiveSmallIntegerField(
        _("contact cadre's half days a week in each village"),
        default=DEFAULT_PRESENCE_NORMS[PresenceRole.CONTACT_CADRE],
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    work_team_presence_half_days = models.PositiveSmallIntegerField(
        _("half days a week in a backward village"),
        default=DEFAULT_PRESENCE_NORMS[PresenceRole.WORK_TEAM],
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SupervisionPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision policy")
        verbose_name_plural = _("supervision policies")
        constraints = [area_code_check(COUNTY)]

    def __str__(self):
        return self.area_code

    def presence_norm(self, role: str) -> int:
        """Half days a week per village that `role` (a PresenceRole) must spend there."""
        if role == PresenceRole.WORK_TEAM:
            return self.work_team_presence_half_days
        return self.contact_presence_half_days
