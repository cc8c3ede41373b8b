"""Demo data: a realistic county (or a province's worth) of villages, staff and contact cadres.

`plan_demo()` decides every value from a seed without touching the database, so one seed always
yields the same tree; `build_demo()` writes a plan with `bulk_create` in batches. No row goes
through `full_clean()`: the values are valid by construction, and per-row validation would cost
more than the inserts (20,000 villages must load in well under a minute).

The first county is 汶上县 (370830) of 济宁市, the county of seed 002, with its real townships
(official codes and names: data/wenshang_townships.csv);
past about 60 villages per township the builder opens further counties of 济宁市 and then of
other cities of 山东省, so `--villages 20000` yields a province-scale tree.
"""

from __future__ import annotations

import csv
import math
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import today as local_today

from .choices import RegionLevel, RoleKind
from .models import ContactAssignment, Region, StaffRole, Village

DEMO_PASSWORD = "Cunjian-2026"
DEFAULT_SEED = 2026
DEFAULT_TOWNSHIPS = 15  # 汶上县's real number
DEFAULT_VILLAGES = 250
MAX_TOWNSHIPS = 99
# A Shandong township holds some 20-80 administrative villages: past this average the builder
# opens another county instead of stuffing townships (the code space would allow 799 each).
MAX_AVERAGE_PER_TOWNSHIP = 60
BACKWARD_SHARE = 0.03
# The villages that fall behind in the apps' demos (duties left undone, problems past their
# deadline, missing reports, presence short, votes low): the others keep up, so that the warnings
# single out a realistic few (issue #22: 10-20 % warned with the backward villages and the one
# yellow-carded township) instead of nearly every village.
TROUBLED_SHARE = 0.08
BATCH_SIZE = 2000

# The persona accounts, one per role, in the order `demo_accounts` lists them.
PERSONAS = ("admin", "county", "township", "contact", "clerk")
PERSONA_NAMES = {  # (family name, given name)
    "admin": ("刘", "洋"),
    "county": ("周", "建国"),
    "township": ("李", "红梅"),
    "contact": ("王", "志强"),
    "clerk": ("张", "秀英"),
}
# Contact cadres generated per township: c<township code>_<nn>.
CADRE_USERNAME_REGEX = r"^c[0-9]{9}_[0-9]{2,}$"

# ------------------------------------------------------------------ real names and codes
PROVINCE = ("37", "山东省")
# Cities of 山东省 (莱芜 3712 merged into 济南 in 2019); 济宁 first: the demo county's city.
CITIES = [
    ("3708", "济宁市"),
    ("3709", "泰安市"),
    ("3717", "菏泽市"),
    ("3714", "德州市"),
    ("3715", "聊城市"),
    ("3713", "临沂市"),
    ("3704", "枣庄市"),
    ("3703", "淄博市"),
    ("3707", "潍坊市"),
    ("3716", "滨州市"),
    ("3705", "东营市"),
    ("3706", "烟台市"),
    ("3702", "青岛市"),
    ("3711", "日照市"),
    ("3710", "威海市"),
    ("3701", "济南市"),
]
# The county-level divisions of 济宁市, 汶上县 first.
JINING_COUNTIES = [
    ("370830", "汶上县"),
    ("370826", "微山县"),
    ("370827", "鱼台县"),
    ("370828", "金乡县"),
    ("370829", "嘉祥县"),
    ("370831", "泗水县"),
    ("370832", "梁山县"),
    ("370881", "曲阜市"),
    ("370883", "邹城市"),
    ("370811", "任城区"),
    ("370812", "兖州区"),
]
# Other cities get generated counties with county-format codes <city>21, <city>22, ...
GENERATED_COUNTIES_PER_CITY = 10
# 汶上县's townships: the official codes and names of the National Bureau of Statistics, from the
# data file that cites its source and edition (3 街道, 11 镇, 1 乡).
WENSHANG_FILE = Path(__file__).resolve().parent / "data" / "wenshang_townships.csv"


