"""定期审计: audits of a village's books and their findings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import AuditKind, FindingCategory, FindingStatus
from .books import MONEY

__all__ = ["AuditRecord", "AuditFinding"]


class AuditRecordQuerySet(ScopedQuerySet):
    pass


@audited
class AuditRecord(models.Model):
    """An audit of a village's books: periodic, on a cadre's leaving office, or special."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="audits"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AuditKind.choices)
    leaving_post = models.ForeignKey(
        "cadres.Post",
        verbose_name=_("post left (for 离任审计)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audits",
    )
    auditor = models.CharField(_("auditor"), max_length=100)
    period_start = models.DateField(_("audited from"))
    period_end = models.DateField(_("audited to"))
    report_date = models.DateField(_("report date"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    area_code = area_code_field()

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["area_code", "-period_end"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.village} {self.get_kind_display()} {self.period_end:%Y}"


class AuditFindingQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=FindingStatus.RESOLVED)


@audited
class AuditFinding(models.Model):
    """One finding of an audit, with its amount and how far its rectification has come."""

    audit = models.ForeignKey(
        AuditRecord, verbose_name=_("audit"), on_delete=models.PROTECT, related_name="findings"
    )
    category = models.CharField(_("category"), max_length=12, choices=FindingCategory.choices)
    description = models.TextField(_("what the audit found"))
    amount = models.DecimalField(_("amount involved (yuan)"), default=0, **MONEY)
    status = models.CharField(
        _("status"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    area_code = area_code_field()

    objects = AuditFindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "pk"]
        constraints = [area_code_check()]

    def __str__(self):
        return self.description[:40]
