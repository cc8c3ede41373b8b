"""Writes of the ledger, one module per part; everything is importable from here."""

from .audit import *  # noqa: F403
from .books import *  # noqa: F403
from .decisions import *  # noqa: F403
from .disclosure import *  # noqa: F403
from .handover import *  # noqa: F403
from .integrity import *  # noqa: F403
from .registers import *  # noqa: F403
from .signing import *  # noqa: F403
