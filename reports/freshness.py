"""Knowing when a county's figures change, so its dashboard can be served from the cache until then.

Every figure of a county comes from the models of `reports.figures.SOURCES`. When one of them is
saved or deleted (Django's signals) or written in bulk by a service (which sends
`villages.signals.bulk_written`), the county, or every county, gets a new stamp once the
transaction commits. A cached dashboard carries the stamps it was built under and is built again
when they differ.

Stamps are random tokens, not counters, so a stamp lost from the cache is never mistaken for an old
one. Cached entries also carry the day (an undone duty becomes overdue at midnight) and expire after
`DASHBOARD_CACHE_SECONDS`, so a write that bypasses both hooks (raw SQL, a database shell) shows
within minutes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from villages.signals import bulk_written

__all__ = ["cached_figures", "connect", "figures_changed", "renew_all"]

T = TypeVar("T")
ALL = "all"  # the stamp every entry depends on, renewed by province-wide bulk writes
STAMP_KEY = "figures:stamp:{}"
ENTRY_KEY = "figures:entry:{}"


def _new_stamp() -> str:
    return uuid.uuid4().hex


def _renew(counties: set[str]) -> None:
    cache.set_many({STAMP_KEY.format(c): _new_stamp() for c in counties}, timeout=None)


def renew_all() -> None:
    """Build every cached dashboard again on its next request (a new release, data fixed by
    hand)."""
    _renew({ALL})


def figures_changed(codes: Iterable[str] | None = None) -> None:
    """The figures under these area codes (any level; None: everywhere) changed in the current
    transaction: renew the stamps of their counties once it commits."""
    counties = {ALL} if codes is None else {code[:6] for code in codes if code}
    if counties:
        transaction.on_commit(lambda: _renew(counties))


def _stamp_keys(area_code: str) -> list[str]:
    return [STAMP_KEY.format(ALL), STAMP_KEY.format(area_code[:6])]


def _stamps(keys: list[str]) -> tuple[str, ...]:
    """The current stamps of `keys`, created when missing."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _new_stamp(), timeout=None)  # another process may have just done so
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


def cached_figures(
    key: str, area_code: str, on: dt.date, build: Callable[[], T]
) -> tuple[T, dt.datetime]:
    """What `build()` returns for `key` (which names everything else it depends on, such as the
    area, period and language) and when it was built: from the cache while the stamps of the
    county of `area_code` and the day are unchanged, else built now and kept.
    `DASHBOARD_CACHE_SECONDS = 0` turns the cache off."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return build(), timezone.now()
    entry_key = ENTRY_KEY.format(key)
    stamp_keys = _stamp_keys(area_code)
    found = cache.get_many([entry_key, *stamp_keys])  # one round trip on a hit
    entry = found.get(entry_key)
    if entry is not None:
        stamps, day, built_at, value = entry
        if day == on and stamps == tuple(found.get(k) for k in stamp_keys):
            return value, built_at
    # Read the stamps before building: a change committed meanwhile renews them after this read,
    # so what is kept is built again by the next request rather than served stale.
    stamps = _stamps(stamp_keys)
    value = build()
    built_at = timezone.now()
    cache.set(entry_key, (stamps, on, built_at, value), timeout=settings.DASHBOARD_CACHE_SECONDS)
    return value, built_at


def _changed(sender, instance, **kwargs) -> None:
    code = getattr(instance, "area_code", "") or getattr(instance, "code", "")
    figures_changed([code] if code else None)


def connect(labels: Iterable[str]) -> None:
    """Renew a county's stamp whenever a model of `labels` ("app.Model") is saved, deleted or
    written in bulk there."""
    models = {apps.get_model(label) for label in labels}

    def written(sender, area_codes=None, **kwargs):
        if sender in models:
            figures_changed(area_codes)

    bulk_written.connect(written, dispatch_uid="reports.freshness:bulk", weak=False)
    for model in models:
        uid = f"reports.freshness:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ":delete")
