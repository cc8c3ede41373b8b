"""TEMPORARY SHIM of branch h21-client: DELETE WHEN MERGING h21-server.

The offline client (static/js/offline.js) is written to the server contract of issue 21, which
branch h21-server implements (submission keys stored once under a database constraint, the
X-Cunjian-Sync JSON answers on every field form, GET /field/data/). That work was not there when
the client was built, so its browser journeys run against this stand-in for the presence visit
form only: the same answers, with the key remembered in the cache instead of the database. Its
two URLs are the lines marked SHIM in config/urls.py, its template offline/shim_visit_form.html
(the form marked as h21-server marks it); nothing else refers to them."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _

from core.types import Actor
from core.views import apply_validation_error
from supervision import selectors, services
from supervision.views.presence import PresenceVisitCreateView


def _syncing(request: HttpRequest) -> bool:
    return request.headers.get("X-Cunjian-Sync") == "1"


def _login(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": False, "login": reverse("login")}, status=401)


class PresenceVisitSyncShimView(PresenceVisitCreateView):
    """The presence visit form answering the offline queue's replays in JSON."""

    template_name = "offline/shim_visit_form.html"  # the form marked as h21-server marks it

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and _syncing(request):
            if not request.user.is_authenticated:
                return _login(request)
            if not self.villages().exists():
                message = _("You no longer organize this village; nothing was saved.")
                return JsonResponse(
                    {"ok": False, "conflict": "out_of_scope", "message": message}, status=409
                )
        return cast(HttpResponse, super().dispatch(request, *args, **kwargs))

    def _cache_key(self) -> str:
        return f"field-shim:{self.request.user.pk}:{self.request.POST.get('submission_key', '')}"

    def form_valid(self, form: Any) -> HttpResponse:
        if not _syncing(self.request):
            return cast(HttpResponse, super().form_valid(form))
        if url := cache.get(self._cache_key()):
            return JsonResponse({"ok": True, "url": url, "replayed": True})
        try:
            actor = cast(Actor, self.request.user)
            visit = services.presence_visit_record(actor=actor, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        url = reverse("supervision:presence-detail", args=[visit.pk])  # as h21-server answers
        cache.set(self._cache_key(), url, None)
        messages.success(self.request, _("Visit recorded."))
        return JsonResponse({"ok": True, "url": url, "replayed": False}, status=201)

    def form_invalid(self, form: Any) -> HttpResponse:
        if not _syncing(self.request):
            return cast(HttpResponse, super().form_invalid(form))
        errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
        form_errors = errors.pop("__all__", [])
        return JsonResponse({"ok": False, "errors": errors, "form_errors": form_errors}, status=400)


def field_data(request: HttpRequest) -> JsonResponse:
    """GET /field/data/: the user's villages, the field forms' URLs, a fresh CSRF token."""
    if not request.user.is_authenticated:
        return _login(request)
    record = reverse("supervision:presence-record")
    villages = list(selectors.presence_villages(request.user).values("code", "name"))
    return JsonResponse(
        {
            "villages": villages,
            "forms": [
                {"kind": "presence", "village": v["code"], "url": f"{record}?village={v['code']}"}
                for v in villages
            ]
            + ([{"kind": "presence", "url": record}] if villages else []),
            "csrf_token": get_token(request),
        }
    )
