"""Masking of personal data in lists, history, exports and the API (every app shows it the same
way; the full value only to those who hold `Right.REVEAL`)."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """3708**********1234: the first four and last four characters only."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile number; otherwise all but the last four digits hidden."""
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    return "*" * max(len(value) - 4, 0) + value[-4:]
