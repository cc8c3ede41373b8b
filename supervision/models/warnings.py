"""预警: each village's current warning level with the reasons that explain it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import WarningLevel


class VillageWarningQuerySet(ScopedQuerySet):
    def raised(self):
        return self.filter(level__gt=WarningLevel.NONE)

    def unacknowledged(self):
        return self.raised().filter(acknowledged_at__isnull=True)


@audited
class VillageWarning(models.Model):
    """A village's warning as last evaluated; `reasons` lists each rule that fired, in words.
    A new evaluation that raises the level clears the acknowledgement."""

    village = models.OneToOneField(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="warning"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=WarningLevel.choices, default=WarningLevel.NONE, db_index=True
    )
    reasons = models.JSONField(_("reasons"), default=list)
    evaluated_at = models.DateTimeField(_("evaluated at"))
    since = models.DateTimeField(_("at this level since"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.CharField(_("note"), max_length=300, blank=True)
    area_code = area_code_field()

    objects = VillageWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-level", "area_code"]
        indexes = [
            models.Index(
                fields=["area_code"], name="warning_area_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.village} {self.get_level_display()}"
