"""Reads that cross relations: the change log, object histories, township summaries."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, F, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.rights import Right, scope_for

from .models import ChangeEvent, ContactAssignment, Region, StaffRole, Village


def object_history(obj):
    """Events of `obj` and of the records that point to it (e.g. a village's assignments)."""
    return ChangeEvent.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")


# Bookkeeping columns that say nothing to a reader of the history.
HIDDEN_FIELDS = {"id", "created_at", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object
    name: str = ""


def describe_changes(event) -> list[FieldChange]:
    """The changed fields of one event, labelled with the model's verbose names."""
    try:
        model = apps.get_model(event.pgh_obj_model)
    except LookupError:
        model = None
    if event.pgh_label == "update":
        items = [(k, v[0], v[1]) for k, v in (event.pgh_diff or {}).items()]
    else:
        items = [(k, None, v) for k, v in (event.pgh_data or {}).items()]
    # A model may hide personal data in its history the way its lists do (`history_masks`).
    masks = getattr(model, "history_masks", {}) if model is not None else {}
    changes = []
    for name, old, new in items:
        if name in HIDDEN_FIELDS:
            continue
        label, field = name, None
        if model is not None:
            field_name = name[:-3] if name.endswith("_id") else name
            try:
                field = model._meta.get_field(field_name)
                label = str(field.verbose_name)
            except Exception:  # noqa: BLE001 - a field removed since the event was written
                field = None
        if name in masks:
            old, new = masks[name](old), masks[name](new)
        elif field is not None:
            old, new = _readable(field, old), _readable(field, new)
        changes.append(FieldChange(label=label, old=old, new=new, name=name))
    return changes


def _readable(field, value):
    """A stored value as the pages show it: a choice's label, 是/否 for a boolean."""
    if value is None:
        return None
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, BooleanField):
        return _("Yes") if value else _("No")
    return value


@dataclass(frozen=True)
class EventRow:
    event: object
    user: object
    changes: list[FieldChange]


def event_rows(events) -> list[EventRow]:
    """Events ready to show: their accounts fetched in one query, their changes described."""
    events = list(events)
    user_ids = {(e.pgh_context or {}).get("user") for e in events} - {None}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    return [
        EventRow(e, users.get((e.pgh_context or {}).get("user")), describe_changes(e))
        for e in events
    ]


def model_verbose_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except LookupError:
        return label


def audited_models() -> list[tuple[str, str]]:
    """(label, verbose name) of every model whose changes are logged."""
    from pghistory.models import Event

    tracked = {
        m.pgh_tracked_model._meta.label: str(m.pgh_tracked_model._meta.verbose_name)
        for m in apps.get_models()
        if issubclass(m, Event) and getattr(m, "pgh_tracked_model", None)
    }
    return sorted(tracked.items(), key=lambda kv: kv[0])


def regions_with_counts(user):
    """Visible regions, each with the number of villages under it that the user may see."""
    villages = (
        Village.objects.visible_to(user)
        .filter(code__startswith=OuterRef("code"))
        .order_by()
        # COUNT as a plain function, not an aggregate: no GROUP BY inside the subquery.
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return (
        Region.objects.visible_to(user)
        .select_related("parent")
        .annotate(village_count=Coalesce(Subquery(villages, output_field=IntegerField()), 0))
    )


def township_totals(user):
    """Per township, over the villages the user may see: villages, population, backward ones."""
    return (
        Village.objects.visible_to(user)
        .values("township__code", "township__name")
        .annotate(
            village_count=Count("pk"),
            households=Sum("households"),
            population=Sum("population"),
            party_members=Sum("party_members"),
            backward_count=Count("pk", filter=Q(is_backward=True)),
        )
        .order_by("township__code")
    )


def roles_of(user):
    """The user's own roles with what they are scoped to."""
    return StaffRole.objects.filter(user=user).select_related("region", "village")


def contact_villages_of(user):
    """The villages currently assigned to `user` as contact cadre."""
    return (
        Village.objects.visible_to(user)
        .filter(contact_assignments__in=ContactAssignment.objects.active().filter(cadre=user))
        .select_related("township")
        .distinct()
    )


def importable_counties(user):
    """Counties into whose tree the user may import (all of it, or their townships in it)."""
    scope = scope_for(user)
    if scope.everything:
        return Region.objects.counties()
    return Region.objects.counties().filter(code__in=scope.counties(Right.EDIT))
