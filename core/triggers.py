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
    if "$lookup$" in final:
        raise ValueError("the condition cannot hold the lookup's quote")
    # Both sides: moving a detail out of a final record changes that record too. OLD is NULL
    # on INSERT and NEW on DELETE, so ANY (...) skips the missing side.
    # EXECUTE plans the lookup at each row: a static query would keep, for the whole
    # connection, the plan made while the parent table was small (a sequential scan), and a bulk
    # load in one transaction (the demo, an import) would then read the whole growing parent
    # table once per detail row.
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("parent_id", "bigint")],
        func=f"""
            EXECUTE $lookup$SELECT id FROM {parent_table}
                WHERE id = ANY($1) AND ({final}) LIMIT 1$lookup$
                INTO parent_id USING ARRAY[NEW.{fk}, OLD.{fk}];
            IF parent_id IS NOT NULL THEN
                RAISE EXCEPTION '{literal}', parent_id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        """,
    )
