"""Middleware every app shares."""

from collections.abc import Callable
from urllib.parse import unquote

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

#: pages for villagers without an account (reports/public_urls.py): they show nothing personal
PUBLIC_PREFIX = "/public/"


class NoStoreMiddleware:
    """No browser, proxy or shared computer keeps a copy of a response that may show personal
    data: everything but the public pages seen anonymously is sent `Cache-Control: no-store`.

    The rule is by default, not by page, so a new page cannot forget it: the login and password
    pages, every page of a signed-in user, and every API answer (a token is authenticated by DRF
    inside the view, after this middleware has looked at the request) are all covered.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not self.may_be_stored(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def may_be_stored(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        signed_in = bool(user and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        return not signed_in and request.path_info.startswith(PUBLIC_PREFIX)


# C0 controls and DEL. PostgreSQL refuses NUL in any text and no code, name or id holds a
# control character, so a URL carrying one is malformed, whatever page it asks for.
_CONTROLS = frozenset(chr(c) for c in range(32)) | {"\x7f"}
# A GET form's textarea may send line breaks and tabs in the query string; nothing else.
_QUERY_CONTROLS = _CONTROLS - {"\t", "\n", "\r"}


class RejectControlCharactersMiddleware:
    """Answer 400 to a path or query string holding a control character (NUL above all),
    before any view passes it to the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if not _CONTROLS.isdisjoint(request.path) or not _QUERY_CONTROLS.isdisjoint(query):
            raise BadRequest("control character in the URL")
        return self.get_response(request)
