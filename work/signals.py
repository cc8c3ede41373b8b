"""After a record behind an inbox kind is saved, notify the users of its area once the
transaction commits (a rolled back change notifies nobody)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

log = logging.getLogger(__name__)
_pending = threading.local()


def _codes() -> set[str]:
    if not hasattr(_pending, "codes"):
        _pending.codes = set()
    codes: set[str] = _pending.codes
    return codes


def _flush() -> None:
    from . import tasks

    codes = _codes().copy()
    _codes().clear()
    # The first callback of a transaction notifies every area it touched; the others find
    # nothing left (an import of a thousand vouchers notifies once).
    if codes:
        try:
            # In this process, not through the broker: the bell shows the item at once.
            tasks.notify_areas(sorted(codes))
        except Exception:  # the change is committed: the periodic run notifies later
            log.exception("notifying the areas %s failed", sorted(codes))


def _saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or not getattr(instance, "area_code", ""):
        return
    _codes().add(instance.area_code)
    transaction.on_commit(_flush)


def _report_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # A report enters an inbox when it is done; queued and running ones wait for nobody.
    from reports.choices import RunState

    if instance.state == RunState.DONE:
        _saved(sender, instance, raw, **kwargs)


def connect() -> None:
    """Listen to the models behind the notified inbox kinds."""
    from cadres.models import Pledge
    from ledgers.models import Disclosure, DisclosureQuestion, Handover, Voucher
    from reports.models import ReportRun
    from supervision.models import Problem

    for model in (Voucher, Disclosure, DisclosureQuestion, Handover, Pledge, Problem):
        post_save.connect(_saved, sender=model, dispatch_uid=f"work.notify.{model.__name__}")
    post_save.connect(_report_saved, sender=ReportRun, dispatch_uid="work.notify.ReportRun")
