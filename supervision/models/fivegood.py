"""The yearly 五好 rating of village party organizations ("五好"村党组织, seed 000: the county
reports the share, 55.4%): the county's criteria, and per village and year the township's
proposal (met / not met with a note for each 好, over the evidence of the year's records) and
the county's confirmation. A confirmed rating is final; a correction is a new confirmed rating
that names the one it corrects."""

from decimal import Decimal

import pgtrigger
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import COUNTY, area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from core.rights import scope_for
from villages.models import Village, audited

from ..choices import FiveGood, RatingState
from .base import user_field

__all__ = ["FIVE_GOOD_FIELDS", "FiveGoodCriterion", "FiveGoodRating"]

#: the five 好 in order, each with its two fields on a rating: `<good>_met`, `<good>_note`
FIVE_GOOD_FIELDS = tuple(FiveGood.values)
ALL_MET = {f"{good}_met": True for good in FIVE_GOOD_FIELDS}


class FiveGoodCriterionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Everyone working in a county reads its criteria."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(area_code__in=scope.counties())


@audited
class FiveGoodCriterion(models.Model):
    """One 好 as the county defines it: what it means and the threshold (a rate) its evidence is
    held against. Edited by the county's supervisors; every change is in the history, and each
    proposal keeps a copy of the criteria it was made under."""

    area_code = area_code_field(_("county code"), max_length=6)
    good = models.CharField(_("criterion"), max_length=12, choices=FiveGood.choices)
    description = models.TextField(_("description"))
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    updated_by = user_field(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FiveGoodCriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("五好 criterion")
        verbose_name_plural = _("五好 criteria")
        ordering = ["area_code", "pk"]
        constraints = [
            area_code_check(COUNTY),
            models.UniqueConstraint(fields=["area_code", "good"], name="one_criterion_per_good"),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0, threshold__lte=1),
                name="criterion_threshold_is_a_rate",
            ),
        ]

    def __str__(self):
        return f"{self.area_code} {self.get_good_display()}"


class FiveGoodRatingQuerySet(ScopedQuerySet):
    def current(self):
        """The ratings no correction has replaced."""
        return self.filter(correction__isnull=True)

    def confirmed(self):
        return self.filter(state=RatingState.CONFIRMED)


def _met(good: str):
    return models.BooleanField(FiveGood(good).label, default=False)


def _note(good: str):
    return models.CharField(_("note"), max_length=300, blank=True)


@audited
@pgtrigger.register(
    pgtrigger.Protect(
        name="confirmed_rating_is_final",
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=RatingState.CONFIRMED),
    ),
)
class FiveGoodRating(models.Model):
    """A village party organization's 五好 rating of one year."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=10, choices=RatingState.choices, default=RatingState.PROPOSED
    )
    team_met = _met(FiveGood.TEAM)
    team_note = _note(FiveGood.TEAM)
    leader_met = _met(FiveGood.LEADER)
    leader_note = _note(FiveGood.LEADER)
    system_met = _met(FiveGood.SYSTEM)
    system_note = _note(FiveGood.SYSTEM)
    results_met = _met(FiveGood.RESULTS)
    results_note = _note(FiveGood.RESULTS)
    reputation_met = _met(FiveGood.REPUTATION)
    reputation_note = _note(FiveGood.REPUTATION)
    is_five_good = models.BooleanField(_("五好"), default=False)
    evidence = models.JSONField(_("the year's evidence"), default=dict)
    criteria = models.JSONField(_("criteria applied"), default=dict)
    proposed_by = user_field(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    county_note = models.TextField(_("county's note"), blank=True)
    decided_by = user_field(_("decided by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    area_code = area_code_field()

    objects = FiveGoodRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("五好 rating")
        verbose_name_plural = _("五好 ratings")
        ordering = ["-year", "area_code", "-pk"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=models.Q(corrects__isnull=True),
                name="one_rating_per_village_and_year",
            ),
            models.CheckConstraint(
                condition=models.Q(is_five_good=True, **ALL_MET)
                | (models.Q(is_five_good=False) & ~models.Q(**ALL_MET)),
                name="five_good_when_all_five_met",
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | models.Q(state=RatingState.CONFIRMED),
                name="a_correction_is_confirmed",
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.year}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("supervision:fivegood-detail", args=[self.pk])

    def outcomes(self) -> list[tuple[str, str, bool, str]]:
        """(key, label, met, note) of each 好, in order."""
        return [
            (g, FiveGood(g).label, getattr(self, f"{g}_met"), getattr(self, f"{g}_note"))
            for g in FIVE_GOOD_FIELDS
        ]
