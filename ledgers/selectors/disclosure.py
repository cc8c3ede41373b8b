"""Reads of 定期公开: a statement's content made ready for a page (labels of the codes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..choices import AssetMovementKind, AssetStatus, LandKind

__all__ = ["statement_display"]


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
    return shown
