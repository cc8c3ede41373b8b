"""Reads of the ledger, one module per part; everything is importable from here."""

from ..chain import ChainReport, verify_chain  # noqa: F401 -- the chain's verdict is a read
from .books import *  # noqa: F403
from .decisions import *  # noqa: F403
from .disclosure import *  # noqa: F403
from .handover import *  # noqa: F403
from .registers import *  # noqa: F403
from .signing import *  # noqa: F403
