"""The cycle: one planned duty per village, kind and period, and the reminders it sends."""

from typing import Self

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited, audited_in_bulk

from ..choices import TaskKind, TaskState
from .base import PERIOD_CODE


class SupervisionTaskQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(state=TaskState.DONE)

    def overdue(self, on=None):
        """Not done and past the due date (whether or not the daily job has marked it yet)."""
        return self.open().filter(due_date__lt=on or today())


@audited_in_bulk
class SupervisionTask(models.Model):
    """A duty of the cycle (an inspection, a hearing, ...) planned for a village and a period;
    the record that fulfils it points back here and marks it done."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("duty"), max_length=20, choices=TaskKind.choices)
    period = models.CharField(_("period"), **PERIOD_CODE)
    due_date = models.DateField(_("due date"), db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=TaskState.choices, default=TaskState.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    objects = SupervisionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision duty")
        verbose_name_plural = _("supervision duties")
        ordering = ["due_date", "area_code", "kind"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "kind", "period"], name="one_duty_per_village_kind_period"
            ),
            models.CheckConstraint(
                condition=Q(state=TaskState.DONE, done_on__isnull=False)
                | (~Q(state=TaskState.DONE) & Q(done_on__isnull=True)),
                name="duty_done_has_a_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["area_code"], name="task_area_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["period", "kind"], name="task_period_kind"),
        ]

    def __str__(self):
        return f"{self.village} {self.period} {self.get_kind_display()}"

    @property
    def on_time(self) -> bool | None:
        if self.done_on is None:
            return None
        return self.done_on <= self.due_date


class NotificationQuerySet(ScopedQuerySet):
    scope_field = "area_code"

    def for_user(self, user: User) -> Self:
        return self.filter(user=user)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


@audited
class Notification(models.Model):
    """An in-app reminder for one user (shown on "my work"); `key` makes sending idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    task = models.ForeignKey(
        SupervisionTask,
        verbose_name=_("duty"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("key"), max_length=80)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    emailed = models.BooleanField(_("sent by e-mail"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    area_code = area_code_field()

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            # A village's record, or a county's or township's report (work.notify).
            area_code_check((6, 9, 12)),
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key"),
        ]

    def __str__(self):
        return self.message
