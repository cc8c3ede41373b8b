"""GET /healthz/: can this process reach the database and the Celery broker?

Used by the compose healthcheck, nginx and load balancers, so it needs no login and must answer
quickly even when a dependency hangs. Everyone gets the HTTP code and the overall status; which
check failed (only its error class, never a host, password or message) is shown to staff and to
probes on the machine itself.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

# Seconds to wait for the broker. Without a read timeout a Redis that accepts the TCP
# connection but never answers would hang the check (and the gunicorn worker) forever.
BROKER_TIMEOUT = 2.0


def check_database() -> str:
    """Return "ok" when a trivial query succeeds, else the exception class name."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy"; the log keeps the detail
        logger.warning("healthz: database check failed: %r", exc)
        return type(exc).__name__
    return "ok"


def check_broker() -> str:
    """Return "ok" when the Celery broker accepts a connection, "eager" when none is used."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # `make run` executes tasks in-process; there is no broker to be down.
        return "eager"
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT,
            transport_options={"socket_timeout": BROKER_TIMEOUT},
        ) as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT
            )
    except Exception as exc:
        logger.warning("healthz: broker check failed: %r", exc)
        return type(exc).__name__
    return "ok"


LOCALHOST = {"127.0.0.1", "::1"}


def sees_detail(request) -> bool:
    """Staff, or a probe on this machine that did not come through the proxy (the compose
    healthcheck): through nginx the peer is nginx and X-Forwarded-For is always set."""
    user = getattr(request, "user", None)
    if user is not None and user.is_staff:
        return True
    return request.META.get("REMOTE_ADDR") in LOCALHOST and (
        "HTTP_X_FORWARDED_FOR" not in request.META
    )


@never_cache
@require_safe
def healthz(request):
    """Report database and broker health: HTTP 200 when both are usable, 503 otherwise."""
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = checks["database"] == "ok" and checks["broker"] in ("ok", "eager")
    status = {"status": "ok" if healthy else "degraded"}
    body = {**checks, **status} if sees_detail(request) else status
    return JsonResponse(body, status=200 if healthy else 503)
