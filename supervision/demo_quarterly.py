"""Demo data of 四述双评: the first county's village cadres and contact-team leaders report to
their townships every quarter of the demo's window.

About one report in twelve of the villages that fall behind (`villages.demo.troubled`) is
missing (a cadre away, a meeting missed), so that the quarter
sheets and the year-end roll-up have people to show; the finished quarters' reports are
commented and scored (most between 75 and 95, a few lower), the current quarter's are partly
heard and not all scored yet. Inserted as heard, then scored, as the database wants.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from cadres.choices import TWO_COMMITTEE_POSTS
from cadres.demo import _insert, _Row
from cadres.models import Post
from villages.demo import troubled
from villages.models import ContactAssignment, Village

from .choices import PeriodKind, QuarterlyReportState, ReporterKind
from .models import QuarterlyReport
from .periods import Period

MISSING_SHARE = 0.08
#: of the current quarter's reports, the share already heard, and of those the share scored
CURRENT_HEARD_SHARE = 0.4
CURRENT_SCORED_SHARE = 0.5
DUTIES = (
    "带领两委班子完成村内道路硬化，推进人居环境整治。",
    "组织党员开展主题党日活动，落实“三会一课”。",
    "协调土地流转，发展特色种植合作社。",
    "推进村级“三资”清理，按季公开村务财务。",
)
INTEGRITY = (
    "严格执行村级财务制度，本人无违规报销和收受礼金。",
    "落实“四议两公开”，重大事项经村民代表会议决定。",
)
LAW = (
    "学习《村民委员会组织法》，依法调解邻里纠纷。",
    "配合乡镇开展普法宣传，依法处置信访事项。",
)
ETHICS = (
    "带头移风易俗，红白事从简。",
    "关心困难群众，走访慰问留守老人。",
)
COMMENTS = (
    "工作扎实，群众认可度高，继续保持。",
    "重点工作推进有力，村务公开还需更及时。",
    "成效一般，产业发展思路不清，下季度要拿出具体措施。",
    "述职内容具体，廉洁自律较好。",
)
LEADERS = ("王书记", "刘镇长", "陈副书记")


def _score(rng: random.Random) -> Decimal:
    value = rng.gauss(85, 6) if rng.random() > 0.08 else rng.uniform(50, 70)
    return Decimal(str(round(min(99.0, max(40.0, value)), 1)))


def build_quarterly_demo(
    *, seed: int, villages: list[Village], on: dt.date, recorder: int | None
) -> int:
    """Quarterly reports of `villages` (their cadres and contact leaders) from the first quarter
    of last year (a whole year to roll up) to the current one; returns how many."""
    if not villages or recorder is None:
        return 0
    rng = random.Random(f"quarterly:{seed}")
    current = Period.containing(PeriodKind.QUARTER, on)
    periods = [Period(on.year - 1, PeriodKind.QUARTER, 1)]
    while periods[-1] != current:
        periods.append(periods[-1].next())
    by_pk = {v.pk: v for v in villages}
    townships = dict(Village.objects.filter(pk__in=by_pk).values_list("pk", "township_id"))
    first, last = periods[0].start, current.end
    posts = list(
        Post.objects.filter(village_id__in=by_pk, kind__in=TWO_COMMITTEE_POSTS)
        .filter(Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first)))
        .order_by("village_id", "kind", "start_date", "pk")
        .values_list("pk", "cadre_id", "village_id", "start_date", "end_date")
    )
    leaders = list(
        ContactAssignment.objects.filter(village_id__in=by_pk)
        .filter(Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first)))
        .order_by("cadre_id", "start_date", "pk")
        .values_list("cadre_id", "village_id", "start_date", "end_date")
    )
    rows: list[_Row] = []
    scores: list[tuple[_Row, Decimal, str, str]] = []
    seen: set[tuple[str, int, Period]] = set()

    def add(kind, key, period, village, **who):
        if (kind, key, period) in seen:
            return
        seen.add((kind, key, period))
        is_current = period == current
        # Only the villages that fall behind miss a finished quarter's report.
        missing = rng.random() < MISSING_SHARE and troubled(village.code, seed)
        if missing or (is_current and rng.random() > CURRENT_HEARD_SHARE):
            return
        heard = min(period.end - dt.timedelta(days=rng.randrange(0, 10)), on)
        if heard < period.start:
            return
        township = townships[village.pk]
        row = _Row(
            kind=kind,
            township_id=township,
            year=period.year,
            quarter=period.number,
            reported_on=heard,
            duties=rng.choice(DUTIES),
            integrity=rng.choice(INTEGRITY),
            law=rng.choice(LAW),
            ethics=rng.choice(ETHICS),
            state=QuarterlyReportState.REPORTED,
            recorded_by_id=recorder,
            **who,
        )
        rows.append(row)
        if not is_current or rng.random() < CURRENT_SCORED_SHARE:
            scores.append((row, _score(rng), rng.choice(LEADERS), rng.choice(COMMENTS)))

    for period in periods:
        for post_id, cadre_id, village_id, start, end in posts:
            if not (start <= period.end and (end is None or end >= period.end)):
                continue
            village = by_pk[village_id]
            add(
                ReporterKind.VILLAGE_CADRE,
                cadre_id,
                period,
                village,
                cadre_id=cadre_id,
                post_id=post_id,
                village_id=village_id,
                area_code=village.code,
            )
        for cadre_id, village_id, start, end in leaders:
            if not (start <= period.end and (end is None or end >= period.end)):
                continue
            village = by_pk[village_id]
            add(
                ReporterKind.CONTACT_LEADER,
                cadre_id,
                period,
                village,
                person_id=cadre_id,
                area_code=village.code[:9],
            )
    _insert(QuarterlyReport, rows)
    now = timezone.now()
    scored = [
        QuarterlyReport(
            pk=row.id,
            state=QuarterlyReportState.SCORED,
            score=score,
            commented_by=leader,
            comment=comment,
            scored_by_id=recorder,
            scored_at=now,
        )
        for row, score, leader, comment in scores
    ]
    QuarterlyReport.objects.bulk_update(
        scored,
        ["state", "score", "commented_by", "comment", "scored_by", "scored_at"],
        batch_size=2000,
    )
    return len(rows)
