"""Writes of the cycle part of 双监督."""

__all__: list[str] = []
