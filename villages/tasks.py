"""Maintenance jobs run by Celery beat (schedules: `manage.py setup_periodic_tasks`).

Each task deletes rows older than a cut-off, so running it twice, or two workers running it at
once, does no harm: the second run simply finds nothing left to delete.
"""

from datetime import timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog
from celery import shared_task
from django.conf import settings
from django.utils import timezone

# The Cybersecurity Law (网络安全法, art. 21) and 等级保护 2.0 ask for network logs to be kept at
# least six months, and failed logins are such logs: never keep them for less by default.
DEFAULT_AXES_RETENTION_DAYS = 180


@shared_task
def purge_expired_sessions() -> dict[str, int | None]:
    """Delete expired sessions through the configured session engine."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    count = None
    # clear_expired() returns nothing; database-backed engines can be counted first so the
    # task result (visible in the worker log) says what it did.
    if hasattr(store, "get_model_class"):
        count = store.get_model_class().objects.filter(expire_date__lt=timezone.now()).count()
    store.clear_expired()
    return {"sessions": count}


@shared_task
def purge_old_login_attempts() -> dict[str, int]:
    """Delete django-axes attempt records and failure logs older than AXES_RETENTION_DAYS."""
    days = getattr(settings, "AXES_RETENTION_DAYS", DEFAULT_AXES_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    # Count per model: deleting an attempt also cascades to its AccessAttemptExpiration row.
    _, attempts = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    _, failures = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return {
        "access_attempts": attempts.get(AccessAttempt._meta.label, 0),
        "access_failure_logs": failures.get(AccessFailureLog._meta.label, 0),
    }
