"""资产 and 资源: the registers of collective assets and resources, with their history."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import (
    AssetCategory,
    AssetMovementKind,
    AssetStatus,
    FundingSource,
    LandKind,
    PaymentSchedule,
    ResourceStatus,
)
from .books import MONEY, Voucher

__all__ = ["Asset", "AssetMovement", "Resource", "ResourceContract", "ContractPayment"]

AREA = {"max_digits": 12, "decimal_places": 2}


class AssetQuerySet(ScopedQuerySet):
    def current(self):
        return self.exclude(status=AssetStatus.DISPOSED)


@audited
class Asset(models.Model):
    """A collective asset of the village (building, machine, well, road ...)."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="assets"
    )
    category = models.CharField(_("category"), max_length=12, choices=AssetCategory.choices)
    name = models.CharField(_("name"), max_length=100)
    quantity = models.DecimalField(_("quantity"), default=1, **AREA)
    unit = models.CharField(_("unit"), max_length=10, default="项")
    original_value = models.DecimalField(_("original value (yuan)"), **MONEY)
    acquired_on = models.DateField(_("acquired on"))
    funding_source = models.CharField(
        _("funding source"), max_length=12, choices=FundingSource.choices
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    custodian = models.CharField(_("custodian"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AssetStatus.choices, default=AssetStatus.IN_USE
    )
    notes = models.TextField(_("notes"), blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["area_code", "category", "name"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(original_value__gte=0, quantity__gt=0), name="asset_value_positive"
            ),
        ]

    def __str__(self):
        return self.name


class AssetMovementQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    # The history of an asset is appended to, never rewritten.
    pgtrigger.Protect(name="asset_history_is_final", operation=pgtrigger.Update | pgtrigger.Delete),
)
class AssetMovement(models.Model):
    """One event in an asset's life: acquired, leased out, transferred, disposed, written off."""

    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("movement"), max_length=12, choices=AssetMovementKind.choices)
    date = models.DateField(_("date"))
    counterparty = models.CharField(_("counterparty"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), default=0, **MONEY)
    status_after = models.CharField(_("status after"), max_length=10, choices=AssetStatus.choices)
    notes = models.TextField(_("notes"), blank=True)
    decision = models.ForeignKey(
        "ledgers.Decision",
        verbose_name=_("decision (四议两公开)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_movements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssetMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset movement")
        verbose_name_plural = _("asset movements")
        ordering = ["asset", "date", "pk"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.asset} {self.get_kind_display()} {self.date:%Y-%m-%d}"


class ResourceQuerySet(ScopedQuerySet):
    pass


@audited
class Resource(models.Model):
    """A collectively owned resource: a parcel of land, forest or water, in 亩."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="resources"
    )
    land_kind = models.CharField(
        _("land category (GB/T 21010-2017)"), max_length=4, choices=LandKind.choices
    )
    name = models.CharField(_("name or parcel number"), max_length=100)
    area_mu = models.DecimalField(_("area (mu)"), **AREA)
    location = models.CharField(_("location"), max_length=100, blank=True)
    east = models.CharField(_("bounded on the east by"), max_length=60, blank=True)
    south = models.CharField(_("bounded on the south by"), max_length=60, blank=True)
    west = models.CharField(_("bounded on the west by"), max_length=60, blank=True)
    north = models.CharField(_("bounded on the north by"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.IDLE
    )
    notes = models.TextField(_("notes"), blank=True)
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["area_code", "land_kind", "name"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="resource_area_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def land_class(self) -> str:
        """The first-level class (01 耕地, 03 林地 ...) of the land category."""
        return self.land_kind[:2]


class ResourceContractQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    # The decision a contract was signed under stays its decision.
    pgtrigger.Protect(
        name="contract_keeps_its_decision",
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(old__decision_id__df=pgtrigger.F("new__decision_id")),
    ),
)
class ResourceContract(models.Model):
    """A contract that puts a resource in someone's hands (发包, 租赁), with its fee."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="contracts"
    )
    party = models.CharField(_("contracting party"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    annual_fee = models.DecimalField(_("annual fee (yuan)"), **MONEY)
    schedule = models.CharField(
        _("payment schedule"),
        max_length=12,
        choices=PaymentSchedule.choices,
        default=PaymentSchedule.ANNUAL,
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decision = models.ForeignKey(
        "ledgers.Decision",
        verbose_name=_("decision (四议两公开)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    area_code = area_code_field()

    objects = ResourceContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource contract")
        verbose_name_plural = _("resource contracts")
        ordering = ["area_code", "end_date"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")) & Q(annual_fee__gte=0),
                name="contract_dates_and_fee",
            ),
        ]

    def __str__(self):
        return f"{self.resource} · {self.party}"


class ContractPaymentQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    pgtrigger.Protect(name="payments_are_final", operation=pgtrigger.Update | pgtrigger.Delete),
)
class ContractPayment(models.Model):
    """A fee received under a contract; a correction is a new (negative) payment."""

    contract = models.ForeignKey(
        ResourceContract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    voucher = models.ForeignKey(
        Voucher,
        verbose_name=_("voucher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()

    objects = ContractPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract payment")
        verbose_name_plural = _("contract payments")
        ordering = ["contract", "received_on"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.contract} {self.amount}"
