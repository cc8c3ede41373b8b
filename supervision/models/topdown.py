"""Top-down supervision by the township: the quarterly inspection (一季一巡查) from a county's
versioned checklist, the semi-annual review (半年一评议) and the annual certificate inspection
(两证年检)."""

import pgtrigger
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Post, QualificationCertificate, ResignationAdvice
from core.fields import COUNTY, area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from core.rights import scope_for
from villages.models import Village, audited

from ..choices import (
    Grade,
    ParticipantKind,
    ProblemCategory,
    RecordState,
    Severity,
    TemplateState,
    Verdict,
)
from .base import (
    PERIOD_CODE,
    SCORE,
    CompletedRecord,
    final_unless_reopened,
    frozen_with_record,
    user_field,
)
from .cycle import SupervisionTask


class InspectionTemplateQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """A county's templates are read by everyone working in the county."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(area_code__in=scope.counties())

    def active(self):
        return self.filter(state=TemplateState.ACTIVE)


@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="used_template_is_final",
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(old__state=TemplateState.RETIRED),
    ),
    pgtrigger.Protect(
        name="published_template_is_kept",
        operation=pgtrigger.Delete,
        condition=~pgtrigger.Q(old__state=TemplateState.DRAFT),
    ),
)
class InspectionTemplate(models.Model):
    """A county's checklist of the quarterly inspection. Versions are never edited once in use:
    a change is a new version, and each inspection keeps the version it used."""

    area_code = area_code_field(_("county code"), max_length=6)
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=TemplateState.choices, default=TemplateState.DRAFT
    )
    created_by = user_field(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("in use since"), null=True, blank=True)

    objects = InspectionTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection checklist")
        verbose_name_plural = _("inspection checklists")
        ordering = ["area_code", "-version"]
        constraints = [
            area_code_check(COUNTY),
            models.UniqueConstraint(fields=["area_code", "version"], name="one_template_version"),
            models.UniqueConstraint(
                fields=["area_code"],
                condition=models.Q(state=TemplateState.ACTIVE),
                name="one_active_template_per_county",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def total_weight(self):
        return sum(item.weight for item in self.items.all())


@audited
@pgtrigger.register(
    frozen_with_record(
        "supervision_inspectiontemplate",
        "template_id",
        states=(TemplateState.ACTIVE, TemplateState.RETIRED),
    )
)
class InspectionTemplateItem(models.Model):
    """One checklist item with its weight (the most points it can score)."""

    template = models.ForeignKey(
        InspectionTemplate,
        verbose_name=_("checklist"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    section = models.CharField(_("section"), max_length=50, blank=True)
    text = models.CharField(_("item"), max_length=300)
    weight = models.DecimalField(_("weight (points)"), validators=[MinValueValidator(0)], **SCORE)
    area_code = area_code_field(_("county code"), max_length=6)

    objects = InspectionTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "position"]
        constraints = [
            area_code_check(COUNTY),
            models.UniqueConstraint(fields=["template", "position"], name="one_item_per_position"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="item_weight_positive"),
        ]

    def __str__(self):
        return self.text


@audited
@pgtrigger.register(final_unless_reopened())
class Inspection(CompletedRecord):
    """一季一巡查: the township's quarterly inspection of a village; completing it freezes it."""

    task = models.OneToOneField(
        SupervisionTask, verbose_name=_("duty"), on_delete=models.PROTECT, related_name="inspection"
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("quarter"), **PERIOD_CODE)
    template = models.ForeignKey(
        InspectionTemplate,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    date = models.DateField(_("date of the inspection"))
    summary = models.TextField(_("summary"), blank=True)
    total_score = models.DecimalField(_("score"), null=True, blank=True, **SCORE)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-period", "area_code"]
        constraints = [area_code_check()]


@audited
@pgtrigger.register(frozen_with_record("supervision_inspection", "inspection_id"))
class InspectionScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        InspectionTemplateItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), validators=[MinValueValidator(0)], **SCORE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection score")
        verbose_name_plural = _("inspection scores")
        ordering = ["item__position"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["inspection", "item"], name="one_score_per_item"),
        ]

    def __str__(self):
        return f"{self.item} {self.score}"


@audited
@pgtrigger.register(frozen_with_record("supervision_inspection", "inspection_id"))
class InspectionParticipant(models.Model):
    """Who inspected: township officials, stations, and the representatives stationed there."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("taking part as"), max_length=20, choices=ParticipantKind.choices)
    organization = models.CharField(_("organization or post"), max_length=100, blank=True)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection participant")
        verbose_name_plural = _("inspection participants")
        ordering = ["pk"]
        constraints = [area_code_check()]

    def __str__(self):
        return self.name


@audited
@pgtrigger.register(frozen_with_record("supervision_inspection", "inspection_id"))
class InspectionFinding(models.Model):
    """A problem found by the inspection; completing the inspection registers each finding in
    the problem ledger."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    description = models.TextField(_("what the inspection found"))
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    owner_name = models.CharField(_("responsible person"), max_length=50)
    deadline = models.DateField(_("deadline"))
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["pk"]
        constraints = [area_code_check()]

    def __str__(self):
        return self.description[:40]


