"""定期公开: statements generated from the ledger, approved and published as frozen snapshots,
and the villagers' questions about them."""

import secrets

import pgtrigger
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadres.models import Post
from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from core.triggers import frozen_with_parent
from villages.models import Village, audited

from ..choices import DisclosureKind, DisclosureState

__all__ = ["Disclosure", "DisclosureQuestion", "DisclosureSignature"]


class DisclosureQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(state=DisclosureState.PUBLISHED)


@audited
@pgtrigger.register(
    # Villagers must be able to trust a posted statement: once published it never changes.
    pgtrigger.Protect(
        name="published_statement_is_final",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=DisclosureState.PUBLISHED),
    ),
)
class Disclosure(models.Model):
    """A month's or quarter's statement of the village's funds, assets and resources."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="disclosures"
    )
    kind = models.CharField(_("period"), max_length=8, choices=DisclosureKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("month or quarter"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DisclosureState.choices,
        default=DisclosureState.DRAFT,
    )
    content = models.JSONField(_("statement"), default=dict)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The village affairs supervision committee's review (村务监督委员会审核), recorded before
    # publishing with the members who signed (`signatures`); copied into `content` on publishing.
    review_opinion = models.TextField(_("supervision committee's opinion"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    area_code = area_code_field()

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure statement")
        verbose_name_plural = _("disclosure statements")
        ordering = ["area_code", "-year", "-start"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "kind", "year", "number"], name="one_statement_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.title}"

    def get_absolute_url(self):
        return reverse("ledgers:disclosure-detail", args=[self.pk])

    @property
    def title(self) -> str:
        if self.kind == DisclosureKind.QUARTER:
            return _("%(y)d Q%(n)d") % {"y": self.year, "n": self.number}
        return _("%(y)d-%(n)02d") % {"y": self.year, "n": self.number}


#: a receipt's letters: no 0/O, 1/I/L, so that it can be read out and typed from a phone
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: 31**10 ≈ 8×10^14 receipts: nobody finds another villager's question by trying codes
RECEIPT_LENGTH = 10


def new_receipt() -> str:
    """A fresh random receipt number (the unique constraint catches the unlikely repeat)."""
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


class DisclosureSignatureQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    frozen_with_parent(
        "ledgers_disclosure",
        "disclosure_id",
        "state = 'published'",
        "statement % is published: its supervision signatures no longer change",
        name="signature_frozen_with_statement",
    )
)
class DisclosureSignature(models.Model):
    """A supervision committee member's signature on a statement's review."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = area_code_field()

    objects = DisclosureSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision signature")
        verbose_name_plural = _("supervision signatures")
        ordering = ["disclosure", "post__kind", "pk"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["disclosure", "post"], name="one_signature_per_post"),
        ]

    def __str__(self):
        return str(self.post)


class DisclosureQuestionQuerySet(ScopedQuerySet):
    def unanswered(self):
        return self.filter(answer="")

    def shown(self):
        """The questions the public pages show with their text (not hidden by the township)."""
        return self.filter(hidden_at__isnull=True)


@audited
class DisclosureQuestion(models.Model):
    """A villager's question about a published statement, answered in public."""

    disclosure = models.ForeignKey(
        Disclosure,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    name = models.CharField(_("name (optional)"), max_length=30, blank=True)
    phone = models.CharField(_("phone (optional)"), max_length=20, blank=True)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The villager's handle on the question: its public page is /public/questions/<receipt>/.
    receipt = models.CharField(
        _("receipt number"), max_length=12, unique=True, default=new_receipt, editable=False
    )
    # An abusive question is hidden, never deleted: the reason and the hand stay on record.
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    area_code = area_code_field()

    objects = DisclosureQuestionQuerySet.as_manager()

    # The public page and the history never show a villager's phone in full.
    history_masks = {"phone": lambda v: (v[:3] + "****" + v[-4:]) if v and len(v) > 7 else v}

    class Meta:
        verbose_name = _("question about a statement")
        verbose_name_plural = _("questions about statements")
        ordering = ["-asked_at"]
        constraints = [area_code_check()]

    def __str__(self):
        return self.question[:40]

    def get_public_url(self):
        return reverse("public:question", args=[self.receipt])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
