"""Knowing when a county's figures change, and keeping them fresh without building them per request.

Every figure of a county comes from the models of `reports.figures.SOURCES`. When one of them is
saved or deleted (Django's signals) or written in bulk by a service (which sends
`villages.signals.bulk_written`), the county, or every county, gets a new stamp once the
transaction commits. A cached set of figures carries the stamps it was built under.

A working county renews its stamp several times a second, so a request that finds its figures
stale does not build them: it serves them with the time they were taken and asks the worker to
build them again (`reports.tasks.rebuild_figures`), once per burst of writes (a marker in the
cache, the task sent `DASHBOARD_DEBOUNCE_SECONDS` later so that the writes meanwhile are taken in
the same build), and one process at a time (a lock). A request builds the figures itself only
when there is nothing to serve (the first request, an evicted entry) or what there is has stayed
stale longer than `DASHBOARD_STALE_SECONDS` (no worker running, a worker busy for minutes); then
too under the lock, and the others wait for its result rather than build it twice.

Stamps are random tokens, not counters, so a stamp lost from the cache is never mistaken for an old
one. Cached entries also carry the day (an undone duty becomes overdue at midnight) and expire after
`DASHBOARD_CACHE_SECONDS`, so a write that bypasses both hooks (raw SQL, a database shell) shows
within minutes.

The figures are built by recipes (`@recipe("name")`): functions of the area code, the day and
plain parameters, so that the worker can build what a request asked for.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from config import celery_app
from villages.signals import bulk_written

__all__ = [
    "CachedFigures",
    "cached_figures",
    "connect",
    "figures_changed",
    "rebuild",
    "recipe",
    "renew_all",
]

log = logging.getLogger(__name__)
ALL = "all"  # the stamp every entry depends on, renewed by province-wide bulk writes
STAMP_KEY = "figures:stamp:{}"
ENTRY_KEY = "figures:entry:{}"
QUEUED_KEY = "figures:queued:{}"  # a rebuild has been sent to the worker
REBUILD_TASK = "reports.tasks.rebuild_figures"  # sent by name: that module imports this one
LOCK_KEY = "figures:lock:{}"  # a process is building these figures
LOCK_SECONDS = 120  # longer than any build (the province's largest county: under 2 s)
LOCK_WAIT_SECONDS = 10  # how long a request waits for another's build before building itself


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


def _stamps(keys: list[str]) -> tuple[str, ...]:
    """The current stamps of `keys`, created when missing."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _new_stamp(), timeout=None)  # another process may have just done so
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


# ------------------------------------------------------------------ recipes and the cache

Recipe = Callable[..., Any]
RECIPES: dict[str, Recipe] = {}


def recipe(name: str) -> Callable[[Recipe], Recipe]:
    """Register `fn(code, on, **params)` as the recipe `name` of a set of figures."""

    def register(fn: Recipe) -> Recipe:
        RECIPES[name] = fn
        return fn

    return register


@dataclass(frozen=True)
class CachedFigures:
    """A set of figures, when they were taken, and whether newer ones are being built."""

    value: Any
    built_at: dt.datetime
    renewing: bool = False


@dataclass(frozen=True)
class _Order:
    """What to build: a recipe with its area, day, parameters and language (the cache's key)."""

    name: str
    code: str
    on: dt.date
    params: dict[str, str]
    language: str

    @property
    def key(self) -> str:
        params = ":".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.name}:{self.code}:{params}:{self.language}"

    @property
    def stamp_keys(self) -> list[str]:
        return [STAMP_KEY.format(ALL), STAMP_KEY.format(self.code[:6])]

    def build(self) -> Any:
        with translation.override(self.language):
            return RECIPES[self.name](code=self.code, on=self.on, **self.params)


