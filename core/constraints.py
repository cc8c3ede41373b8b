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
            fields = {f.name for f in model._meta.concrete_fields}
            shown = "area_code" if "area_code" in fields else "pk"
            # The constraint's own condition, so the rows named are those PostgreSQL would refuse.
            broken = model._base_manager.exclude(constraint.condition).order_by("pk")
            count = broken.count()
            if count:
                examples = ", ".join(
                    f"id {pk} ({shown} {value!r})"
                    for pk, value in broken.values_list("pk", shown)[:SHOWN]
                )
                problems.append(
                    f"- {model._meta.db_table}: {count} row(s) break {constraint.name}, "
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
