"""Demo data of the cadre pipeline: reserve cadres (后备干部) and trainings.

Most backward villages keep two candidates for each of the secretary's and the chair's posts
(1∶2); about one in five falls short on one post, so that the bench pages have villages to show.
About a third of the ordinary villages name one reserve secretary. Reserves and sitting
secretaries attend the county's courses. Run after the committees (`build_cadre_demo`), with
its own random generator so that the committees stay what they were.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pghistory
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.dates import today as local_today
from villages.demo import SURNAMES
from villages.models import Village

from .choices import RESERVE_POSTS, SECRETARY_SEAT, Education, PostKind
from .demo import FEMALE_NAMES, MALE_NAMES, MOBILE_PREFIXES, CadreDemoResult, build_cadre_demo
from .demo_appraisal import AppraisalDemoResult, build_appraisal_demo
from .identity import check_character, id_number_hash
from .models import Cadre, Post, ReserveCadre, Training
from .selectors import BACKWARD_NORM

__all__ = ["PipelineDemoResult", "build_cadres_demo", "build_pipeline_demo"]

SHORT_SHARE = 0.2  # backward villages short of the norm on one post
ORDINARY_RESERVE_SHARE = 0.3  # ordinary villages with a reserve secretary
WITHDRAWN_SHARE = 0.15  # villages where a candidate was withdrawn (moved away, declined)
TRAINED_SECRETARY_SHARE = 0.8
COURSES = (
    ("全县村级后备干部培训班", "县委组织部"),
    ("乡村振兴带头人专题培训", "县委党校"),
    ("村级财务与“三资”管理培训", "县农业农村局"),
    ("基层党务工作实务培训", "乡镇党委"),
)
SECRETARY_COURSE = ("全县村党组织书记示范培训班", "县委组织部")
WITHDRAWAL_REASONS = (
    "外出务工，长期不在村。",
    "本人因家庭原因申请退出。",
    "考察中群众反映较差，不再作为后备人选。",
)


@dataclass(frozen=True)
class PipelineDemoResult:
    reserves: int = 0
    trainings: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return _(
            "Reserve cadres loaded in %(seconds).1f s: %(reserves)d reserves, "
            "%(trainings)d trainings."
        ) % {
            "seconds": self.seconds,
            "reserves": self.reserves,
            "trainings": self.trainings,
        }


@dataclass(frozen=True)
class _Both:
    cadres: CadreDemoResult
    pipeline: PipelineDemoResult
    appraisals: AppraisalDemoResult

    def summary(self) -> str:
        return f"{self.cadres.summary()} {self.pipeline.summary()} {self.appraisals.summary()}"


def build_cadres_demo(*, seed: int, villages: QuerySet[Village] | None = None) -> _Both:
    """seed_demo's builder of this app: the committees, the pipeline, the yearly appraisals."""
    return _Both(
        build_cadre_demo(seed=seed, villages=villages),
        build_pipeline_demo(seed=seed, villages=villages),
        build_appraisal_demo(seed=seed, villages=villages),
    )


def _between(rng: random.Random, first: date, last: date) -> date:
    days = (last - first).days
    return first + timedelta(days=rng.randint(0, days)) if days > 0 else first


