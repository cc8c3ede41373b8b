"""后进村整顿 (seed 002): a backward village designated for a year, its plan (一村一策), monthly
progress, the acceptance inspection (验收) and follow-up visits against relapse (回访)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import RectificationState


class RectificationQuerySet(ScopedQuerySet):
    def in_year(self, year: int):
        return self.filter(year=year)

    def unaccepted(self):
        return self.exclude(state=RectificationState.PASSED)


@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="accepted_rectification_is_final",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=RectificationState.PASSED),
    ),
)
class Rectification(models.Model):
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reasons = models.TextField(_("why it is designated"))
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=RectificationState.choices,
        default=RectificationState.DESIGNATED,
    )
    measures = models.TextField(_("measures"), blank=True)
    leader = models.CharField(_("responsible leader"), max_length=50, blank=True)
    work_team = models.TextField(_("work team"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    applied_on = models.DateField(_("applied for acceptance on"), null=True, blank=True)
    accepted_on = models.DateField(_("acceptance inspected on"), null=True, blank=True)
    acceptance_by = models.CharField(_("acceptance inspected by"), max_length=100, blank=True)
    acceptance_notes = models.TextField(_("acceptance notes"), blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("designated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("designated at"), auto_now_add=True)
    area_code = area_code_field()

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("backward-village rectification")
        verbose_name_plural = _("backward-village rectifications")
        ordering = ["-year", "area_code"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["village", "year"], name="one_rectification_a_year"),
        ]

    def __str__(self):
        return f"{self.village} {self.year}"


@audited
@pgtrigger.register(pgtrigger.Protect(name="progress_is_kept", operation=pgtrigger.Delete))
class RectificationProgress(models.Model):
    """The monthly progress report of a rectification."""

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        on_delete=models.PROTECT,
        related_name="progress",
    )
    month = models.DateField(_("month"))  # the first day of the month
    progress = models.TextField(_("progress"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly progress")
        verbose_name_plural = _("monthly progress")
        ordering = ["month"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["rectification", "month"], name="one_progress_a_month"),
        ]

    def __str__(self):
        return f"{self.rectification} {self.month:%Y-%m}"


@audited
@pgtrigger.register(pgtrigger.Protect(name="visits_are_kept", operation=pgtrigger.Delete))
class FollowUpVisit(models.Model):
    """回访: a visit after acceptance to see that the village has not relapsed."""

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    date = models.DateField(_("date of the visit"))
    visitor = models.CharField(_("visited by"), max_length=100)
    findings = models.TextField(_("findings"))
    relapsed = models.BooleanField(_("relapsed"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["date"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.rectification} {self.date}"
