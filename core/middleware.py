"""Middleware shared by every app."""

from collections.abc import Callable
from urllib.parse import unquote

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

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
