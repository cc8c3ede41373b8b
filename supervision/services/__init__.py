"""Writes of 双监督, split by part; import them from here (`from supervision import services`)."""

from .bottomup import *  # noqa: F403
from .common import *  # noqa: F403
from .corrections import *  # noqa: F403
from .cycle import *  # noqa: F403
from .field import *  # noqa: F403
from .fivegood import *  # noqa: F403
from .links import *  # noqa: F403
from .presence import *  # noqa: F403
from .problems import *  # noqa: F403
from .quarterly import *  # noqa: F403
from .rectification import *  # noqa: F403
from .topdown import *  # noqa: F403
from .warnings import *  # noqa: F403
