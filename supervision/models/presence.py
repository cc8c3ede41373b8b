"""在岗/驻村: the visits contact cadres record from their phones, and each week's shortfalls
against the county's norm (seed 001: half a day a week; seed 002: a backward village's work
team at least one day a week)."""

import datetime as dt
import os
import uuid

import pgtrigger
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet, prefix_q
from core.rights import Right, scope_for
from villages.models import Village, audited

from ..choices import HALF_DAYS_A_DAY, PresenceRole

__all__ = ["PresenceShortfall", "PresenceVisit", "presence_photo_path", "presence_photos"]


class _PrivatePhotos(FileSystemStorage):
    """Photos name people and places: kept outside MEDIA_ROOT (settings.PRIVATE_MEDIA_ROOT, read
    on each use so that tests may point it elsewhere) and sent only by a scoped view."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files are sent by a view, never linked")


def presence_photos():
    return _PrivatePhotos()


def presence_photo_path(visit, filename: str) -> str:
    # A random name: the uploaded one may carry a person's name or a phone's serial number.
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "jpg"
    return f"presence/{visit.area_code}/{visit.date:%Y%m}/{uuid.uuid4().hex}.{ext}"


class PresenceVisitQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """In the reader's scope, or the reader's own visits (a linked leader or a work-team
        member may hold no area role)."""
        scope = scope_for(user)
        if scope.everything:
            return self
        mine = Q(person_id=getattr(user, "pk", None))
        return self.filter(prefix_q(self.scope_field, scope.areas(Right.SEE)) | mine)

    def in_week(self, monday):
        return self.filter(date__gte=monday, date__lte=monday + dt.timedelta(days=6))


# A visit is the evidence of presence: the database refuses changing or deleting one, whoever
# asks (a person who was not there cannot later move a visit to the week that lacked it).
@audited
@pgtrigger.register(
    pgtrigger.Protect(name="presence_is_kept", operation=pgtrigger.Update | pgtrigger.Delete)
)
class PresenceVisit(models.Model):
    """One day's presence of a person in a village: how many half days, what was done."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="presence_visits",
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("day in the village"))
    half_days = models.PositiveSmallIntegerField(
        _("half days"),
        validators=[MinValueValidator(1), MaxValueValidator(HALF_DAYS_A_DAY)],
    )
    work_done = models.TextField(_("work done in the village"))
    photo = models.ImageField(
        _("photo"),
        upload_to=presence_photo_path,
        storage=presence_photos,
        blank=True,
        max_length=200,
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    area_code = area_code_field()

    objects = PresenceVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("presence visit")
        verbose_name_plural = _("presence visits")
        ordering = ["-date", "area_code"]
        indexes = [
            models.Index(
                fields=["area_code"], name="presence_area_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["village", "date"], name="presence_village_date"),
        ]
        constraints = [
            area_code_check(),
            models.CheckConstraint(
                condition=Q(half_days__gte=1, half_days__lte=HALF_DAYS_A_DAY),
                name="presence_half_days_of_a_day",
                violation_error_message=_("A visit lasts one or two half days."),
            ),
            models.UniqueConstraint(
                fields=["person", "village", "date"],
                name="one_presence_a_day_a_village",
                violation_error_message=_("This visit is already recorded for that day."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="presence_location_in_range",
                violation_error_message=_("The location is both coordinates, within range."),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.date}"


class PresenceShortfallQuerySet(ScopedQuerySet):
    def in_week(self, monday):
        return self.filter(week=monday)


@audited
class PresenceShortfall(models.Model):
    """A person's shortfall in a village in one ISO week, as the weekly evaluation found it:
    the norm's half days and those recorded (fewer). Rewritten whenever that week is evaluated
    again (a late visit), so it always agrees with the visits."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="presence_shortfalls",
    )
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    week = models.DateField(_("week"))  # its Monday
    role = models.CharField(_("norm"), max_length=16, choices=PresenceRole.choices)
    required = models.PositiveSmallIntegerField(_("half days required"))
    recorded = models.PositiveSmallIntegerField(_("half days recorded"))
    evaluated_at = models.DateTimeField(_("evaluated at"))
    area_code = area_code_field()

    objects = PresenceShortfallQuerySet.as_manager()

    class Meta:
        verbose_name = _("presence shortfall")
        verbose_name_plural = _("presence shortfalls")
        ordering = ["-week", "area_code"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["person", "village", "week"], name="one_shortfall_a_week"
            ),
            models.CheckConstraint(
                condition=Q(recorded__lt=F("required")), name="shortfall_is_short"
            ),
            # ISO weeks start on Monday (PostgreSQL's isodow 1).
            models.CheckConstraint(
                condition=Q(week__iso_week_day=1), name="shortfall_week_is_a_monday"
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.week}"

    @property
    def missing(self) -> int:
        return self.required - self.recorded
