"""Writes of the reports app: requesting a report run (generating it is `reports.generation`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rights import Right, scope_for
from core.types import Actor
from core.validators import check_period_year

from .choices import ReportKind, RunState
from .generation import generate_report, report_generate
from .models import ReportRun, ReportRunQuerySet
from .quarterly import parse_quarter, resolve_area

__all__ = ["report_generate", "report_request"]


def report_request(
    *, actor: Actor | None, kind: str, area_code: str, period: str, enqueue: bool = True
) -> tuple[ReportRun, bool]:
    """Ask for a report of an area the actor may see (`actor=None`: the schedule). A request
    while the same report is queued or running joins that run (`created` is False); otherwise
    the next version is created and, once committed, handed to a Celery worker."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Unknown report.")})
    period = str(check_period_year(parse_quarter(period)))
    area = resolve_area(area_code)
    if actor is not None and not scope_for(actor).allows(Right.SEE, area.code):
        raise PermissionDenied(_("You may not see reports of this area."))
    same = ReportRun.objects.filter(kind=kind, area_code=area.code, period=period)
    _fail_stale(same)
    active = _active_run(same)
    if active:
        return active, False
    try:
        # A savepoint: a concurrent request that wins the partial unique constraint leaves the
        # caller's transaction usable, and this request joins the winner.
        with transaction.atomic():
            version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
            run = ReportRun.objects.create(
                kind=kind,
                area_code=area.code,
                period=period,
                version=version,
                requested_by=actor,
            )
    except IntegrityError:
        active = _active_run(same)
        if active is None:
            raise
        return active, False
    if enqueue:
        transaction.on_commit(lambda: generate_report.delay(run.pk))
    return run, True


#: a run queued or running this long was lost with its worker: a new request starts afresh
STALE_AFTER = dt.timedelta(minutes=30)


def _fail_stale(runs: ReportRunQuerySet[ReportRun]) -> int:
    """Mark runs lost with their worker (no finish after STALE_AFTER) failed, so a new request
    does not join one that will never end."""
    before = timezone.now() - STALE_AFTER
    return (
        runs.active()
        .filter(Q(started_at__lt=before) | Q(started_at__isnull=True, created_at__lt=before))
        .update(
            state=RunState.FAILED,
            finished_at=timezone.now(),
            error=_("No worker finished it within %(m)d minutes; request it again.")
            % {"m": STALE_AFTER.seconds // 60},
        )
    )


def _active_run(runs: ReportRunQuerySet[ReportRun]) -> ReportRun | None:
    return runs.active().first()


def request_closed_quarter(*, period: str) -> int:
    """Request the quarterly report of `period` for every county and township (by the
    schedule); returns how many runs were created."""
    from villages.choices import RegionLevel
    from villages.models import Region

    # Areas that have the report already (or have it coming) are skipped: the job may run twice.
    have = set(
        ReportRun.objects.filter(kind=ReportKind.QUARTERLY, period=period)
        .exclude(state=RunState.FAILED)
        .values_list("area_code", flat=True)
    )
    created = 0
    for code in (
        Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        .exclude(code__in=have)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        _run, new = report_request(
            actor=None, kind=ReportKind.QUARTERLY, area_code=code, period=period
        )
        created += new
    return created
