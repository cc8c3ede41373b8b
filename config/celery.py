"""The Celery application: Redis broker, schedules in the database (django-celery-beat)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("cunjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
