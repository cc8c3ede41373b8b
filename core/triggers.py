"""Database triggers every app uses to keep final records final (django-pgtrigger)."""

import pgtrigger

__all__ = ["frozen_with_parent"]


def frozen_with_parent(
    parent_table: str, fk: str, final: str, message: str, *, name: str
) -> pgtrigger.Trigger:
    """The rows of a detail table (a pledge's promises, a verification's balances, an
    inspection's scores) change only while the record they belong to is not final: the
    database refuses an INSERT, UPDATE or DELETE of a detail whose parent row, before or after
    the change, meets `final`.

    `final` is an SQL condition on the parent's columns (`state <> 'draft'`); `message` says
    why, with one `%` for the parent's id."""
    if message.count("%") != 1:
        raise ValueError("the message takes the parent's id in one %")
    literal = message.replace("'", "''")
    # Both sides: moving a detail out of a final record changes that record too. OLD is NULL
    # on INSERT and NEW on DELETE, so IN (...) skips the missing side.
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("parent_id", "bigint")],
        func=f"""
            SELECT id INTO parent_id FROM {parent_table}
                WHERE id IN (NEW.{fk}, OLD.{fk}) AND ({final}) LIMIT 1;
            IF parent_id IS NOT NULL THEN
                RAISE EXCEPTION '{literal}', parent_id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        """,
    )
