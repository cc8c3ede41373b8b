"""Writes of 四议两公开: a decision is recorded, goes through its four steps in order (a step
that fails ends it), is made public, and its result is made public; the county's policy says
above which amount the books need one. The checks the books ask (`require_voucher_decision`,
`require_register_decision`) are here too, next to the rule they apply.

The village's bookkeepers record decisions (`Right.KEEP_BOOKS`); the county's supervisor sets
the policy (`Right.SUPERVISE`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Sum
from django.utils.translation import gettext as _

from core.dates import today
from core.public_cache import public_changed
from core.rights import Right, require, scope_for
from core.types import Actor
from villages.models import Village

from ..choices import ENFORCED_KINDS, DecisionKind, DecisionState, DecisionStepKind, VoucherState
from ..models import Decision, DecisionPolicy, DecisionStep, Voucher
from ..quorum import rule_for

__all__ = [
    "STEP_ORDER",
    "check_cited_decision",
    "decision_create",
    "decision_policy_for",
    "UNCHANGED",
    "decision_policy_update",
    "decision_publish_resolution",
    "decision_publish_result",
    "decision_record_implementation",
    "decision_record_step",
    "decision_update_draft",
    "decision_remaining",
    "decision_used",
    "money",
    "require_register_decision",
    "require_voucher_decision",
]

ZERO = Decimal("0.00")
#: a policy's setting left as it is
UNCHANGED = object()

#: the four steps in their order, and the state each one reaches when it passes
STEP_ORDER = [
    DecisionStepKind.PROPOSAL,
    DecisionStepKind.DISCUSSION,
    DecisionStepKind.REVIEW,
    DecisionStepKind.RESOLUTION,
]
REACHES = {
    DecisionStepKind.PROPOSAL: DecisionState.PROPOSED,
    DecisionStepKind.DISCUSSION: DecisionState.DISCUSSED,
    DecisionStepKind.REVIEW: DecisionState.REVIEWED,
    DecisionStepKind.RESOLUTION: DecisionState.RESOLVED,
}
#: the state a decision is in when each step is due
DUE_IN = {
    DecisionState.DRAFTED: DecisionStepKind.PROPOSAL,
    DecisionState.PROPOSED: DecisionStepKind.DISCUSSION,
    DecisionState.DISCUSSED: DecisionStepKind.REVIEW,
    DecisionState.REVIEWED: DecisionStepKind.RESOLUTION,
}


def money(value: Decimal) -> str:
    """Yuan with two decimals and thousands separators, as errors show it (85,000.00)."""
    return f"{value:,.2f}"


# ------------------------------------------------------------------ the decision and its steps


@transaction.atomic
def decision_create(
    *,
    actor: Actor,
    village: Village,
    subject: str,
    kind: str,
    amount: Decimal,
    description: str = "",
    attachments: int = 0,
    year: int | None = None,
) -> Decision:
    """Record a matter to decide, numbered per village and year (议-2026-001); its steps
    follow."""
    require(actor, Right.KEEP_BOOKS, village.code)
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    year = year or today().year
    Village.objects.select_for_update().filter(pk=village.pk).first()
    last = Decision.objects.filter(village=village, year=year).aggregate(n=Max("number"))["n"]
    decision = Decision(
        village=village,
        year=year,
        number=(last or 0) + 1,
        subject=subject,
        kind=kind,
        amount=Decimal(amount).quantize(ZERO),
        description=description,
        attachments=attachments or 0,
        created_by=actor,
        area_code=village.code,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_update_draft(
    *,
    actor: Actor,
    decision: Decision,
    subject: str,
    kind: str,
    amount: Decimal,
    description: str = "",
    attachments: int = 0,
) -> Decision:
    """Correct the matter of a decision the party branch has not proposed yet; from the
    proposal on it is what was proposed (the database refuses too)."""
    require(actor, Right.KEEP_BOOKS, decision.area_code)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.state != DecisionState.DRAFTED:
        raise ValidationError(
            _(
                "Decision %(n)s has been proposed by the party branch: its subject, kind and "
                "amount are what was proposed and can no longer be changed."
            )
            % {"n": decision.display_number}
        )
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    decision.subject = subject
    decision.kind = kind
    decision.amount = Decimal(amount).quantize(ZERO)
    decision.description = description
    decision.attachments = attachments or 0
    decision.full_clean()
    decision.save(update_fields=["subject", "kind", "amount", "description", "attachments"])
    return decision


@transaction.atomic
def decision_record_step(
    *,
    actor: Actor,
    decision: Decision,
    held_on: dt.date,
    entitled: int,
    present: int,
    votes_for: int,
    minutes: str,
    votes_against: int = 0,
    votes_abstain: int = 0,
    assembly: str = "",
) -> DecisionStep:
    """Record the next step's meeting. Steps go strictly in order and their dates never go
    back; a step that is not quorate or not passed ends the decision (未通过), recorded."""
    require(actor, Right.KEEP_BOOKS, decision.area_code)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    kind = DUE_IN.get(DecisionState(decision.state))
    if kind is None:
        raise ValidationError(
            _("Decision %(n)s is “%(state)s”: it has no step left to record.")
            % {"n": decision.display_number, "state": decision.get_state_display()}
        )
    if held_on > today():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    last = decision.steps.order_by("-held_on").first()
    if last is not None and held_on < last.held_on:
        raise ValidationError(
            {
                "held_on": _("The meeting cannot be earlier than the step before it (%(d)s).")
                % {"d": last.held_on.isoformat()}
            }
        )
    if not minutes or not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes of the meeting.")})
    if kind == DecisionStepKind.RESOLUTION:
        if not assembly:
            raise ValidationError(
                {"assembly": _("Say which meeting resolved: the representatives or the villagers.")}
            )
    else:
        assembly = ""
    counts = {
        "entitled": entitled,
        "present": present,
        "votes_for": votes_for,
        "votes_against": votes_against,
        "votes_abstain": votes_abstain,
    }
    if any(v is None or v < 0 for v in counts.values()):
        raise ValidationError(_("Counts cannot be negative."))
    if entitled < 1:
        raise ValidationError({"entitled": _("Enter how many were entitled to attend.")})
    if present > entitled:
        raise ValidationError(
            {
                "present": _("More are present (%(p)d) than entitled to attend (%(e)d).")
                % {"p": present, "e": entitled}
            }
        )
    if votes_for + votes_against + votes_abstain > present:
        raise ValidationError(
            {
                "votes_for": _("The votes (%(v)d) are more than those present (%(p)d).")
                % {"v": votes_for + votes_against + votes_abstain, "p": present}
            }
        )
    rule = rule_for(kind, assembly)
    step = DecisionStep(
        decision=decision,
        kind=kind,
        assembly=assembly,
        held_on=held_on,
        minutes=minutes.strip(),
        quorate=rule.quorate(entitled, present),
        passed=rule.passes(entitled, present, votes_for),
        recorded_by=actor,
        area_code=decision.area_code,
        **counts,
    )
    step.full_clean()
    step.save()
    decision.state = REACHES[kind] if step.passed else DecisionState.FAILED
    decision.save(update_fields=["state"])
    return step


@transaction.atomic
def decision_publish_resolution(
    *, actor: Actor, decision: Decision, published_on: dt.date, text: str
) -> Decision:
    """决议公开: the resolution made public; from then on the books may cite it."""
    require(actor, Right.KEEP_BOOKS, decision.area_code)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.state != DecisionState.RESOLVED:
        raise ValidationError(
            _("Only a resolved decision is made public; decision %(n)s is “%(state)s”.")
            % {"n": decision.display_number, "state": decision.get_state_display()}
        )
    resolved_on = decision.steps.get(kind=DecisionStepKind.RESOLUTION).held_on
    _check_publication(published_on, resolved_on, text)
    decision.state = DecisionState.PUBLISHED
    decision.resolution_published_on = published_on
    decision.resolution_text = text.strip()
    decision.full_clean()
    decision.save(update_fields=["state", "resolution_published_on", "resolution_text"])
    public_changed(decision.area_code)
    return decision


@transaction.atomic
def decision_record_implementation(
    *, actor: Actor, decision: Decision, implemented_on: dt.date
) -> Decision:
    """The implementation of a decision made public is finished: from that day its result is
    due to be made public within the county's number of days (the warning counts from it)."""
    require(actor, Right.KEEP_BOOKS, decision.area_code)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.state != DecisionState.PUBLISHED:
        raise ValidationError(
            _("Only a decision made public is implemented; decision %(n)s is “%(state)s”.")
            % {"n": decision.display_number, "state": decision.get_state_display()}
        )
    if decision.implemented_on is not None:
        raise ValidationError(
            _("The implementation of decision %(n)s was recorded as finished on %(d)s.")
            % {"n": decision.display_number, "d": decision.implemented_on.isoformat()}
        )
    assert decision.resolution_published_on is not None  # published, by its check constraint
    _check_date(implemented_on, decision.resolution_published_on, "implemented_on")
    decision.implemented_on = implemented_on
    decision.full_clean()
    decision.save(update_fields=["implemented_on"])
    public_changed(decision.area_code)
    return decision