@audited
@pgtrigger.register(final_unless_reopened())
class Review(CompletedRecord):
    """半年一评议: the township panel's review of the village's sitting cadres."""

    task = models.OneToOneField(
        SupervisionTask, verbose_name=_("duty"), on_delete=models.PROTECT, related_name="review"
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("half-year"), **PERIOD_CODE)
    date = models.DateField(_("date of the review"))
    panel = models.TextField(_("panel members"))
    dimensions = models.JSONField(_("dimensions"), default=list)

    class Meta:
        verbose_name = _("semi-annual review")
        verbose_name_plural = _("semi-annual reviews")
        ordering = ["-period", "area_code"]
        constraints = [area_code_check()]


@audited
@pgtrigger.register(frozen_with_record("supervision_review", "review_id"))
class ReviewScore(models.Model):
    """One cadre's scores on each dimension, their average and the grade it gives."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(_("scores by dimension"))
    average = models.DecimalField(_("average score"), **SCORE)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["post__kind", "pk"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["review", "post"], name="one_review_score_per_post"),
        ]

    def __str__(self):
        return f"{self.post} {self.get_grade_display()}"


def verdict_final_unless_corrected() -> pgtrigger.Trigger:
    """Like `frozen_when(COMPLETED)`, except that a decided annual inspection's verdict, its
    reasons and its advice change when, and only as, its latest recorded correction (a
    VerdictCorrection row, itself final) says: from the verdict it has to the one it records."""
    return pgtrigger.Trigger(
        name="completed_record_is_final",
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=RecordState.COMPLETED),
        func="""
            IF TG_OP = 'UPDATE'
                AND (to_jsonb(NEW) - 'verdict' - 'reasons' - 'advice_id')
                    = (to_jsonb(OLD) - 'verdict' - 'reasons' - 'advice_id')
                AND EXISTS (
                    SELECT 1 FROM supervision_verdictcorrection c
                    WHERE c.inspection_id = OLD.id
                        AND c.from_verdict = OLD.verdict AND c.to_verdict = NEW.verdict
                        AND c.to_reasons = NEW.reasons
                        AND c.id = (SELECT max(id) FROM supervision_verdictcorrection
                                    WHERE inspection_id = OLD.id))
            THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'supervision_certificateinspection % is final: only a recorded '
                'correction changes its verdict', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        """,
    )


@audited
@pgtrigger.register(verdict_final_unless_corrected())
class CertificateInspection(CompletedRecord):
    """两证年检: the year-end verdict on one certificate, from the year's evidence rolled up.
    A fail suspends the certificate and opens an advised resignation (劝辞) for the post."""

    task = models.ForeignKey(
        SupervisionTask,
        verbose_name=_("duty"),
        on_delete=models.PROTECT,
        related_name="certificate_inspections",
    )
    certificate = models.ForeignKey(
        QualificationCertificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="annual_inspections",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    evidence = models.JSONField(_("the year's evidence"), default=dict)
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    advice = models.ForeignKey(
        ResignationAdvice,
        verbose_name=_("advised resignation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Completing an annual inspection is deciding its verdict.
    completed_by = user_field(_("decided by"), null=True, blank=True)
    completed_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual certificate inspection")
        verbose_name_plural = _("annual certificate inspections")
        ordering = ["-year", "area_code"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["certificate", "year"], name="one_annual_inspection_per_certificate"
            ),
        ]

    def __str__(self):
        return f"{self.certificate} {self.year}"


@audited
@pgtrigger.register(
    pgtrigger.Protect(name="correction_is_final", operation=pgtrigger.Update | pgtrigger.Delete)
)
class VerdictCorrection(models.Model):
    """A county supervisor's correction of a decided annual inspection's verdict, with the
    reason, who and when. The inspection changes with it (its trigger allows exactly this
    change); the original verdict stays here and in the inspection's history (pghistory)."""

    inspection = models.ForeignKey(
        CertificateInspection,
        verbose_name=_("annual certificate inspection"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    from_verdict = models.CharField(_("verdict before"), max_length=12, choices=Verdict.choices)
    from_reasons = models.TextField(_("reasons before"), blank=True)
    to_verdict = models.CharField(_("corrected verdict"), max_length=12, choices=Verdict.choices)
    to_reasons = models.TextField(_("corrected reasons"), blank=True)
    reason = models.TextField(_("reason of the correction"))
    consequences = models.TextField(_("what followed"), blank=True)
    corrected_by = user_field(_("corrected by"))
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("verdict correction")
        verbose_name_plural = _("verdict corrections")
        ordering = ["-corrected_at", "-pk"]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=~models.Q(from_verdict=models.F("to_verdict")),
                name="a_correction_changes_the_verdict",
            ),
        ]

    def __str__(self):
        return f"{self.inspection} {self.from_verdict} → {self.to_verdict}"
