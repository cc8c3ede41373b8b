"""Helpers of the 四述双评 tests: a year long past (every quarter begun, the year-end open), a
report heard at its quarter's end, and one scored."""

import datetime as dt
from decimal import Decimal

from supervision import services
from supervision.periods import month_end

YEAR = 2025
TEXTS = {
    "duties": "完成村级道路硬化，组织党员冬训",
    "integrity": "严守廉洁纪律，无违规收受礼品",
    "law": "依法调解纠纷三起",
    "ethics": "带头移风易俗",
}


def quarter_end(quarter: int, year: int = YEAR) -> dt.date:
    return month_end(year, quarter * 3)


def report(actor, quarter, year=YEAR, **kw):
    """A report of `quarter` heard on the quarter's last day (`cadre=` or `person=`+`township=`)."""
    return services.quarterly_report_record(
        actor=actor,
        year=year,
        quarter=quarter,
        reported_on=kw.pop("reported_on", quarter_end(quarter, year)),
        **{**TEXTS, **kw},
    )


def scored(actor, quarter, score, year=YEAR, **kw):
    """A report of `quarter`, commented and scored."""
    return services.quarterly_report_score(
        actor=actor,
        report=report(actor, quarter, year, **kw),
        commented_by="王书记",
        comment="工作扎实，群众认可",
        score=Decimal(score),
    )
