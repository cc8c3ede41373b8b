"""The validators every form, serializer and service shares, with their messages in one place.

- text: no control characters (C0, DEL, C1, NUL among them) in any text a user types; a line
  break and a tab only in multi-line text. Forms and serializers get the check on every text
  field from their base classes (core.forms.CleanForm, core.api.CleanSerializer), so no field
  can forget it.
- reasons: a reason the record keeps for an irreversible step (a revocation, a suspension)
  says something in words: "0" or one character is refused.
- dates: a record's date lies inside its life (nothing revoked before it was issued).
- years and periods: a record concerns a year from FIRST_RECORD_YEAR (the first year the
  county keeps records for in this system) to next year.
- references: two rows a record points at belong to the same village.

The services call the date, year, reason and reference checks (forms and the API both go
through the services); each raises a ValidationError keyed by the field it concerns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .dates import today

__all__ = [
    "REASON_MIN_LENGTH",
    "TextValidator",
    "check_not_before",
    "check_period_year",
    "check_reason",
    "check_same_village",
    "check_year",
    "first_year",
    "guard_text_fields",
    "last_year",
    "validate_multiline_text",
    "validate_text",
]

# C0 controls, DEL and C1 controls. Multi-line text keeps tab, line feed and carriage return
# (browsers send a textarea's line breaks as CR LF).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: the fewest characters of a reason that a record keeps for a step that cannot be undone
REASON_MIN_LENGTH = 2


# ---------------------------------------------------------------------------- text


@deconstructible
class TextValidator:
    """Refuse control characters; `multiline` text may hold tabs and line breaks."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        pattern = _CONTROL_MULTILINE if self.multiline else _CONTROL
        found = sorted({f"U+{ord(c):04X}" for c in pattern.findall(value)})
        if found:
            raise ValidationError(
                gettext_lazy(
                    "The text contains control characters (%(codes)s), which cannot be saved: "
                    "remove them."
                ),
                code="control_characters",
                params={"codes": ", ".join(found)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((TextValidator, self.multiline))


validate_text = TextValidator()
validate_multiline_text = TextValidator(multiline=True)


def _is_multiline(field: Any) -> bool:
    if isinstance(field, forms.Field):
        return isinstance(field.widget, forms.Textarea)
    # A serializer's text: a model TextField (rendered as a textarea) or a CharField declared
    # without max_length; every single-line column in the models has a max_length.
    style = getattr(field, "style", {}) or {}
    return style.get("base_template") == "textarea.html" or field.max_length is None


def guard_text_fields(fields: Mapping[str, Any]) -> None:
    """Add the control-character check to every text field of a form or serializer (and of
    the serializers and lists nested in it), once."""
    for field in fields.values():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.BaseSerializer) and hasattr(field, "fields"):
            guard_text_fields(field.fields)
        elif isinstance(field, serializers.ListField | serializers.DictField):
            guard_text_fields({"child": field.child})
        elif isinstance(field, forms.CharField | serializers.CharField):
            if not any(isinstance(v, TextValidator) for v in field.validators):
                validator = validate_multiline_text if _is_multiline(field) else validate_text
                field.validators.append(validator)


# ---------------------------------------------------------------------------- reasons


def check_reason(reason: str, *, field: str = "reason") -> str:
    """A reason in words: at least REASON_MIN_LENGTH characters, a letter among them
    (a Chinese character is one). Returns it stripped."""
    reason = (reason or "").strip()
    try:
        validate_multiline_text(reason)
    except ValidationError as e:
        raise ValidationError({field: e.messages}) from e
    if len(reason) < REASON_MIN_LENGTH or not any(c.isalpha() for c in reason):
        raise ValidationError(
            {
                field: _("Give the reason in words, at least %(n)d characters.")
                % {"n": REASON_MIN_LENGTH}
            }
        )
    return reason


# ---------------------------------------------------------------------------- dates


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def check_not_before(day: dt.date, earliest: dt.date, *, field: str, what: str) -> None:
    """Refuse `day` before `earliest`, the start of the record's life (`what`: "the issue
    date", "the start of the post", ... in the user's language)."""
    if day < earliest:
        raise ValidationError(
            {
                field: _("The date cannot be before %(what)s (%(date)s).")
                % {"what": what, "date": _day(earliest)}
            }
        )


# ---------------------------------------------------------------------------- years


def first_year() -> int:
    """The first year the county keeps records for in this system (settings)."""
    year: int = settings.FIRST_RECORD_YEAR
    return year


def last_year() -> int:
    """Next year: plans and schedules may be made a year ahead, no further."""
    return today().year + 1


def check_year(year: int, *, field: str = "year") -> int:
    """Refuse a year before FIRST_RECORD_YEAR or after next year."""
    first, last = first_year(), last_year()
    if not first <= year <= last:
        raise ValidationError(
            {field: _("Choose a year from %(first)d to %(last)d.") % {"first": first, "last": last}}
        )
    return year


def check_period_year(period: Any, *, field: str = "period") -> Any:
    """A supervision period (anything with a `year`) inside the years records may concern."""
    check_year(period.year, field=field)
    return period


# ---------------------------------------------------------------------------- references


def check_same_village(
    village_id: int | None, other_village_id: int | None, *, field: str, what: str
) -> None:
    """Refuse a reference (`what`: the row named in `field`) to another village than the
    record's own: the record is not moved to follow it."""
    if village_id is not None and other_village_id is not None and village_id != other_village_id:
        raise ValidationError(
            {field: _("The chosen %(what)s belongs to another village.") % {"what": what}}
        )
