"""Once-only submissions of the field forms (issue 21): a phone sends each form with a key it
generated; the key and the record are written in one transaction, and the unique key makes the
database refuse a second row, so a retry (even one sent at the same instant) records nothing
twice and answers with the first record."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.types import Actor

from ..models import Submission

__all__ = ["FieldOnce", "SubmissionKeyTaken", "field_once", "stored_submission"]


class SubmissionKeyTaken(Exception):
    """The key was sent before by another user: it is refused, never replayed to them."""

    message = _("This submission key belongs to another user's submission.")


@dataclass(frozen=True)
class FieldOnce:
    """The answer of `field_once`: the record's page, and whether the key was already stored
    (then nothing was created and `record` is None)."""

    submission: Submission
    replayed: bool
    record: Any = None

    @property
    def url(self) -> str:
        return self.submission.url


def stored_submission(*, actor: Actor, key: uuid.UUID) -> Submission | None:
    """The submission stored under `key` by `actor` (None if none); another user's: refused."""
    found = Submission.objects.filter(key=key).first()
    if found is not None and found.user_id != getattr(actor, "pk", None):
        raise SubmissionKeyTaken
    return found


def field_once(
    *,
    actor: Actor,
    key: uuid.UUID | None,
    kind: str,
    area_code: str,
    create: Callable[[], Any],
    url: str | Callable[[Any], str],
) -> FieldOnce:
    """Run `create` (one service call) once for `key`: the key's row is inserted first, in the
    same transaction as the record, so a concurrent retry waits on the unique index and, once
    the first commits, finds its row and replays it. A refusal of `create` rolls the key back
    (the phone may send it again corrected). A blank key gets a fresh one (a page sent without
    JavaScript)."""
    key = key or uuid.uuid4()
    if (found := stored_submission(actor=actor, key=key)) is not None:
        return FieldOnce(found, replayed=True)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                key=key, user=actor, kind=kind, area_code=area_code
            )
            record = create()
            submission.url = url(record) if callable(url) else url
            submission.object_id = getattr(record, "pk", None)
            submission.save(update_fields=["url", "object_id"])
    except IntegrityError:
        # another request stored the key meanwhile (it waited for it to commit)
        found = stored_submission(actor=actor, key=key)
        if found is None:
            raise
        return FieldOnce(found, replayed=True)
    return FieldOnce(submission, replayed=False, record=record)
