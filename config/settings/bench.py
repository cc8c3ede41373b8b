"""The benchmark (`make bench`): production-like serving (debug off) on the machine's PostgreSQL,
with the bare view of config/bench_urls.py next to the real URLs."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
ROOT_URLCONF = "config.bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Demo builders and reports may enqueue jobs: they run in the process that asks.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# bench_reports runs a worker of its own on a queue of its own (the dashboards' rebuilds)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# As deployed: the cache (the dashboards, the public question limit) in Redis, shared by every
# gunicorn worker.
CACHES = {"default": env.cache("CACHE_URL", default="redis://127.0.0.1:6379/4")}
# Keys of their own per database: two benchmark databases (bench, load) never read each other's
# pages or figures from the shared Redis.
CACHES["default"].setdefault("KEY_PREFIX", DATABASES["default"]["NAME"])  # noqa: F405
