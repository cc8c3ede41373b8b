"""联签 and 财务报审会: the village's signing day, on which more than half of the two committees'
sitting members sign the month's vouchers together and a member of the village affairs
supervision committee reviews them, and the quarter's financial review meeting of the villager
representatives. Both are facts once recorded: appended, never rewritten or removed."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Post
from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from .books import Voucher

__all__ = ["SigningSession", "SigningSignature", "SignedVoucher", "FinancialReview"]


# A record of a meeting held is final: the database refuses its change and its removal (the
# signing's own guards of migration ledgers 0016 check who may sign and what may be signed).
def final() -> pgtrigger.Protect:
    return pgtrigger.Protect(
        name="signing_record_is_final", operation=pgtrigger.Update | pgtrigger.Delete
    )


class SigningSessionQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(final())
class SigningSession(models.Model):
    """One signing day (财务集中签字日) of a village: the two committees' members who signed,
    the vouchers they signed, and the supervision committee member who reviewed them with an
    opinion. `members` is how many sat on the two committees that day (the majority's base)."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="signings"
    )
    signed_on = models.DateField(_("signed on"))
    members = models.PositiveSmallIntegerField(_("sitting members of the two committees"))
    reviewer = models.ForeignKey(
        Post,
        verbose_name=_("reviewed by (supervision committee)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_opinion = models.TextField(_("supervision committee's opinion"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = SigningSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing day (联签)")
        verbose_name_plural = _("signing days (联签)")
        ordering = ["area_code", "-signed_on"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "signed_on"], name="one_signing_per_village_day"
            ),
            models.CheckConstraint(condition=Q(members__gt=0), name="signing_has_members"),
            models.CheckConstraint(
                condition=~Q(review_opinion=""), name="signing_has_review_opinion"
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.signed_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("ledgers:signing-detail", args=[self.pk])


class SigningSignatureQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(final())
class SigningSignature(models.Model):
    """A member of the two committees who signed on the signing day (by the post they sat in;
    the person is kept too, so that nobody signs twice through two posts)."""

    session = models.ForeignKey(
        SigningSession,
        verbose_name=_("signing day"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = area_code_field(db_index=False)

    objects = SigningSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        ordering = ["session", "pk"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["session", "cadre"], name="one_signature_per_member_and_day"
            ),
        ]

    def __str__(self):
        return str(self.cadre)


class SignedVoucherQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(final())
class SignedVoucher(models.Model):
    """A voucher signed on a signing day; a voucher is signed once."""

    session = models.ForeignKey(
        SigningSession,
        verbose_name=_("signing day"),
        on_delete=models.PROTECT,
        related_name="signed_vouchers",
    )
    voucher = models.OneToOneField(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="signing"
    )
    area_code = area_code_field(db_index=False)

    objects = SignedVoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed voucher")
        verbose_name_plural = _("signed vouchers")
        ordering = ["session", "voucher"]
        constraints = [area_code_check()]

    def __str__(self):
        return str(self.voucher)


class FinancialReviewQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(final())
class FinancialReview(models.Model):
    """财务报审会: the quarter's meeting of the villager representatives that reviews the
    signed vouchers: when, how many of the representatives attended, whether it was quorate
    (two thirds or more, ledgers/quorum.py), whether they approved, their opinion."""

    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="financial_reviews",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    held_on = models.DateField(_("held on"))
    representatives = models.PositiveIntegerField(_("villager representatives"))
    present = models.PositiveIntegerField(_("present"))
    quorate = models.BooleanField(_("quorate"))
    approved = models.BooleanField(_("approved"))
    opinion = models.TextField(_("opinion"))
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = FinancialReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("financial review meeting (财务报审会)")
        verbose_name_plural = _("financial review meetings (财务报审会)")
        ordering = ["area_code", "-year", "-quarter"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "year", "quarter"], name="one_financial_review_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="financial_review_quarter"
            ),
            models.CheckConstraint(
                condition=Q(representatives__gt=0) & Q(present__lte=models.F("representatives")),
                name="financial_review_attendance_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(approved=False) | Q(quorate=True),
                name="financial_review_approves_quorate",
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.year}Q{self.quarter}"