def _official_townships() -> list[tuple[str, str]]:
    """(last three digits, name) of 汶上县's townships, by code."""
    with WENSHANG_FILE.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return sorted((row["code"][6:9], row["name"]) for row in rows)


WENSHANG_TOWNSHIPS = _official_townships()

# ------------------------------------------------------------------ name material
SURNAMES = (
    "王李张刘陈杨赵孙周吴徐马朱胡郭何高林郑梁宋韩冯曹田董袁于蒋杜程苏魏吕丁任姚卢姜崔"
    "孟秦薛闫侯孔颜曾邵范贾石武彭"
)
GIVEN_NAMES = (
    "建国",
    "志强",
    "秀英",
    "红梅",
    "海涛",
    "玉兰",
    "庆军",
    "德明",
    "桂芝",
    "广才",
    "春燕",
    "立新",
    "文华",
    "凤霞",
    "永胜",
    "金良",
    "淑珍",
    "宝山",
    "俊峰",
    "丽娟",
    "长青",
    "家兴",
    "明",
    "伟",
    "磊",
    "静",
    "敏",
    "勇",
    "军",
    "芳",
    "娜",
    "涛",
    "强",
    "洋",
    "超",
    "燕",
    "刚",
    "振华",
    "玉梅",
    "传友",
    "继承",
    "晓东",
    "向阳",
    "学军",
    "兆林",
    "新民",
    "爱华",
    "广利",
)
DIRECTIONS = "东西南北前后大小"
# Village names of the North China plain: a family name and what the settlement grew around.
VILLAGE_PATTERNS = (
    "{s}庄",
    "{s}家庄",
    "{s}楼",
    "{s}家楼",
    "{d}{s}",
    "{d}{s}庄",
    "{s}集",
    "{s}屯",
    "{s}官屯",
    "{s}营",
    "{s}店",
    "{s}桥",
    "{s}洼",
    "{s}坊",
    "{s}庙",
    "{s}口",
    "{s}海子",
    "{d}{s}楼",
    "{s}家洼",
    "{s}寨",
)
TOWNSHIP_SUFFIXES = "集楼庄店屯营桥口寺坊"
COUNTY_FIRST = "平安宁清丰泰和高临武乐兴定成昌永广长延汶沂新"
COUNTY_SECOND = "阳城山河原陵邑丘水川平乡宁昌州"
VILLAGE_NOTES = (
    "书记、主任“一肩挑”。",
    "村集体有屋顶光伏发电收益。",
    "土地流转率较高，有蔬菜大棚种植基地。",
    "合村并居试点村。",
    "集体鱼塘、林地已全部发包，合同待清理。",
    "有两处闲置校舍待处置。",
    "村级组织活动场所{year}年新建。",
    "{year}年完成村“两委”换届。",
    "村务公开栏按季度更新。",
    "外出务工人员较多，常住人口约为户籍人口的六成。",
)
BACKWARD_NOTES = (
    "{year}年确定为软弱涣散村，一村一策整顿中。",
    "班子不团结、集体收入低，{year}年列为后进村整顿。",
    "信访问题较多，{year}年列为后进村，县直部门派驻工作队。",
)


# ------------------------------------------------------------------ the plan
@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str
    township: str
    households: int
    population: int
    party_members: int
    collective_income: Decimal
    is_backward: bool
    notes: str


@dataclass(frozen=True)
class AccountRow:
    """A demo account; `scope` is the region or village code of its one role, if any."""

    username: str
    family_name: str
    given_name: str
    role: str | None = None
    scope: str | None = None
    villages: tuple[str, ...] = ()  # a contact cadre's assigned villages
    start_date: date | None = None  # of those assignments
    is_superuser: bool = False


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    regions: list[RegionRow]
    villages: list[VillageRow]
    accounts: list[AccountRow]

    def count(self, level: str) -> int:
        return sum(1 for r in self.regions if r.level == level)


