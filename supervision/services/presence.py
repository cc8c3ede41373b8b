"""Writes of 在岗/驻村: a contact cadre records a visit from the phone, and the weekly evaluation
stores each week's shortfalls against the county's norm (which the warning rule reads)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.dates import today
from core.rights import Right, require
from core.types import Actor
from villages.models import Village

from .. import tasks_warnings
from ..choices import HALF_DAYS_A_DAY, PHOTO_MAX_BYTES, PHOTO_TYPES, PRESENCE_BACKDATE_DAYS
from ..models import PresenceShortfall, PresenceVisit
from ..periods import week_start
from ..selectors.presence import presence_due, presence_villages
from .warnings import warnings_evaluate

__all__ = [
    "presence_evaluate_week",
    "presence_visit_record",
    "presence_weekly",
]

# One evaluation of presence at a time: it deletes and rewrites a week's shortfalls.
_LOCK_KEY = 5_000_119


def _check_date(day: dt.date, on: dt.date) -> None:
    if day > on:
        raise ValidationError({"date": _("A visit cannot be recorded before it happens.")})
    earliest = on - dt.timedelta(days=PRESENCE_BACKDATE_DAYS)
    if day < earliest:
        raise ValidationError(
            {
                "date": _("A visit is recorded within %(n)d days (from %(date)s).")
                % {"n": PRESENCE_BACKDATE_DAYS, "date": date_format(earliest, "DATE_FORMAT")}
            }
        )


def _check_photo(photo) -> None:
    """A photo is an image of a common type (checked by decoding it, not by its name) and not
    too large for a phone's upload over a village's connection."""
    if photo.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            {"photo": _("The photo is larger than %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES >> 20}}
        )
    from PIL import Image, UnidentifiedImageError

    try:
        photo.seek(0)
        with Image.open(photo) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise ValidationError({"photo": _("The photo is not an image.")}) from e
    finally:
        photo.seek(0)
    if kind not in PHOTO_TYPES:
        raise ValidationError({"photo": _("Send the photo as JPEG, PNG or WebP.")})


def _check_location(latitude, longitude) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both coordinates of the location, or neither."))
    if latitude is None:
        return
    if not (-90 <= Decimal(latitude) <= 90 and -180 <= Decimal(longitude) <= 180):
        raise ValidationError(_("The location is out of range."))


@transaction.atomic
def presence_visit_record(
    *,
    actor: Actor,
    village: Village,
    date: dt.date,
    half_days: int,
    work_done: str,
    photo=None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> PresenceVisit:
    """The actor records their own visit to a village they organize the supervision of (their
    assigned village, for a contact cadre; a linked leader's or a work team member's village).
    A person has two half days a day across all villages; a visit to a finished week
    re-evaluates that week's shortfalls of the village."""
    on = today()
    if not presence_villages(actor, on).filter(pk=village.pk).exists():
        require(actor, Right.ORGANIZE, village.code)  # refuses, with the usual message
    _check_date(date, on)
    if half_days not in range(1, HALF_DAYS_A_DAY + 1):
        raise ValidationError({"half_days": _("A visit lasts one or two half days.")})
    work_done = (work_done or "").strip()
    if not work_done:
        raise ValidationError({"work_done": _("Say what was done.")})
    if photo:
        _check_photo(photo)
    _check_location(latitude, longitude)
    # Serialize the person's own recordings: two phones at once cannot both take the last half.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    taken = (
        PresenceVisit.objects.filter(person=actor, date=date).aggregate(n=Sum("half_days"))["n"]
        or 0
    )
    if taken + half_days > HALF_DAYS_A_DAY:
        raise ValidationError(
            {
                "half_days": _(
                    "%(taken)d of the day's two half days are already recorded elsewhere."
                )
                % {"taken": taken}
            }
        )
    if PresenceVisit.objects.filter(person=actor, village=village, date=date).exists():
        raise ValidationError({"date": _("This visit is already recorded for that day.")})
    visit = PresenceVisit(
        person=actor,
        village=village,
        date=date,
        half_days=half_days,
        work_done=work_done,
        latitude=latitude,
        longitude=longitude,
        recorded_by=actor,
        area_code=village.code,
    )
    if photo:
        visit.photo = photo
    visit.full_clean()
    visit.save()
    if week_start(date) < week_start(on):
        # A late visit to a week already evaluated: that week's verdict follows the records.
        presence_evaluate_week(week=week_start(date), village_codes=[village.code])
        tasks_warnings.warnings_refresh_later(village.code)
    return visit


def presence_evaluate_week(*, week: dt.date, village_codes: list[str] | None = None) -> int:
    """Store the shortfalls of the ISO week containing `week` (for the villages `village_codes`,
    None: all), replacing what an earlier evaluation stored; returns how many. A fixed number of
    queries; safe to run twice or concurrently."""
    monday = week_start(week)
    villages = None
    if village_codes is not None:
        villages = Village.objects.filter(code__in=village_codes)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        now = timezone.now()
        rows = [
            PresenceShortfall(
                person_id=d.person_id,
                village_id=d.village_id,
                week=monday,
                role=d.role,
                required=d.required,
                recorded=d.recorded,
                evaluated_at=now,
                area_code=d.village_code,
            )
            for d in presence_due(monday, villages)
            if d.short
        ]
        old = PresenceShortfall.objects.in_week(monday)
        if village_codes is not None:
            old = old.filter(area_code__in=village_codes)
        old.delete()
        PresenceShortfall.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def presence_weekly(*, on: dt.date | None = None) -> dict[str, int]:
    """The Monday run: evaluate the week that just ended, then the warnings (which read it)."""
    on = on or today()
    last_week = week_start(on) - dt.timedelta(days=7)
    return {
        "shortfalls": presence_evaluate_week(week=last_week),
        "warnings": warnings_evaluate(on=on),
    }
