"""四述双评 (seed 000): village cadres and contact-team leaders report to the township party
committee every quarter (述职、述廉、述法、述德), a township leader comments on the spot and
scores the report, and at the year's end the township confirms the overall evaluation that
rolls the quarters up, graded by the county's score bands."""

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import COUNTY, area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Region, Village, audited

from ..choices import QuarterlyReportState, ReporterKind, YearEndGrade
from .base import SCORE, user_field

__all__ = ["GradeBands", "QuarterlyReport", "YearEndEvaluation"]

_SCORE_RANGE = [MinValueValidator(0), MaxValueValidator(100)]
# A report is one person's: a village cadre (by their post) or a contact-team leader (an account).
_ONE_PERSON = Q(
    kind=ReporterKind.VILLAGE_CADRE, cadre__isnull=False, post__isnull=False, person__isnull=True
) | Q(kind=ReporterKind.CONTACT_LEADER, person__isnull=False, cadre__isnull=True, post__isnull=True)


# Each setting of the bands is a new row (the bands in force for a year are the latest set row
# whose first year is not after it): an evaluation confirmed under old bands keeps naming them.
@audited
@pgtrigger.register(
    pgtrigger.Protect(name="grade_bands_are_kept", operation=pgtrigger.Update | pgtrigger.Delete)
)
class GradeBands(models.Model):
    """The county's bands of the year-end overall score: the lowest score of each grade."""

    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    from_year = models.PositiveSmallIntegerField(
        _("in force from the year"), validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    excellent_min = models.DecimalField(
        _("lowest score of excellent"), validators=_SCORE_RANGE, **SCORE
    )
    competent_min = models.DecimalField(
        _("lowest score of competent"), validators=_SCORE_RANGE, **SCORE
    )
    basic_min = models.DecimalField(
        _("lowest score of basically competent"), validators=_SCORE_RANGE, **SCORE
    )
    set_by = user_field(_("set by"))
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    area_code = area_code_field(max_length=6)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade bands")
        verbose_name_plural = _("grade bands")
        ordering = ["area_code", "-from_year", "-set_at", "-pk"]
        constraints = [
            area_code_check(COUNTY),
            models.CheckConstraint(
                condition=Q(basic_min__gte=0)
                & Q(basic_min__lt=F("competent_min"))
                & Q(competent_min__lt=F("excellent_min"))
                & Q(excellent_min__lte=100),
                name="grade_bands_ordered",
                violation_error_message=_(
                    "The bands rise: basically competent < competent < excellent ≤ 100."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.from_year}"


class QuarterlyReportQuerySet(ScopedQuerySet):
    def current(self):
        """The reports not replaced by a correction."""
        return self.filter(correction__isnull=True)


# A scored report is final: the database refuses changing or deleting it, and a row born scored
# (the hearing skipped); a correction is a new report that names the one it replaces.
@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="scored_report_is_final",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=QuarterlyReportState.SCORED),
    ),
    pgtrigger.Protect(
        name="report_is_born_reported",
        operation=pgtrigger.Insert,
        condition=~pgtrigger.Q(new__state=QuarterlyReportState.REPORTED),
    ),
)
class QuarterlyReport(models.Model):
    """One person's report of one quarter to the township, its on-the-spot comment and score."""

    kind = models.CharField(_("reporter"), max_length=16, choices=ReporterKind.choices)
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quarterly_reports",
    )
    post = models.ForeignKey(
        "cadres.Post",
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quarterly_reports",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact-team leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quarterly_reports",
    )
    township = models.ForeignKey(
        Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2099)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    reported_on = models.DateField(_("reported on"))
    duties = models.TextField(_("on duties (述职)"))
    integrity = models.TextField(_("on integrity (述廉)"))
    law = models.TextField(_("on the rule of law (述法)"))
    ethics = models.TextField(_("on conduct (述德)"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=QuarterlyReportState.choices,
        default=QuarterlyReportState.REPORTED,
    )
    commented_by = models.CharField(_("commented by"), max_length=50, blank=True)
    comment = models.TextField(_("on-the-spot comment"), blank=True)
    score = models.DecimalField(_("score"), null=True, blank=True, validators=_SCORE_RANGE, **SCORE)
    scored_by = user_field(_("scored by"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    correction_reason = models.TextField(_("reason of the correction"), blank=True)
    recorded_by = user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    area_code = area_code_field()

    objects = QuarterlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["-year", "-quarter", "area_code", "pk"]
        indexes = [
            models.Index(
                fields=["area_code"],
                name="quarterly_area_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["year", "quarter"], name="quarterly_report_period"),
        ]
        constraints = [
            area_code_check((9, 12)),
            models.CheckConstraint(
                condition=_ONE_PERSON,
                name="quarterly_report_one_person",
                violation_error_message=_("A report is a village cadre's or a contact leader's."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_report_quarter"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="quarterly_report_score_range",
                violation_error_message=_("A score is from 0 to 100."),
            ),
            # Scored means commented and scored, by someone, at a time; reported means none yet.
            models.CheckConstraint(
                condition=Q(
                    state=QuarterlyReportState.REPORTED,
                    score__isnull=True,
                    scored_at__isnull=True,
                    scored_by__isnull=True,
                )
                | Q(
                    state=QuarterlyReportState.SCORED,
                    score__isnull=False,
                    scored_at__isnull=False,
                    scored_by__isnull=False,
                )
                & ~Q(comment="")
                & ~Q(commented_by=""),
                name="quarterly_report_scored_completely",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, correction_reason="")
                | Q(corrects__isnull=False) & ~Q(correction_reason=""),
                name="quarterly_correction_has_reason",
            ),
            # One report per person and quarter; corrections chain from it one at a time.
            models.UniqueConstraint(
                fields=["cadre", "year", "quarter"],
                condition=Q(corrects__isnull=True, cadre__isnull=False),
                name="one_cadre_report_a_quarter",
                violation_error_message=_("This person's report of the quarter is recorded."),
            ),
            models.UniqueConstraint(
                fields=["person", "year", "quarter"],
                condition=Q(corrects__isnull=True, person__isnull=False),
                name="one_leader_report_a_quarter",
                violation_error_message=_("This person's report of the quarter is recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.reporter_name} {self.year}Q{self.quarter}"

    @property
    def reporter_name(self) -> str:
        from villages.templatetags.cunjian import person_name

        return self.cadre.name if self.cadre_id else person_name(self.person)

    @property
    def period_label(self) -> str:
        return _("%(year)d Q%(quarter)d") % {"year": self.year, "quarter": self.quarter}

    @property
    def is_scored(self) -> bool:
        return self.state == QuarterlyReportState.SCORED


# A confirmed evaluation is final: it keeps the figures and the bands it was graded by.
@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="year_end_evaluation_is_final", operation=pgtrigger.Update | pgtrigger.Delete
    )
)
class YearEndEvaluation(models.Model):
    """The year-end overall evaluation (年终总评) of one person, as the township confirmed it:
    the quarters reported and missed, the average and overall scores, and the grade."""

    kind = models.CharField(_("reporter"), max_length=16, choices=ReporterKind.choices)
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="year_end_evaluations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact-team leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="year_end_evaluations",
    )
    township = models.ForeignKey(
        Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarters_expected = models.PositiveSmallIntegerField(_("quarters expected"))
    quarters_reported = models.PositiveSmallIntegerField(_("quarters reported"))
    missing_quarters = models.CharField(_("missing quarters"), max_length=10, blank=True)
    average = models.DecimalField(
        _("average score"), null=True, blank=True, max_digits=5, decimal_places=2
    )
    overall = models.DecimalField(_("overall score"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=12, choices=YearEndGrade.choices)
    bands = models.ForeignKey(
        GradeBands,
        verbose_name=_("grade bands"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the default bands."),
    )
    confirmed_by = user_field(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("year-end evaluation")
        verbose_name_plural = _("year-end evaluations")
        ordering = ["-year", "area_code", "pk"]
        constraints = [
            area_code_check((9, 12)),
            models.CheckConstraint(
                condition=Q(
                    kind=ReporterKind.VILLAGE_CADRE, cadre__isnull=False, person__isnull=True
                )
                | Q(kind=ReporterKind.CONTACT_LEADER, person__isnull=False, cadre__isnull=True),
                name="year_end_one_person",
            ),
            models.CheckConstraint(
                condition=Q(
                    quarters_reported__lte=F("quarters_expected"), quarters_expected__lte=4
                ),
                name="year_end_quarters_counted",
            ),
            models.UniqueConstraint(
                fields=["cadre", "year"],
                condition=Q(cadre__isnull=False),
                name="one_cadre_evaluation_a_year",
            ),
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(person__isnull=False),
                name="one_leader_evaluation_a_year",
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.year}"