def demo_capacity(townships: int = DEFAULT_TOWNSHIPS) -> int:
    """The most villages a plan with `townships` townships per county can hold."""
    counties = len(JINING_COUNTIES) + (len(CITIES) - 1) * GENERATED_COUNTIES_PER_CITY
    return counties * townships * MAX_AVERAGE_PER_TOWNSHIP


def plan_demo(
    *,
    townships: int = DEFAULT_TOWNSHIPS,
    villages: int = DEFAULT_VILLAGES,
    seed: int = DEFAULT_SEED,
    on: date | None = None,
) -> DemoPlan:
    """Decide the whole demo tree and its accounts: `townships` per county, `villages` in all."""
    if not 1 <= townships <= MAX_TOWNSHIPS:
        raise ValueError(f"townships must be between 1 and {MAX_TOWNSHIPS}")
    if not 1 <= villages <= demo_capacity(townships):
        raise ValueError(f"villages must be between 1 and {demo_capacity(townships)}")
    rng = random.Random(seed)
    on = on or local_today()

    n_counties = math.ceil(villages / (townships * MAX_AVERAGE_PER_TOWNSHIP))
    regions = [RegionRow(PROVINCE[0], PROVINCE[1], RegionLevel.PROVINCE, None)]
    village_rows: list[VillageRow] = []
    for (county_code, county_name, city), share in zip(
        _counties(n_counties, rng), _split_evenly(villages, n_counties), strict=True
    ):
        if city[0] not in {r.code for r in regions}:
            regions.append(RegionRow(city[0], city[1], RegionLevel.CITY, PROVINCE[0]))
        regions.append(RegionRow(county_code, county_name, RegionLevel.COUNTY, city[0]))
        slots = _townships(county_code, county_name, townships, rng)
        counts = _apportion(share, [weight for _, _, weight in slots])
        for (code, name, _weight), count in zip(slots, counts, strict=True):
            regions.append(RegionRow(code, name, RegionLevel.TOWNSHIP, county_code))
            village_rows.extend(_villages(code, count, rng, on))
    _designate_backward(village_rows, rng, on)
    accounts = _accounts(regions, village_rows, rng, on)
    return DemoPlan(seed=seed, regions=regions, villages=village_rows, accounts=accounts)


def _split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), summing exactly."""
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _counties(n: int, rng: random.Random) -> list[tuple[str, str, tuple[str, str]]]:
    """(code, name, city) of `n` counties: 济宁市's real ones, then generated ones elsewhere."""
    result = [(code, name, CITIES[0]) for code, name in JINING_COUNTIES[:n]]
    used = {name for _, name in JINING_COUNTIES}
    for city in CITIES[1:]:
        for i in range(GENERATED_COUNTIES_PER_CITY):
            if len(result) >= n:
                return result
            name = _unique(
                used, lambda: rng.choice(COUNTY_FIRST) + rng.choice(COUNTY_SECOND) + "县"
            )
            result.append((f"{city[0]}{21 + i:02d}", name, city))
    return result


def _townships(
    county_code: str, county_name: str, n: int, rng: random.Random
) -> list[tuple[str, str, float]]:
    """(code, name, weight) of `n` townships; a 街道 is mostly urban, so it gets fewer villages."""
    if county_code == JINING_COUNTIES[0][0]:
        known = [(county_code + code, name) for code, name in WENSHANG_TOWNSHIPS[:n]]
    else:
        known = [(county_code + "001", county_name[:-1] + "街道")]
        if n >= 8:  # a larger county keeps one 乡 (rural township, code 2xx)
            known.append((county_code + "201", f"{_place(rng)}乡"))
        known = known[:n]
    used_names = {name for _, name in known}
    used_codes = {code for code, _ in known}
    # Generated towns follow the known ones, so 汶上县's 南旺镇 stays its first town.
    next_town = 1 + max((int(code[6:]) for code in used_codes if code[6] == "1"), default=100)
    while len(known) < n:
        while f"{county_code}{next_town}" in used_codes:
            next_town += 1
        name = _unique(used_names, lambda: _place(rng) + "镇")
        known.append((f"{county_code}{next_town}", name))
        used_codes.add(f"{county_code}{next_town}")
    known.sort()
    return [
        (code, name, rng.uniform(0.3, 0.6) if name.endswith("街道") else rng.uniform(0.7, 1.3))
        for code, name in known
    ]


