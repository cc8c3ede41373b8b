"""List filters shared by the pages and the API."""

from typing import Any

import django_filters
from django import forms


class YearFilter(django_filters.NumberFilter):  # type: ignore[misc]  # untyped package
    """A calendar year: a whole number from 1 to 9999, the years a date can hold.

    Any other value is an invalid filter (400 in the API, a form error on the pages), never a
    year 0 or an overflow inside the date lookup.
    """

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)
