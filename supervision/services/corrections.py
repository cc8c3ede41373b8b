"""Corrections of completed records by the county (issue 16). A completed record is reopened
as a draft, with the reason recorded; its organizers correct it and complete it anew. The
original stays in the record's history (pghistory), and what its completion did follows: the
duty stays done, the warnings are evaluated again; a completion that registered problems in
the ledger is not reopened (the problems stay and are corrected in the ledger)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.public_cache import public_changed
from core.rights import Right, require
from core.types import Actor
from core.validators import check_reason

from .. import tasks_warnings
from ..choices import RecordState
from ..models import (
    Hearing,
    Inspection,
    Problem,
    PublicReport,
    RecordReopening,
    Redemption,
    Review,
)
from ..models.base import CompletedRecord
from .common import locked

__all__ = ["REOPENABLE", "record_reopen", "reopenings_of"]

#: the records a county supervisor may reopen, by the slug of their page's URL
REOPENABLE: dict[str, type[CompletedRecord]] = {
    "hearing": Hearing,
    "public-report": PublicReport,
    "redemption": Redemption,
    "inspection": Inspection,
    "review": Review,
}


def _problems_registered(record: CompletedRecord) -> int:
    """How many problems the record's completion registered in the ledger."""
    if isinstance(record, Hearing):
        return Problem.objects.filter(hearing_question__hearing=record).count()
    if isinstance(record, Inspection):
        return Problem.objects.filter(inspection_finding__inspection=record).count()
    return 0


def reopenings_of(record: CompletedRecord):
    """The record's reopenings, latest first."""
    return RecordReopening.objects.filter(
        record_table=record._meta.db_table, record_id=record.pk
    ).select_related("reopened_by", "completed_by")


@transaction.atomic
def record_reopen(*, actor: Actor, record: CompletedRecord, reason: str) -> RecordReopening:
    """A county supervisor reopens a completed record to correct it, with the reason; the
    record is a draft again (the database allows exactly this, once per completion)."""
    require(actor, Right.SUPERVISE, record.area_code)
    if type(record) not in REOPENABLE.values():
        raise ValidationError(_("This record cannot be reopened."))
    record = locked(record)
    if record.state != RecordState.COMPLETED or record.completed_at is None:
        raise ValidationError(_("Only a completed record can be reopened."))
    reason = check_reason(reason, field="reason")
    registered = _problems_registered(record)
    if registered:
        raise ValidationError(
            _(
                "Its completion registered %(n)d problems in the problem ledger, which stay: "
                "the record cannot be reopened; correct the problems in the ledger."
            )
            % {"n": registered}
        )
    assert record.completed_by is not None  # set with completed_at
    reopening = RecordReopening(
        record_table=record._meta.db_table,
        record_id=record.pk,
        completed_at=record.completed_at,
        completed_by=record.completed_by,
        reason=reason,
        reopened_by=actor,
        area_code=record.area_code,
    )
    reopening.full_clean()
    reopening.save()
    record.state, record.completed_at, record.completed_by = RecordState.DRAFT, None, None
    record.save(update_fields=["state", "completed_at", "completed_by"])
    # The figures read completed records only: the village's warnings are evaluated again.
    tasks_warnings.warnings_refresh_later(record.area_code)
    public_changed(record.area_code)
    return reopening
