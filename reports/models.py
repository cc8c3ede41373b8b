"""Models of the reports app: each generation of a report is kept as a run."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import audited

from .choices import ACTIVE_STATES, ReportKind, RunState
from .storage import reports_storage


class ReportRunQuerySet(ScopedQuerySet):
    def active(self) -> Self:
        return self.filter(state__in=ACTIVE_STATES)

    def done(self):
        return self.filter(state=RunState.DONE)


def private_storage():
    """The `reports` storage (reports/storage.py: this host's private folder, or a bucket)."""
    return reports_storage


def report_path(run, filename: str) -> str:
    return f"reports/{run.period}/{run.kind}-{run.area_code}-{run.period}-v{run.version}.pdf"


@audited
class ReportRun(models.Model):
    """One generation of a report for an area (a county, a township or a village) and a period:
    who asked (none when the schedule did), its progress while it runs, then its file and the
    file's SHA-256. Earlier versions stay downloadable."""

    kind = models.CharField(_("report"), max_length=12, choices=ReportKind.choices)
    area_code = area_code_field()
    period = models.CharField(_("period"), max_length=7)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=report_path, storage=private_storage, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    seconds = models.FloatField(_("time taken (s)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        constraints = [
            area_code_check((6, 9, 12)),
            models.UniqueConstraint(
                fields=["kind", "area_code", "period"],
                condition=Q(state__in=ACTIVE_STATES),
                name="one_active_run_per_report",
            ),
            models.UniqueConstraint(
                fields=["kind", "area_code", "period", "version"], name="one_run_per_version"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_is_a_percentage"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.area_code} {self.period} v{self.version}"
