"""Bottom-up supervision, organized by the contact cadre: the quarterly village-affairs hearing
(村务听证质询会), the semi-annual public report with its vote (公开述职) and the yearly
redemption of pledges (承诺集中兑现)."""

from decimal import Decimal

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Post, Promise
from core import rates
from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import AskerKind, Fulfilment, QuestionCategory, Satisfaction
from .base import (
    PERIOD_CODE,
    CompletedRecord,
    final_unless_reopened,
    frozen_with_record,
    user_field,
)
from .cycle import SupervisionTask


@audited
@pgtrigger.register(final_unless_reopened())
class Hearing(CompletedRecord):
    """村务听证质询会: party members and villager representatives question the cadres."""

    task = models.OneToOneField(
        SupervisionTask, verbose_name=_("duty"), on_delete=models.PROTECT, related_name="hearing"
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("quarter"), **PERIOD_CODE)
    date = models.DateField(_("date of the hearing"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    party_members_present = models.PositiveIntegerField(_("party members present"), default=0)
    representatives_present = models.PositiveIntegerField(
        _("villager representatives present"), default=0
    )
    others_present = models.PositiveIntegerField(_("others present"), default=0)
    agenda = models.TextField(_("agenda"))
    follow_ups = models.TextField(_("follow-ups agreed"), blank=True)

    class Meta:
        verbose_name = _("village-affairs hearing")
        verbose_name_plural = _("village-affairs hearings")
        ordering = ["-period", "area_code"]
        constraints = [area_code_check()]

    @property
    def attendance(self) -> int:
        return self.party_members_present + self.representatives_present + self.others_present


@audited
@pgtrigger.register(frozen_with_record("supervision_hearing", "hearing_id"))
class HearingQuestion(models.Model):
    """A question put at the hearing, who answered it and whether the asker was satisfied; an
    unsatisfied question, or one with a follow-up, goes to the problem ledger on completion."""

    hearing = models.ForeignKey(
        Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="questions"
    )
    asker_name = models.CharField(_("asked by"), max_length=50, blank=True)
    asker_kind = models.CharField(_("asker is a"), max_length=20, choices=AskerKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=QuestionCategory.choices)
    question = models.TextField(_("question"))
    answered_by = models.ForeignKey(
        Cadre,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)
    satisfied = models.BooleanField(_("asker satisfied"), default=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing question")
        verbose_name_plural = _("hearing questions")
        ordering = ["pk"]
        constraints = [area_code_check()]

    def __str__(self):
        return self.question[:40]


@audited
@pgtrigger.register(final_unless_reopened())
class PublicReport(CompletedRecord):
    """公开述职: the sitting cadres report in public and the meeting votes on each of them.
    Recording the votes (the `completed` state) freezes it."""

    task = models.OneToOneField(
        SupervisionTask,
        verbose_name=_("duty"),
        on_delete=models.PROTECT,
        related_name="public_report",
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("half-year"), **PERIOD_CODE)
    date = models.DateField(_("date of the meeting"))
    ballots_issued = models.PositiveIntegerField(_("ballots issued"))
    ballots_returned = models.PositiveIntegerField(_("ballots returned"))
    notes = models.TextField(_("notes"), blank=True)
    # Completing a public report is recording its votes.
    completed_by = user_field(_("votes recorded by"), null=True, blank=True)
    completed_at = models.DateTimeField(_("votes recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-period", "area_code"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=models.Q(ballots_returned__lte=models.F("ballots_issued")),
                name="returned_ballots_not_more_than_issued",
            ),
        ]


@audited
@pgtrigger.register(frozen_with_record("supervision_publicreport", "report_id"))
class PublicReportVote(models.Model):
    """The democratic appraisal of one cadre: the three counts add up to the ballots returned."""

    report = models.ForeignKey(
        PublicReport,
        verbose_name=_("public report"),
        on_delete=models.CASCADE,
        related_name="votes",
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("what the cadre reported"), blank=True)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote on a cadre")
        verbose_name_plural = _("votes on cadres")
        ordering = ["post__kind", "pk"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["report", "post"], name="one_vote_per_post"),
        ]

    def __str__(self):
        return f"{self.post}"

    @property
    def returned(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率: satisfied and basically satisfied over the ballots returned (core.rates)."""
        return rates.satisfaction_rate(
            satisfied=self.satisfied, basic=self.basically_satisfied, returned=self.returned
        )


@audited
@pgtrigger.register(final_unless_reopened())
class Redemption(CompletedRecord):
    """承诺集中兑现: once a year, before the villagers, each promise of each pledge in force is
    marked fulfilled, partly or not fulfilled."""

    task = models.OneToOneField(
        SupervisionTask, verbose_name=_("duty"), on_delete=models.PROTECT, related_name="redemption"
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("year"), **PERIOD_CODE)
    date = models.DateField(_("date of the meeting"))
    attendance = models.PositiveIntegerField(_("villagers present"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("pledge redemption")
        verbose_name_plural = _("pledge redemptions")
        ordering = ["-period", "area_code"]
        constraints = [area_code_check()]


@audited
@pgtrigger.register(frozen_with_record("supervision_redemption", "redemption_id"))
class PromiseRedemption(models.Model):
    redemption = models.ForeignKey(
        Redemption, verbose_name=_("redemption"), on_delete=models.CASCADE, related_name="results"
    )
    promise = models.ForeignKey(
        Promise, verbose_name=_("promise"), on_delete=models.PROTECT, related_name="redemptions"
    )
    result = models.CharField(_("result"), max_length=10, choices=Fulfilment.choices)
    evidence = models.TextField(_("evidence"), blank=True)
    appraisal = models.CharField(
        _("villagers' appraisal"), max_length=12, choices=Satisfaction.choices
    )
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("redemption of a promise")
        verbose_name_plural = _("redemptions of promises")
        ordering = ["promise__pledge", "promise__position"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["redemption", "promise"], name="one_result_per_promise"
            ),
        ]

    def __str__(self):
        return f"{self.promise} {self.get_result_display()}"
