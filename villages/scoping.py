"""The one mechanism that decides what a user may see and change.

A user's scope is a set of area-code prefixes (a county, a township, a village) plus, for a
contact cadre, the codes of the villages currently assigned to them. Every domain queryset
inherits `ScopedQuerySet` and names the field holding its area code; views and viewsets call
`visible_to(user)` / `editable_by(user)` and never reach for `Model.objects` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import CODE_LENGTH, MANAGING_ROLES, RoleKind

_CACHE_ATTR = "_cunjian_scope"


@dataclass(frozen=True)
class Scope:
    """What one user may see (`prefixes`, `village_codes`) and change (`editable_prefixes`)."""

    everything: bool = False
    prefixes: tuple[str, ...] = ()
    village_codes: tuple[str, ...] = ()
    editable_prefixes: tuple[str, ...] = ()
    supervisor_prefixes: tuple[str, ...] = ()
    clerk_codes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.prefixes or self.village_codes)

    def covers(self, code: str) -> bool:
        """True if the area code lies inside what the user may see."""
        return self.everything or code in self.village_codes or code.startswith(self.prefixes)

    def may_edit(self, code: str) -> bool:
        return (
            self.everything
            or bool(self.editable_prefixes)
            and code.startswith(self.editable_prefixes)
        )

    def may_keep_books(self, code: str) -> bool:
        """Village records kept by the village itself (the ledger): its clerk writes them too."""
        return self.may_edit(code) or code in self.clerk_codes

    def may_organize(self, code: str) -> bool:
        """Bottom-up supervision of a village (hearings, public reports, redemption): organized
        by its contact cadre, or by the staff who manage it."""
        return self.may_edit(code) or code in self.village_codes

    def ancestors(self) -> set[str]:
        """Region codes above the scope, shown in breadcrumbs (a township sees its county)."""
        codes = set(self.prefixes) | set(self.village_codes)
        return {c[:n] for c in codes for n in CODE_LENGTH.values() if n < len(c)}


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (two queries) and cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(everything=True)
    else:
        from .models import ContactAssignment, StaffRole

        prefixes, editable, supervising, clerking = set(), set(), set(), set()
        roles = list(StaffRole.objects.filter(user=user).values_list("kind", "area_code"))
        for kind, code in roles:
            if kind == RoleKind.CONTACT_CADRE:
                continue  # sees only the villages assigned to them, below
            prefixes.add(code)
            if kind in MANAGING_ROLES:
                editable.add(code)
            if kind == RoleKind.COUNTY_SUPERVISOR:
                supervising.add(code)
            if kind == RoleKind.VILLAGE_CLERK:
                clerking.add(code)
        villages: tuple[str, ...] = ()
        if any(kind == RoleKind.CONTACT_CADRE for kind, _ in roles):
            villages = tuple(
                ContactAssignment.objects.active()
                .filter(cadre=user)
                .values_list("village__code", flat=True)
            )
        scope = Scope(
            prefixes=tuple(sorted(prefixes)),
            village_codes=tuple(sorted(villages)),
            editable_prefixes=tuple(sorted(editable)),
            supervisor_prefixes=tuple(sorted(supervising)),
            clerk_codes=tuple(sorted(clerking)),
        )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's roles or assignments change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def prefix_q(field: str, prefixes, codes=()) -> Q:
    """Q matching rows whose `field` starts with one of `prefixes` or equals one of `codes`."""
    parts = [Q(**{f"{field}__startswith": p}) for p in prefixes]
    if codes:
        parts.append(Q(**{f"{field}__in": list(codes)}))
    return reduce(or_, parts) if parts else Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every domain model: `visible_to(user)` and `editable_by(user)`."""

    #: lookup path to the 12-digit (or region) area code of the row
    scope_field = "area_code"

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(prefix_q(self.scope_field, scope.prefixes, scope.village_codes))

    def editable_by(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(prefix_q(self.scope_field, scope.editable_prefixes))


def require_edit(actor, code: str) -> None:
    """Refuse a write outside the areas the actor manages (services call this first)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not scope_for(actor).may_edit(code):
        raise PermissionDenied(_("You may not change records of this area."))


def require_bookkeeping(actor, code: str) -> None:
    """Refuse a ledger write by anyone but the village's clerk or the staff who manage it."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not scope_for(actor).may_keep_books(code):
        raise PermissionDenied(_("You may not keep the books of this village."))


def require_organizing(actor, code: str) -> None:
    """Refuse a bottom-up supervision write by anyone but the village's contact cadre or the
    staff who manage it."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not scope_for(actor).may_organize(code):
        raise PermissionDenied(_("You do not organize the supervision of this village."))


def today():
    return timezone.localdate()