def _place(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(TOWNSHIP_SUFFIXES)


def _unique(used: set[str], make) -> str:
    """A fresh name from `make()`, numbered if the material runs out."""
    for _attempt in range(50):
        name = make()
        if name not in used:
            break
    else:
        base, n = name, 2
        while (name := f"{base[:-1]}{n}{base[-1]}") in used:
            n += 1
    used.add(name)
    return name


def _village_name(rng: random.Random) -> str:
    pattern = rng.choice(VILLAGE_PATTERNS)
    return pattern.format(s=rng.choice(SURNAMES), d=rng.choice(DIRECTIONS)) + "村"


def _villages(township: str, count: int, rng: random.Random, on: date) -> list[VillageRow]:
    """The villages of one township, coded from 201 up (1xx are 居委会) with occasional gaps."""
    rows, names, number = [], set(), 201
    for _i in range(count):
        households = round(rng.triangular(150, 900, 380))
        population = round(households * rng.uniform(3.2, 3.8))
        party_members = max(5, round(population * rng.uniform(0.024, 0.036)))
        roll = rng.random()
        if roll < 0.08:
            cents = rng.randint(1_200_000, 4_999_999)  # 1.2-5 万元: a "空壳村"
        elif roll < 0.98:
            cents = round(math.exp(rng.uniform(math.log(5e6), math.log(5e7))))  # 5-50 万元
        else:
            cents = rng.randint(50_000_000, 200_000_000)  # a rich village with enterprises
        notes = ""
        if rng.random() < 0.12:
            notes = rng.choice(VILLAGE_NOTES).format(year=on.year - rng.randint(1, 3))
        rows.append(
            VillageRow(
                code=f"{township}{number:03d}",
                name=_unique(names, lambda: _village_name(rng)),
                township=township,
                households=households,
                population=population,
                party_members=party_members,
                collective_income=Decimal(cents).scaleb(-2),
                is_backward=False,
                notes=notes,
            )
        )
        number += 2 if rng.random() < 0.08 else 1
    if number > 1000:
        raise ValueError(f"township {township} ran out of village codes")
    return rows


def _designate_backward(rows: list[VillageRow], rng: random.Random, on: date) -> None:
    """Mark about 3% of the villages backward (后进村); they are poorer than the rest."""
    for i in sorted(rng.sample(range(len(rows)), round(len(rows) * BACKWARD_SHARE))):
        row = rows[i]
        income = min(row.collective_income, Decimal(rng.randint(800_000, 6_000_000)).scaleb(-2))
        note = rng.choice(BACKWARD_NOTES).format(year=on.year - 1)
        rows[i] = VillageRow(
            **{
                **row.__dict__,
                "is_backward": True,
                "collective_income": income,
                "notes": f"{note}{row.notes}",
            }
        )


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)


