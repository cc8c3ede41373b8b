"""The application's URLs plus two reference views for the benchmark to compare the dashboard
with; only `config.settings.bench` mounts them, so no deployment serves them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from core.rights import scope_for

from .urls import urlpatterns as app_urlpatterns


def bare(request):
    """`ok`, through the same middleware as every page, without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def signed_in(request):
    """`ok` for a signed-in user once their roles are read: what every page of a signed-in user
    pays before its own work (the session, the user and their roles: from the cache, no query,
    once the user's first request has kept them; core/signed_in.py)."""
    scope_for(request.user)
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/signed-in/", signed_in, name="bench-signed-in"),
    *app_urlpatterns,
]
