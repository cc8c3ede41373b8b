"""Adding a CHECK constraint to a table that already holds rows.

PostgreSQL refuses `ADD CONSTRAINT ... CHECK` if one existing row breaks it, with a message that
names the constraint but no row. A migration that adds checks runs `check_existing_rows` first,
which says which rows break which check and what to do, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations, models

__all__ = ["BrokenRowsError", "check_existing_rows"]

SHOWN = 5  # rows named per check; the count says how many there are


class BrokenRowsError(Exception):
    """Existing rows break a check that a migration is about to add; nothing was changed."""


def check_existing_rows(app_label: str, operations: Sequence[Any]) -> migrations.RunPython:
    """A migration step that refuses to go on, naming the rows, if existing rows break one of
    the CHECK constraints that `operations` (of `app_label`) add."""

    def check(apps: Any, schema_editor: Any) -> None:
        problems = []
        for op in operations:
            if not isinstance(op, migrations.AddConstraint):
                continue
            constraint = op.constraint
            if not isinstance(constraint, models.CheckConstraint):
                continue
            model = apps.get_model(app_label, op.model_name)
            # The same SQL that ADD CONSTRAINT will use, negated.
            condition = constraint._get_check_sql(model, schema_editor)
            table = schema_editor.quote_name(model._meta.db_table)
            fields = [f.column for f in model._meta.concrete_fields]
            shown = "area_code" if "area_code" in fields else model._meta.pk.column
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) OVER (), {schema_editor.quote_name(model._meta.pk.column)},"
                    f" {schema_editor.quote_name(shown)}"
                    f" FROM {table} WHERE NOT ({condition}) ORDER BY 2 LIMIT {SHOWN}"
                )
                rows = cursor.fetchall()
            if rows:
                examples = ", ".join(f"id {pk} ({shown} {value!r})" for _n, pk, value in rows)
                problems.append(
                    f"- {model._meta.db_table}: {rows[0][0]} row(s) break {constraint.name}, "
                    f"e.g. {examples}"
                )
        if problems:
            raise BrokenRowsError(
                "Existing rows break the checks this migration adds; nothing was changed.\n"
                + "\n".join(problems)
                + "\nA missing or malformed area code puts a row in every user's scope or in "
                "nobody's: correct each row's area_code (copy its village's or region's code, "
                "or the role's region or village code), then run the migration again."
            )

    return migrations.RunPython(check, migrations.RunPython.noop, elidable=False)
