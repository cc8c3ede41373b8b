"""Writes of the topdown part of 双监督."""

__all__: list[str] = []
