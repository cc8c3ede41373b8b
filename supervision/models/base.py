"""Shared pieces of the supervision models: field shapes and the freezing triggers."""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import RecordState

PERIOD_CODE = {"max_length": 7, "db_index": True}
SCORE = {"max_digits": 5, "decimal_places": 1}


def area_code_field():
    return models.CharField(_("area code"), max_length=12, editable=False, db_index=True)


def frozen_when(state: str, name: str = "completed_record_is_final"):
    """A record whose state was `state` may be neither changed nor deleted."""
    return pgtrigger.Protect(
        name=name,
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=state),
    )


def frozen_with_parent(parent_table: str, fk: str, states=(RecordState.COMPLETED,)):
    """Rows of a record's detail table (scores, questions, votes) change only while the record
    they belong to is not in one of `states`; the database refuses it after."""
    listed = ", ".join(f"'{s}'" for s in states)
    return pgtrigger.Trigger(
        name="frozen_with_record",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func=f"""
            IF (SELECT state FROM {parent_table}
                WHERE id = COALESCE(NEW.{fk}, OLD.{fk})) IN ({listed}) THEN
                RAISE EXCEPTION '{parent_table} % is final: its details cannot change',
                    COALESCE(NEW.{fk}, OLD.{fk})
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        """,
    )
