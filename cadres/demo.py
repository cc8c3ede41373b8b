"""Demo data of the cadres app: every village's current committees with the two certificates.

`build_cadre_demo()` gives each village of the demo tree a term change (换届) in the last election
year, its elected committee (a secretary-and-chair in about 60% of the villages, as in Shandong
after the 2021 elections, otherwise a separate secretary and chair; one deputy; two to four
members), a numbered qualification certificate and a pledge in force with its promises for each
secretary and chair, a few amended pledges, and per county one advised resignation that ended in
a resignation (and a by-election) and one that ended with a warning.

Like `villages.demo`, it writes with `bulk_create` and no `full_clean()`: the values are valid by
construction (the tests check them with `full_clean()` on samples), and 20,000 villages must load
in well under a minute. It sets what the services would set (area codes, the ID number's keyed
hash, certificate numbers, pledge states). Pledges are inserted as drafts and switched to their
states after their promises, because the database refuses promises of a signed pledge.
Every county draws from its own random generator seeded with the seed and the county code, so a
seed always yields the same cadres for the same tree.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

import pghistory
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import JSONField, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from encrypted_fields.fields import EncryptedCharField

from core.dates import today as local_today
from villages.choices import RoleKind
from villages.demo import SURNAMES
from villages.models import Village

from .choices import (
    CHAIR_SEAT,
    SECRETARY_SEAT,
    AdviceOutcome,
    AdviceState,
    CertificateState,
    Education,
    EndReason,
    PledgeState,
    PostKind,
    PromiseAudience,
    PromiseCategory,
)
from .identity import check_character, id_number_hash
from .models import (
    TERM_YEARS,
    Cadre,
    Pledge,
    Post,
    Promise,
    QualificationCertificate,
    ResignationAdvice,
    TermChange,
)
from .services import _add_years, standard_clauses

__all__ = ["CadreDemoResult", "build_cadre_demo", "last_term_year"]

BATCH_SIZE = 2000
# Shandong elected its village committees in early 2021; the terms are five years since 2018.
FIRST_TERM_YEAR = 2021
ONE_PERSON_SHARE = 0.6
LATE_ELECTION_SHARE = 0.05  # villages whose election slipped past the season
AMENDED_SHARE = 0.03
BORN = {  # birth years by kind of post
    "seat": (1965, 1985),
    "deputy": (1968, 1990),
    "member": (1970, 1995),
}
PARTY_SHARE = {
    PostKind.SECRETARY: 1.0,
    PostKind.SECRETARY_AND_CHAIR: 1.0,
    PostKind.DEPUTY_SECRETARY: 1.0,
    PostKind.BRANCH_MEMBER: 1.0,
    PostKind.CHAIR: 0.85,
    PostKind.VICE_CHAIR: 0.7,
    PostKind.COMMITTEE_MEMBER: 0.55,
}
SEAT_ORDER = {PostKind.SECRETARY_AND_CHAIR: 0, PostKind.SECRETARY: 1, PostKind.CHAIR: 2}

# ------------------------------------------------------------------ material
MALE_NAMES = (
    "建国 志强 海涛 庆军 德明 广才 立新 永胜 金良 宝山 俊峰 长青 家兴 明 伟 磊 勇 军 涛 强 刚 "
    "振华 传友 继承 晓东 向阳 学军 兆林 新民 广利 国庆 洪涛 文军 庆华 鹏 凯 亮 波 彬 昌盛 "
    "现军 宪法 继红 玉亮 兴旺 春雷 东升 保国 庆林 士军 传海 兆华"
).split()
FEMALE_NAMES = (
    "秀英 红梅 玉兰 桂芝 春燕 凤霞 淑珍 丽娟 静 敏 芳 娜 燕 玉梅 爱华 秀兰 桂英 丽 霞 婷 "
    "慧 萍 晓燕 海燕 美玲 雪梅 翠英 银凤 素芳 艳"
).split()
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "177 180 182 183 185 186 187 188 189 199"
).split()
MEMBER_DUTIES = ("兼任村会计", "兼任报账员", "兼任村文书", "兼任治保主任", "兼任民兵连长")
TOWNSHIP_ROLES = ("乡镇党委书记", "组织委员")


@dataclass(frozen=True)
class PromiseTemplate:
    """A kind of promise: its text, a measurable target drawn at random, and its horizon
    ("term": due at the end of the term; "year": due at the end of a year of the term)."""

    audience: str
    category: str
    text: str
    target: Callable[[random.Random], str]
    horizon: str = "year"


VIL, ORG = PromiseAudience.VILLAGERS, PromiseAudience.ORGANIZATION
C = PromiseCategory


def _t(audience, category, text, target, horizon="year"):
    make = target if callable(target) else (lambda _r, s=target: s)
    return PromiseTemplate(audience, category, text, make, horizon)


PROMISES = (
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "硬化村内主干道和背街小巷",
        lambda r: f"硬化道路{r.randint(12, 45) / 10}公里，路面宽不少于4米",
    ),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "实施农村饮水安全巩固提升工程",
        "自来水入户率达到100%，每年水质检测合格",
    ),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "安装太阳能路灯，解决群众夜间出行难",
        lambda r: f"新装路灯{r.randrange(30, 130, 10)}盏",
    ),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "整修排灌沟渠，改善农田灌溉条件",
        lambda r: f"清淤沟渠{r.randrange(1500, 6000, 500)}米，新修生产桥{r.randint(1, 4)}座",
    ),
    _t(VIL, C.PUBLIC_SERVICES, "改造提升村卫生室", "达到标准化村卫生室建设要求，常驻乡村医生2名"),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "新建村级文化广场",
        lambda r: f"广场面积不少于{r.randrange(800, 3000, 100)}平方米，配齐健身器材",
    ),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "开展农村人居环境整治",
        lambda r: f"清理“三大堆”，垃圾日产日清，完成户厕改造{r.randrange(40, 260, 10)}户",
    ),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "村庄绿化美化",
        lambda r: f"新植绿化苗木{r.randrange(500, 3000, 100)}棵，成活率90%以上",
    ),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "建设村级幸福院",
        lambda r: f"建成幸福院1处，可供{r.randrange(20, 60, 5)}名老人就餐",
    ),
    _t(
        VIL,
        C.PUBLIC_SERVICES,
        "关心关爱困难群众",
        lambda r: f"每年走访慰问困难户不少于{r.randrange(20, 80, 5)}户次",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "领办创办农民专业合作社",
        lambda r: f"吸纳入社农户{r.randrange(30, 150, 10)}户以上",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "发展壮大村集体经济",
        lambda r: f"村集体经营性收入年均增长{r.randint(8, 20)}%，任期末达到{r.randint(10, 60)}万元",
        "term",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "建设高标准蔬菜大棚",
        lambda r: f"新建大棚{r.randrange(20, 80, 5)}个，带动{r.randrange(30, 120, 10)}户增收",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "推进土地规模流转",
        lambda r: f"流转土地{r.randrange(300, 2000, 100)}亩，流转费按时足额兑付",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "盘活闲置资产资源",
        lambda r: f"清理闲置宅基地、校舍等{r.randint(3, 12)}处并公开发包",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "发展屋顶光伏发电",
        lambda r: f"建成集体光伏电站{r.randint(100, 500)}千瓦，年增收不少于{r.randint(3, 10)}万元",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "开展农村实用技术培训",
        lambda r: f"每年培训不少于{r.randrange(60, 300, 20)}人次",
    ),
    _t(
        VIL,
        C.DEVELOPMENT,
        "发展庭院经济和特色种养",
        lambda r: f"发展特色种养户{r.randrange(20, 80, 5)}户",
    ),
    _t(
        VIL,
        C.VILLAGE_AFFAIRS,
        "坚持村务、财务按季度公开",
        "每季度公开1次，重大事项随时公开",
        "term",
    ),
    _t(VIL, C.VILLAGE_AFFAIRS, "严格落实“四议两公开”", "村级重大事项100%按程序决策", "term"),
    _t(VIL, C.VILLAGE_AFFAIRS, "规范村集体“三资”管理", "完成清产核资，合同规范率100%"),
    _t(
        VIL,
        C.VILLAGE_AFFAIRS,
        "每月召开党员和群众代表议事会",
        "每月不少于1次，会议记录完整",
        "term",
    ),
    _t(VIL, C.STABILITY, "及时化解邻里矛盾纠纷", "矛盾纠纷调处率100%，不发生越级上访", "term"),
    _t(
        VIL,
        C.STABILITY,
        "建立网格化服务管理机制",
        lambda r: f"划分网格{r.randint(4, 12)}个，网格员全部到位",
    ),
    _t(ORG, C.PARTY_BUILDING, "严格落实“三会一课”制度", "每月主题党日1次，每季度党课1次", "term"),
    _t(
        ORG,
        C.PARTY_BUILDING,
        "发展年轻党员",
        lambda r: f"任期内发展党员{r.randint(3, 8)}名，其中35岁以下不少于{r.randint(1, 3)}名",
        "term",
    ),
    _t(
        ORG,
        C.PARTY_BUILDING,
        "培养村级后备力量",
        lambda r: f"培养后备干部{r.randint(2, 4)}名",
        "term",
    ),
    _t(ORG, C.PARTY_BUILDING, "规范村级组织活动场所管理", "活动场所每日开放，各类台账齐全规范"),
    _t(ORG, C.INTEGRITY, "严守廉洁纪律，不优亲厚友", "任期内零违纪、零信访举报查实", "term"),
    _t(
        ORG, C.INTEGRITY, "带头执行财务制度，不违规报销", "非生产性开支零违规，招待费零支出", "term"
    ),
    _t(
        ORG,
        C.VILLAGE_AFFAIRS,
        "按时参加述职评议，接受群众监督",
        "每半年公开述职1次，群众满意率90%以上",
    ),
    _t(ORG, C.STABILITY, "落实安全生产和防汛责任", "不发生较大安全事故", "term"),
    _t(ORG, C.OTHER, "完成乡镇党委、政府交办的各项任务", "年度综合考核达到良好以上"),
)
VILLAGER_PROMISES = [p for p in PROMISES if p.audience == VIL]
ORGANIZATION_PROMISES = [p for p in PROMISES if p.audience == ORG]
AMENDMENT_REASONS = (
    "因县级道路规划调整，原定道路硬化工程改由县交通运输局实施，经村民代表会议讨论，相应调整承诺内容。",
    "经党员大会审议、村民代表会议决议，将原定的大棚建设项目调整为屋顶光伏发电项目。",
    "因上级土地整治项目推迟实施，相应调整有关承诺的内容和完成时限。",
    "根据年度兑现评议中群众的意见，细化承诺事项的量化目标。",
)


# ------------------------------------------------------------------ the county's rows


class _Row(SimpleNamespace):
    """A row to insert, with attributes named like its table's columns. A foreign-key column may
    hold the referenced _Row, whose `id` is known once it is inserted. Other attributes (a
    post's `pledge`, a pledge's `final_state`) only help the builder and are not written."""

    id: int | None = None


@dataclass
class _County:
    """The rows of one county, built in memory and written in one go."""

    term_changes: list[_Row] = field(default_factory=list)
    cadres: list[_Row] = field(default_factory=list)
    posts: list[_Row] = field(default_factory=list)
    certificates: list[_Row] = field(default_factory=list)
    pledges: list[_Row] = field(default_factory=list)  # first versions
    amendments: list[_Row] = field(default_factory=list)  # second versions
    promises: list[_Row] = field(default_factory=list)
    advices: list[_Row] = field(default_factory=list)


@dataclass(frozen=True)
class _Village:
    id: int
    code: str
    name: str


class _Builder:
    """Decides every row of one county from the county's own random generator."""

    def __init__(
        self,
        *,
        county_code: str,
        seed: int,
        on: date,
        term_year: int,
        clauses: list[str],
        actor_id: int,
        used_ids: set[str],
    ):
        self.county_code = county_code
        self.seed = seed
        self.rng = random.Random(f"cadres:{seed}:{county_code}")
        self.on = on
        self.term_year = term_year
        self.clauses = clauses
        self.actor_id = actor_id
        self.used_ids = used_ids
        self.rows = _County()
        self.signers: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------------------------ villages

    def build(self, villages: list[_Village]) -> _County:
        for village in villages:
            self._village(village)
        self._advices()
        self._amendments()
        self._number_certificates()
        return self.rows

    def _village(self, v: _Village) -> None:
        rng = self.rng
        held = self._election_day()
        kinds = (
            [PostKind.SECRETARY_AND_CHAIR]
            if rng.random() < ONE_PERSON_SHARE
            else [PostKind.SECRETARY, PostKind.CHAIR]
        )
        kinds.append(rng.choice([PostKind.DEPUTY_SECRETARY, PostKind.VICE_CHAIR]))
        members = rng.randint(2, 4)
        kinds += [
            rng.choice([PostKind.BRANCH_MEMBER, PostKind.COMMITTEE_MEMBER]) for _ in range(members)
        ]
        change = _Row(
            village_id=v.id,
            held_on=held,
            notes=f"选举产生村“两委”成员{len(kinds)}名。",
            recorded_by_id=self.actor_id,
            area_code=v.code,
        )
        self.rows.term_changes.append(change)
        term_ends = _add_years(held, TERM_YEARS)
        for i, kind in enumerate(kinds):
            # Every committee has a woman: the last member (often the women's director).
            female = i == len(kinds) - 1 or rng.random() < (
                0.08 if kind in CHAIR_SEAT | SECRETARY_SEAT else 0.2
            )
            notes = ""
            if i == len(kinds) - 1:
                notes = "兼任妇女主任"
            elif kind in (PostKind.BRANCH_MEMBER, PostKind.COMMITTEE_MEMBER) and rng.random() < 0.4:
                notes = rng.choice(MEMBER_DUTIES)
            self._post(v, kind, held, term_ends, female=female, notes=notes, change=change)

    def _post(
        self,
        v: _Village,
        kind: str,
        start: date,
        term_ends: date,
        *,
        female: bool,
        notes: str = "",
        change: _Row | None = None,
    ) -> _Row:
        cadre = self._cadre(v, kind, female=female, start=start)
        post = _Row(
            village_id=v.id,
            cadre_id=cadre,
            kind=kind,
            start_date=start,
            term_ends=term_ends,
            end_date=None,
            end_reason="",
            notes=notes,
            opened_by_change_id=change,
            area_code=v.code,
        )
        self.rows.posts.append(post)
        if kind in SEAT_ORDER:
            self._certificate(post)
            self._pledge(post)
        return post

    def _election_day(self) -> date:
        """Most villages voted in the season (January to March); a few later in the year."""
        rng = self.rng
        year = self.term_year
        latest = self.on - timedelta(days=45)  # room for the certificates and pledges after it
        if rng.random() < LATE_ELECTION_SHARE and latest >= date(year, 4, 10):
            return _between(rng, date(year, 4, 1), min(latest, date(year, 8, 31)))
        return _between(rng, date(year, 1, 5), min(latest, date(year, 3, 31)))

    # ------------------------------------------------------------------ people

    def _cadre(self, v: _Village, kind: str, *, female: bool, start: date) -> _Row:
        rng = self.rng
        group = (
            "seat"
            if kind in SEAT_ORDER
            else "deputy"
            if kind in (PostKind.DEPUTY_SECRETARY, PostKind.VICE_CHAIR)
            else "member"
        )
        first, last = BORN[group]
        born = _between(rng, date(first, 1, 1), date(last, 12, 31))
        number = self._id_number(born, female)
        member = rng.random() < PARTY_SHARE[kind]
        joined = None
        if member:
            joined = _between(
                rng,
                _add_years(born, 20),
                min(_add_years(born, 35), start - timedelta(days=365)),
            )
        cadre = _Row(
            village_id=v.id,
            name=self._name(v, female),
            gender="female" if female else "male",
            birth_date=born,
            id_number=number,
            id_number_hash=id_number_hash(number),
            phone=rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            is_party_member=member,
            party_joined_on=joined,
            education=self._education(born),
            area_code=v.code,
        )
        self.rows.cadres.append(cadre)
        return cadre

    def _id_number(self, born: date, female: bool) -> str:
        """A valid resident ID number of the county, unique in the whole demo."""
        while True:
            sequence = self.rng.randrange(100)
            sex = self.rng.randrange(0, 10, 2) if female else self.rng.randrange(1, 10, 2)
            first17 = f"{self.county_code}{born:%Y%m%d}{sequence:02d}{sex}"
            number = first17 + check_character(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _name(self, v: _Village, female: bool) -> str:
        rng = self.rng
        # Many villages grew around one family: the cadres often bear the village's surname.
        local = next((ch for ch in v.name[:2] if ch in SURNAMES), None)
        surname = local if local and rng.random() < 0.35 else rng.choice(SURNAMES)
        return surname + rng.choice(FEMALE_NAMES if female else MALE_NAMES)

    def _education(self, born: date) -> str:
        if born.year < 1975:
            weights = (5, 45, 35, 12, 3, 0)
        elif born.year < 1985:
            weights = (0, 25, 40, 25, 10, 0)
        else:
            weights = (0, 8, 27, 40, 22, 3)
        return self.rng.choices(Education.values, weights=weights)[0]

    # ------------------------------------------------------------------ the two certificates

    def _certificate(self, post: _Row) -> _Row:
        issued = min(post.start_date + timedelta(days=self.rng.randint(7, 30)), self.on)
        certificate = _Row(
            post_id=post,
            county_code=self.county_code,
            issued_on=issued,
            year=issued.year,
            area_code=post.area_code,
        )
        self.rows.certificates.append(certificate)
        post.certificate = certificate
        return certificate

    def _number_certificates(self) -> None:
        """<county>-<year>-<sequence>, in the order the certificates were issued."""
        ordered = sorted(
            self.rows.certificates,
            key=lambda c: (c.issued_on, c.area_code, SEAT_ORDER[c.post_id.kind]),
        )
        last: dict[int, int] = defaultdict(int)
        for certificate in ordered:
            last[certificate.year] += 1
            certificate.sequence = last[certificate.year]
            certificate.number = f"{self.county_code}-{certificate.year}-{certificate.sequence:04d}"

    def _signers(self, township: str) -> tuple[str, str]:
        """The township party secretary and the township head, who countersign its pledges."""
        if township not in self.signers:
            rng = random.Random(f"signers:{self.seed}:{township}")
            self.signers[township] = tuple(
                rng.choice(SURNAMES) + rng.choice(MALE_NAMES + FEMALE_NAMES[:8]) for _ in range(2)
            )
        return self.signers[township]

    def _signed(self, pledge: _Row, drafted: date) -> None:
        """The three signatures, a few days apart, never after today."""
        rng = self.rng
        party, government = self._signers(pledge.area_code[:9])
        signed = min(drafted + timedelta(days=rng.randint(0, 5)), self.on)
        pledge.drafted_on = drafted
        pledge.cadre_signed_on = signed
        pledge.party_countersigner = party
        pledge.party_countersigned_on = min(signed + timedelta(days=rng.randint(0, 7)), self.on)
        pledge.government_countersigner = government
        pledge.government_countersigned_on = min(
            signed + timedelta(days=rng.randint(0, 7)), self.on
        )
        pledge.in_force_on = max(pledge.party_countersigned_on, pledge.government_countersigned_on)

    def _pledge(self, post: _Row) -> _Row:
        pledge = _Row(
            post_id=post,
            version=1,
            state=PledgeState.DRAFT,
            clauses=self.clauses,
            area_code=post.area_code,
        )
        drafted = min(post.start_date + timedelta(days=self.rng.randint(3, 15)), self.on)
        self._signed(pledge, drafted)
        pledge.final_state = PledgeState.IN_FORCE
        pledge.promises = []
        self.rows.pledges.append(pledge)
        post.pledge = pledge
        self._promises(pledge, post, self._choose_promises())
        return pledge

    def _choose_promises(self) -> list[PromiseTemplate]:
        rng = self.rng
        n = rng.randint(3, 6)
        to_organization = 1 if n < 5 else 2
        return rng.sample(VILLAGER_PROMISES, n - to_organization) + rng.sample(
            ORGANIZATION_PROMISES, to_organization
        )

    def _promises(self, pledge: _Row, post: _Row, templates: list[PromiseTemplate]) -> None:
        rng = self.rng
        first_year = pledge.in_force_on.year + (1 if pledge.in_force_on.month > 9 else 0)
        last_year = max(first_year, post.term_ends.year - 1)
        for position, template in enumerate(templates, start=1):
            if template.horizon == "term":
                due = post.term_ends
            else:
                year = rng.randint(first_year, last_year)
                due = date(year, 6, 30) if rng.random() < 0.3 else date(year, 12, 31)
                if due <= pledge.in_force_on:
                    due = date(year, 12, 31)
                due = min(due, post.term_ends)
            self._promise(
                pledge,
                position,
                audience=template.audience,
                category=template.category,
                text=template.text,
                target=template.target(rng),
                due_date=due,
            )

    def _promise(self, pledge: _Row, position: int, **fields) -> None:
        promise = _Row(pledge_id=pledge, position=position, area_code=pledge.area_code, **fields)
        pledge.promises.append(promise)
        self.rows.promises.append(promise)

    # ------------------------------------------------------------------ amendments and 劝辞

    def _amendments(self) -> None:
        """About 3% of the pledges were amended: version 2 in force, version 1 superseded."""
        rng = self.rng
        latest = self.on - timedelta(days=10)
        eligible = [
            p
            for p in self.rows.pledges
            if p.final_state == PledgeState.IN_FORCE
            and p.in_force_on + timedelta(days=72) <= latest
        ]
        if not eligible:
            return
        count = max(1, round(len(eligible) * AMENDED_SHARE))
        for old in sorted(rng.sample(eligible, count), key=lambda p: p.area_code):
            drafted = _between(
                rng, old.in_force_on + timedelta(days=60), latest - timedelta(days=12)
            )
            new = _Row(
                post_id=old.post_id,
                version=2,
                amends_id=old,
                amendment_reason=rng.choice(AMENDMENT_REASONS),
                state=PledgeState.DRAFT,
                clauses=old.clauses,
                area_code=old.area_code,
            )
            self._signed(new, drafted)
            old.closed_on = new.in_force_on
            old.final_state = PledgeState.SUPERSEDED
            new.final_state = PledgeState.IN_FORCE
            new.promises = []
            self.rows.amendments.append(new)
            # The same promises, but one replaced by another of the same audience.
            kept = old.promises
            used = {p.text for p in kept}
            replaced = rng.randrange(len(kept))
            pool = VILLAGER_PROMISES if kept[replaced].audience == VIL else ORGANIZATION_PROMISES
            substitute = rng.choice([t for t in pool if t.text not in used])
            for position, promise in enumerate(kept, start=1):
                if position - 1 == replaced:
                    due = max(
                        promise.due_date,
                        min(new.in_force_on + timedelta(days=180), old.post_id.term_ends),
                    )
                    fields = {
                        "audience": substitute.audience,
                        "category": substitute.category,
                        "text": substitute.text,
                        "target": substitute.target(rng),
                        "due_date": due,
                    }
                else:
                    fields = {
                        f: getattr(promise, f)
                        for f in ("audience", "category", "text", "target", "due_date")
                    }
                self._promise(new, position, **fields)

    def _advices(self) -> None:
        """One advised resignation that ended in a resignation and a by-election, and one that
        ended with a warning, per county (when the term is old enough to have broken promises)."""
        rng = self.rng
        decided = self.on - timedelta(days=rng.randint(45, 100))
        talk = decided - timedelta(days=rng.randint(3, 10))
        opened = talk - timedelta(days=rng.randint(5, 15))
        seats = [p for p in self.rows.posts if p.kind in SEAT_ORDER]
        ripe = [p for p in seats if p.pledge.in_force_on + timedelta(days=90) <= opened]
        chairs = [p for p in ripe if p.kind == PostKind.CHAIR] or [
            p for p in ripe if p.kind in CHAIR_SEAT
        ]
        if not chairs:
            return
        resigned = rng.choice(chairs)
        promise = resigned.pledge.promises[0]
        self.rows.advices.append(
            _Row(
                post_id=resigned,
                grounds=(
                    f"公开述职评议中，群众反映其承诺的“{promise.text}”无实质进展，且有违反村级"
                    "财务制度的问题，党员群众民主评议不满意票超过三分之一；经乡镇党委研究，"
                    "依照任职保证书“违约自行辞职”的约定启动劝辞程序。"
                ),
                opened_on=opened,
                opened_by_id=self.actor_id,
                state=AdviceState.DECIDED,
                talk_on=talk,
                talk_by=self._talkers(resigned),
                talk_notes=(
                    "乡镇党委书记、组织委员与本人谈话，指出其未兑现任职承诺的问题；本人认识到"
                    "问题，同意按保证书约定自愿辞去职务。"
                ),
                outcome=AdviceOutcome.RESIGNED,
                decided_on=decided,
                decision_notes="本人提交书面辞职申请，经村民委员会会议确认，辞职生效；由乡镇党委指导补选。",
                area_code=resigned.area_code,
            )
        )
        # What the service does on a resignation: the post ends, its certificate expires and
        # its pledge closes.
        resigned.end_date, resigned.end_reason = decided, EndReason.ADVISED
        certificate = resigned.certificate
        certificate.state, certificate.state_changed_on = CertificateState.EXPIRED, decided
        resigned.pledge.closed_on = decided
        resigned.pledge.final_state = PledgeState.CLOSED
        # The by-election fills the seat for the rest of the term.
        village = _Village(resigned.village_id, resigned.area_code, "")
        self._post(
            village,
            resigned.kind,
            decided + timedelta(days=rng.randint(10, 20)),
            resigned.term_ends,
            female=rng.random() < 0.1,
            notes="补选产生",
        )

        others = [
            p for p in ripe if p.kind in SECRETARY_SEAT and p.village_id != resigned.village_id
        ]
        if not others:
            return
        warned = rng.choice(others)
        decided = self.on - timedelta(days=rng.randint(30, 60))
        talk = decided - timedelta(days=rng.randint(3, 10))
        opened = max(talk - timedelta(days=rng.randint(5, 15)), warned.pledge.in_force_on)
        self.rows.advices.append(
            _Row(
                post_id=warned,
                grounds="群众反映村务公开不及时、“四议两公开”执行不到位，半年评议中“不满意”票较多。",
                opened_on=opened,
                opened_by_id=self.actor_id,
                state=AdviceState.DECIDED,
                talk_on=talk,
                talk_by=self._talkers(warned),
                talk_notes="谈话指出村务公开不及时等问题，本人作出书面检查，承诺三个月内整改到位。",
                outcome=AdviceOutcome.WARNED,
                decided_on=decided,
                decision_notes=(
                    "经乡镇党委研究，给予诫勉谈话，留任观察，限期三个月整改，整改情况纳入年终"
                    "“两证”年检。"
                ),
                area_code=warned.area_code,
            )
        )

    def _talkers(self, post: _Row) -> str:
        party, _government = self._signers(post.area_code[:9])
        member = random.Random(f"member:{self.seed}:{post.area_code[:9]}")
        organizer = member.choice(SURNAMES) + member.choice(MALE_NAMES)
        return f"{party}（{TOWNSHIP_ROLES[0]}）、{organizer}（{TOWNSHIP_ROLES[1]}）"


def _between(rng: random.Random, first: date, last: date) -> date:
    """A random day from `first` to `last` (`first` if the range is empty)."""
    days = (last - first).days
    return first + timedelta(days=rng.randint(0, days)) if days > 0 else first


# ------------------------------------------------------------------ writing


@dataclass(frozen=True)
class CadreDemoResult:
    """What `build_cadre_demo` created, and how long it took."""

    villages: int = 0
    cadres: int = 0
    posts: int = 0
    certificates: int = 0
    pledges: int = 0
    promises: int = 0
    advices: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for seed_demo's output."""
        return _(
            "Cadres loaded in %(seconds).1f s: %(cadres)d cadres, %(posts)d posts, "
            "%(certificates)d certificates, %(pledges)d pledges with %(promises)d promises, "
            "%(advices)d advised resignations."
        ) % {
            "seconds": self.seconds,
            "cadres": self.cadres,
            "posts": self.posts,
            "certificates": self.certificates,
            "pledges": self.pledges,
            "promises": self.promises,
            "advices": self.advices,
        }


def last_term_year(on: date) -> int:
    """The year of the last village elections before `on` (2021, 2026, ...), once their season
    (January to March) and the pledges after it are over."""
    year = FIRST_TERM_YEAR + (on.year - FIRST_TERM_YEAR) // TERM_YEARS * TERM_YEARS
    return year if on >= date(year, 5, 15) else year - TERM_YEARS


def _default_actor():
    """The account that records the demo's term changes and advices: a county supervisor."""
    User = get_user_model()
    actor = (
        User.objects.filter(staff_roles__kind=RoleKind.COUNTY_SUPERVISOR).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if actor is None:
        raise ValueError("no county supervisor or administrator to record the demo cadres")
    return actor


@transaction.atomic
def build_cadre_demo(
    *,
    seed: int,
    villages: QuerySet[Village] | None = None,
    on: date | None = None,
    term_year: int | None = None,
    actor=None,
) -> CadreDemoResult:
    """Give every village without cadres its current committees, certificates and pledges."""
    started = time.perf_counter()
    on = on or local_today()
    term_year = term_year or last_term_year(on)
    actor = actor or _default_actor()
    villages = Village.objects.all() if villages is None else villages
    staffed = set(Cadre.objects.filter(village__in=villages).values_list("village_id", flat=True))
    by_county: dict[str, list[_Village]] = defaultdict(list)
    for pk, code, name in villages.order_by("code").values_list("id", "code", "name"):
        if pk not in staffed:
            by_county[code[:6]].append(_Village(pk, code, name))

    totals: dict[str, int] = defaultdict(int)
    used_ids: set[str] = set()
    with connection.cursor() as cursor:
        # pgtrigger asks every trigger call whether to skip it by reading this setting; when the
        # setting is absent it raises and catches an error, ~0.1 ms a row and slower as the
        # transaction grows. An empty list skips nothing and spares it (the triggers all run).
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    with pghistory.context(source="seed_demo", seed=seed):
        for county_code, county_villages in by_county.items():
            rows = _Builder(
                county_code=county_code,
                seed=seed,
                on=on,
                term_year=term_year,
                clauses=standard_clauses(county_code),
                actor_id=actor.pk,
                used_ids=used_ids,
            ).build(county_villages)
            _write(rows)
            totals["villages"] += len(county_villages)
            totals["cadres"] += len(rows.cadres)
            totals["posts"] += len(rows.posts)
            totals["certificates"] += len(rows.certificates)
            totals["pledges"] += len(rows.pledges) + len(rows.amendments)
            totals["promises"] += len(rows.promises)
            totals["advices"] += len(rows.advices)
    return CadreDemoResult(**totals, seconds=time.perf_counter() - started)


def _write(rows: _County) -> None:
    """Insert one county's rows, parents first; then give the pledges their states."""
    _insert(TermChange, rows.term_changes)
    _insert(Cadre, rows.cadres)
    _insert(Post, rows.posts)
    _insert(QualificationCertificate, rows.certificates)
    _insert(Pledge, rows.pledges)
    _insert(Pledge, rows.amendments)
    # The promises go in while their pledges are drafts: the database refuses them later.
    _insert(Promise, rows.promises)
    by_state: dict[str, list[int]] = defaultdict(list)
    for pledge in (*rows.pledges, *rows.amendments):
        by_state[pledge.final_state].append(pledge.id)
    for state, ids in by_state.items():
        Pledge.objects.filter(pk__in=ids).update(state=state)
    _insert(ResignationAdvice, rows.advices)


def _insert(model, rows: list[_Row]) -> None:
    """INSERT `rows` into `model`'s table in batches and set each row's new `id`.

    Like `bulk_create`, but from plain rows: building ~400,000 model instances and preparing
    each value through the ORM took about half of the time. Columns a row lacks get the field's
    default; only encrypted and JSON values need the field's own preparation. The statements go
    through Django's cursor, so the audit context and the triggers see them as usual.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    prepared = {f.attname: f for f in fields if isinstance(f, EncryptedCharField | JSONField)}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            params = []
            for row in batch:
                values = vars(row)
                for f in fields:
                    value = values.get(f.attname, defaults[f.attname])
                    if isinstance(value, _Row):
                        value = value.id
                    elif f.attname in prepared:
                        value = prepared[f.attname].get_db_prep_save(value, connection)
                    params.append(value)
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([placeholders] * len(batch))} RETURNING id",
                params,
            )
            # PostgreSQL returns the ids in the order of the VALUES (bulk_create relies on it).
            for row, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                row.id = pk
