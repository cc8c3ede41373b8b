"""Writes of the rectification part of 双监督."""

__all__: list[str] = []
