"""The date of the county: every due date, period and "today" is a date in Beijing time."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
