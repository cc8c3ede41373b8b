"""Writes of the warnings part of 双监督."""

__all__: list[str] = []
