"""Request middleware of the project."""

import time

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from core.views import is_sync_request


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language with the switch.

    The browser's Accept-Language is ignored on purpose: township PCs often run an English
    Windows, and the clerk still expects the Chinese UI.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class IdleSessionMiddleware:
    """Keep a session alive while it is used, at the cost of one write a minute at most.

    Sessions expire SESSION_COOKIE_AGE (the idle timeout) after their last save. Saving on every
    request (SESSION_SAVE_EVERY_REQUEST) would cost three queries per page; touching the session
    once a minute keeps the timeout within a minute of exact.
    """

    TOUCH_EVERY_SECONDS = 60
    KEY = "_last_touch"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.TOUCH_EVERY_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)


class FirstRunMiddleware:
    """Until the first county exists, an administrator who opens the home page or the village
    list is sent to 设置本县 (/setup/): the empty tree is the first step to take, not a refusal.
    (The tree import takes a first county too, from its upper-levels sheet: it is left alone.)
    Everyone else and every other page pass untouched (no query)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_superuser
            and request.method == "GET"
            and request.path_info in self.entry_paths()
        ):
            from .setup import tree_is_empty

            if tree_is_empty():
                return redirect("villages:setup")
        return self.get_response(request)

    @staticmethod
    def entry_paths() -> set[str]:
        return {reverse("home"), reverse("villages:village-list")}


class PasswordChangeRequiredMiddleware:
    """An account whose password was generated for it (a staff import) may do nothing but
    change it: every page sends it to the password form until then. The flag rides in the
    session (set at login from the account's profile), so other requests cost no query."""

    SESSION_KEY = "must_change_password"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(self.SESSION_KEY):
            allowed = {
                reverse("password_change"),
                reverse("password_change_done"),
                reverse("logout"),
            }
            if request.path_info not in allowed and not request.path_info.startswith(
                ("/static/", "/i18n/")
            ):
                if is_sync_request(request):
                    url = reverse("password_change")
                    return JsonResponse({"ok": False, "password_change": url}, status=401)
                return redirect("password_change")
        return self.get_response(request)
