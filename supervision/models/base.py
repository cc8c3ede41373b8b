"""Shared pieces of the supervision models: field shapes and the freezing triggers."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import area_code_field
from core.querysets import ScopedQuerySet
from core.triggers import frozen_with_parent

from ..choices import RecordState

PERIOD_CODE = {"max_length": 7, "db_index": True}
SCORE = {"max_digits": 5, "decimal_places": 1}


def frozen_when(state: str, name: str = "completed_record_is_final"):
    """A record whose state was `state` may be neither changed nor deleted."""
    return pgtrigger.Protect(
        name=name,
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=state),
    )


def final_unless_reopened() -> pgtrigger.Trigger:
    """Like `frozen_when(COMPLETED)`, except that a county supervisor's recorded reopening (a
    RecordReopening row, itself final) turns the completed record back into a draft: only its
    state and completion change, once per completion (the row names the `completed_at` it
    undoes)."""
    return pgtrigger.Trigger(
        name="completed_record_is_final",
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        condition=pgtrigger.Q(old__state=RecordState.COMPLETED),
        func="""
            IF TG_OP = 'UPDATE' AND NEW.state = 'draft'
                AND NEW.completed_at IS NULL AND NEW.completed_by_id IS NULL
                AND (to_jsonb(NEW) - 'state' - 'completed_at' - 'completed_by_id')
                    = (to_jsonb(OLD) - 'state' - 'completed_at' - 'completed_by_id')
                AND EXISTS (
                    SELECT 1 FROM supervision_recordreopening r
                    WHERE r.record_table = TG_TABLE_NAME AND r.record_id = OLD.id
                        AND r.completed_at = OLD.completed_at)
            THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '% % is final: only a recorded reopening makes it a draft again',
                TG_TABLE_NAME, OLD.id USING ERRCODE = 'integrity_constraint_violation';
        """,
    )


def frozen_with_record(parent_table: str, fk: str, states=(RecordState.COMPLETED,)):
    """Rows of a record's detail table (scores, questions, votes) change only while the record
    they belong to is not in one of `states`; the database refuses it after."""
    listed = ", ".join(f"'{s}'" for s in states)
    return frozen_with_parent(
        parent_table,
        fk,
        f"state IN ({listed})",
        f"{parent_table} % is final: its details cannot change",
        name="frozen_with_record",
    )


def user_field(verbose, **extra):
    """A reference to the account that did something to the record."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        on_delete=models.PROTECT,
        related_name="+",
        **extra,
    )


class RecordQuerySet(ScopedQuerySet):
    def completed(self):
        return self.filter(state=RecordState.COMPLETED)


class CompletedRecord(models.Model):
    """What every record of the cycle has: drafted by someone, then completed (and frozen by
    `frozen_when`) by someone at a time, in a village's area."""

    state = models.CharField(
        _("state"), max_length=10, choices=RecordState.choices, default=RecordState.DRAFT
    )
    created_by = user_field(_("recorded by"))
    completed_by = user_field(_("completed by"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    area_code = area_code_field()

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.village} {self.period}"
