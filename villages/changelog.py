"""The change log across every audited model, fast on a province's worth of events.

pghistory's `Events` view computes each event's diff with a correlated subquery over whole event
tables before any filter applies, which takes tens of seconds with 50,000 events. So the log is
read in two steps: a UNION of light per-table selects (filtered by scope and the user's filters,
sorted and paginated in the database), then the full events with their diffs only for the rows
of the page, one query per kind of record on the page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, Value

from core.querysets import prefix_q
from core.rights import Right, scope_for
from core.views import paginate

from .selectors import event_rows, object_history


def event_models() -> list:
    """The event model of every audited model (pghistory generates one per tracked model)."""
    from pghistory.models import Event

    return [
        m
        for m in apps.get_models()
        if issubclass(m, Event) and getattr(m, "pgh_tracked_model", None) and not m._meta.proxy
    ]


def _code_field(event_model) -> str | None:
    """The snapshot column holding the area code: `code` for regions and villages,
    `area_code` for records attached to them, none for accounts."""
    names = {f.name for f in event_model._meta.fields}
    return "code" if "code" in names else "area_code" if "area_code" in names else None


@dataclass
class ChangeLogFilters:
    """What the change log page can be narrowed to."""

    model: str = ""  # tracked model label, e.g. "villages.Village"
    action: str = ""  # insert / update / delete / a manual label
    account_ids: list[int] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    area: str = ""


def _light_rows(user, filters: ChangeLogFilters, account=None):
    """One UNION ALL of (pgh_id, created, model label) over the tables the user may see."""
    scope = scope_for(user)
    parts = []
    for event_model in event_models():
        label = event_model.pgh_tracked_model._meta.label
        if filters.model and filters.model != label:
            continue
        field = _code_field(event_model)
        qs = event_model.objects.all()
        if not scope.everything:
            if field is None:
                continue  # accounts: administrators only
            qs = qs.filter(prefix_q(field, scope.areas(Right.SEE)))
        if filters.area:
            if field is None:
                continue
            qs = qs.filter(**{f"{field}__startswith": filters.area})
        if filters.action:
            qs = qs.filter(pgh_label=filters.action)
        if filters.account_ids is not None:
            qs = qs.filter(pgh_context__metadata__user__in=filters.account_ids)
        if filters.since:
            qs = qs.filter(pgh_created_at__date__gte=filters.since)
        if filters.until:
            qs = qs.filter(pgh_created_at__date__lte=filters.until)
        parts.append(
            qs.annotate(event_label=Value(event_model._meta.label, output_field=CharField()))
            .values_list("pgh_id", "pgh_created_at", "event_label")
            .order_by()
        )
    if not parts:
        return None
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-pgh_created_at", "-pgh_id")


class _Empty(list):
    def count(self):  # Paginator asks for count()
        return 0


@dataclass
class ChangeLogPage:
    """A page of the log: `page_obj` for the pagination controls, `events` ready to show."""

    page_obj: object

    @cached_property
    def events(self):

        return event_rows(full_events(list(self.page_obj)))


def change_log(user, filters: ChangeLogFilters | None = None, page=1, per_page=50):
    """A page of the change log of what `user` may see."""
    rows = _light_rows(user, filters or ChangeLogFilters())
    paginator = Paginator(rows if rows is not None else _Empty(), per_page)
    return ChangeLogPage(paginator.get_page(page))


@dataclass
class LogEvent:
    """One audit event as the log shows it (the attributes of pghistory's Events rows)."""

    pgh_label: str
    pgh_created_at: dt.datetime
    pgh_obj_model: str
    pgh_obj_id: object
    pgh_data: dict
    pgh_diff: dict | None
    pgh_context: dict | None

    @property
    def code(self) -> str | None:
        return self.pgh_data.get("code")

    @property
    def area_code(self) -> str | None:
        return self.pgh_data.get("area_code")


def full_events(rows) -> list[LogEvent]:
    """The events of light rows (pgh_id, created, event label) with their diffs, in row order,
    in one query: each event next to the previous event of the same object."""
    by_model: dict[str, list[int]] = {}
    for pgh_id, _created, event_label in rows:
        by_model.setdefault(event_label, []).append(pgh_id)
    if not by_model:
        return []
    selects, params = [], []
    for event_label, ids in by_model.items():
        table = connection.ops.quote_name(apps.get_model(event_label)._meta.db_table)
        selects.append(
            f"""SELECT %s, e.pgh_id, row_to_json(e)::jsonb,
                  (SELECT row_to_json(p)::jsonb FROM {table} p
                   WHERE p.pgh_obj_id = e.pgh_obj_id AND p.pgh_id < e.pgh_id
                   ORDER BY p.pgh_id DESC LIMIT 1),
                  c.metadata
               FROM {table} e LEFT JOIN pghistory_context c ON c.id = e.pgh_context_id
               WHERE e.pgh_id = ANY(%s)"""
        )
        params += [event_label, ids]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        fetched = {(label, pgh_id): rest for label, pgh_id, *rest in cursor.fetchall()}
    events = []
    for pgh_id, _created, event_label in rows:
        # Django's PostgreSQL backend hands jsonb over as text: it decodes JSON itself (numbers
        # as Decimal, so that money is never a float).
        current, previous, context = (
            json.loads(v, parse_float=Decimal) if isinstance(v, str) else v
            for v in fetched[(event_label, pgh_id)]
        )
        data = {k: v for k, v in current.items() if not k.startswith("pgh_")}
        diff = None
        if previous is not None:
            diff = {k: [previous.get(k), v] for k, v in data.items() if previous.get(k) != v}
        events.append(
            LogEvent(
                pgh_label=current["pgh_label"],
                pgh_created_at=_created,
                pgh_obj_model=apps.get_model(event_label).pgh_tracked_model._meta.label,
                pgh_obj_id=current["pgh_obj_id"],
                pgh_data=data,
                pgh_diff=diff,
                pgh_context=context,
            )
        )
    return events


def recent_changes_by(user, account, limit: int = 10) -> list:
    """The latest events written by `account` that `user` may see."""
    rows = _light_rows(user, ChangeLogFilters(account_ids=[account.pk]))
    return full_events(list(rows[:limit])) if rows is not None else []


def account_ids_named(username: str) -> list[int]:
    """Ids of the accounts with this username (the log's "account" filter)."""
    return list(
        get_user_model()
        .objects.filter(username__iexact=username.strip())
        .values_list("pk", flat=True)
    )


def history_context(request, obj) -> dict:
    """历史记录 of `obj` and of the rows pointing to it, one page at a time: the `page_obj` and
    `events` that includes/event_list.html shows."""
    page = paginate(request, object_history(obj))
    return {"page_obj": page, "events": event_rows(page)}
