"""Request middleware of the project."""

import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
