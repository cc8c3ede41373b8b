#!/bin/sh
# Container entrypoint.
#   release      one-off deploy steps: migrate (as the owner), grant the runtime role, declare
#                periodic tasks, publish static files
#   healthcheck  exit 0 when gunicorn answers /healthz/ with 200 (compose healthcheck)
#   anything else is run as given (gunicorn, celery, python manage.py shell, ...)
set -eu

case "${1:-}" in
release)
    # Migrations run as the tables' owner; then the runtime role (web, worker, beat) gets the
    # rows of every table and nothing more (see manage.py grant_runtime_role).
    if [ -n "${OWNER_DATABASE_URL:-}" ]; then
        DATABASE_URL="$OWNER_DATABASE_URL" python manage.py migrate --noinput
        DATABASE_URL="$OWNER_DATABASE_URL" python manage.py grant_runtime_role \
            "${DATABASE_RUNTIME_ROLE:-cunjian_app}"
    else
        echo "release: OWNER_DATABASE_URL is not set: migrating as the application's role" \
            "(one role for everything: see README, Database roles)" >&2
        python manage.py migrate --noinput
    fi
    python manage.py setup_periodic_tasks
    # Dashboards cached by the previous release were rendered by its templates.
    python manage.py renew_dashboards
    # nginx serves /static/ from a volume shared with this job; refresh it from the files
    # collected into the image at build time. Old files are overwritten, never needed again.
    cp -a "${DJANGO_STATIC_ROOT:-/app/staticfiles}/." /srv/static/
    echo "release: done"
    ;;
healthcheck)
    exec python - <<'PY'
import os
import sys
import urllib.request

# Django rejects unknown Host headers: use the first allowed host. X-Forwarded-Proto keeps a
# future SECURE_SSL_REDIRECT from answering this plain-HTTP probe with a redirect.
host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz/",
    headers={"Host": host if host not in ("", "*") else "localhost", "X-Forwarded-Proto": "https"},
)
try:
    urllib.request.urlopen(request, timeout=5)
except Exception as exc:
    sys.exit(f"unhealthy: {exc}")
PY
    ;;
*)
    exec "$@"
    ;;
esac
