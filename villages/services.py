"""Writes to the administrative tree: every change goes through one of these services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.public_cache import public_changed
from core.rights import Right, forget_scope, require
from core.types import Actor

from .choices import RegionLevel, RoleKind
from .models import ContactAssignment, Region, Village

VILLAGE_FACTS = (
    "name",
    "households",
    "population",
    "party_members",
    "collective_income",
    "is_backward",
    "supervision_phone",
    "signing_day",
    "notes",
)


@transaction.atomic
def village_create(
    *,
    actor: Actor,
    township: Region,
    code: str,
    name: str,
    households: int = 0,
    population: int = 0,
    party_members: int = 0,
    collective_income: Decimal = Decimal("0"),
    is_backward: bool = False,
    supervision_phone: str = "",
    signing_day: int | None = None,
    notes: str = "",
) -> Village:
    """Add a village to a township the actor manages."""
    if township.level != RegionLevel.TOWNSHIP:
        raise ValidationError({"township": _("Choose a township.")})
    require(actor, Right.EDIT, township.code)
    village = Village(
        township=township,
        code=code,
        name=name,
        households=households,
        population=population,
        party_members=party_members,
        collective_income=collective_income,
        is_backward=is_backward,
        supervision_phone=supervision_phone,
        signing_day=signing_day,
        notes=notes,
    )
    village.full_clean()
    village.save()
    return village


@transaction.atomic
def village_update(*, actor: Actor, village: Village, **facts: Any) -> Village:
    """Change a village's facts; its code and township are its identity and stay."""
    unknown = set(facts) - set(VILLAGE_FACTS)
    if unknown:
        raise ValueError(f"not village facts: {sorted(unknown)}")
    require(actor, Right.EDIT, village.code)
    changed = [f for f, v in facts.items() if getattr(village, f) != v]
    if not changed:
        return village
    for field in changed:
        setattr(village, field, facts[field])
    village.full_clean()
    village.save(update_fields=[*changed, "updated_at"])
    public_changed(village.code)
    return village


def contact_cadre_candidates(village: Village) -> QuerySet[User]:
    """Accounts holding the contact-cadre role in the village's township."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__kind=RoleKind.CONTACT_CADRE,
            staff_roles__area_code=village.code[:9],
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def contact_assignment_create(
    *, actor: Actor, village: Village, cadre: User, start_date: dt.date, notes: str = ""
) -> ContactAssignment:
    """Assign a contact cadre (包村干部) of the village's township to the village."""
    require(actor, Right.EDIT, village.code)
    if not contact_cadre_candidates(village).filter(pk=cadre.pk).exists():
        raise ValidationError(
            {"cadre": _("This account is not a contact cadre of the village's township.")}
        )
    overlapping = ContactAssignment.objects.filter(
        village=village, cadre=cadre, end_date__isnull=True
    ).exists()
    if overlapping:
        raise ValidationError({"cadre": _("This cadre is already assigned to the village.")})
    assignment = ContactAssignment(village=village, cadre=cadre, start_date=start_date, notes=notes)
    assignment.full_clean()
    assignment.save()
    forget_scope(cadre)
    return assignment


@transaction.atomic
def contact_assignment_end(
    *, actor: Actor, assignment: ContactAssignment, end_date: dt.date
) -> ContactAssignment:
    """End an assignment on a date; the history of who covered the village stays."""
    require(actor, Right.EDIT, assignment.area_code)
    if assignment.end_date is not None:
        raise ValidationError(_("This assignment has already ended."))
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    assignment.end_date = end_date
    assignment.full_clean()
    assignment.save(update_fields=["end_date"])
    forget_scope(assignment.cadre)
    return assignment
