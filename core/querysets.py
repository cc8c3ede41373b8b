"""The scoped queryset every domain model inherits: rows only through what the user may see.

Each queryset names the field holding its area code (`scope_field`); views and viewsets call
`visible_to(user)` / `editable_by(user)` and never reach for `Model.objects` directly (a lint test
in tests/test_conventions.py holds them to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Self, TypeVar

from django.db import models
from django.db.models import Q

from .rights import AnyUser, Right, scope_for

_M = TypeVar("_M", bound=models.Model, covariant=True)

VILLAGE_CODE_LENGTH = 12


def prefix_q(field: str, codes: Iterable[str]) -> Q:
    """Q matching rows whose `field` lies inside one of the areas `codes`: a region code is a
    prefix, a village code (12 digits) is matched exactly (one index lookup for them all)."""
    codes = [c for c in codes if c]  # "" would be a prefix of everything: it matches nothing
    villages = [c for c in codes if len(c) >= VILLAGE_CODE_LENGTH]
    parts = [Q(**{f"{field}__startswith": c}) for c in codes if len(c) < VILLAGE_CODE_LENGTH]
    if villages:
        parts.append(Q(**{f"{field}__in": villages}))
    return reduce(or_, parts) if parts else Q(pk__in=[])


class ScopedQuerySet(models.QuerySet[_M]):
    """Base queryset of every domain model: `visible_to(user)` and `editable_by(user)`."""

    #: lookup path to the 12-digit (or region) area code of the row
    scope_field = "area_code"

    def with_right(self, user: AnyUser, right: Right) -> Self:
        """The rows over whose area `user` holds `right`."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(prefix_q(self.scope_field, scope.areas(right)))

    def visible_to(self, user: AnyUser) -> Self:
        return self.with_right(user, Right.SEE)

    def editable_by(self, user: AnyUser) -> Self:
        return self.with_right(user, Right.EDIT)