def _accounts(
    regions: list[RegionRow], villages: list[VillageRow], rng: random.Random, on: date
) -> list[AccountRow]:
    """One persona per role in the first county, and contact cadres covering every village."""
    county = next(r for r in regions if r.level == RegionLevel.COUNTY)
    by_township: dict[str, list[str]] = {}
    for v in villages:
        by_township.setdefault(v.township, []).append(v.code)
    # The persona township is the county's first 镇/乡 (code 1xx/2xx) that has villages.
    candidates = [
        r.code
        for r in regions
        if r.level == RegionLevel.TOWNSHIP and r.parent == county.code and by_township.get(r.code)
    ]
    home = next((c for c in candidates if c[6] != "0"), candidates[0])
    home_villages = by_township[home]

    def persona(username, **kwargs):
        family, given = PERSONA_NAMES[username]
        return AccountRow(username=username, family_name=family, given_name=given, **kwargs)

    accounts = [
        persona("admin", is_superuser=True),
        persona("county", role=RoleKind.COUNTY_SUPERVISOR, scope=county.code),
        persona("township", role=RoleKind.TOWNSHIP_STAFF, scope=home),
        persona(
            "contact",
            role=RoleKind.CONTACT_CADRE,
            scope=home,
            villages=tuple(home_villages[:3]),
            start_date=on - timedelta(days=730),
        ),
        persona("clerk", role=RoleKind.VILLAGE_CLERK, scope=home_villages[0]),
    ]
    for township, codes in by_township.items():
        rest = codes[3:] if township == home else codes
        number = 0
        while rest:
            size = min(rng.randint(2, 6), len(rest))
            if len(rest) - size == 1:  # never leave one village for a cadre of its own
                size = size + 1 if size < 6 else size - 1
            number += 1
            family, given = _person(rng)
            accounts.append(
                AccountRow(
                    username=f"c{township}_{number:02d}",
                    family_name=family,
                    given_name=given,
                    role=RoleKind.CONTACT_CADRE,
                    scope=township,
                    villages=tuple(rest[:size]),
                    # Contact cadres serve about three years; terms started at different times.
                    start_date=on - timedelta(days=rng.randint(60, 3 * 365 - 30)),
                )
            )
            rest = rest[size:]
    return accounts


# ------------------------------------------------------------------ writing
@dataclass(frozen=True)
class DemoResult:
    counties: int
    townships: int
    villages: int
    accounts: int
    seconds: float


def first_county(codes) -> str:
    """The county the apps' demos fill in full detail among the counties of `codes`: the one the
    `county` persona supervises (汶上县 in the demo tree), where a reader of the demo signs in and
    the benchmark measures; else the lowest code. Large runs keep the other counties light."""
    counties = sorted({code[:6] for code in codes})
    persona = (
        StaffRole.objects.filter(user__username="county", kind=RoleKind.COUNTY_SUPERVISOR)
        .values_list("area_code", flat=True)
        .first()
    )
    if persona in counties:
        return persona
    return counties[0] if counties else ""


def troubled(code: str, seed: int = DEFAULT_SEED) -> bool:
    """Whether the demos let the village `code` fall behind (about `TROUBLED_SHARE` of them and
    one in every third township, the same ones in every app's demo for one seed)."""
    # The third-numbered village of every third township as well: a small demo has some too.
    if code[-3:] == "203" and int(code[6:9]) % 3 == 0:
        return True
    return random.Random(f"troubled:{seed}:{code}").random() < TROUBLED_SHARE


def database_has_villages() -> bool:
    return Village.objects.exists()


