"""Gunicorn settings for the web container (`gunicorn config.wsgi -c deploy/gunicorn.conf.py`).

Gunicorn also reads WEB_CONCURRENCY and GUNICORN_CMD_ARGS from the environment, so a deployment
tunes workers or timeouts without rebuilding the image.
"""

import multiprocessing
import os

bind = "0.0.0.0:8000"
# A few synchronous workers: pages are database-bound and PDFs are CPU-bound.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# Generous for a synchronous WeasyPrint PDF with CJK fonts; nginx waits a little longer.
timeout = 120
graceful_timeout = 30
# Recycle workers now and then so memory held by large PDFs or Excel imports is returned.
max_requests = 1000
max_requests_jitter = 100
# Only nginx reaches this port (it is not published), so trust its X-Forwarded-* headers.
forwarded_allow_ips = "*"
# The heartbeat file on tmpfs: an overlay filesystem can stall workers on fsync.
worker_tmp_dir = "/dev/shm"
accesslog = "-"
errorlog = "-"
