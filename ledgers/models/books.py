"""一账: the village ledger of collective funds — chart of accounts, verification (清理认定),
vouchers posted into a tamper-evident hash chain, and closed periods."""

from typing import Self

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import COUNTY, area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from core.rights import scope_for
from core.triggers import frozen_with_parent
from villages.models import Village, audited

from ..choices import AccountClass, NormalSide, VerificationState, VoucherState

__all__ = [
    "Account",
    "Verification",
    "OpeningBalance",
    "Voucher",
    "VoucherLine",
    "ClosedPeriod",
]

MONEY = {"max_digits": 16, "decimal_places": 2}


class AccountQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The official chart for everyone, plus the sub-accounts of the user's county."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(Q(area_code="") | Q(area_code__in=scope.counties()))

    def usable_in(self, county_code: str) -> Self:
        """Accounts a village of this county posts to: official ones and the county's own."""
        return self.filter(Q(area_code="") | Q(area_code=county_code), is_active=True)


@audited
class Account(models.Model):
    """An account of the chart (农村集体经济组织会计制度); counties add sub-accounts below the
    official ones and never change those."""

    code = models.CharField(_("account code"), max_length=12)
    name = models.CharField(_("account name"), max_length=60)
    account_class = models.CharField(_("class"), max_length=12, choices=AccountClass.choices)
    normal_side = models.CharField(_("normal side"), max_length=6, choices=NormalSide.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_official = models.BooleanField(_("official account"), default=False)
    to_be_confirmed = models.BooleanField(
        _("to be confirmed against the official text"), default=False
    )
    is_active = models.BooleanField(_("in use"), default=True)
    # "" for the official chart, the county's 6-digit code for its sub-accounts.
    area_code = area_code_field(blank=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["code"]
        constraints = [
            area_code_check(COUNTY, blank=True),
            models.UniqueConstraint(fields=["area_code", "code"], name="account_code_per_chart"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class VerificationQuerySet(ScopedQuerySet):
    def confirmed(self):
        return self.filter(state=VerificationState.CONFIRMED)


@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="confirmed_verification_is_final",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=VerificationState.CONFIRMED),
    ),
)
class Verification(models.Model):
    """清理认定: the opening position of a village's books, prepared by the village and
    confirmed by the township; nothing posts before it is confirmed."""

    village = models.OneToOneField(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="verification"
    )
    as_of = models.DateField(_("as of"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=VerificationState.choices,
        default=VerificationState.DRAFT,
    )
    notes = models.TextField(_("notes"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Frozen at confirmation: the asset and resource registers the books open with.
    opening_registers = models.JSONField(
        _("opening asset and resource registers"), default=dict, blank=True, editable=False
    )
    area_code = area_code_field()

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.village} {self.as_of:%Y-%m-%d}"


class OpeningBalanceQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    frozen_with_parent(
        "ledgers_verification",
        "verification_id",
        "state = 'confirmed'",
        "verification % is confirmed: its balances cannot change",
        name="confirmed_opening_balances_are_final",
    ),
)
class OpeningBalance(models.Model):
    """The balance of one account on the verification date."""

    verification = models.ForeignKey(
        Verification,
        verbose_name=_("verification"),
        on_delete=models.CASCADE,
        related_name="balances",
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    debit = models.DecimalField(_("debit"), default=0, **MONEY)
    credit = models.DecimalField(_("credit"), default=0, **MONEY)
    area_code = area_code_field()

    objects = OpeningBalanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("opening balance")
        verbose_name_plural = _("opening balances")
        ordering = ["account__code"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["verification", "account"], name="one_opening_balance_per_account"
            ),
            models.CheckConstraint(
                condition=Q(debit__gte=0, credit__gte=0) & (Q(debit=0) | Q(credit=0)),
                name="opening_balance_on_one_side",
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.debit or -self.credit}"


class VoucherQuerySet(ScopedQuerySet):
    def posted(self):
        return self.filter(state=VoucherState.POSTED)


# The database's own rules of the books (the guard triggers of migration 0009, which no
# session setting switches off, unlike pgtrigger's): a voucher and its lines are written as
# drafts; posting is the one way into the chain, at the next position and linked to the previous
# hash; a posted voucher or line never changes or goes; a line's copies of its voucher's
# village, date and posting agree with the voucher at commit; neither table can be truncated.
@audited
class Voucher(models.Model):
    """记账凭证: a double-entry voucher of a village; posted, it joins the village's hash chain."""

    # No index of its own: the unique constraints lead with it, and a lone village index (whose
    # statistics lag behind a bulk load) drew the chain's lookups into scanning every voucher.
    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="vouchers",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("voucher number"))
    date = models.DateField(_("date"))
    summary = models.CharField(_("summary"), max_length=200)
    attachments = models.PositiveSmallIntegerField(_("attachments"), default=0)
    state = models.CharField(
        _("state"), max_length=8, choices=VoucherState.choices, default=VoucherState.DRAFT
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    # The 四议两公开 decision the voucher spends under (needed above the county's threshold,
    # ledgers/services/decisions.py); once posted the link is as final as the voucher.
    decision = models.ForeignKey(
        "ledgers.Decision",
        verbose_name=_("decision (四议两公开)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    # Position in the village's chain of posted vouchers, and the chain's hashes.
    chain_seq = models.PositiveIntegerField(
        _("position in the chain"), null=True, blank=True, editable=False
    )
    prev_hash = models.CharField(
        _("previous voucher's hash"), max_length=64, blank=True, editable=False
    )
    hash = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    # The canonical form the hash was computed with (ledgers/chain.py); null while a draft.
    chain_version = models.PositiveSmallIntegerField(
        _("chain format version"), null=True, blank=True, editable=False
    )
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["area_code", "-year", "-number"]
        indexes = [
            # The end of a village's chain, which every posting looks up (the guard of migration
            # ledgers 0009 too): drafts carrying chain fields (the demo's) are not in it.
            models.Index(
                fields=["village", "chain_seq"],
                name="posted_vouchers_in_chain",
                condition=Q(state="posted"),
            ),
        ]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "year", "number"], name="voucher_number_per_village_year"
            ),
            models.UniqueConstraint(
                fields=["village", "chain_seq"], name="one_link_per_chain_position"
            ),
            models.CheckConstraint(
                condition=Q(state="draft")
                | Q(chain_seq__isnull=False, posted_at__isnull=False, chain_version__isnull=False)
                & ~Q(hash=""),
                name="posted_voucher_is_chained",
            ),
            models.CheckConstraint(
                condition=Q(state="draft")
                | Q(approved_by__isnull=False) & ~Q(approved_by=models.F("made_by")),
                name="posted_by_another_than_its_maker",
            ),
        ]

    def __str__(self):
        return self.display_number

    def get_absolute_url(self):
        return reverse("ledgers:voucher-detail", args=[self.pk])

    @property
    def display_number(self) -> str:
        return f"记-{self.year}-{self.number:04d}"


class VoucherLineQuerySet(ScopedQuerySet):
    def posted(self):
        return self.filter(posted=True)


@audited
class VoucherLine(models.Model):
    """One debit or credit of a voucher. Village, date and posting are copied onto the line so
    balances are one indexed sum over lines (the database keeps the copies equal to the
    voucher's); the account's code and name are copied at posting, so the chain does not depend
    on the chart."""

    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines"
    )
    debit = models.DecimalField(_("debit"), default=0, **MONEY)
    credit = models.DecimalField(_("credit"), default=0, **MONEY)
    counterparty = models.CharField(_("counterparty"), max_length=100, blank=True)
    date = models.DateField(_("date"))
    posted = models.BooleanField(_("posted"), default=False)
    account_code = models.CharField(
        _("account code as posted"), max_length=12, blank=True, editable=False
    )
    account_name = models.CharField(
        _("account name as posted"), max_length=60, blank=True, editable=False
    )
    # No index of its own: the lines' indexes lead with it.
    area_code = area_code_field(db_index=False)

    objects = VoucherLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher line")
        verbose_name_plural = _("voucher lines")
        ordering = ["voucher", "position"]
        indexes = [
            # Balances: one village's posted lines by account and date.
            models.Index(
                fields=["area_code", "account", "date"],
                name="posted_lines_by_account",
                condition=Q(posted=True),
                include=["debit", "credit"],
            ),
        ]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(debit__gte=0, credit__gte=0)
                & (Q(debit=0) & Q(credit__gt=0) | Q(credit=0) & Q(debit__gt=0)),
                name="line_has_one_side",
            ),
            models.CheckConstraint(
                condition=Q(posted=False) | ~Q(account_code="") & ~Q(account_name=""),
                name="posted_line_keeps_its_account",
            ),
        ]

    def __str__(self):
        return f"{self.voucher} {self.account.code}"


class ClosedPeriodQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    pgtrigger.Protect(name="closed_period_is_final", operation=pgtrigger.Update | pgtrigger.Delete),
)
class ClosedPeriod(models.Model):
    """A month of a village's books closed and confirmed by the township (一式两套: the
    township's confirmation of each period); nothing posts into it afterwards."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="closed_periods"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    area_code = area_code_field()

    objects = ClosedPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["-year", "-month"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "year", "month"], name="one_close_per_village_month"
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.year}-{self.month:02d}"
