"""Models of the ledger (一账), one module per part: the books (chart, verification, vouchers),
the registers of assets and resources, disclosure, handover and audit."""

from .audit import *  # noqa: F403
from .books import *  # noqa: F403
from .decisions import *  # noqa: F403
from .disclosure import *  # noqa: F403
from .handover import *  # noqa: F403
from .integrity import *  # noqa: F403
from .registers import *  # noqa: F403
from .signing import *  # noqa: F403
