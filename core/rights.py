"""Who may do what, where: the one rule every service, view and viewset asks.

A user holds roles (rows of `villages.StaffRole`), each over an area: a county, a township or a
village, named by its statistical area code, which is the prefix of every code below it. A contact
cadre's role is also over single villages: those assigned to them (`villages.ContactAssignment`).
`GRANTS` says which rights each role gives over its area; `Scope.allows(right, code)` answers
whether the user holds `right` over the record whose area code is `code`. Administrators
(superusers) hold every right everywhere.

Where each right is asked, in words:

==================  ==========================================================================
right               lets the user
==================  ==========================================================================
SEE                 read the area's records (lists, pages, API, exports)
SEE_FIGURES         open the dashboard of the area as a whole (not a contact cadre, who sees
                    single villages)
EDIT                manage the area: the tree, cadres, posts, certificates, pledges and
                    advices; post and reverse vouchers, confirm verifications, approve and
                    publish statements, confirm handovers, audits; inspections, reviews,
                    the annual certificate inspection; close, reject or reopen problems;
                    warnings; backward-village plans
KEEP_BOOKS          draft the village's ledger: vouchers, registers, imports, statements,
                    handover drafts (the village's clerk, and the staff who manage it)
ORGANIZE            organize bottom-up supervision: hearings, public reports, redemption,
                    problems' rectification, monthly progress (the contact cadre and staff)
ANSWER              answer villagers' questions on a published statement in public
REVEAL              see full ID numbers and phones (lists and exports show them masked)
SUPERVISE           the county's supervision: county dashboards, the county's cycle settings,
                    accepting a backward village's rectification
==================  ==========================================================================

So "may this user post this voucher?" is `scope_for(user).allows(Right.EDIT, voucher.area_code)`
(asked by `ledgers.services.books.voucher_post`), and the answer comes from `GRANTS` below.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

_CACHE_ATTR = "_cunjian_scope"

#: whom a scope is asked for: `request.user`, a service's actor, None without a request
AnyUser: TypeAlias = "User | AnonymousUser | None"


class RoleKind(models.TextChoices):
    COUNTY_SUPERVISOR = "county_supervisor", gettext_lazy("County supervisor")
    TOWNSHIP_STAFF = "township_staff", gettext_lazy("Township staff")
    CONTACT_CADRE = "contact_cadre", gettext_lazy("Village-contact cadre")
    VILLAGE_CLERK = "village_clerk", gettext_lazy("Village clerk")


class Right(enum.StrEnum):
    SEE = "see"
    SEE_FIGURES = "see_figures"
    EDIT = "edit"
    KEEP_BOOKS = "keep_books"
    ORGANIZE = "organize"
    ANSWER = "answer"
    REVEAL = "reveal"
    SUPERVISE = "supervise"


_STAFF = frozenset(
    {
        Right.SEE,
        Right.SEE_FIGURES,
        Right.EDIT,
        Right.KEEP_BOOKS,
        Right.ORGANIZE,
        Right.ANSWER,
        Right.REVEAL,
    }
)

#: the rights each role gives over its area (a contact cadre: over each assigned village)
GRANTS: dict[str, frozenset[Right]] = {
    RoleKind.COUNTY_SUPERVISOR: _STAFF | {Right.SUPERVISE},
    RoleKind.TOWNSHIP_STAFF: _STAFF,
    RoleKind.CONTACT_CADRE: frozenset({Right.SEE, Right.ORGANIZE, Right.ANSWER}),
    RoleKind.VILLAGE_CLERK: frozenset({Right.SEE, Right.SEE_FIGURES, Right.KEEP_BOOKS}),
}

#: the messages of a refusal, by right (a service's PermissionDenied shows as 403 with it)
REFUSALS = {
    Right.SEE: gettext_lazy("You may not see records of this area."),
    Right.SEE_FIGURES: gettext_lazy("You may not see records of this area."),
    Right.EDIT: gettext_lazy("You may not change records of this area."),
    Right.KEEP_BOOKS: gettext_lazy("You may not keep the books of this village."),
    Right.ORGANIZE: gettext_lazy("You do not organize the supervision of this village."),
    Right.ANSWER: gettext_lazy("You may not answer questions of this village."),
    Right.REVEAL: gettext_lazy("You may not see this personal data."),
    Right.SUPERVISE: gettext_lazy("Only the county's supervisors may do this."),
}


@dataclass(frozen=True)
class Scope:
    """The areas a user holds rights over: `grants` maps an area code to the rights held there
    (a village code for a contact cadre's assigned village). `everything`: an administrator."""

    everything: bool = False
    grants: tuple[tuple[str, frozenset[Right]], ...] = ()
    #: the villages the user is the contact cadre of (bottom-up duties and reminders go to them)
    assigned_villages: tuple[str, ...] = ()
    _areas: dict[Right, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_roles(
        cls, roles: Iterable[tuple[str, str]], contact_villages: Collection[str] = ()
    ) -> Scope:
        """The scope of a user holding `roles` ((kind, area code) pairs) and assigned, as a
        contact cadre, to `contact_villages` (village codes)."""
        held: dict[str, set[Right]] = {}
        for kind, code in roles:
            if kind == RoleKind.CONTACT_CADRE:
                continue  # a contact cadre's rights are over the assigned villages only
            if not code or not code.isdigit():
                # "" is a prefix of every code: a role without its area grants nothing, never
                # everything (the database refuses such roles too).
                continue
            held.setdefault(code, set()).update(GRANTS[kind])
        for code in filter(None, contact_villages):
            held.setdefault(code, set()).update(GRANTS[RoleKind.CONTACT_CADRE])
        return cls(
            grants=tuple(sorted((code, frozenset(r)) for code, r in held.items())),
            assigned_villages=tuple(sorted(contact_villages)),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.grants)

    def allows(self, right: Right, code: str) -> bool:
        """True if the user holds `right` over the record whose area code is `code`."""
        return self.everything or code.startswith(self.areas(right))

    def areas(self, right: Right = Right.SEE) -> tuple[str, ...]:
        """The area codes over which the user holds `right` (empty for an administrator, who
        holds it everywhere: check `everything` first)."""
        if right not in self._areas:
            self._areas[right] = tuple(code for code, rights in self.grants if right in rights)
        return self._areas[right]

    def anywhere(self, right: Right) -> bool:
        """True if the user holds `right` over some area (a menu entry, a button)."""
        return self.everything or bool(self.areas(right))

    def counties(self, right: Right = Right.SEE) -> set[str]:
        """The county codes of the areas where the user holds `right` (settings are kept per
        county: checklists, policies, the chart's sub-accounts)."""
        return {code[:6] for code in self.areas(right) if len(code) >= 6}

    def ancestors(self) -> set[str]:
        """Region codes above the areas the user sees, shown in breadcrumbs (a township sees
        its county)."""
        return {c[:n] for c in self.areas(Right.SEE) for n in (2, 4, 6, 9) if n < len(c)}


def scope_for(user: AnyUser) -> Scope:
    """The user's scope, computed once per request (two queries) and cached on the user; the
    request's user comes from the cache with it already computed (core/signed_in.py)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached: Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(everything=True)
    else:
        # The roles are read through the user's reverse relations, so the core names no app.
        roles = list(user.staff_roles.values_list("kind", "area_code"))
        villages = ()
        if any(kind == RoleKind.CONTACT_CADRE for kind, _code in roles):
            villages = user.contact_assignments.active().values_list("village__code", flat=True)
        scope = Scope.from_roles(roles, villages)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: AnyUser) -> None:
    """Drop the cached scope after the user's roles or assignments change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def require(actor: AnyUser, right: Right, code: str) -> None:
    """Refuse (PermissionDenied) unless `actor` holds `right` over `code`: every service that
    changes a record calls this first."""
    if not scope_for(actor).allows(right, code):
        raise PermissionDenied(str(REFUSALS[right]))
