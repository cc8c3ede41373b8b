"""The field forms' submissions (issue 21): each key a phone generates is accepted once, so a
retry after a lost answer never records twice. The database holds the rule (a unique key); the
service `field_once` writes the key and the record in one transaction."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import audited

from ..choices import FieldFormKind

__all__ = ["Submission"]


# The key's row is the proof that a submission was accepted: once it names its record, the
# database refuses changing it, and its key and sender never change (ring 2 of the trust model).
@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="submission_is_kept",
        operation=pgtrigger.Update,
        condition=~pgtrigger.Q(old__url="")
        | pgtrigger.Q(old__key__df=pgtrigger.F("new__key"))
        | pgtrigger.Q(old__user_id__df=pgtrigger.F("new__user_id")),
    )
)
class Submission(models.Model):
    """One accepted submission of a field form: its key, who sent it and the record it made."""

    key = models.UUIDField(_("submission key"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("form"), max_length=24)
    #: the record's page the phone is sent to (the same answer on every replay)
    url = models.CharField(_("record page"), max_length=300, blank=True)
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("field form submission")
        verbose_name_plural = _("field form submissions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["area_code"],
                name="submission_area_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in FieldFormKind]),
                name="submission_kind_is_a_field_form",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
