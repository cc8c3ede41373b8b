"""One migrated template database for every test database of a run (and of the next runs).

Migrating an empty database takes minutes (sixty-odd migrations, Django rendering each state, the
triggers of pghistory and pgtrigger), and `make test` creates three test databases (two parallel
workers, then the timing pass). So the first process to need one migrates a template database,
named after a digest of every migration file and of the installed packages, and every test
database is then a copy (`CREATE DATABASE ... TEMPLATE`, seconds); Django's `migrate` on the copy
finds nothing to apply. A new migration or package version gives a new digest, hence a new
template; the older ones are dropped, but the last few (another worktree, another branch).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2  # type: ignore[import-untyped]
from django.conf import settings

__all__ = ["migrated_template"]

PREFIX = "cunjian_tpl_"
KEEP = 4  # templates kept besides the current one
LOCK = 7_302_114  # the advisory lock taken while a template is built (any number of our own)


def _digest() -> str:
    """What the migrated schema depends on: our migration files and the installed packages
    (theirs: auth, pghistory, django-celery-beat...)."""
    h = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(base.glob("*/migrations/*.py")):
        h.update(str(path.relative_to(base)).encode())
        h.update(path.read_bytes())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    h.update("\n".join(packages).encode())
    return h.hexdigest()[:16]


def _url(db: dict[str, Any], name: str) -> str:
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}{port}/{name}"


def _existing(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY oid",
        [PREFIX.replace("_", r"\_") + "%"],
    )
    return [row[0] for row in cursor.fetchall()]


def migrated_template(db: dict[str, Any]) -> str:
    """The name of the migrated template database for the server of `db` (a DATABASES entry),
    built here unless it exists; one process builds it while the others wait."""
    name = PREFIX + _digest()
    building = name + "_building"
    conn = psycopg2.connect(_url(db, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:  # not `with conn`: psycopg2 would open a transaction
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        try:
            existing = _existing(cursor)
            if name in existing:
                return name
            if building in existing:  # left by a run that was stopped
                cursor.execute(f'DROP DATABASE "{building}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{building}"')
            env = {
                **os.environ,
                "DATABASE_URL": _url(db, building),
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            }
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
            )
            # Renamed once complete: a template under its name is always a migrated one.
            cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
            old = [t for t in _existing(cursor) if t != name and not t.endswith("_building")]
            for stale in old[: max(0, len(old) - KEEP)]:
                cursor.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
            return name
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
            conn.close()
