"""Reads of 定期公开: a statement's content made ready for a page (labels of the codes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cadres.choices import PostKind
from cadres.models import Post

from ..choices import AssetMovementKind, AssetStatus, DisclosureState, LandKind
from ..models import Disclosure, DisclosureQuestion

__all__ = [
    "QuestionStep",
    "public_question",
    "question_steps",
    "review_candidates",
    "statement_display",
    "statement_review",
    "supervisors_on",
]


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value  # a code of a later chart: shown as stored


def _dates(row: dict[str, Any]) -> dict[str, Any]:
    """ISO dates of a row as dates, so that pages show them the Chinese way."""
    shown = dict(row)
    for key in ("date", "start", "end"):
        if isinstance(shown.get(key), str):
            try:
                shown[key] = dt.date.fromisoformat(shown[key])
            except ValueError:
                pass
    return shown


def statement_display(content: dict[str, Any]) -> dict[str, Any]:
    """A copy of the stored content for a page: dates as dates, labels of the asset and land
    codes (the stored JSON itself never changes)."""
    shown = dict(content)
    shown["period"] = _dates(content.get("period", {}))
    large = content.get("large_items", {})
    shown["large_items"] = {**large, "vouchers": [_dates(v) for v in large.get("vouchers", [])]}
    shown["contract_payments"] = [_dates(p) for p in content.get("contract_payments", [])]
    shown["asset_movements"] = [
        {
            **_dates(m),
            "kind_label": _label(AssetMovementKind, m.get("kind", "")),
            "status_label": _label(AssetStatus, m.get("status_after", "")),
        }
        for m in content.get("asset_movements", [])
    ]
    shown["contracts"] = [
        {**_dates(c), "land_kind_label": _label(LandKind, c.get("land_kind", ""))}
        for c in content.get("contracts", [])
    ]
    if "supervision" in content:
        shown["supervision"] = _supervision_display(content["supervision"])
    return shown


#: one step of a question's way to closure: `label`, `on` (when, or None), `done`, `state`
QuestionStep = dict[str, Any]


def public_question(receipt: str) -> DisclosureQuestion | None:
    """The question of a receipt number, with its statement, village and problem (one query);
    None when no question has it."""
    return (
        DisclosureQuestion.objects.select_related("disclosure__village__township", "problem")
        .defer("disclosure__content", "phone", "name")
        .filter(receipt=receipt)
        .first()
    )


def question_steps(question: DisclosureQuestion) -> list[QuestionStep]:
    """What became of a question, as its public page shows it: received, answered, turned into
    a problem (with the problem's state, in the glossary's words), closed (with the date)."""
    if question.hidden_at is not None:
        return [
            dict(label=pgettext("question step", "Received"), on=question.asked_at, done=True),
            dict(label=_("Hidden"), on=question.hidden_at, done=True),
        ]
    try:
        problem = question.problem  # type: ignore[attr-defined]  # supervision.Problem
    except ObjectDoesNotExist:
        problem = None
    steps = [
        dict(label=pgettext("question step", "Received"), on=question.asked_at, done=True),
        dict(label=_("Answered"), on=question.answered_at, done=question.answered_at is not None),
    ]
    if problem is not None:
        steps.append(
            dict(
                label=_("Turned into a problem"),
                on=problem.opened_on,
                done=True,
                state=problem.get_state_display(),
            )
        )
        steps.append(
            dict(label=_("Struck off"), on=problem.closed_on, done=problem.closed_on is not None)
        )
    return steps


def _supervision_display(block: dict[str, Any]) -> dict[str, Any]:
    reviewed_on = block.get("reviewed_on")
    return {
        **block,
        "reviewed_on": dt.date.fromisoformat(reviewed_on) if reviewed_on else None,
        "signers": [
            {**s, "post_label": _label(PostKind, s.get("post", ""))}
            for s in block.get("signers", [])
        ],
    }


def statement_review(disclosure: Disclosure) -> dict[str, Any]:
    """The supervision committee's review as pages show it: a published statement's frozen
    copy (in its content), else what is recorded so far, with the village's phone today."""
    if disclosure.state == DisclosureState.PUBLISHED and "supervision" in disclosure.content:
        return _supervision_display(disclosure.content["supervision"])
    reviewed_on = disclosure.reviewed_on
    signatures = disclosure.signatures.select_related("post__cadre").order_by("post__kind", "pk")
    return {
        "opinion": disclosure.review_opinion,
        "reviewed_on": reviewed_on,
        "members": supervisors_on(disclosure.village, reviewed_on).count() if reviewed_on else 0,
        "signers": [
            {
                "name": sig.post.cadre.name,
                "post": sig.post.kind,
                "post_label": sig.post.get_kind_display(),
            }
            for sig in signatures
        ],
        "phone": disclosure.village.supervision_phone,
    }


def supervisors_on(village, on: dt.date) -> QuerySet[Post]:
    """The village affairs supervision committee's posts held on the date."""
    return (
        Post.objects.supervision()
        .sitting_on(on)
        .filter(village=village)
        .select_related("cadre")
        .order_by("kind", "pk")
    )


def review_candidates(disclosure: Disclosure):
    """The village's supervision committee posts that sat during or after the period."""
    return (
        Post.objects.supervision()
        .filter(village_id=disclosure.village_id)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=disclosure.start))
        .select_related("cadre")
        .order_by("kind", "cadre__name", "pk")
    )
