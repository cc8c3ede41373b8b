"""The public pages' cache (阳光村务, issue #20): a village's public page, a question's receipt
page and the printable 公开榜 are kept whole in the cache (Redis, as deployed) and served from it
to anonymous visitors until something they show is published.

Every service that publishes what these pages show (a statement, a decision, a hearing, a vote,
a redemption, a problem's state, a question's answer, a post, a certificate, a pledge, the
village's phone) calls `public_changed(village_code)`: once its transaction commits, the
village's version is renewed, and every cached page of the village is built again on its next
request. Versions are random tokens, not counters, so a version lost from the cache is never
mistaken for an old one; entries also expire after `PUBLIC_CACHE_SECONDS`, which bounds how long
a write that bypasses the services (raw SQL, a database shell) stays unseen.

Each gunicorn worker also keeps what it served for `PUBLIC_LOCAL_SECONDS` (2 s) in its own
memory, so a page read by many at once costs no round trip to Redis (on a busy machine that trip
is most of a cached page's time); a publication clears it at once in the worker that published,
and the other workers see it within those seconds.

Only a request that cannot be anyone's in particular is served from the cache or fills it: a GET
without a query string, a session or a message. The page's CSRF token (the language switch's
form) is kept as a placeholder and each visitor gets their own.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

__all__ = [
    "CSRF_PLACEHOLDER",
    "PublicCacheMixin",
    "clear_local",
    "public_changed",
    "public_version",
]

VERSION_KEY = "public:version:{}"
ENTRY_KEY = "public:page:{}:{}"
#: stands for the visitor's CSRF token in a cached page (never a valid token: not 64 characters)
CSRF_PLACEHOLDER = "public-cache-csrf-token"
#: the message storage's cookie (django.contrib.messages.storage.cookie.CookieStorage)
MESSAGES_COOKIE = "messages"
#: the headers a cached response keeps
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


#: this process's copies: entry key -> (monotonic expiry, village code, headers, body)
_local: dict[str, tuple[float, str, dict[str, str], bytes]] = {}
LOCAL_MAX_ENTRIES = 1000


def clear_local(codes: set[str] | None = None) -> None:
    """Forget this process's copies (of these villages' pages; None: all)."""
    if codes is None:
        _local.clear()
        return
    for key in [k for k, entry in _local.items() if entry[1] in codes]:
        _local.pop(key, None)


def _keep_local(key: str, code: str, headers: dict[str, str], body: bytes) -> None:
    seconds = settings.PUBLIC_LOCAL_SECONDS
    if seconds > 0:
        if len(_local) >= LOCAL_MAX_ENTRIES:
            _local.clear()
        _local[key] = (time.monotonic() + seconds, code, headers, body)


def _renew(codes: set[str]) -> None:
    clear_local(codes)
    cache.set_many({VERSION_KEY.format(c): uuid.uuid4().hex for c in codes}, timeout=None)


def public_changed(*codes: str | None, all_of: Iterable[str | None] = ()) -> None:
    """What the public pages of these villages (12-digit codes) show changed in the current
    transaction: renew their versions once it commits (at once outside a transaction)."""
    found = {c for c in (*codes, *all_of) if c}
    if found:
        transaction.on_commit(lambda: _renew(found))


def public_version(code: str) -> str:
    """The village's current version, created when missing."""
    key = VERSION_KEY.format(code)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)  # another process may have just done so
        version = cache.get(key)
    return str(version)


def may_use_cache(request: HttpRequest) -> bool:
    """Whether `request` may be answered from the cache or fill it: nobody's in particular."""
    return (
        settings.PUBLIC_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _response(request: HttpRequest, headers: dict[str, str], body: bytes) -> HttpResponse:
    if headers.get("Content-Type", "").startswith("text/html"):
        body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    return response


class PublicCacheMixin:
    """A public view whose response is cached per village (see the module). The village is
    `kwargs["code"]` or what the view sets on `self.public_village_code` while it builds."""

    public_village_code: str | None = None
    public_caching = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_use_cache(request):
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]
        code = kwargs.get("code")
        entry_key = ENTRY_KEY.format(translation.get_language(), request.path)
        local = _local.get(entry_key)
        if local is not None and local[0] > time.monotonic():
            return _response(request, local[2], local[3])
        keys = [entry_key] + ([VERSION_KEY.format(code)] if code else [])
        found = cache.get_many(keys)  # one round trip on a hit of a village's page
        entry = found.get(entry_key)
        if entry is not None:
            entry_code, version, headers, body = entry
            current = found.get(VERSION_KEY.format(entry_code)) if code else None
            if current is None:
                current = cache.get(VERSION_KEY.format(entry_code))
            if current == version:
                _keep_local(entry_key, entry_code, headers, body)
                return _response(request, headers, body)
        # Read the version before building, when the village is known: a publication committed
        # meanwhile renews it after this read, so what is kept is built again next time.
        version = public_version(code) if code else None
        self.public_caching = True
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        if hasattr(response, "render"):
            response.render()
        code = code or self.public_village_code
        if response.status_code != 200 or not code or getattr(response, "streaming", False):
            return response
        headers = {h: response[h] for h in KEPT_HEADERS if h in response}
        body = response.content
        cache.set(
            entry_key,
            (code, version or public_version(code), headers, body),
            timeout=settings.PUBLIC_CACHE_SECONDS,
        )
        _keep_local(entry_key, code, headers, body)
        return _response(request, headers, body)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        if self.public_caching:
            ctx["csrf_token"] = CSRF_PLACEHOLDER
        return ctx
