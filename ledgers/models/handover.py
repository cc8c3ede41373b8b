"""换届交接: the handover of the books when a secretary's or chair's post ends."""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import HandoverState
from .books import MONEY

__all__ = ["Handover"]


class HandoverQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="signed_handover_is_final",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=HandoverState.SIGNED),
    ),
)
class Handover(models.Model):
    """交账 and 接账: what the outgoing cadre hands over, as of a date, frozen once all three
    (outgoing, incoming, the township supervisor) have signed."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="handovers"
    )
    ended_post = models.OneToOneField(
        "cadres.Post",
        verbose_name=_("post that ended"),
        on_delete=models.PROTECT,
        related_name="handover",
    )
    incoming = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("incoming cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    as_of = models.DateField(_("as of"))
    state = models.CharField(
        _("state"), max_length=8, choices=HandoverState.choices, default=HandoverState.DRAFT
    )
    book_balances = models.JSONField(_("book balances and registers as of the date"), default=dict)
    cash_counted = models.DecimalField(_("cash counted (yuan)"), default=0, **MONEY)
    bank_counted = models.DecimalField(_("bank balance confirmed (yuan)"), default=0, **MONEY)
    differences = models.TextField(_("differences and their explanation"), blank=True)
    documents = models.TextField(
        _("documents handed over"),
        blank=True,
        help_text=_("Books, vouchers, contracts, seals ... one per line."),
    )
    outgoing_signed_on = models.DateField(
        _("signed by the outgoing cadre on"), null=True, blank=True
    )
    incoming_signed_on = models.DateField(
        _("signed by the incoming cadre on"), null=True, blank=True
    )
    supervisor = models.CharField(_("township supervisor"), max_length=30, blank=True)
    supervisor_signed_on = models.DateField(_("signed by the supervisor on"), null=True, blank=True)
    area_code = area_code_field()

    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["area_code", "-as_of"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.village} {self.as_of:%Y-%m-%d}"
