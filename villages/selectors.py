"""Reads that cross relations: the change log, object histories, township summaries."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.rights import Right, scope_for

from .models import ChangeEvent, ContactAssignment, Region, StaffRole, Village


def object_history(obj):
    """Events of `obj` and of the records that point to it (e.g. a village's assignments)."""
    return ChangeEvent.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")


# Bookkeeping columns that say nothing to a reader of the history.
HIDDEN_FIELDS = {"id", "created_at", "updated_at"}


class ValueList(list):
    """A JSON value shown as lines (a list on the page, not a dump)."""

    is_list = True


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object
    name: str = ""


def _model_of(event):
    try:
        return apps.get_model(event.pgh_obj_model)
    except LookupError:  # a model removed since the event was written
        return None


def _field_of(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name[:-3] if name.endswith("_id") else name)
    except FieldDoesNotExist:  # a field removed since the event was written
        return None


def _items(event) -> list[tuple[str, object, object]]:
    if event.pgh_label == "update":
        return [(k, v[0], v[1]) for k, v in (event.pgh_diff or {}).items()]
    return [(k, None, v) for k, v in (event.pgh_data or {}).items()]


def _is_relation(field) -> bool:
    return field is not None and (field.many_to_one or field.one_to_one)


def _key(model) -> type:
    # A proxy (StaffAccount) and its concrete model (User) share their rows.
    return model._meta.concrete_model


def related_names(events) -> dict[tuple[type, object], str]:
    """The names of the records the events name: {(model, pk): name}."""
    return related_records(events)[1]


def related_records(events) -> tuple[dict, dict[tuple[type, object], str]]:
    """The records the events name (their foreign keys' targets, their accounts, the records
    themselves) and their names, both keyed by (model, pk). One query for them all, then one
    per level of records that names are made of (a post is named by its village and cadre),
    whatever the number of events."""
    user_model = _key(get_user_model())
    pending: dict[type, set] = defaultdict(set)
    for event in events:
        model = _model_of(event)
        user = (event.pgh_context or {}).get("user")
        if user is not None:
            pending[user_model].add(user)
        if model is not None and getattr(event, "pgh_obj_id", None) is not None:
            pending[_key(model)].add(model._meta.pk.to_python(event.pgh_obj_id))
        for name, old, new in _items(event):
            field = _field_of(model, name)
            if _is_relation(field):
                target = field.target_field
                pending[_key(field.related_model)] |= {
                    target.to_python(v) for v in (old, new) if v is not None
                }
    found: dict[tuple[type, object], object] = {}
    names: dict[tuple[type, object], str] = {}
    for _level in range(4):
        if not pending:
            break
        found.update(_fetch_rows(pending))
        _link(found)
        pending = defaultdict(set)
        for key, record in found.items():
            if key in names:
                continue
            name = _name_without_queries(record)
            if name is not None:
                names[key] = name
                continue
            # Its name reads other records: fetch what its keys point to, for the next round.
            for field in _forward_keys(type(record)):
                pk = getattr(record, field.attname)
                if pk is not None and (_key(field.related_model), pk) not in found:
                    pending[_key(field.related_model)].add(pk)
    for key, record in found.items():  # a name made of more than keys: let it query
        names.setdefault(key, record_name(record))
    return found, names


class _NameNeedsRecords(Exception):
    pass


def _refuse_query(execute, sql, params, many, context):
    raise _NameNeedsRecords


def _name_without_queries(record) -> str | None:
    """The record's name if it can be made from what is fetched, else None."""
    with connection.execute_wrapper(_refuse_query):
        try:
            return record_name(record)
        except _NameNeedsRecords:
            return None


def _link(found) -> None:
    """Point every fetched record's keys at the fetched records, as select_related would."""
    for record in found.values():
        for field in _forward_keys(type(record)):
            target = found.get((_key(field.related_model), getattr(record, field.attname)))
            if target is not None:
                field.set_cached_value(record, target)


def _forward_keys(model) -> list:
    return [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]


def _fetch_rows(wanted: dict[type, set]) -> dict[tuple[type, object], object]:
    """The rows of `wanted` ({model: pks}) as model instances, in one query."""
    selects, params = [], []
    for model, pks in wanted.items():
        table = connection.ops.quote_name(model._meta.db_table)
        pk_column = connection.ops.quote_name(model._meta.pk.column)
        selects.append(
            f"SELECT %s, row_to_json(t)::text FROM {table} t WHERE t.{pk_column} = ANY(%s)"
        )
        params += [model._meta.label, list(pks)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        rows = cursor.fetchall()
    found = {}
    for label, data in rows:
        model = apps.get_model(label)
        values = json.loads(data, parse_float=Decimal)
        fields = model._meta.concrete_fields
        record = model.from_db(
            connection.alias,
            [f.attname for f in fields],
            [_python_value(f, values.get(f.column)) for f in fields],
        )
        found[(model, record.pk)] = record
    return found


def _python_value(field, value):
    # row_to_json writes dates and times as ISO text; JSON columns stay as decoded.
    if value is None or isinstance(field, JSONField):
        return value
    return field.to_python(value)


def record_name(record) -> str:
    """A record as the history names it: a person's name for an account."""
    from .templatetags.cunjian import person_name

    if isinstance(record, get_user_model()):
        return person_name(record)
    return str(record)


def describe_changes(event, names=None) -> list[FieldChange]:
    """The changed fields of one event as a reader wants them: the model's verbose names, the
    names of related records, choices' labels, money in yuan, dates the Chinese way, JSON as
    lines. `names` (from `related_names`) saves the queries when there are many events."""
    model = _model_of(event)
    if names is None:
        names = related_names([event])
    # A model may hide personal data in its history the way its lists do (`history_masks`).
    masks = getattr(model, "history_masks", {}) if model is not None else {}
    changes = []
    for name, old, new in _items(event):
        if name in HIDDEN_FIELDS:
            continue
        if event.pgh_label != "update" and new in (None, "", [], {}):
            continue  # a record's snapshot: its empty fields say nothing
        field = _field_of(model, name)
        label = str(field.verbose_name) if field is not None else name
        if name in masks:
            old, new = masks[name](old), masks[name](new)
        elif field is not None:
            old, new = _readable(field, old, names), _readable(field, new, names)
        changes.append(FieldChange(label=label, old=old, new=new, name=name))
    return changes


def _is_money(field) -> bool:
    # Money columns are DecimalField(16, 2) (14, 2 for a village's income); areas and
    # quantities are (12, 2), scores have one decimal place and thresholds three.
    return field.decimal_places == 2 and field.max_digits >= 14


def _readable(field, value, names):
    """A stored value as the pages show it."""
    from .templatetags.cunjian import yuan

    if value is None:
        return None
    if _is_relation(field):
        pk = field.target_field.to_python(value)
        name = names.get((_key(field.related_model), pk))
        return name if name is not None else _("#%(id)s (deleted)") % {"id": pk}
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, DecimalField):
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
        return yuan(amount) if _is_money(field) else f"{amount:,}"
    if isinstance(field, DateTimeField):
        moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
        if moment is None:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    if isinstance(field, DateField):
        day = value if isinstance(value, dt.date) else parse_date(str(value))
        return date_format(day, "DATE_FORMAT") if day is not None else value
    if isinstance(field, JSONField):
        return _as_lines(value)
    return value


def _as_lines(value):
    """A JSON value as lines: one per key of an object or per item of an array."""
    if isinstance(value, dict):
        lines = [f"{key}: {_inline(item)}" for key, item in value.items()]
    elif isinstance(value, list):
        lines = [_inline(item) for item in value]
    else:
        return _inline(value)
    return ValueList(lines) if lines else None


def _inline(value) -> str:
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return "，".join(f"{key}: {_inline(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "、".join(_inline(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class EventRow:
    event: object
    user: object
    changes: list[FieldChange]
    record: str = ""


def event_rows(events) -> list[EventRow]:
    """Events ready to show: the records they name fetched once for all (not per event), their
    changes described."""
    events = list(events)
    records, names = related_records(events)
    users = _key(get_user_model())
    rows = []
    for e in events:
        model = _model_of(e)
        obj_id = getattr(e, "pgh_obj_id", None)
        record = ""
        if model is not None and obj_id is not None:
            record = names.get((_key(model), model._meta.pk.to_python(obj_id)), "")
        user = (e.pgh_context or {}).get("user")
        rows.append(EventRow(e, records.get((users, user)), describe_changes(e, names), record))
    return rows


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
