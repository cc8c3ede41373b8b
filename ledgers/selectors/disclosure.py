"""Reads of 定期公开: a statement's content made ready for a page (labels of the codes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from cadres.choices import PostKind
from cadres.models import Post

from ..choices import AssetMovementKind, AssetStatus, DisclosureState, LandKind
from ..models import Disclosure

__all__ = ["review_candidates", "statement_display", "statement_review", "supervisors_on"]


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
