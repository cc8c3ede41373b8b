"""`manage.py grant_runtime_role ROLE`: give the application's runtime role what it needs and
nothing more, run by the owner of the tables after `migrate` (the release step does).

Two roles keep the database's own rules out of the application's reach: the owner creates and
alters the tables (migrations), the runtime role the web, worker and beat connect as reads and
writes rows. A role that owns no table cannot disable a trigger (ALTER TABLE), and one that is
not a superuser cannot set `session_replication_role` (which skips every trigger): the books'
guards and the change log then hold whatever the application's credentials are used for.
TRUNCATE is not granted either."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

__all__ = ["Command", "runtime_role_problems"]


def runtime_role_problems(role: str) -> list[str]:
    """Why `role` cannot serve as the runtime role: missing, a superuser, able to bypass row
    security or make roles, or the owner of a table of this database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = %s",
            [role],
        )
        row = cursor.fetchone()
        if row is None:
            return [f"role {role} does not exist (create it first: CREATE ROLE {role} LOGIN)"]
        problems = [
            f"role {role} {what}"
            for flag, what in zip(
                row, ("is a superuser", "bypasses row security", "can create roles"), strict=True
            )
            if flag
        ]
        cursor.execute(
            """SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s""",
            [role],
        )
        owned = cursor.fetchone()[0]
        if owned:
            problems.append(f"role {role} owns {owned} tables (the owner runs migrations only)")
        if role == connection.get_connection_params().get("user"):
            problems.append(f"role {role} is the role running this command (the owner)")
    return problems


class Command(BaseCommand):
    help = "Grant the runtime role row access (no DDL, no TRUNCATE) to every table; as the owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role web, worker and beat connect as")

    def handle(self, *args: object, role: str, **options: object) -> None:
        problems = runtime_role_problems(role)
        if problems:
            raise CommandError("; ".join(problems))
        name = connection.ops.quote_name(role)
        database = connection.ops.quote_name(connection.settings_dict["NAME"])
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in (
                f"GRANT CONNECT ON DATABASE {database} TO {name}",
                f"GRANT USAGE ON SCHEMA public TO {name}",
                # Nothing but rows: whatever an earlier grant gave (TRUNCATE, TRIGGER) goes.
                f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
            ):
                cursor.execute(statement)
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            tables = cursor.fetchone()[0]
        self.stdout.write(f"{role}: rows of {tables} tables (no DDL, no TRUNCATE)")
