"""Helpers of the presence tests (在岗/驻村): the weeks around today, a visit, a small PNG."""

import datetime as dt
import io

from core.dates import today
from supervision import services
from supervision.periods import week_start

days = dt.timedelta
THIS_MONDAY = week_start(today())
LAST_MONDAY = THIS_MONDAY - days(7)


def visit(actor, village, date=None, half_days=1, work_done="走访群众，召开党员会", **kw):
    """`actor`'s visit to `village`, by default on last week's Tuesday."""
    return services.presence_visit_record(
        actor=actor,
        village=village,
        date=date or LAST_MONDAY + days(1),
        half_days=half_days,
        work_done=work_done,
        **kw,
    )


def png_bytes(size=(4, 4)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()
