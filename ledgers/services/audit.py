"""Writes of 定期审计: audits of a village's books, their report and their findings.

Audits are township acts (`Right.EDIT`). A finding moves forward only: open → being rectified →
resolved (with the date); its notes may be updated on each move.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cadres.models import Post
from core.rights import Right, require
from core.types import Actor
from core.validators import check_not_before, check_year
from villages.models import Village

from ..choices import AuditKind, FindingStatus
from ..models import AuditFinding, AuditRecord

__all__ = [
    "FINDING_TRANSITIONS",
    "audit_record",
    "audit_report",
    "finding_add",
    "finding_update_status",
]

#: a finding's status → the statuses it may move to
FINDING_TRANSITIONS: dict[str, set[str]] = {
    FindingStatus.OPEN: {FindingStatus.RECTIFYING, FindingStatus.RESOLVED},
    FindingStatus.RECTIFYING: {FindingStatus.RESOLVED},
    FindingStatus.RESOLVED: set(),
}


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    village: Village,
    kind: str,
    auditor: str,
    period_start: dt.date,
    period_end: dt.date,
    leaving_post: Post | None = None,
) -> AuditRecord:
    """Record an audit of the village's books; a 离任审计 names the post that was left."""
    require(actor, Right.EDIT, village.code)
    check_year(period_start.year, field="period_start")
    check_year(period_end.year, field="period_end")
    if period_end < period_start:
        raise ValidationError({"period_end": _("The audited period ends before it starts.")})
    if kind == AuditKind.LEAVING and leaving_post is None:
        raise ValidationError({"leaving_post": _("An audit on leaving office names the post.")})
    if leaving_post is not None and leaving_post.village_id != village.pk:
        raise ValidationError({"leaving_post": _("The post must be of the audited village.")})
    audit = AuditRecord(
        village=village,
        kind=kind,
        auditor=auditor,
        period_start=period_start,
        period_end=period_end,
        leaving_post=leaving_post,
        area_code=village.code,
    )
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def audit_report(
    *, actor: Actor, audit: AuditRecord, report_date: dt.date, conclusion: str
) -> AuditRecord:
    """The audit's report: its date and conclusion."""
    require(actor, Right.EDIT, audit.area_code)
    audit = AuditRecord.objects.select_for_update().get(pk=audit.pk)
    # an audit reports on a closed period: the report cannot be dated before the period ends
    if report_date < audit.period_end:
        raise ValidationError({"report_date": _("The report comes after the audited period.")})
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("Give the audit's conclusion.")})
    audit.report_date = report_date
    audit.conclusion = conclusion.strip()
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def finding_add(
    *,
    actor: Actor,
    audit: AuditRecord,
    category: str,
    description: str,
    amount: Decimal | None = None,
) -> AuditFinding:
    """A finding of the audit, open until it is rectified."""
    require(actor, Right.EDIT, audit.area_code)
    finding = AuditFinding(
        audit=audit,
        category=category,
        description=description,
        amount=amount or Decimal("0.00"),
        area_code=audit.area_code,
    )
    if finding.amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_update_status(
    *,
    actor: Actor,
    finding: AuditFinding,
    status: str,
    resolved_on: dt.date | None = None,
    notes: str = "",
) -> AuditFinding:
    """Move a finding forward (open → being rectified → resolved); resolving needs the date."""
    require(actor, Right.EDIT, finding.area_code)
    finding = AuditFinding.objects.select_for_update().get(pk=finding.pk)
    if status not in FINDING_TRANSITIONS.get(finding.status, set()):
        raise ValidationError(
            {
                "status": _("A finding that is “%(s)s” cannot become “%(t)s”.")
                % {
                    "s": finding.get_status_display(),
                    "t": FindingStatus(status).label if status in FindingStatus else status,
                }
            }
        )
    if status == FindingStatus.RESOLVED and resolved_on is None:
        raise ValidationError({"resolved_on": _("Give the date the finding was resolved.")})
    if status == FindingStatus.RESOLVED and resolved_on is not None:
        check_not_before(
            resolved_on,
            finding.audit.period_start,
            field="resolved_on",
            what=_("the audited period"),
        )
    finding.status = status
    finding.resolved_on = resolved_on if status == FindingStatus.RESOLVED else None
    if notes:
        finding.notes = notes
    finding.full_clean()
    finding.save()
    return finding
