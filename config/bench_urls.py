"""The application's URLs plus a bare view for the benchmark to compare the dashboard with;
only `config.settings.bench` mounts it, so no deployment serves it."""

from django.http import HttpResponse
from django.urls import path

from .urls import urlpatterns as app_urlpatterns


def bare(request):
    """`ok`, through the same middleware as every page, without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *app_urlpatterns]
