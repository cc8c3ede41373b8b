"""Demo data of the yearly 述职评议 and the yellow cards (黄牌警告).

Every secretary sitting at the year's end reported (this year's reports once mid-November has
passed, otherwise last year's) and was appraised by the township:
most are graded 好 or 较好, some 一般, a few 差, never more than the county's threshold in a
township, except in one township of the first county (its smallest), which gets a yellow card from
the yearly evaluation; elsewhere a poor secretary only in a village that falls behind
(`villages.demo.troubled`). Run after the committees (`build_cadre_demo`), with its own random
generator."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import today as local_today
from villages.demo import troubled
from villages.models import StaffRole, Village

from .choices import SECRETARY_SEAT, AppraisalGrade, AppraisalState
from .models import DEFAULT_YELLOW_CARD_SHARE, Post, SecretaryAppraisal
from .services_appraisal import yellow_cards_evaluate

__all__ = ["AppraisalDemoResult", "build_appraisal_demo"]

#: grades and their weights: most good or fairly good, a few poor
GRADE_WEIGHTS = (
    (AppraisalGrade.GOOD, 52),
    (AppraisalGrade.FAIRLY_GOOD, 34),
    (AppraisalGrade.MEDIOCRE, 10),
    (AppraisalGrade.POOR, 4),
)
SCORES = {
    AppraisalGrade.GOOD: (90, 98),
    AppraisalGrade.FAIRLY_GOOD: (80, 89),
    AppraisalGrade.MEDIOCRE: (65, 79),
    AppraisalGrade.POOR: (45, 64),
}
SUMMARIES = (
    "一年来，带领村“两委”班子落实“三会一课”，推进村务公开和“三资”清理，完成年度承诺事项。",
    "围绕乡村振兴，发展村集体经济，硬化村内道路，调处矛盾纠纷，按期召开村务听证质询会。",
    "抓班子带队伍，培养后备干部，规范村级财务管理，按季度公开财务，群众满意度有所提高。",
)
COMMENTS = {
    AppraisalGrade.GOOD: "工作扎实，群众认可，继续保持。",
    AppraisalGrade.FAIRLY_GOOD: "完成主要任务，村集体增收措施有待加强。",
    AppraisalGrade.MEDIOCRE: "履职基本到位，承诺兑现不够，需限期改进。",
    AppraisalGrade.POOR: "班子软弱，财务公开不及时，群众意见较大，责令整改。",
}
APPRAISERS = "乡镇党委书记\n乡镇党委副书记\n组织委员\n包村干部"


@dataclass(frozen=True)
class AppraisalDemoResult:
    appraisals: int = 0
    yellow_cards: int = 0

    def summary(self) -> str:
        return _("%(appraisals)d secretaries' reports and appraisals, %(cards)d yellow cards.") % {
            "appraisals": self.appraisals,
            "cards": self.yellow_cards,
        }


def _grade(rng: random.Random) -> str:
    grades, weights = zip(*GRADE_WEIGHTS, strict=True)
    return rng.choices(grades, weights=weights)[0]


@transaction.atomic
def build_appraisal_demo(
    *, seed: int, villages: QuerySet[Village] | None = None, on: date | None = None
) -> AppraisalDemoResult:
    """Appraise last year's secretaries and issue the yellow cards, unless already done."""
    on = on or local_today()
    # The year-end reports are held from mid-November: this year's once they have begun.
    year = on.year if on >= date(on.year, 11, 15) else on.year - 1
    first_day = date(year, 11, 10)
    last_day = min(on - timedelta(days=1), date(year, 12, 27))
    rng = random.Random(f"appraisal:{seed}")
    villages = Village.objects.all() if villages is None else villages
    if SecretaryAppraisal.objects.filter(village__in=villages).exists():
        return AppraisalDemoResult()
    posts = list(
        Post.objects.filter(
            village__in=villages,
            kind__in=list(SECRETARY_SEAT),
            start_date__lte=first_day,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=date(year, 12, 31)))
        .order_by("area_code", "pk")
    )
    if not posts:
        return AppraisalDemoResult()
    staff = dict(
        StaffRole.objects.filter(kind="township_staff").values_list("area_code", "user_id")
    )
    admin = get_user_model().objects.filter(is_superuser=True).values_list("pk", flat=True).first()
    fallback = admin or next(iter(staff.values()), None)
    if fallback is None:
        return AppraisalDemoResult()

    by_township: dict[str, list[Post]] = {}
    for post in posts:
        by_township.setdefault(post.area_code[:9], []).append(post)
    townships = sorted(by_township)
    first_county = townships[0][:6]
    in_first = [t for t in townships if t.startswith(first_county)]
    # The smallest township of the first county but its first (the demo accounts' township):
    # one township's villages all warned, not a large share of a small demo's.
    carded = min(in_first[1:] or in_first, key=lambda t: (len(by_township[t]), t))

    rows: list[SecretaryAppraisal] = []
    for township, township_posts in by_township.items():
        n = len(township_posts)
        grades = [_grade(rng) for _p in township_posts]
        # Never above the default threshold, except in the township that gets its card.
        cap = math.floor(n * DEFAULT_YELLOW_CARD_SHARE / 100)
        want = math.floor(n * Decimal("0.3")) + 1 if township == carded else None
        poor = [i for i, g in enumerate(grades) if g == AppraisalGrade.POOR]
        if want is not None:
            for i in rng.sample(range(n), n)[: max(want - len(poor), 0)]:
                grades[i] = AppraisalGrade.POOR
        else:
            # Only the villages that fall behind (villages.demo.troubled) have a poor secretary.
            for rank, i in enumerate(poor):
                if rank >= cap or not troubled(township_posts[i].area_code, seed):
                    grades[i] = AppraisalGrade.MEDIOCRE
        for post, grade in zip(township_posts, grades, strict=True):
            reported = first_day + timedelta(days=rng.randint(0, (last_day - first_day).days))
            appraised = min(reported + timedelta(days=rng.randint(0, 3)), last_day)
            low, high = SCORES[grade]
            rows.append(
                SecretaryAppraisal(
                    post=post,
                    village_id=post.village_id,
                    area_code=post.area_code,
                    year=year,
                    report_date=reported,
                    report_summary=rng.choice(SUMMARIES),
                    appraised_on=appraised,
                    grade=grade,
                    score=Decimal(rng.randint(low * 10, high * 10)) / 10,
                    appraisers=APPRAISERS,
                    comment=COMMENTS[grade],
                    created_by_id=staff.get(township, fallback),
                    concluded_by_id=staff.get(township, fallback),
                )
            )
    with pghistory.context(source="seed_demo", seed=seed):
        created = SecretaryAppraisal.objects.bulk_create(rows, batch_size=2000)
        # Born drafts (the database refuses a row born concluded), then concluded.
        concluded_at = timezone.make_aware(datetime.combine(last_day, time(17)))
        SecretaryAppraisal.objects.filter(pk__in=[a.pk for a in created]).update(
            state=AppraisalState.CONCLUDED, concluded_at=concluded_at
        )
        cards = yellow_cards_evaluate(year=year, county_codes=sorted({t[:6] for t in townships}))
    return AppraisalDemoResult(appraisals=len(created), yellow_cards=cards)
