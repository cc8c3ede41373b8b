"""Writes of the ledger, one module per part; everything is importable from here."""

from .books import *  # noqa: F403
from .books import GENESIS, ZERO, canonical_content, chain_hash  # noqa: F401
