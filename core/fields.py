"""Model fields every app declares the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
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
