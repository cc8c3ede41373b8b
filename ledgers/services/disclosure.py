"""Writes of 定期公开: a statement generated from the ledger for a month or a quarter, approved
and published by the township (then frozen by the database), and the villagers' questions.

The village's bookkeepers (its clerk, the township) generate a draft, as often as they like;
only the township approves and publishes it. A published statement's `sha256` is the digest of
its canonical JSON bytes, which the public page serves unchanged.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import NotRequired, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Post
from core.dates import today
from core.public_cache import public_changed
from core.rights import Right, require
from core.types import Actor
from core.validators import check_year
from villages.models import Village

from .. import selectors
from ..choices import DisclosureKind, DisclosureState, NormalSide, VoucherState
from ..models import (
    AssetMovement,
    ClosedPeriod,
    ContractPayment,
    Disclosure,
    DisclosureQuestion,
    DisclosureSignature,
    ResourceContract,
    Voucher,
)
from ..models.disclosure import new_receipt
from ..quorum import more_than_half
from ..selectors import BalanceRow, supervisors_on
from .decisions import decision_policy_for

__all__ = [
    "LARGE_ITEM_THRESHOLD",
    "StatementContent",
    "canonical_statement",
    "disclosure_approve",
    "disclosure_generate",
    "disclosure_publish",
    "check_signatures",
    "disclosure_record_review",
    "review_required",
    "period_bounds",
    "question_answer",
    "question_ask",
    "question_hide",
    "statement_content",
]

#: a posted voucher of at least this many yuan is listed one by one (大额收支)
LARGE_ITEM_THRESHOLD = Decimal("10000.00")
#: the layout of `content`; raise it when the keys change so old statements stay readable
#: (2: `chain_head` added; 3: `supervision` added on publishing)
CONTENT_FORMAT = 3
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")
QUESTION_MAX = 1000


# The layout of `content` (CONTENT_FORMAT 2): amounts are strings with two decimals, dates ISO.


class StatementVillage(TypedDict):
    code: str
    name: str


class StatementPeriod(TypedDict):
    kind: str
    year: int
    number: int
    start: str
    end: str


class StatementAccount(TypedDict):
    """An income or expense account with its movement in the period."""

    code: str
    name: str
    amount: str


class StatementTotals(TypedDict):
    income: str
    expense: str
    net: str


class StatementBalance(TypedDict):
    """One account of the trial balance."""

    code: str
    name: str
    opening: str
    debit: str
    credit: str
    closing: str


class StatementVoucher(TypedDict):
    """A posted voucher of at least the threshold (大额收支)."""

    number: str
    date: str
    summary: str
    amount: str


class StatementLargeItems(TypedDict):
    threshold: str
    vouchers: list[StatementVoucher]


class StatementAssetMovement(TypedDict):
    asset: str
    kind: str
    date: str
    counterparty: str
    amount: str
    status_after: str


class StatementContract(TypedDict):
    resource: str
    land_kind: str
    area_mu: str
    party: str
    start: str
    end: str
    annual_fee: str
    paid_in_period: str


class StatementContractPayment(TypedDict):
    resource: str
    party: str
    date: str
    amount: str
    #: the voucher's number, or "" when the payment has no voucher
    voucher: str


class StatementChainHead(TypedDict):
    """The last voucher of the village's chain when the statement was generated: its position
    and hash. Published, it anchors the chain outside the database (on every printout);
    `verify_chain` checks the chain against it."""

    seq: int
    hash: str


class StatementSigner(TypedDict):
    name: str
    post: str


class StatementSupervision(TypedDict):
    """The village affairs supervision committee's review, copied in on publishing; `opinion`
    is "" and `signers` empty when the county did not require one and none was recorded."""

    opinion: str
    reviewed_on: str | None
    #: the committee's sitting members on `reviewed_on` (the majority is counted against it)
    members: int
    signers: list[StatementSigner]
    phone: str


class StatementContent(TypedDict):
    """What `statement_content` returns and a `Disclosure` keeps as its `content`."""

    format: int
    village: StatementVillage
    period: StatementPeriod
    income: list[StatementAccount]
    expense: list[StatementAccount]
    totals: StatementTotals
    balances: list[StatementBalance]
    large_items: StatementLargeItems
    asset_movements: list[StatementAssetMovement]
    contracts: list[StatementContract]
    contract_payments: list[StatementContractPayment]
    chain_head: StatementChainHead | None
    #: only in a published statement (format 3)
    supervision: NotRequired[StatementSupervision]


def _money(value: Decimal | None) -> str:
    return f"{Decimal(value or 0):.2f}"


def canonical_statement(content: Mapping[str, object]) -> bytes:
    """The bytes a published statement is hashed and served as: sorted keys, no spaces."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def period_bounds(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    """First and last day of a month (1–12) or a quarter (1–4)."""
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if kind == DisclosureKind.MONTH and 1 <= number <= 12:
        first, last = number, number
    elif kind == DisclosureKind.QUARTER and 1 <= number <= 4:
        first, last = 3 * number - 2, 3 * number
    else:
        raise ValidationError({"number": _("Choose a month (1–12) or a quarter (1–4).")})
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def statement_content(
    village: Village, kind: str, year: int, number: int, *, as_of: dt.datetime | None = None
) -> StatementContent:
    """The snapshot of the period from the ledger and the registers: plain JSON, amounts as
    strings with two decimals, dates ISO; with the chain's head as posted by `as_of` (now)."""
    start, end = period_bounds(kind, year, number)
    rows = selectors.trial_balance(village, start, end)
    income_rows, income, expense = selectors.income_statement(village, start, end)

    def movement(r: BalanceRow) -> Decimal:
        if r.account.normal_side == NormalSide.CREDIT:
            return r.credit - r.debit
        return r.debit - r.credit

    def account_amount(r: BalanceRow) -> StatementAccount:
        return {"code": r.account.code, "name": r.account.name, "amount": _money(movement(r))}

    large = (
        Voucher.objects.filter(
            village=village, state=VoucherState.POSTED, date__gte=start, date__lte=end
        )
        .annotate(total=Sum("lines__debit"))
        .filter(total__gte=LARGE_ITEM_THRESHOLD)
        .order_by("date", "chain_seq")
    )
    movements = (
        AssetMovement.objects.filter(area_code=village.code, date__gte=start, date__lte=end)
        .select_related("asset")
        .order_by("date", "pk")
    )
    contracts = (
        ResourceContract.objects.filter(
            area_code=village.code, start_date__lte=end, end_date__gte=start
        )
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=start))
        .select_related("resource")
        .annotate(
            paid=Sum(
                "payments__amount",
                filter=Q(payments__received_on__gte=start, payments__received_on__lte=end),
            )
        )
        .order_by("resource__name", "start_date", "pk")
    )
    payments = (
        ContractPayment.objects.filter(
            area_code=village.code, received_on__gte=start, received_on__lte=end
        )
        .select_related("contract__resource", "voucher")
        .order_by("received_on", "pk")
    )
    return {
        "format": CONTENT_FORMAT,
        "village": {"code": village.code, "name": village.name},
        "period": {
            "kind": kind,
            "year": year,
            "number": number,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
        # Accounts without a movement in the period are left out of a villager's reading.
        "income": [
            account_amount(r)
            for r in income_rows
            if r.account.normal_side == NormalSide.CREDIT and movement(r)
        ],
        "expense": [
            account_amount(r)
            for r in income_rows
            if r.account.normal_side == NormalSide.DEBIT and movement(r)
        ],
        "totals": {
            "income": _money(income),
            "expense": _money(expense),
            "net": _money(income - expense),
        },
        "balances": [
            {
                "code": r.account.code,
                "name": r.account.name,
                "opening": _money(r.opening),
                "debit": _money(r.debit),
                "credit": _money(r.credit),
                "closing": _money(r.closing),
            }
            for r in rows
        ],
        "large_items": {
            "threshold": _money(LARGE_ITEM_THRESHOLD),
            "vouchers": [
                {
                    "number": v.display_number,
                    "date": v.date.isoformat(),
                    "summary": v.summary,
                    "amount": _money(v.total),
                }
                for v in large
            ],
        },
        "asset_movements": [
            {
                "asset": m.asset.name,
                "kind": m.kind,
                "date": m.date.isoformat(),
                "counterparty": m.counterparty,
                "amount": _money(m.amount),
                "status_after": m.status_after,
            }
            for m in movements
        ],
        "contracts": [
            {
                "resource": c.resource.name,
                "land_kind": c.resource.land_kind,
                "area_mu": _money(c.resource.area_mu),
                "party": c.party,
                "start": c.start_date.isoformat(),
                "end": c.end_date.isoformat(),
                "annual_fee": _money(c.annual_fee),
                "paid_in_period": _money(c.paid),
            }
            for c in contracts
        ],
        "contract_payments": [
            {
                "resource": p.contract.resource.name,
                "party": p.contract.party,
                "date": p.received_on.isoformat(),
                "amount": _money(p.amount),
                "voucher": p.voucher.display_number if p.voucher is not None else "",
            }
            for p in payments
        ],
        "chain_head": _chain_head(village, as_of or timezone.now()),
    }


def _chain_head(village: Village, as_of: dt.datetime) -> StatementChainHead | None:
    head = (
        Voucher.objects.filter(village=village, state=VoucherState.POSTED, posted_at__lte=as_of)
        .order_by("-chain_seq")
        .only("chain_seq", "hash")
        .first()
    )
    if head is None:
        return None
    assert head.chain_seq is not None  # posted, hence chained
    return {"seq": head.chain_seq, "hash": head.hash}


def require_period_ended_and_closed(village: Village, start: dt.date, end: dt.date) -> None:
    """A statement tells villagers what a finished period holds: the period is over and the
    township has closed each of its months (nothing posts into them any more)."""
    if end >= today():
        raise ValidationError(
            _("%(s)s – %(e)s has not ended yet: only an ended month or quarter is published.")
            % {"s": start.isoformat(), "e": end.isoformat()}
        )
    closed = set(
        ClosedPeriod.objects.filter(
            village=village, year=start.year, month__gte=start.month, month__lte=end.month
        ).values_list("month", flat=True)
    )
    open_months = [m for m in range(start.month, end.month + 1) if m not in closed]
    if open_months:
        raise ValidationError(
            _("Close %(months)s of %(y)d first: a statement covers closed months only.")
            % {
                "months": "、".join(_("month %(m)d") % {"m": m} for m in open_months),
                "y": start.year,
            }
        )


@transaction.atomic
def disclosure_generate(
    *, actor: Actor, village: Village, kind: str, year: int, number: int
) -> Disclosure:
    """Generate (or re-generate) the draft statement of a period from the ledger."""
    require(actor, Right.KEEP_BOOKS, village.code)
    if kind not in DisclosureKind.values:
        raise ValidationError({"kind": _("Choose a month or a quarter.")})
    check_year(year)
    start, end = period_bounds(kind, year, number)
    require_period_ended_and_closed(village, start, end)
    Village.objects.select_for_update().filter(pk=village.pk).first()
    disclosure = Disclosure.objects.filter(
        village=village, kind=kind, year=year, number=number
    ).first()
    if disclosure is not None and disclosure.state != DisclosureState.DRAFT:
        raise ValidationError(
            _("The statement of %(p)s is already %(s)s: it is not generated again.")
            % {"p": disclosure.title, "s": disclosure.get_state_display()}
        )
    content = statement_content(village, kind, year, number)
    if disclosure is None:
        disclosure = Disclosure(
            village=village,
            kind=kind,
            year=year,
            number=number,
            start=start,
            end=end,
            content=content,
            area_code=village.code,
        )
        disclosure.full_clean()
        disclosure.save()
    else:
        disclosure.content = content
        disclosure.generated_at = timezone.now()
        disclosure.save(update_fields=["content", "generated_at"])
    return disclosure


def _locked(disclosure: Disclosure, state: str) -> Disclosure:
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if disclosure.state != state:
        messages: dict[str, str] = {
            DisclosureState.DRAFT: _("Only a statement under review is approved."),
            DisclosureState.APPROVED: _("Only an approved statement is published."),
        }
        raise ValidationError(messages[state])
    return disclosure


@transaction.atomic
def disclosure_approve(*, actor: Actor, disclosure: Disclosure) -> Disclosure:
    """The township approves a generated statement (it is not generated again afterwards)."""
    require(actor, Right.EDIT, disclosure.area_code)
    disclosure = _locked(disclosure, DisclosureState.DRAFT)
    disclosure.state = DisclosureState.APPROVED
    disclosure.approved_by = actor
    disclosure.approved_at = timezone.now()
    disclosure.save(update_fields=["state", "approved_by", "approved_at"])
    return disclosure


@transaction.atomic
def disclosure_publish(*, actor: Actor, disclosure: Disclosure) -> Disclosure:
    """The township publishes an approved statement: it gets its SHA-256 and, from now on,
    the database refuses any change to it."""
    require(actor, Right.EDIT, disclosure.area_code)
    disclosure = _locked(disclosure, DisclosureState.APPROVED)
    village = disclosure.village
    if review_required(village) and not disclosure.reviewed_on:
        raise ValidationError(
            _(
                "The county requires the village affairs supervision committee's review: "
                "record its opinion and signatures before publishing."
            )
        )
    if disclosure.reviewed_on:
        # The committee's posts may have been corrected since: the rule still holds today.
        signers = [
            sig.post for sig in disclosure.signatures.select_related("post__cadre").order_by("pk")
        ]
        try:
            check_signatures(village, disclosure.reviewed_on, signers)
        except ValidationError as e:
            raise ValidationError(
                _("Record the supervision committee's review again: %(why)s")
                % {"why": " ".join(e.messages)}
            ) from e
    # The review and the phone are part of what villagers read, what is hashed and printed.
    disclosure.content = {**disclosure.content, "supervision": _supervision_block(disclosure)}
    disclosure.state = DisclosureState.PUBLISHED
    disclosure.published_at = timezone.now()
    disclosure.sha256 = hashlib.sha256(canonical_statement(disclosure.content)).hexdigest()
    disclosure.save(update_fields=["content", "state", "published_at", "sha256"])
    public_changed(disclosure.area_code)
    return disclosure


# ------------------------------------------------------------------ supervision committee review


def review_required(village: Village) -> bool:
    """The county's switch (DecisionPolicy.statements_need_review, off by default)."""
    policy = decision_policy_for(village.code)
    return policy is not None and policy.statements_need_review


def _supervision_block(disclosure: Disclosure) -> StatementSupervision:
    signatures = disclosure.signatures.select_related("post__cadre").order_by("post__kind", "pk")
    reviewed_on = disclosure.reviewed_on
    return {
        "opinion": disclosure.review_opinion,
        "reviewed_on": reviewed_on.isoformat() if reviewed_on else None,
        "members": supervisors_on(disclosure.village, reviewed_on).count() if reviewed_on else 0,
        "signers": [{"name": sig.post.cadre.name, "post": sig.post.kind} for sig in signatures],
        "phone": disclosure.village.supervision_phone,
    }


def check_signatures(village: Village, reviewed_on: dt.date, posts: Sequence[Post]) -> None:
    """The one rule of the signatures: each signer sat on the village's supervision committee
    on the review's date, and they are more than half of those sitting that day."""
    sitting = {p.pk for p in supervisors_on(village, reviewed_on)}
    outsiders = [p for p in posts if p.pk not in sitting]
    if outsiders:
        raise ValidationError(
            {
                "posts": _(
                    "%(names)s did not sit on this village's supervision committee on %(d)s."
                )
                % {"names": "、".join(p.cadre.name for p in outsiders), "d": reviewed_on}
            }
        )
    signed = {p.pk for p in posts}
    if not more_than_half(len(signed), len(sitting)):
        raise ValidationError(
            {
                "posts": _(
                    "More than half of the committee's %(n)d sitting members must sign "
                    "(%(k)d signed)."
                )
                % {"n": len(sitting), "k": len(signed)}
            }
        )


@transaction.atomic
def disclosure_record_review(
    *,
    actor: Actor,
    disclosure: Disclosure,
    opinion: str,
    reviewed_on: dt.date,
    posts: Sequence[Post],
) -> Disclosure:
    """Record (or record again) the supervision committee's opinion on a statement not yet
    published, with the members who signed: each sitting on `reviewed_on` in this village's
    committee, and more than half of those sitting (quorum.more_than_half)."""
    require(actor, Right.EDIT, disclosure.area_code)
    disclosure = (
        Disclosure.objects.select_for_update().select_related("village").get(pk=disclosure.pk)
    )
    if disclosure.state == DisclosureState.PUBLISHED:
        raise ValidationError(_("A published statement's review no longer changes."))
    opinion = opinion.strip()
    errors: dict[str, str] = {}
    if not opinion:
        errors["opinion"] = _("Write the committee's opinion.")
    if reviewed_on > today():
        errors["reviewed_on"] = _("The review cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    check_signatures(disclosure.village, reviewed_on, posts)
    signed = {p.pk for p in posts}
    disclosure.review_opinion = opinion
    disclosure.reviewed_on = reviewed_on
    disclosure.save(update_fields=["review_opinion", "reviewed_on"])
    disclosure.signatures.exclude(post_id__in=signed).delete()
    present = set(disclosure.signatures.values_list("post_id", flat=True))
    DisclosureSignature.objects.bulk_create(
        DisclosureSignature(disclosure=disclosure, post_id=pk, area_code=disclosure.area_code)
        for pk in sorted(signed - present)
    )
    return disclosure


@transaction.atomic
def question_ask(
    *, disclosure: Disclosure, question: str, name: str = "", phone: str = ""
) -> DisclosureQuestion:
    """A villager's question about a published statement (no account needed)."""
    if disclosure.state != DisclosureState.PUBLISHED:
        raise ValidationError(_("Questions are asked about published statements only."))
    question, name, phone = question.strip(), name.strip(), phone.strip()
    errors: dict[str, str] = {}
    if not question:
        errors["question"] = _("Write your question.")
    elif len(question) > QUESTION_MAX:
        errors["question"] = _("Keep the question under %(n)d characters.") % {"n": QUESTION_MAX}
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Enter a phone number of digits only, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    item = DisclosureQuestion(
        disclosure=disclosure,
        name=name,
        phone=phone,
        question=question,
        area_code=disclosure.area_code,
    )
    item.full_clean(exclude=["receipt"])
    # The receipt is random: on the (1 in 10^14) repeat of a taken one, draw again.
    for _attempt in range(5):
        item.receipt = new_receipt()
        if not DisclosureQuestion.objects.filter(receipt=item.receipt).exists():
            break
    item.save()
    return item


@transaction.atomic
def question_answer(
    *, actor: Actor, question: DisclosureQuestion, answer: str
) -> DisclosureQuestion:
    """Answer a villager's question in public, once."""
    require(actor, Right.ANSWER, question.area_code)
    question = DisclosureQuestion.objects.select_for_update().get(pk=question.pk)
    if question.answer:
        raise ValidationError(_("This question is already answered."))
    if question.hidden_at is not None:
        raise ValidationError(_("This question is hidden: it is not answered in public."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    question.answer = answer
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    public_changed(question.area_code)
    return question


#: the longest reason for hiding a question
HIDE_REASON_MAX = 300


@transaction.atomic
def question_hide(*, actor: Actor, question: DisclosureQuestion, reason: str) -> DisclosureQuestion:
    """Hide an abusive question from the public pages (the township): its text goes, its receipt
    page says "hidden"; the reason and the hand are kept and audited, nothing is deleted."""
    require(actor, Right.EDIT, question.area_code)
    question = DisclosureQuestion.objects.select_for_update().get(pk=question.pk)
    if question.hidden_at is not None:
        raise ValidationError(_("This question is already hidden."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"hidden_reason": _("Give the reason for hiding the question.")})
    if len(reason) > HIDE_REASON_MAX:
        raise ValidationError(
            {"hidden_reason": _("Keep the reason under %(n)d characters.") % {"n": HIDE_REASON_MAX}}
        )
    question.hidden_at = timezone.now()
    question.hidden_by = actor
    question.hidden_reason = reason
    question.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    public_changed(question.area_code)
    return question