def cached_figures(name: str, code: str, on: dt.date, **params: str) -> CachedFigures:
    """The figures of recipe `name` for the area `code` on day `on` (`params`: the rest they
    depend on, such as the period), in the current language: from the cache while the stamps of
    the county and the day are unchanged; stale ones while the worker builds them again; built
    here when there are none. `DASHBOARD_CACHE_SECONDS = 0` turns the cache off."""
    order = _Order(name, code, on, params, translation.get_language() or settings.LANGUAGE_CODE)
    if not settings.DASHBOARD_CACHE_SECONDS:
        return CachedFigures(order.build(), timezone.now())
    entry_key = ENTRY_KEY.format(order.key)
    found = cache.get_many([entry_key, *order.stamp_keys])  # one round trip on a hit
    entry = found.get(entry_key)
    if entry is not None:
        stamps, day, built_at, value = entry
        if day == on and stamps == tuple(found.get(k) for k in order.stamp_keys):
            return CachedFigures(value, built_at)
        if timezone.now() - built_at < dt.timedelta(seconds=settings.DASHBOARD_STALE_SECONDS):
            if _rebuild_later(order):
                return CachedFigures(value, built_at, renewing=True)
    return _build_here(order, entry)


def _rebuild_later(order: _Order) -> bool:
    """Ask the worker to build `order` again, unless it has been asked already; False when there
    is no worker to ask (eager tasks, the broker down)."""

    if celery_app.conf.task_always_eager:
        return False  # `make run`: the request builds them, as the worker would, but at once
    queued = QUEUED_KEY.format(order.key)
    if not cache.add(queued, 1, timeout=settings.DASHBOARD_DEBOUNCE_SECONDS + LOCK_SECONDS):
        return True  # a build is on its way; the writes since are in it
    try:
        celery_app.send_task(
            REBUILD_TASK,
            kwargs={
                "name": order.name,
                "code": order.code,
                "on": order.on.isoformat(),
                "params": order.params,
                "language": order.language,
            },
            countdown=settings.DASHBOARD_DEBOUNCE_SECONDS,
        )
    except Exception:  # the broker is down: serve the stale figures, the next request asks again
        log.warning("figures %s: the worker could not be asked to rebuild them", order.key)
        cache.delete(queued)
    return True


def rebuild(name: str, code: str, on: dt.date, params: dict[str, str], language: str) -> bool:
    """The worker's part: build the figures again and keep them, unless another process is
    building them (False)."""
    order = _Order(name, code, on, params, language)
    cache.delete(QUEUED_KEY.format(order.key))  # a write from now on asks for the next build
    return _locked_build(order) is not None


def _locked_build(order: _Order) -> CachedFigures | None:
    """Build and keep `order` under its lock; None when another process holds it."""
    lock, token = LOCK_KEY.format(order.key), uuid.uuid4().hex
    if not cache.add(lock, token, timeout=LOCK_SECONDS):
        return None
    try:
        # Read the stamps before building: a change committed meanwhile renews them after this
        # read, so what is kept is built again rather than served as fresh.
        stamps = _stamps(order.stamp_keys)
        value = order.build()
        built_at = timezone.now()
        cache.set(
            ENTRY_KEY.format(order.key),
            (stamps, order.on, built_at, value),
            timeout=settings.DASHBOARD_CACHE_SECONDS,
        )
        return CachedFigures(value, built_at)
    finally:
        if cache.get(lock) == token:  # not another's, taken after ours expired
            cache.delete(lock)


def _build_here(order: _Order, stale: tuple | None) -> CachedFigures:
    """Build `order` in this request, or wait for the process that is building it."""
    built = _locked_build(order)
    if built is not None:
        return built
    if stale is not None:  # too old to serve, were not another process building it right now
        _stamps_, _day, built_at, value = stale
        return CachedFigures(value, built_at, renewing=True)
    entry_key = ENTRY_KEY.format(order.key)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        entry = cache.get(entry_key)
        if entry is not None:
            _stamps_, _day, built_at, value = entry
            return CachedFigures(value, built_at)
    return CachedFigures(order.build(), timezone.now())  # the other process failed or is very slow


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