@transaction.atomic
def decision_publish_result(
    *,
    actor: Actor,
    decision: Decision,
    published_on: dt.date,
    text: str,
    implemented_on: dt.date | None = None,
) -> Decision:
    """实施结果公开: what was done under the decision made public; it is then closed and no
    longer cited by new records. The implementation ends, at the latest, that day."""
    require(actor, Right.KEEP_BOOKS, decision.area_code)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.state != DecisionState.PUBLISHED:
        raise ValidationError(
            _("The result is made public after the resolution; decision %(n)s is “%(state)s”.")
            % {"n": decision.display_number, "state": decision.get_state_display()}
        )
    assert decision.resolution_published_on is not None  # published, by its check constraint
    if decision.implemented_on is None:
        implemented_on = implemented_on or published_on
        _check_date(implemented_on, decision.resolution_published_on, "implemented_on")
        decision.implemented_on = implemented_on
    _check_publication(published_on, decision.implemented_on, text)
    decision.state = DecisionState.DONE
    decision.result_published_on = published_on
    decision.result_text = text.strip()
    decision.full_clean()
    decision.save(update_fields=["state", "implemented_on", "result_published_on", "result_text"])
    public_changed(decision.area_code)
    return decision


def _check_date(day: dt.date, earliest: dt.date, field: str) -> None:
    if day > today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if day < earliest:
        raise ValidationError(
            {field: _("The date cannot be earlier than %(d)s.") % {"d": earliest.isoformat()}}
        )


