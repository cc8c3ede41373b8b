"""The signed-in user of a request, with their scope, kept in the cache (Redis, as deployed).

Every page of a signed-in user needs the account (Django's auth reads it from the database on
each request) and its scope (`core.rights.scope_for`: the roles, and a contact cadre's assigned
villages), which is also what the menu shows. Both change rarely, so the account is kept in the
cache with its scope computed, under the user's *stamp* and the day (a contact assignment starts
and ends on a date), and a request whose stamp is unchanged reads no database for them.

The stamp is renewed whenever something the account or its scope depends on changes:

- the account itself (saved or deleted: password, is_active, is_superuser, names, last login),
  its groups (`m2m_changed`);
- the models `connect()` is given with the field naming their user (villages/apps.py: the staff
  roles and the contact assignments), saved or deleted;
- any of those written in bulk (`villages.signals.bulk_written`), which renews every user's
  stamp (the signal names areas, not users), and so does a bulk write "anywhere" (the demo).

A stamp is renewed at once and again when the transaction commits: a request that read the
database between the two stores its entry under the first renewal's stamp, which the second
makes obsolete. So a revoked role refuses the very next request, and permissions are never served
stale. Stamps are random tokens, not counters, so a stamp lost from the cache is never mistaken
for an old one; entries expire after `SIGNED_IN_CACHE_SECONDS`, which bounds how long a write
that bypasses the model layer (raw SQL, a database shell, `update()` without the bulk signal)
stays unseen. `SIGNED_IN_CACHE_SECONDS = 0` turns the cache off.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string

from .dates import today
from .rights import scope_for

__all__ = ["CachedAuthenticationMiddleware", "connect", "renew_all", "user_changed"]

ALL = "all"  # every entry depends on this stamp too, renewed by bulk writes
STAMP_KEY = "signed-in:stamp:{}"
ENTRY_KEY = "signed-in:user:{}"


def _new_stamp() -> str:
    return uuid.uuid4().hex


def _renew(user_ids: set[str]) -> None:
    cache.set_many({STAMP_KEY.format(u): _new_stamp() for u in user_ids}, timeout=None)


def user_changed(user_ids: Iterable[Any] | None) -> None:
    """The accounts or scopes of these users (None: of everyone) changed in the current
    transaction: renew their stamps now and once it commits."""
    ids = {ALL} if user_ids is None else {str(pk) for pk in user_ids if pk is not None}
    if ids:
        _renew(ids)
        transaction.on_commit(lambda: _renew(ids))


def renew_all() -> None:
    """Read every account and scope again on its next request."""
    user_changed(None)


def _stamp_keys(user_id: str) -> list[str]:
    return [STAMP_KEY.format(ALL), STAMP_KEY.format(user_id)]


def _stamps(keys: list[str], found: Mapping[str, Any]) -> tuple[str, ...]:
    """The current stamps of `keys` (some already in `found`), created when missing."""
    stamps = []
    for key in keys:
        stamp = found.get(key)
        if stamp is None:
            cache.add(key, _new_stamp(), timeout=None)  # another process may have just done so
            stamp = cache.get(key)
        stamps.append(stamp)
    return tuple(stamps)


def _cacheable(backend_path: str) -> bool:
    """Only Django's model backend (or one built on it) reads the account the way it is kept."""
    return backend_path in settings.AUTHENTICATION_BACKENDS and _is_model_backend(backend_path)


@functools.cache
def _is_model_backend(backend_path: str) -> bool:
    return issubclass(import_string(backend_path), ModelBackend)


def get_user(request: HttpRequest) -> User | AnonymousUser:
    """`django.contrib.auth.get_user`, with the account and its scope from the cache while the
    user's stamps and the day are unchanged."""
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend_path = session.get(auth.BACKEND_SESSION_KEY)
    if not settings.SIGNED_IN_CACHE_SECONDS or user_id is None or not backend_path:
        return auth.get_user(request)
    if not _cacheable(backend_path):
        return auth.get_user(request)
    user_id = str(user_id)
    entry_key = ENTRY_KEY.format(user_id)
    stamp_keys = _stamp_keys(user_id)
    on = today()
    found = cache.get_many([entry_key, *stamp_keys])  # one round trip on a hit
    entry = found.get(entry_key)
    if entry is not None:
        stamps, day, kept = entry
        if day == on and stamps == tuple(found.get(k) for k in stamp_keys):
            session_hash = session.get(auth.HASH_SESSION_KEY)
            if session_hash and constant_time_compare(session_hash, kept.get_session_auth_hash()):
                return cast(User, kept)
            # Not this account's current password (or an old secret): Django's own path
            # decides (a fallback secret's session is kept, any other flushed).
            return cast(User | AnonymousUser, auth.get_user(request))
    # Read the stamps before the database: a change committed meanwhile renews them after this
    # read, so what is kept is read again by the next request rather than served stale.
    stamps = _stamps(stamp_keys, found)
    user: User | AnonymousUser = auth.get_user(request)
    if user.is_authenticated and str(user.pk) == user_id:
        scope_for(user)  # kept with the account (core.rights caches it on the user)
        cache.set(entry_key, (stamps, on, user), timeout=settings.SIGNED_IN_CACHE_SECONDS)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, reading the account and its scope from the cache."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]


# ------------------------------------------------------------------ what renews a stamp


def _user_saved(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    user_changed([instance.pk])


def _groups_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:  # user.groups.add(...): the instance is the account
        user_changed([instance.pk])
    else:  # group.user_set.add(...): the accounts are pk_set (None when cleared: anyone)
        user_changed(pk_set if action != "post_clear" else None)


def connect(dependencies: Mapping[str, str], bulk_signal: Signal | None = None) -> None:
    """Renew a user's stamp whenever their account, their groups, or a row of `dependencies`
    ("app.Model" -> the field holding the user's id, e.g. "user_id") naming them is saved or
    deleted; and everyone's when one of these models is written in bulk (`bulk_signal`)."""
    user_model = auth.get_user_model()
    fields = {apps.get_model(label): field for label, field in dependencies.items()}

    def row_changed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        user_changed([getattr(instance, fields[sender._meta.concrete_model or sender])])

    def is_watched(sender: type[Model]) -> bool:
        return sender._meta.concrete_model in fields or sender._meta.concrete_model is user_model

    def written(sender: type[Model], area_codes: Any = None, **kwargs: Any) -> None:
        # Rows written in bulk anywhere (the demo's accounts, roles and assignments) or rows of
        # the account or a dependency: the signal names areas, not users.
        if area_codes is None or is_watched(sender):
            user_changed(None)

    # Proxies (villages.StaffAccount) send their own signals: every model of the account's or a
    # dependency's table is connected.
    for model in apps.get_models():
        concrete = model._meta.concrete_model
        uid = f"core.signed_in:{model._meta.label}"
        if concrete is user_model:
            post_save.connect(_user_saved, sender=model, dispatch_uid=uid + ":save")
            post_delete.connect(_user_saved, sender=model, dispatch_uid=uid + ":delete")
        elif concrete in fields:
            post_save.connect(row_changed, sender=model, dispatch_uid=uid + ":save", weak=False)
            post_delete.connect(row_changed, sender=model, dispatch_uid=uid + ":delete", weak=False)
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="core.signed_in:groups"
    )
    if bulk_signal is not None:
        bulk_signal.connect(written, dispatch_uid="core.signed_in:bulk", weak=False)
