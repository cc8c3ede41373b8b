"""URLconf for the health check tests, independent of config/urls.py."""

from django.urls import path

from config import health

urlpatterns = [path("healthz/", health.healthz, name="healthz")]
