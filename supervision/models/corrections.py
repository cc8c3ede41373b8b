"""Corrections of completed records by the county (issue 16): a record reopened as a draft."""

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import audited

from .base import user_field

__all__ = ["RecordReopening"]


@audited
@pgtrigger.register(
    pgtrigger.Protect(name="reopening_is_final", operation=pgtrigger.Update | pgtrigger.Delete)
)
class RecordReopening(models.Model):
    """A county supervisor reopens a completed record (hearing, public report, redemption,
    inspection, review) to correct it: who, when, why, and which completion it undid. The
    record's triggers (`final_unless_reopened`) let it become a draft only as such a row says;
    the original stays here and in the record's history (pghistory)."""

    record_table = models.CharField(_("record"), max_length=63)
    record_id = models.BigIntegerField(_("record number"))
    completed_at = models.DateTimeField(_("completed at"))
    completed_by = user_field(_("completed by"))
    reason = models.TextField(_("reason of the correction"))
    reopened_by = user_field(_("reopened by"))
    reopened_at = models.DateTimeField(_("reopened at"), default=timezone.now)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reopening for correction")
        verbose_name_plural = _("reopenings for correction")
        ordering = ["-reopened_at", "-pk"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["record_table", "record_id", "completed_at"],
                name="one_reopening_per_completion",
            ),
        ]

    def __str__(self):
        return f"{self.record_table} {self.record_id}"
