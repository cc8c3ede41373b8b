"""Writes of the bottomup part of 双监督."""

__all__: list[str] = []