def _check_publication(published_on: dt.date, earliest: dt.date, text: str) -> None:
    if published_on > today():
        raise ValidationError({"published_on": _("The date cannot be in the future.")})
    if published_on < earliest:
        raise ValidationError(
            {
                "published_on": _("It cannot be made public before %(d)s.")
                % {"d": earliest.isoformat()}
            }
        )
    if not text or not text.strip():
        raise ValidationError({"text": _("Write what is made public.")})


# ------------------------------------------------------------------ what a decision covers


def decision_used(decision: Decision, *, excluding: Voucher | None = None) -> Decimal:
    """What the posted vouchers citing the decision spent, reversed ones left out."""
    reversed_ = Voucher.objects.filter(reverses=OuterRef("pk"), state=VoucherState.POSTED)
    vouchers = Voucher.objects.filter(decision=decision, state=VoucherState.POSTED).exclude(
        Exists(reversed_)
    )
    if excluding is not None:
        vouchers = vouchers.exclude(pk=excluding.pk)
    used = vouchers.aggregate(s=Sum("lines__debit"))["s"]
    return used or ZERO


def decision_remaining(decision: Decision) -> Decimal:
    """The decision's amount less what posted vouchers spent under it."""
    return decision.amount - decision_used(decision)


def decision_policy_for(area_code: str) -> DecisionPolicy | None:
    """The policy of the county of `area_code` (None: the county enforces nothing)."""
    return DecisionPolicy.objects.filter(area_code=area_code[:6]).first()


def _usable_or_refuse(decision: Decision, village_id: int) -> None:
    if decision.village_id != village_id:
        raise ValidationError(
            {"decision": _("The decision cited must be one of the same village.")}
        )
    if decision.state != DecisionState.PUBLISHED:
        raise ValidationError(
            {
                "decision": _(
                    "Decision %(n)s is “%(state)s”: only a resolution passed and made public "
                    "may be cited."
                )
                % {"n": decision.display_number, "state": decision.get_state_display()}
            }
        )


def check_cited_decision(decision: Decision | None, village_id: int) -> None:
    """A draft may cite a decision only of its own village (whether it still covers the amount
    is asked when it posts)."""
    if decision is not None and decision.village_id != village_id:
        raise ValidationError(
            {"decision": _("The decision cited must be one of the same village.")}
        )


