#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis that the tests use are reachable; starts them when they
# are installed here but stopped.
set -uo pipefail
PGHOST=${PGHOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}

if ! pg_isready -q -h "$PGHOST" -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL"
    for v in /etc/postgresql/*; do pg_ctlcluster --skip-systemctl-redirect "$(basename "$v")" main start || true; done
  fi
  for _ in $(seq 20); do pg_isready -q -h "$PGHOST" -p 5432 && break; sleep 0.5; done
  pg_isready -q -h "$PGHOST" -p 5432 || { echo "PostgreSQL is not reachable on $PGHOST:5432 (set DATABASE_URL)" >&2; exit 1; }
fi

if ! (exec 3<>/dev/tcp/127.0.0.1/"$REDIS_PORT") 2>/dev/null; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis"
    mkdir -p /tmp/redis-cunjian
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /tmp/redis-cunjian --logfile /tmp/redis-cunjian/redis.log
    sleep 1
  fi
  (exec 3<>/dev/tcp/127.0.0.1/"$REDIS_PORT") 2>/dev/null || { echo "Redis is not reachable on 127.0.0.1:$REDIS_PORT" >&2; exit 1; }
fi
exit 0
