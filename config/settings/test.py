"""Tests: the real PostgreSQL and Redis of the machine, a fast password hasher."""

from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
ALLOWED_HOSTS = ["*"]
# Tests run inside a transaction that never commits, so the dashboards' cache would never hear of
# their changes: it is off, and the tests of reports/freshness.py turn it on.
DASHBOARD_CACHE_SECONDS = 0
# The same for the public pages' cache (core/public_cache.py): its tests turn it on.
PUBLIC_CACHE_SECONDS = 0
PUBLIC_LOCAL_SECONDS = 0
# Generated reports in a folder whatever a developer's .env says: the bucket's tests configure
# one of their own (reports/tests/bucket_helpers.py).
STORAGES["reports"] = {"BACKEND": "reports.storage.PrivateStorage"}  # noqa: F405

# whitenoise warns on every request when STATIC_ROOT does not exist yet.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
# The robots' tests post to a server of their own on this machine.
WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1", "qyapi.weixin.qq.com", "oapi.dingtalk.com"]
