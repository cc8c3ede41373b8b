"""Reads of the ledger, one module per part; everything is importable from here."""

from .books import *  # noqa: F403
