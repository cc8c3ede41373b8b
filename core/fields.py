"""Model fields every app declares the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise


def area_code_field(
    verbose_name: StrOrPromise | None = None, *, max_length: int = 12, **options: Any
) -> models.CharField[str | int | Combinable, str]:
    """The statistical area code a row is scoped by (`ScopedQuerySet.scope_field`): a village's
    12 digits, or a region's 6 (county) or 9 (township). Copied from the row's village or
    region by the code that saves it, never typed in, and indexed for the prefix filters.

    `options` are for the few that differ and say why at the call (a county's code of 6
    digits, "" for the official chart, an index that a composite one already gives)."""
    options = {"editable": False, "db_index": True, **options}
    return models.CharField(verbose_name or _("area code"), max_length=max_length, **options)


# Digits of a statistical area code at each level: province, city, county, township, village.
AREA_CODE_LENGTHS = (2, 4, 6, 9, 12)
VILLAGE = (12,)
COUNTY = (6,)


def area_code_pattern(lengths: tuple[int, ...], *, blank: bool = False) -> str:
    """A regular expression (PostgreSQL's and Python's) matching `lengths` digits, or "" too."""
    if not lengths or any(n not in AREA_CODE_LENGTHS for n in lengths):
        raise ValueError(f"not area code lengths: {lengths}")
    either = "|".join(f"[0-9]{{{n}}}" for n in lengths)
    return f"^({either}){'?' if blank else ''}$"


def area_code_check(
    lengths: tuple[int, ...] = VILLAGE, *, field: str = "area_code", blank: bool = False
) -> models.CheckConstraint:
    """The database refuses a row whose `field` is not an area code of `lengths` digits ("" is
    allowed only if `blank`): scoping is a prefix filter on that column, so an empty or short
    code would put the row in every user's scope, and a long one in nobody's. `full_clean`
    answers with the message instead of the IntegrityError."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__regex": area_code_pattern(lengths, blank=blank)}),
        name=f"%(app_label)s_%(class)s_{field}_digits",
        violation_error_message=format_lazy(
            _("The area code must be {lengths} digits."),
            lengths="/".join(str(n) for n in lengths),
        ),
    )
