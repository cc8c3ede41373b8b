"""Test helpers every app's tests share. The test suite runs as the application's runtime role,
as production does (issue #14).

The test database is created and migrated by its owner (the server's superuser here); every
connection then switches to a role with the runtime grants only (`SET ROLE`, see
`runtime_role_for_tests`), so a code path that needs more than rows (DDL, TRUNCATE, switching
triggers off) fails in the tests as it would in production. A test that plays the owner or a
tampering superuser says so with `as_owner()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created

__all__ = [
    "NGINX_ADDRESS",
    "RUNTIME_ROLE",
    "as_owner",
    "as_owner_session",
    "runtime_role_for_tests",
    "through_nginx",
]

RUNTIME_ROLE = "cunjian_app_test"


def _switch(sender: Any, connection: Any, **kwargs: Any) -> None:
    # Only the owner's connections switch: a test that connects as another role keeps it.
    if connection.settings_dict.get("USER", "") == _owner["user"]:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {RUNTIME_ROLE}")


_owner: dict[str, str] = {}


def runtime_role_for_tests() -> None:
    """Make the runtime role (once per server), grant it the runtime rights on the test
    database, and switch this and every later connection of the owner to it."""
    _owner["user"] = connection.settings_dict.get("USER", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [RUNTIME_ROLE])
        if cursor.fetchone() is None:
            try:
                with transaction.atomic():
                    cursor.execute(f"CREATE ROLE {RUNTIME_ROLE} NOLOGIN")
            except DatabaseError:  # another test run (another database) made it meanwhile
                pass
    call_command("grant_runtime_role", RUNTIME_ROLE, stdout=StringIO())
    _switch(None, connection)
    connection_created.connect(_switch, weak=False, dispatch_uid="runtime_role_for_tests")


@contextmanager
def as_owner() -> Iterator[Any]:
    """The block runs as the connection's own (owner, superuser) role: what migrations, the
    release step or an insider with the owner's credentials do. In a transaction of its own;
    the runtime role is back after it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE NONE")
        yield cursor
        # SET LOCAL lasts to the end of the outer transaction, not of a released savepoint;
        # after an error the savepoint's rollback undoes it.
        cursor.execute(f"SET LOCAL ROLE {RUNTIME_ROLE}")


@contextmanager
def as_owner_session() -> Iterator[None]:
    """Like `as_owner`, for a whole session's worth of transactions (a transactional test that
    runs an owner's command committing as it goes, such as `bench_ledgers`)."""
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE NONE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {RUNTIME_ROLE}")


# ------------------------------------------------------------------ the deployment's proxy

#: the address gunicorn sees for every request: the nginx container's
NGINX_ADDRESS = "172.18.0.7"


def through_nginx(address: str, forwarded_for: str | None = None) -> dict[str, str]:
    """The request headers the shipped nginx (deploy/nginx.conf) passes on for a visitor at
    `address` who sent `forwarded_for` as their own X-Forwarded-For (or none):
    `$proxy_add_x_forwarded_for` appends the address nginx saw to whatever the client sent."""
    chain = f"{forwarded_for}, {address}" if forwarded_for else address
    return {"REMOTE_ADDR": NGINX_ADDRESS, "HTTP_X_FORWARDED_FOR": chain}
