"""Demo data of 双联一带 and 四包 and of the work teams, in the first county: each county
leader links a model village and a backward branch (some of them also a 四包 village), each
township's party secretary and head link one of each in their township; each backward village
has a work team (a first secretary and two members from county departments). The leaders visit
one to three times a quarter, about one link in eight missed the last quarter; most links have
a matter or two solved (一事一记账). The account `leader` (a county leader) shows the phone's
view; all accounts share the demo password."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from cadres.demo import _insert, _Row
from villages.demo import DEMO_PASSWORD, SURNAMES, troubled
from villages.models import Village

from .choices import LeaderLevel, LinkKind, PeriodKind, WorkTeamRole
from .models import LeaderLink, LeaderMatter, PresenceVisit, WorkTeamMember
from .periods import Period
from .services.links import add_years

COUNTY_POSTS = (
    ("县委副书记", (LinkKind.HARD,)),
    ("常务副县长", ()),
    ("县委常委、组织部部长", ()),
    ("县委常委、政法委书记", (LinkKind.DISORDERLY,)),
    ("县委常委、宣传部部长", ()),
    ("副县长（分管农业农村）", (LinkKind.POOR,)),
    ("县委常委、纪委书记", ()),
    ("县人大常委会副主任", (LinkKind.WEAK,)),
)
TOWNSHIP_POSTS = ("党委书记", "镇长")
UNITS = ("县委组织部", "县财政局", "县农业农村局", "县司法局", "县卫健局", "县交通运输局")
GIVEN = ("建华", "国强", "志刚", "丽娟", "海涛", "红霞", "立新", "卫东", "春燕", "文博")
WORK = (
    "到村调研党建工作，听取两委班子汇报",
    "走访困难群众，了解产业发展需求",
    "参加村党员大会，讲专题党课",
    "协调解决村内道路和饮水问题",
    "督导软弱涣散党组织整顿进展",
)
MATTERS = (
    ("村内主干道坑洼，雨天出行难", "协调交通部门列入年度计划，完成硬化1.2公里", True),
    ("饮水井出水不足", "协调水利局打机井一眼，解决300户吃水问题", True),
    ("两委班子不团结，议事效率低", "召开专题民主生活会，调整分工", True),
    ("集体经济空壳", "引进食用菌大棚项目，村集体年增收5万元", True),
    ("土地承包纠纷多年未决", "组织司法所调解，部分达成协议", False),
)
#: the share of links whose leader did not visit in a quarter
IDLE_SHARE = 0.12


def _accounts(rng: random.Random, names: list[tuple[str, str, str]]) -> list[int]:
    """The accounts (username, family, given) that do not exist yet, created with one hash."""
    User = get_user_model()
    have = User.objects.in_bulk([n[0] for n in names], field_name="username")
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(username=u, last_name=f, first_name=g, password=password)
            for u, f, g in names
            if u not in have
        ]
    )
    have = User.objects.in_bulk([n[0] for n in names], field_name="username")
    return [have[n[0]].pk for n in names]


def build_links_demo(
    *, seed: int, villages: list[Village], on: dt.date, actor: int
) -> tuple[int, int]:
    """Links, visits, matters and work teams for `villages` (the first county's); returns the
    numbers of links and of the leaders' visits."""
    if not villages or LeaderLink.objects.filter(area_code__in=[v.code for v in villages]).exists():
        return 0, 0
    rng = random.Random(f"links:{seed}")
    by_township: dict[str, list[Village]] = {}
    for v in villages:
        by_township.setdefault(v.code[:9], []).append(v)
    backward = [v for v in villages if v.is_backward]
    others = [v for v in villages if not v.is_backward]
    county = villages[0].code[:6]

    def name():
        return rng.choice(SURNAMES), rng.choice(GIVEN)

    county_names = [("leader", "赵", "立新")] + [
        (f"l{county}_{n:02d}", *name()) for n in range(2, len(COUNTY_POSTS) + 1)
    ]
    county_ids = _accounts(rng, county_names)
    township_names = [(f"l{code}_{n}", *name()) for code in sorted(by_township) for n in (1, 2)]
    township_ids = _accounts(rng, township_names)

    links: list[_Row] = []

    def add(leader_id, level, post, pool, kind):
        if not pool:
            return
        village = pool.pop(rng.randrange(len(pool)))
        start = on - dt.timedelta(days=rng.randint(30, 900))
        links.append(
            _Row(
                leader_id=leader_id,
                level=level,
                post=post,
                village_id=village.pk,
                kind=kind,
                start_date=start,
                term_end=add_years(start, 3),
                ended_on=None,
                end_reason="",
                assigned_by_id=actor,
                area_code=village.code,
                village=village,
            )
        )

    free_model, free_backward = list(others), list(backward)
    for leader_id, (post, extra) in zip(county_ids, COUNTY_POSTS, strict=True):
        add(leader_id, LeaderLevel.COUNTY, post, free_model, LinkKind.MODEL)
        add(leader_id, LeaderLevel.COUNTY, post, free_backward or free_model, LinkKind.BACKWARD)
        for kind in extra:
            add(leader_id, LeaderLevel.COUNTY, post, free_model, kind)
    ids = iter(township_ids)
    for code in sorted(by_township):
        pool = [v for v in by_township[code] if v in free_model or v in free_backward]
        for post in TOWNSHIP_POSTS:
            leader_id = next(ids)
            mine_backward = [v for v in pool if v.is_backward]
            mine_model = [v for v in pool if not v.is_backward]
            add(leader_id, LeaderLevel.TOWNSHIP, post, mine_model, LinkKind.MODEL)
            kind = LinkKind.BACKWARD if mine_backward else LinkKind.WEAK
            add(leader_id, LeaderLevel.TOWNSHIP, post, mine_backward or mine_model, kind)
            pool = mine_backward + mine_model
    _insert(LeaderLink, links)  # a row's `village` is not a column: _insert leaves it out

    quarter = Period.containing(PeriodKind.QUARTER, on)
    quarters = [quarter.previous().previous(), quarter.previous(), quarter]
    visits, matters, used = [], [], set()
    for r in links:
        village = r.village
        for q in quarters:
            # only a village that falls behind sees its leader idle for a quarter
            idle = rng.random() < IDLE_SHARE and troubled(village.code, seed)
            n = 0 if idle else rng.randint(1, 3)
            first, last = max(q.start, r.start_date), min(q.end, on)
            if first > last:
                continue
            for _ in range(n):
                day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                if (r.leader_id, day) in used:
                    continue
                used.add((r.leader_id, day))
                visits.append(
                    _Row(
                        person_id=r.leader_id,
                        village_id=r.village_id,
                        date=day,
                        half_days=rng.choice([1, 1, 2]),
                        work_done=rng.choice(WORK),
                        photo="",
                        recorded_by_id=r.leader_id,
                        area_code=village.code,
                    )
                )
        for _ in range(rng.choice([0, 1, 1, 2])):
            matter, result, solved = rng.choice(MATTERS)
            matters.append(
                _Row(
                    link_id=r.id,
                    date=on - dt.timedelta(days=rng.randint(0, max((on - r.start_date).days, 0))),
                    matter=matter,
                    result=result,
                    solved=solved,
                    problem_id=None,
                    recorded_by_id=r.leader_id,
                    area_code=village.code,
                )
            )
    _insert(PresenceVisit, visits)
    _insert(LeaderMatter, matters)

    team_names = [(f"t{v.code}_{n}", *name()) for v in backward for n in (1, 2, 3)]
    team_ids = iter(_accounts(rng, team_names))
    members = []
    for v in backward:
        start = on - dt.timedelta(days=rng.randint(60, 700))
        unit = rng.choice(UNITS)
        for role in (WorkTeamRole.FIRST_SECRETARY, WorkTeamRole.MEMBER, WorkTeamRole.MEMBER):
            members.append(
                _Row(
                    village_id=v.pk,
                    person_id=next(team_ids),
                    role=role,
                    unit=unit,
                    start_date=start,
                    end_date=None,
                    added_by_id=actor,
                    area_code=v.code,
                )
            )
    _insert(WorkTeamMember, members)
    return len(links), len(visits)
