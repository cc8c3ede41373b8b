"""The installable app (issue 21): its manifest, its service worker and the page of the phone's
queue of field forms recorded without signal.

The service worker must be served from the site's root to control every page (a script's scope
is at most its own folder), so it is a view at /sw.js rather than a file under /static/: a
template (templates/offline/sw.js) that loads Workbox from the front-end packages (settings.
VENDOR_STATIC) and precaches the shell, each file with a revision taken from its content, so a
changed file changes the worker and phones fetch it again. The queue itself lives in the phone's
IndexedDB and is shown by static/js/offline.js: the server renders only the page's frame."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

#: The site's colour (.navbar-cunjian in static/css/cunjian.css): the phone's status bar.
THEME_COLOR = "#9b1c1c"

#: The shell every page needs, precached when the worker installs: without them a page opened
#: offline from the cache would show unstyled. Paths under STATIC_URL.
SHELL = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "vendor/htmx/htmx.min.js",
    "vendor/idb-keyval/umd.js",
    "css/cunjian.css",
    "js/cunjian.js",
    "js/offline.js",
    "js/presence.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)

#: The Workbox modules the worker uses, in the order they depend on each other.
WORKBOX_MODULES = ("core", "routing", "strategies", "expiration", "precaching")


def _read(name: str) -> bytes:
    """A static file's bytes: from the finders (development, tests) or from STATIC_ROOT (the
    production image keeps no node_modules)."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as f:  # noqa: PTH123
            return f.read()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as f:
            return bytes(f.read())
    return b""


@cache
def shell_manifest() -> tuple[dict[str, str], ...]:
    """The precache list: each shell file's URL and the digest of its content (once a process:
    the files change only with a deployment, which restarts the processes)."""
    return tuple(
        {"url": static(name), "revision": hashlib.md5(_read(name)).hexdigest()[:16]}  # noqa: S324
        for name in SHELL
    )


def _no_cache(response: HttpResponse) -> HttpResponse:
    # The browser asks for the worker again at each navigation (at most once a day whatever the
    # headers); no-cache keeps a new version from waiting on an intermediate cache.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: the service worker, scope the whole site."""
    prefix = static("vendor/")
    body = render_to_string(
        "offline/sw.js",
        {
            "workbox_sw": json.dumps(static("vendor/workbox-sw/workbox-sw.js")),
            "module_prefix": json.dumps(prefix),
            "precache": json.dumps(list(shell_manifest()), indent=1),
            "field_data": json.dumps("/field/data/"),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return _no_cache(response)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """/manifest.webmanifest: the web app's name, icons and colours, in the reader's language."""
    data = {
        "name": _("Cunjian"),
        "short_name": _("Cunjian"),
        "description": _("Two certificates, one ledger, dual supervision"),
        "lang": to_locale(get_language() or "zh-hans").replace("_", "-"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {
                "src": static(f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
    return _no_cache(response)


class FieldQueueView(LoginRequiredMixin, TemplateView):
    """/field/queue/: the field forms kept on this phone until they are sent (filled by
    static/js/offline.js from IndexedDB: the server never sees the queue until it syncs)."""

    template_name = "offline/queue.html"
