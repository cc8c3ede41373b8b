"""The last verification of each village's chain: written by the nightly check (and on demand
by `manage.py verify_ledgers --record`), read by the county's integrity page, which so shows
every village's verdict without recomputing a single chain."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

__all__ = ["ChainCheck"]


class ChainCheckQuerySet(ScopedQuerySet):
    pass


@audited
class ChainCheck(models.Model):
    """A village's chain as `verify_chain` last found it (one row per village, replaced at each
    check; the change log keeps the earlier verdicts, so when a chain broke stays known): a
    verdict of the machine, attributed to no user."""

    village = models.OneToOneField(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="chain_check"
    )
    checked_at = models.DateTimeField(_("checked at"))
    intact = models.BooleanField(_("intact"))
    vouchers = models.PositiveIntegerField(_("posted vouchers checked"))
    anchors = models.PositiveIntegerField(_("published chain heads checked"))
    #: where the chain breaks: a voucher's number or a statement's title
    broken_at = models.CharField(_("broken at"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    area_code = area_code_field()

    objects = ChainCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("chain check")
        verbose_name_plural = _("chain checks")
        ordering = ["area_code"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=models.Q(intact=True, reason="", broken_at="")
                | models.Q(intact=False) & ~models.Q(reason=""),
                name="a_broken_chain_says_why",
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.checked_at:%Y-%m-%d}"