@transaction.atomic
def build_pipeline_demo(
    *, seed: int, villages: QuerySet[Village] | None = None, on: date | None = None
) -> PipelineDemoResult:
    """Give the villages their bench and the people their trainings, unless they have one."""
    started = time.perf_counter()
    on = on or local_today()
    rng = random.Random(f"pipeline:{seed}")
    villages = Village.objects.all() if villages is None else villages
    if ReserveCadre.objects.filter(village__in=villages).exists():
        # Built once: a second run would give the ordinary villages without a reserve another
        # draw.
        return PipelineDemoResult()
    used = set(Cadre.objects.values_list("id_number_hash", flat=True))
    people: list[Cadre] = []
    reserves: list[tuple[int, ReserveCadre]] = []  # (index of the person, reserve)

    def person(v: Village) -> int:
        female = rng.random() < 0.25
        born = _between(rng, date(1985, 1, 1), date(1998, 12, 31))
        while True:
            sex = rng.randrange(0, 10, 2) if female else rng.randrange(1, 10, 2)
            first17 = f"{v.code[:6]}{born:%Y%m%d}{rng.randrange(100):02d}{sex}"
            number = first17 + check_character(first17)
            hashed = id_number_hash(number)
            if hashed not in used:
                used.add(hashed)
                break
        member = rng.random() < 0.7
        people.append(
            Cadre(
                village=v,
                area_code=v.code,
                name=rng.choice(SURNAMES) + rng.choice(FEMALE_NAMES if female else MALE_NAMES),
                gender="female" if female else "male",
                birth_date=born,
                id_number=number,
                id_number_hash=hashed,
                phone=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                is_party_member=member,
                party_joined_on=_between(rng, date(born.year + 20, 1, 1), on - timedelta(days=400))
                if member
                else None,
                education=rng.choice(
                    [Education.SENIOR, Education.COLLEGE, Education.COLLEGE, Education.BACHELOR]
                ),
            )
        )
        return len(people) - 1

    def name(v: Village, post: str, withdrawn: bool = False) -> None:
        since = _between(rng, on - timedelta(days=3 * 365), on - timedelta(days=60))
        reserve = ReserveCadre(village=v, area_code=v.code, post=post, since=since)
        if withdrawn:
            reserve.withdrawn_on = _between(rng, since, on)
            reserve.withdrawal_reason = rng.choice(WITHDRAWAL_REASONS)
        reserves.append((person(v), reserve))

    village_list = list(villages.order_by("code"))
    for v in village_list:
        if v.is_backward:
            short = rng.choice(RESERVE_POSTS) if rng.random() < SHORT_SHARE else None
            for post in RESERVE_POSTS:
                for _i in range(rng.choice([0, 1]) if post == short else BACKWARD_NORM):
                    name(v, post)
            if rng.random() < WITHDRAWN_SHARE:
                name(v, PostKind.SECRETARY, withdrawn=True)
        elif rng.random() < ORDINARY_RESERVE_SHARE:
            name(v, PostKind.SECRETARY)

    with pghistory.context(source="seed_demo", seed=seed):
        Cadre.objects.bulk_create(people)
        for i, reserve in reserves:
            reserve.cadre = people[i]
        ReserveCadre.objects.bulk_create([r for _i, r in reserves])
        trainings = []
        for _i, reserve in reserves:
            for _n in range(rng.randint(1, 2)):
                course, organizer = rng.choice(COURSES)
                start = _between(rng, reserve.since, reserve.withdrawn_on or on)
                days = rng.randint(1, 5)
                trainings.append(
                    Training(
                        cadre=reserve.cadre,
                        area_code=reserve.area_code,
                        course=course,
                        organizer=organizer,
                        start_date=start,
                        end_date=start + timedelta(days=days - 1),
                        hours=Decimal(days * 6),
                    )
                )
        secretaries = Post.objects.current().filter(
            kind__in=list(SECRETARY_SEAT), village__in=[v.pk for v in village_list]
        )
        for cadre_id, code in secretaries.values_list("cadre_id", "area_code"):
            if rng.random() < TRAINED_SECRETARY_SHARE:
                start = _between(rng, on - timedelta(days=300), on - timedelta(days=3))
                course, organizer = SECRETARY_COURSE
                trainings.append(
                    Training(
                        cadre_id=cadre_id,
                        area_code=code,
                        course=course,
                        organizer=organizer,
                        start_date=start,
                        end_date=start + timedelta(days=2),
                        hours=Decimal(18),
                    )
                )
        Training.objects.bulk_create(trainings)
    return PipelineDemoResult(
        reserves=len(reserves), trainings=len(trainings), seconds=time.perf_counter() - started
    )