def require_voucher_decision(voucher: Voucher, total: Decimal) -> None:
    """Posting `voucher` of `total` yuan: above the county's threshold it must cite a decision;
    a cited decision must be usable and still cover the total (its row locked: two postings
    under one decision count one after the other). Reversals need none."""
    if voucher.reverses_id is not None:
        return
    policy = decision_policy_for(voucher.area_code)
    if voucher.decision_id is None:
        if policy and policy.applies_to(DecisionKind.FUNDS) and total > policy.threshold:
            raise ValidationError(
                _(
                    "Voucher %(n)s spends %(t)s yuan, above the county's threshold of %(h)s "
                    "yuan: it must cite a decision of the village (四议两公开) that was passed "
                    "and made public."
                )
                % {"n": voucher.display_number, "t": money(total), "h": money(policy.threshold)}
            )
        return
    decision = Decision.objects.select_for_update().get(pk=voucher.decision_id)
    _usable_or_refuse(decision, voucher.village_id)
    left = decision.amount - decision_used(decision, excluding=voucher)
    if total > left:
        raise ValidationError(
            _(
                "Decision %(d)s leaves %(left)s yuan of its %(a)s: voucher %(n)s of %(t)s yuan "
                "is not covered."
            )
            % {
                "d": decision.display_number,
                "left": money(left),
                "a": money(decision.amount),
                "n": voucher.display_number,
                "t": money(total),
            }
        )


def require_register_decision(
    *, village_id: int, area_code: str, kind: str, amount: Decimal, decision: Decision | None
) -> None:
    """A contract (kind `contract`) or an asset's disposal or lease (kind `disposal`) worth
    `amount`: above the county's threshold, where its policy covers the kind, it cites a usable
    decision of that kind whose amount covers it; a decision cited anyway must fit too."""
    policy = decision_policy_for(area_code)
    label = DecisionKind(kind).label
    if decision is None:
        if policy and policy.applies_to(kind) and amount > policy.threshold:
            raise ValidationError(
                {
                    "decision": _(
                        "%(what)s worth %(a)s yuan is above the county's threshold of %(h)s "
                        "yuan: cite a decision of the village (四议两公开) of this kind, passed "
                        "and made public."
                    )
                    % {"what": label, "a": money(amount), "h": money(policy.threshold)}
                }
            )
        return
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _usable_or_refuse(decision, village_id)
    if decision.kind != kind:
        raise ValidationError(
            {
                "decision": _("Decision %(n)s is about “%(k)s”, not “%(w)s”.")
                % {"n": decision.display_number, "k": decision.get_kind_display(), "w": label}
            }
        )
    if amount > decision.amount:
        raise ValidationError(
            {
                "decision": _("Decision %(n)s covers %(d)s yuan, less than the %(a)s yuan here.")
                % {"n": decision.display_number, "d": money(decision.amount), "a": money(amount)}
            }
        )


# ------------------------------------------------------------------ the county's policy


@transaction.atomic
def decision_policy_update(
    *,
    actor: Actor,
    county_code: str,
    enabled: bool,
    threshold: Decimal,
    kinds: Sequence[str],
    statements_need_review: bool | None = None,
    result_due_days: int | None = None,
    signing_day: int | None | object = UNCHANGED,
    posting_needs_signing: bool | None = None,
) -> DecisionPolicy:
    """Set the county's policy; only its supervisor may (`statements_need_review`,
    `result_due_days` and `posting_needs_signing` None, `signing_day` UNCHANGED: as they were)."""
    if not scope_for(actor).allows(Right.SUPERVISE, county_code) or len(county_code) != 6:
        raise PermissionDenied(_("Only the county's supervisor changes its policy."))
    if threshold is None or threshold < 0:
        raise ValidationError({"threshold": _("The threshold cannot be negative.")})
    unknown = set(kinds) - {str(k) for k in ENFORCED_KINDS}
    if unknown:
        raise ValidationError(
            {
                "kinds": _("These records cannot need a decision: %(k)s")
                % {"k": ", ".join(sorted(unknown))}
            }
        )
    policy = DecisionPolicy.objects.select_for_update().filter(
        area_code=county_code
    ).first() or DecisionPolicy(area_code=county_code)
    policy.enabled = enabled
    policy.threshold = Decimal(threshold).quantize(ZERO)
    policy.kinds = [str(k) for k in ENFORCED_KINDS if k in set(kinds)]
    if statements_need_review is not None:
        policy.statements_need_review = statements_need_review
    if result_due_days is not None:
        if not 1 <= result_due_days <= 365:
            raise ValidationError(
                {"result_due_days": _("Enter a number of days between 1 and 365.")}
            )
        policy.result_due_days = result_due_days
    if signing_day is not UNCHANGED:
        day = cast("int | None", signing_day)
        if day is not None and not 1 <= day <= 31:
            raise ValidationError({"signing_day": _("Choose a day between 1 and 31.")})
        policy.signing_day = day
    if posting_needs_signing is not None:
        policy.posting_needs_signing = posting_needs_signing
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    return policy
