"""URLconf of tests/test_nginx.py: one view that tells what reached the app through nginx."""

from django.http import JsonResponse
from django.urls import path

from core.clients import client_address


def echo(request):
    return JsonResponse(
        {
            "forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR"),
            "client": client_address(request),
            "secure": request.is_secure(),
            "host": request.get_host(),
        }
    )


urlpatterns = [path("echo/", echo)]