@transaction.atomic
def build_demo(plan: DemoPlan) -> DemoResult:
    """Write `plan` in bulk; regions and accounts that already exist are reused, not changed."""
    started = time.perf_counter()
    # One audit context for the whole load, so the change log says where these rows came from.
    with pghistory.context(source="seed_demo", seed=plan.seed):
        regions = _create_regions(plan.regions)
        villages = Village.objects.bulk_create(
            [
                Village(
                    township=regions[row.township],
                    **{k: v for k, v in row.__dict__.items() if k != "township"},
                )
                for row in plan.villages
            ],
            batch_size=BATCH_SIZE,
        )
        by_code = {v.code: v for v in villages}
        users = _create_users(plan.accounts)
        roles, assignments = [], []
        for account in plan.accounts:
            user = users[account.username]
            if account.role == RoleKind.VILLAGE_CLERK:
                roles.append(
                    StaffRole(
                        user=user,
                        kind=account.role,
                        village=by_code[account.scope],
                        area_code=account.scope,
                    )
                )
            elif account.role:
                roles.append(
                    StaffRole(
                        user=user,
                        kind=account.role,
                        region=regions[account.scope],
                        area_code=account.scope,
                    )
                )
            assignments.extend(
                ContactAssignment(
                    cadre=user, village=by_code[code], area_code=code, start_date=account.start_date
                )
                for code in account.villages
            )
        StaffRole.objects.bulk_create(roles, batch_size=BATCH_SIZE, ignore_conflicts=True)
        ContactAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    return DemoResult(
        counties=plan.count(RegionLevel.COUNTY),
        townships=plan.count(RegionLevel.TOWNSHIP),
        villages=len(villages),
        accounts=len(plan.accounts),
        seconds=time.perf_counter() - started,
    )


def _create_regions(rows: list[RegionRow]) -> dict[str, Region]:
    """Create the regions level by level (a parent before its children); code -> Region."""
    regions = Region.objects.in_bulk([r.code for r in rows], field_name="code")
    for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        new = [
            Region(
                code=r.code,
                name=r.name,
                level=r.level,
                parent=regions[r.parent] if r.parent else None,
            )
            for r in rows
            if r.level == level and r.code not in regions
        ]
        regions.update((r.code, r) for r in Region.objects.bulk_create(new))
    return regions


def _create_users(rows: list[AccountRow]) -> dict:
    """Create the accounts that do not exist yet, all with one hash of DEMO_PASSWORD."""
    User = get_user_model()
    users = User.objects.in_bulk([a.username for a in rows], field_name="username")
    password = make_password(DEMO_PASSWORD)  # hashing once: Argon2 costs ~50 ms a call
    new = [
        User(
            username=a.username,
            first_name=a.given_name,
            last_name=a.family_name,
            password=password,
            is_superuser=a.is_superuser,
            is_staff=a.is_superuser,
        )
        for a in rows
        if a.username not in users
    ]
    users.update((u.username, u) for u in User.objects.bulk_create(new, batch_size=BATCH_SIZE))
    return users


# ------------------------------------------------------------------ listing
@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: str
    password: str


def demo_accounts() -> tuple[list[DemoAccount], list[str]]:
    """The persona accounts that exist, and the usernames of the generated contact cadres."""
    User = get_user_model()
    users = User.objects.filter(username__in=PERSONAS).prefetch_related(
        "staff_roles__region", "staff_roles__village__township"
    )
    by_name = {u.username: u for u in users}
    listed = []
    for username in PERSONAS:
        user = by_name.get(username)
        if user is None:
            continue
        roles = list(user.staff_roles.all())
        if user.is_superuser:
            role, scope = _("Administrator"), _("all areas")
        elif roles:
            role = roles[0].get_kind_display()
            scope = _scope_label(user, roles[0])
        else:
            role, scope = "—", "—"
        # Show the password only while it still works: someone may have changed it.
        password = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else _("(changed)")
        listed.append(
            DemoAccount(
                username=username,
                full_name=f"{user.last_name}{user.first_name}",
                role=str(role),
                scope=str(scope),
                password=password,
            )
        )
    cadres = User.objects.filter(username__regex=CADRE_USERNAME_REGEX).order_by("username")
    return listed, list(cadres.values_list("username", flat=True))


def _scope_label(user, role: StaffRole) -> str:
    if role.kind == RoleKind.VILLAGE_CLERK:
        return f"{role.village.township.name} {role.village.name}"
    if role.kind == RoleKind.CONTACT_CADRE:
        n = ContactAssignment.objects.active().filter(cadre=user).count()
        return _("%(township)s, %(n)d villages") % {"township": role.region.name, "n": n}
    return role.region.name
