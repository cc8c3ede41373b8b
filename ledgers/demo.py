"""Demo data of the ledgers app: every village's books for the current year.

`build_ledger_demo()` gives each village without a verification (清理认定):

* a confirmed verification as of 31 December of last year whose opening balances balance
  (cash, bank, fixed assets less accumulated depreciation, payables, 公积公益金, capital);
* its assets (office building, wells, road, tractor) with their acquisition movements, and in
  about half the villages solar street lamps bought this year;
* its resources (耕地, 林地, 坑塘 with GB/T 21010 codes, areas in 亩 and 四至), each contracted
  out, with this year's fee payments;
* a year of posted vouchers up to yesterday (contract fees, subsidies, bank interest, cadre
  allowances, office costs, public welfare spending, repairs ...), chained exactly as
  `voucher_post` chains them (`chain_hash`, chain_seq from 1, prev_hash from GENESIS);
* a published statement (定期公开) of each quarter of this year that is over, its content built
  by `statement_content` and its SHA-256 taken as `disclosure_publish` takes it, with one or two
  villagers' questions, some answered;
* in the first county (the one the demo personas work in): a signed handover (换届交接) of each
  secretary's or chair's post that ended (cadres.demo ends one chair per county through an
  advised resignation), its books frozen by `handover_book_snapshot`, and one periodic audit of
  last year per village with up to two findings;
* in the first county too: 四议两公开 decisions (ledgers.demo_decisions) — the lamp purchases
  citing theirs, a few gaps — and the county's decision policy, set after the books; the
  monthly signing days (联签) and the quarters' 财务报审会 (ledgers.demo_signing), a few gaps.

Like `cadres.demo`, it decides everything in memory first (`_plan_village`, a pure function of
the seed, the village and the date) and inserts in bulk without `full_clean()`: the values are
valid by construction and the tests check the books. Runs above `LIGHT_ABOVE` villages get about
ten vouchers per village, and outside the first county the last quarter's statement only (none in
a village that falls behind), so a province still loads in minutes and warns as many villages as
a county would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_batch

from cadres.choices import CERTIFIED_POSTS
from cadres.demo import _insert, _Row
from cadres.models import Post
from core.dates import today as local_today
from villages.choices import RoleKind
from villages.demo import SURNAMES, first_county, troubled
from villages.models import StaffRole, Village
from villages.templatetags.cunjian import person_name

from .chain import CHAIN_VERSION, GENESIS, chain_hash
from .choices import (
    AssetCategory,
    AssetMovementKind,
    AssetStatus,
    AuditKind,
    DecisionState,
    DecisionStepKind,
    DisclosureKind,
    DisclosureState,
    FindingCategory,
    FindingStatus,
    FundingSource,
    HandoverState,
    LandKind,
    PaymentSchedule,
    ResourceStatus,
    VerificationState,
    VoucherState,
)
from .demo_decisions import plan_decisions
from .demo_signing import SIGNING_DAY, plan_signings, write_signings
from .models import (
    Account,
    Asset,
    AssetMovement,
    AuditFinding,
    AuditRecord,
    ClosedPeriod,
    ContractPayment,
    Decision,
    DecisionPolicy,
    DecisionStep,
    Disclosure,
    DisclosureQuestion,
    Handover,
    OpeningBalance,
    Resource,
    ResourceContract,
    Verification,
    Voucher,
    VoucherLine,
)
from .models.disclosure import new_receipt
from .services import (
    book_amount,
    canonical_statement,
    handover_book_snapshot,
    period_bounds,
    statement_content,
)

__all__ = ["LIGHT_ABOVE", "LedgerDemoResult", "build_ledger_demo"]

#: runs with more villages than this get about ten vouchers per village
LIGHT_ABOVE = 2000
LIGHT_VOUCHERS = 10
CODES = ("101", "102", "151", "152", "211", "301", "311", "501", "503", "504", "513", "514")
CENT = Decimal("0.01")
GIVEN = (
    "建国 志强 海涛 庆军 德明 广才 立新 永胜 金良 宝山 秀英 红梅 玉兰 春燕 凤霞 传友 兆林".split()
)
BORDERS = ("乡村道路", "排水沟", "生产路", "邻村村界", "河堤", "林带", "机耕路", "灌溉渠")
QUESTIONS = (
    (
        "村干部误工补贴是按什么标准发放的？",
        "按乡镇核定的村干部报酬标准按月发放，明细已在公开栏公示。",
    ),
    ("坑塘承包费今年收齐了吗？", "已按合同约定收取，收款凭证号见本期合同收款明细。"),
    ("公益支出里的道路保洁费是哪几个月的？", "为本季度三个月的保洁费用，保洁协议可到村委会查阅。"),
    ("上级拨的运转经费都用在哪里了？", "主要用于办公、水电和村干部补贴，详见管理费用各项明细。"),
    (
        "大额支出有没有经过村民代表会议？",
        "均已按“四议两公开”程序经村民代表会议通过，会议记录存档备查。",
    ),
    ("耕地发包价格是怎么定的？", "通过乡镇农村产权交易平台公开竞价确定。"),
)


# ------------------------------------------------------------------ the plan of one village


@dataclass
class _Plan:
    """The rows of one village, built in memory; foreign keys to users are ids."""

    verification: _Row
    balances: list[_Row] = field(default_factory=list)
    assets: list[_Row] = field(default_factory=list)
    movements: list[_Row] = field(default_factory=list)
    resources: list[_Row] = field(default_factory=list)
    contracts: list[_Row] = field(default_factory=list)
    vouchers: list[_Row] = field(default_factory=list)
    lines: list[_Row] = field(default_factory=list)
    payments: list[_Row] = field(default_factory=list)
    # 四议两公开 (ledgers.demo_decisions): decisions, their steps, and the results made public
    # once the vouchers citing them are posted (decision, date).
    decisions: list[_Row] = field(default_factory=list)
    steps: list[_Row] = field(default_factory=list)
    results: list[tuple[_Row, dt.date]] = field(default_factory=list)
    # 联签 and 财务报审会 (ledgers.demo_signing): the signing days, the quarters' meetings.
    signings: list[dt.date] = field(default_factory=list)
    reviews: list[tuple[int, int, dt.date]] = field(default_factory=list)


def _yuan(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _plan_village(
    *,
    seed: int,
    village: Village,
    on: dt.date,
    accounts: dict[str, int],
    maker: int,
    approver: int,
    light: bool = False,
    account_names: dict[str, str] | None = None,
) -> _Plan:
    """Every row of one village's books, from a generator seeded with the seed and its code
    (and the accounts' names, read from the chart when not given)."""
    if account_names is None:
        account_names = official_account_names()
    rng = random.Random(f"ledgers:{seed}:{village.code}")
    code = village.code
    year = on.year
    as_of = dt.date(year - 1, 12, 31)
    last_day = on - dt.timedelta(days=1)  # vouchers up to yesterday: all of them posted by today
    scale = min(max(village.collective_income or Decimal(0), Decimal(30_000)), Decimal(500_000))
    common = {"area_code": code}

    # Assets held at the verification date: their cost is the opening balance of 151.
    assets = [
        (
            "村委会办公楼",
            AssetCategory.BUILDING,
            1,
            "栋",
            (300_000, 900_000),
            FundingSource.COLLECTIVE,
        ),
        (
            "农田机井",
            AssetCategory.WATER,
            rng.randint(3, 8),
            "眼",
            (30_000, 90_000),
            FundingSource.GRANT,
        ),
        ("村内主干道", AssetCategory.ROAD, 1, "条", (200_000, 1_200_000), FundingSource.ONE_MATTER),
        ("拖拉机", AssetCategory.MACHINERY, 1, "台", (60_000, 150_000), FundingSource.COLLECTIVE),
    ]
    plan = _Plan(
        verification=_Row(
            village_id=village.pk,
            as_of=as_of,
            state=VerificationState.DRAFT,
            notes="经村民代表会议审议、乡镇农村经济管理站审核确认的清产核资结果。",
            prepared_by_id=maker,
            confirmed_by_id=approver,
            confirmed_at=None,
            **common,
        )
    )
    fixed = Decimal(0)
    for name, category, quantity, unit, (low, high), source in assets:
        value = _yuan(rng.randrange(low, high, 1000))
        acquired = dt.date(rng.randint(2008, year - 2), rng.randint(1, 12), rng.randint(1, 28))
        leased = category == AssetCategory.MACHINERY and rng.random() < 0.3
        status = AssetStatus.LEASED if leased else AssetStatus.IN_USE
        asset = _Row(
            village_id=village.pk,
            category=category,
            name=name,
            quantity=Decimal(quantity),
            unit=unit,
            original_value=value,
            acquired_on=acquired,
            funding_source=source,
            location=f"{village.name}村委会"
            if category == AssetCategory.BUILDING
            else village.name,
            custodian=_person(rng),
            status=AssetStatus.IN_USE,
            **common,
        )
        plan.assets.append(asset)
        plan.movements.append(
            _Row(
                asset_id=asset,
                kind=AssetMovementKind.ACQUISITION,
                date=acquired,
                counterparty="县农机公司" if category == AssetCategory.MACHINERY else "施工单位",
                amount=value,
                status_after=AssetStatus.IN_USE,
                notes="清产核资登记",
                recorded_by_id=maker,
                **common,
            )
        )
        if leased:
            asset.status = status
            plan.movements.append(
                _Row(
                    asset_id=asset,
                    kind=AssetMovementKind.LEASE,
                    date=acquired + dt.timedelta(days=rng.randint(30, 400)),
                    counterparty=f"{_person(rng)}（农机手）",
                    amount=_yuan(rng.randrange(3000, 8000, 500)),
                    status_after=AssetStatus.LEASED,
                    notes="租赁经营",
                    recorded_by_id=maker,
                    **common,
                )
            )
        fixed += value

    # Opening balances: assets on the debit side, capital takes what the others leave.
    cash = _yuan(rng.randrange(2000, 15000, 10))
    bank = _yuan(rng.randrange(80_000, 600_000, 10) + scale / 2)
    depreciation = _yuan(fixed * Decimal(rng.randint(20, 45)) / 100)
    payables = _yuan(bank * Decimal(rng.randint(3, 20)) / 100)
    welfare_fund = _yuan((cash + bank) * Decimal(rng.randint(5, 15)) / 100)
    capital = cash + bank + fixed - depreciation - payables - welfare_fund
    for account_code, debit, credit in (
        ("101", cash, 0),
        ("102", bank, 0),
        ("151", fixed, 0),
        ("152", 0, depreciation),
        ("211", 0, payables),
        ("301", 0, capital),
        ("311", 0, welfare_fund),
    ):
        plan.balances.append(
            _Row(
                verification_id=plan.verification,
                account_id=accounts[account_code],
                debit=_yuan(debit),
                credit=_yuan(credit),
                **common,
            )
        )

    # This year's events: (date, summary, [(code, debit, credit, counterparty)], payment).
    events: list[tuple] = []

    def event(day, summary, debit_code, credit_code, amount, counterparty="", payment=None):
        if as_of < day <= last_day:
            amount = _yuan(amount)
            events.append(
                (
                    day,
                    summary,
                    [(debit_code, amount, 0, counterparty), (credit_code, 0, amount, counterparty)],
                    payment,
                )
            )

    def day_in(month: int, first: int = 1, last: int = 28) -> dt.date:
        return dt.date(year, month, rng.randint(first, last))

    # Resources, contracted out; their fees are this year's contract income (经营收入 501).
    kinds = [
        (LandKind.IRRIGATED, "耕地", (50, 300), (600, 1000)),
        (LandKind.ARBOR, "林地", (20, 80), (100, 300)),
        (LandKind.POND, "坑塘", (5, 30), (500, 1200)),
    ]
    if rng.random() < 0.5:
        kinds.append((LandKind.DRY, "耕地", (20, 120), (500, 800)))
    for number, (kind, label, (low, high), (fee_low, fee_high)) in enumerate(kinds, start=1):
        area = _yuan(Decimal(rng.randint(low * 10, high * 10)) / 10)
        resource = _Row(
            village_id=village.pk,
            land_kind=kind,
            name=f"{village.name}{label}{number}号地块",
            area_mu=area,
            location=f"村{rng.choice('东南西北')}{rng.randint(1, 3)}里",
            east=rng.choice(BORDERS),
            south=rng.choice(BORDERS),
            west=f"{_person(rng)}承包地",
            north=rng.choice(BORDERS),
            status=ResourceStatus.CONTRACTED,
            **common,
        )
        plan.resources.append(resource)
        start = dt.date(rng.randint(year - 6, year - 1), rng.choice((1, 3, 10)), 1)
        years = rng.choice((5, 8, 10, 15))
        end = dt.date(start.year + years, start.month, 1) - dt.timedelta(days=1)
        if end <= on:
            end = dt.date(year + rng.randint(2, 6), 12, 31)
        fee = _yuan(area * rng.randint(fee_low, fee_high))
        schedule = PaymentSchedule.HALF_YEARLY if fee > 50_000 else PaymentSchedule.ANNUAL
        party = rng.choice(
            (f"{_person(rng)}", f"{village.name}{rng.choice(('农机', '种植', '渔业'))}专业合作社")
        )
        contract = _Row(
            resource_id=resource,
            party=party,
            start_date=start,
            end_date=end,
            annual_fee=fee,
            schedule=schedule,
            terminated_on=None,
            notes="经村民代表会议通过，在乡镇农村产权交易平台公开发包。",
            **common,
        )
        plan.contracts.append(contract)
        dues = [(day_in(1, 5, 25), fee)]
        if schedule == PaymentSchedule.HALF_YEARLY:
            half = _yuan(fee / 2)
            dues = [(day_in(1, 5, 25), half), (day_in(7, 1, 20), fee - half)]
        for due, amount in dues:
            payment = _Row(
                contract_id=contract,
                received_on=due,
                amount=amount,
                notes="",
                recorded_by_id=maker,
                **common,
            )
            event(due, f"收到{party}{label}承包费", "102", "501", amount, party, payment)

    # Subsidies (补助收入 503): the county's operating funds every quarter, one award.
    for quarter in range(4):
        amount = rng.randrange(15_000, 30_000, 100)
        event(
            day_in(3 * quarter + 1, 10, 25),
            "收到县财政拨付村级组织运转经费",
            "102",
            "503",
            amount,
            "县财政局",
        )
    if rng.random() < 0.6:
        event(
            day_in(rng.randint(4, 10)),
            "收到美丽乡村建设奖补资金",
            "102",
            "503",
            rng.randrange(20_000, 80_000, 1000),
            "县农业农村局",
        )
    # Bank interest (其他收入 504) on the 21st of the last month of each quarter.
    for month in (3, 6, 9, 12):
        interest = _yuan(Decimal(rng.randint(8_000, 60_000)) / 100)
        event(dt.date(year, month, 21), "银行存款结息", "102", "504", interest, "农村商业银行")
    # Management expenses (管理费用 513): cadres' allowances, office costs, power, repairs.
    cadres_pay = rng.randrange(6_000, 12_000, 100)
    for month in range(1, 13):
        event(
            day_in(month, 5, 15),
            f"发放村干部{month}月份误工补贴",
            "513",
            "102",
            cadres_pay,
            "村两委成员",
        )
        if month % 2 == 0:
            event(
                day_in(month, 16, 28),
                f"支付村委会{month - 1}—{month}月电费",
                "513",
                "102",
                rng.randrange(400, 2500, 10),
                "国网供电所",
            )
        if month % 3 == 1:
            event(day_in(month, 2, 8), "提取备用金", "101", "102", 5000, "")
        if month % 2 == 1:
            event(
                day_in(month, 10, 25),
                "购买办公用品",
                "513",
                "101",
                rng.randrange(200, 1500, 10),
                "文具店",
            )
    event(
        day_in(rng.randint(3, 9)),
        "维修村委会办公楼屋顶",
        "513",
        "102",
        rng.randrange(3_000, 20_000, 100),
        "建筑队",
    )
    # Public welfare spending (公益支出 514).
    welfare = [
        ("村内道路清扫保洁费", (3_000, 9_000)),
        ("维修太阳能路灯", (1_000, 6_000)),
        ("农村人居环境整治清运垃圾", (2_000, 12_000)),
        ("机井维修及更换水泵", (2_000, 8_000)),
        ("慰问困难群众", (2_000, 10_000)),
    ]
    for summary, (low, high) in welfare:
        event(day_in(rng.randint(2, 11)), summary, "514", "102", rng.randrange(low, high, 100), "")
    event(day_in(rng.randint(2, 6)), "支付上年欠付工程款", "211", "102", payables, "施工单位")
    # About half the villages buy solar street lamps this year: a new asset and its movement.
    # (and every village that falls behind: its decision's result is the one left unpublished)
    if rng.random() < 0.5 or troubled(village.code, seed):
        bought = day_in(rng.randint(4, 10))
        lamps = rng.randrange(20, 60, 5)
        value = _yuan(lamps * rng.randint(1200, 1800))
        if bought <= last_day:
            asset = _Row(
                village_id=village.pk,
                category=AssetCategory.PUBLIC,
                name="太阳能路灯",
                quantity=Decimal(lamps),
                unit="盏",
                original_value=value,
                acquired_on=bought,
                funding_source=FundingSource.COLLECTIVE,
                location=f"{village.name}主要街道",
                custodian=_person(rng),
                status=AssetStatus.IN_USE,
                **common,
            )
            plan.assets.append(asset)
            plan.movements.append(
                _Row(
                    asset_id=asset,
                    kind=AssetMovementKind.ACQUISITION,
                    date=bought,
                    counterparty="县照明工程公司",
                    amount=value,
                    status_after=AssetStatus.IN_USE,
                    notes="经村民代表会议通过购置",
                    recorded_by_id=maker,
                    **common,
                )
            )
            event(bought, f"购置太阳能路灯{lamps}盏", "151", "102", value, "县照明工程公司")

    if light and len(events) > LIGHT_VOUCHERS:
        # Large runs: the fee receipts (their payments point to vouchers) and a few others;
        # a payment whose receipt is left out is left out with it (see below).
        paid = [e for e in events if e[3] is not None][:LIGHT_VOUCHERS]
        others = [e for e in events if e[3] is None]
        events = paid + rng.sample(others, LIGHT_VOUCHERS - len(paid))
    events.sort(key=lambda e: (e[0], e[1]))

    # Vouchers in date order, numbered and chained as voucher_post does; written as drafts
    # carrying their chain fields, then posted in chain order (`post_prepared`).
    previous, posted_at = GENESIS, _at(dt.date(year, 1, 3), 9)
    plan.verification.confirmed_at = posted_at - dt.timedelta(hours=1)
    cap = _at(on, 0) - dt.timedelta(minutes=1)
    for number, (day, summary, entries, payment) in enumerate(events, start=1):
        wanted = _at(day + dt.timedelta(days=rng.randint(0, 6)), 16, rng.randint(0, 59))
        posted_at = max(min(wanted, cap), posted_at + dt.timedelta(seconds=1))
        voucher = Voucher(
            area_code=code,
            year=year,
            number=number,
            date=day,
            summary=summary,
            attachments=rng.randint(1, 4),
            reverses_id=None,
            made_by_id=maker,
            approved_by_id=approver,
            posted_at=posted_at,
            chain_seq=number,
            prev_hash=previous,
        )
        lines = [
            _Row(
                voucher_id=None,
                position=position,
                account_id=accounts[account_code],
                account_code=account_code,
                account_name=account_names[account_code],
                debit=_yuan(debit),
                credit=_yuan(credit),
                counterparty=counterparty,
                date=day,
                posted=False,
                **common,
            )
            for position, (account_code, debit, credit, counterparty) in enumerate(entries, 1)
        ]
        voucher.hash = chain_hash(voucher, lines, None)
        row = _Row(
            village_id=village.pk,
            year=year,
            number=number,
            date=day,
            summary=summary,
            attachments=voucher.attachments,
            state=VoucherState.DRAFT,
            reverses_id=None,
            made_by_id=maker,
            approved_by_id=approver,
            posted_at=posted_at,
            chain_seq=number,
            prev_hash=previous,
            hash=voucher.hash,
            chain_version=CHAIN_VERSION,
            created_at=_at(day, 10),
            **common,
        )
        for line in lines:
            line.voucher_id = row
        plan.vouchers.append(row)
        plan.lines.extend(lines)
        if payment is not None:
            payment.voucher_id = row
            plan.payments.append(payment)
        previous = voucher.hash
    return plan


# ------------------------------------------------------------------ the accounts


@dataclass
class _People:
    """Who makes and who approves each village's vouchers."""

    clerks: dict[int, int]  # village id → clerk's user id
    township_staff: dict[str, int]  # township code → user id
    county_staff: dict[str, int]  # county code → user id
    persona: int | None  # the demo's township staff persona
    admin: int | None

    def maker_and_approver(self, village: Village) -> tuple[int, int]:
        maker = self.clerks.get(village.pk) or self.persona or self.admin
        approver = self.township_staff.get(village.code[:9])
        if approver is None or approver == maker:
            approver = self.county_staff.get(village.code[:6]) or self.admin
        if maker is None or approver is None or maker == approver:
            raise ValueError("no accounts to make and approve the demo vouchers")
        return maker, approver


def _people() -> _People:
    User = get_user_model()
    clerks, township_staff, county_staff = {}, {}, {}
    for kind, village_id, area_code, user_id in (
        StaffRole.objects.filter(
            kind__in=[RoleKind.VILLAGE_CLERK, RoleKind.TOWNSHIP_STAFF, RoleKind.COUNTY_SUPERVISOR]
        )
        .order_by("-pk")
        .values_list("kind", "village_id", "area_code", "user_id")
    ):
        # Descending ids: the first role of each place wins.
        if kind == RoleKind.VILLAGE_CLERK:
            clerks[village_id] = user_id
        elif kind == RoleKind.TOWNSHIP_STAFF:
            township_staff[area_code] = user_id
        else:
            county_staff[area_code] = user_id
    persona = User.objects.filter(username="township").values_list("pk", flat=True).first() or next(
        iter(sorted(township_staff.values())), None
    )
    admin = (
        User.objects.filter(is_superuser=True).order_by("pk").values_list("pk", flat=True).first()
    )
    return _People(clerks, township_staff, county_staff, persona, admin)


# ------------------------------------------------------------------ writing


@dataclass(frozen=True)
class LedgerDemoResult:
    """What `build_ledger_demo` created, and how long it took."""

    villages: int = 0
    vouchers: int = 0
    assets: int = 0
    resources: int = 0
    contracts: int = 0
    disclosures: int = 0
    questions: int = 0
    handovers: int = 0
    audits: int = 0
    light: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for seed_demo's output."""
        text = _(
            "Ledgers loaded in %(seconds).1f s: %(villages)d villages' books with %(vouchers)d "
            "posted vouchers, %(assets)d assets, %(resources)d resources under %(contracts)d "
            "contracts, %(disclosures)d published statements with %(questions)d questions, "
            "%(handovers)d signed handovers and %(audits)d audits (first county)."
        ) % {
            "seconds": self.seconds,
            "villages": self.villages,
            "vouchers": self.vouchers,
            "assets": self.assets,
            "resources": self.resources,
            "contracts": self.contracts,
            "disclosures": self.disclosures,
            "questions": self.questions,
            "handovers": self.handovers,
            "audits": self.audits,
        }
        if self.light:
            text += " " + _(
                "(A large run: about %(n)d vouchers per village; outside the first county, "
                "the last quarter's statement only.)"
            ) % {"n": LIGHT_VOUCHERS}
        return text


def official_account_names() -> dict[str, str]:
    """The names of the official chart's accounts the demo posts to, by code: a posted line
    keeps its account's name."""
    return dict(Account.objects.filter(area_code="", code__in=CODES).values_list("code", "name"))


def official_accounts() -> dict[str, int]:
    """The ids of the official chart's accounts the demo posts to, by code."""
    accounts = dict(Account.objects.filter(area_code="").values_list("code", "pk"))
    missing = [c for c in CODES if c not in accounts]
    if missing:
        raise ValueError(f"the official chart lacks accounts {missing} (migration ledgers 0003)")
    return accounts


@transaction.atomic
def build_ledger_demo(
    *, seed: int, villages: QuerySet[Village] | None = None, on: dt.date | None = None
) -> LedgerDemoResult:
    """Give every village without a verification its books, registers and statements."""
    started = time.perf_counter()
    on = on or local_today()
    villages = Village.objects.all() if villages is None else villages
    todo = list(
        villages.filter(verification__isnull=True)
        .order_by("code")
        .only("pk", "code", "name", "collective_income")
    )
    # Large runs are light except in the first county, the one a reader opens.
    light_run = len(todo) > LIGHT_ABOVE
    first = first_county(v.code for v in todo)
    accounts = official_accounts()
    account_names = official_account_names()
    people = _people() if todo else None
    totals: dict[str, int] = defaultdict(int)
    with connection.cursor() as cursor:
        # See cadres.demo: spares pgtrigger an exception per trigger call; all triggers still run.
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    with pghistory.context(source="seed_demo", seed=seed):
        for start in range(0, len(todo), 200):
            batch = todo[start : start + 200]
            plans = []
            for village in batch:
                maker, approver = people.maker_and_approver(village)
                light = light_run and village.code[:6] != first
                plan = _plan_village(
                    seed=seed,
                    village=village,
                    on=on,
                    accounts=accounts,
                    maker=maker,
                    approver=approver,
                    light=light,
                    account_names=account_names,
                )
                if not light and village.code[:6] == first:
                    plan_decisions(seed=seed, village=village, plan=plan, maker=maker, on=on)
                    plan_signings(seed=seed, village=village, plan=plan, on=on)
                plans.append((village, plan, approver, light))
            _write([p for _v, p, _a, _l in plans], [v for v, _p, _a, _l in plans], seed)
            for village, plan, approver, light in plans:
                # A statement costs about ten queries: outside the first county, large runs
                # publish the last quarter's only (the one the warning rule looks for), and a
                # village that falls behind leaves it unpublished.
                if light and troubled(village.code, seed):
                    disclosures, questions = 0, 0
                else:
                    disclosures, questions = _statements(seed, village, on, approver, light=light)
                totals["disclosures"] += disclosures
                totals["questions"] += questions
                totals["vouchers"] += len(plan.vouchers)
                totals["assets"] += len(plan.assets)
                totals["resources"] += len(plan.resources)
                totals["contracts"] += len(plan.contracts)
            totals["villages"] += len(batch)
        if todo:
            # Handovers and audits in the first county only, to stay fast on large runs.
            in_first = [v for v in todo if v.code[:6] == first]
            totals["handovers"] = _handovers(seed, in_first, on, people)
            totals["audits"] = _audits(seed, in_first, on)
            if in_first:
                # The county's 四议两公开 rule, in force from now on: the books above were
                # posted before it (the gaps a county finds when it starts to enforce).
                # The county signs on the 21st (联签); posting does not wait for it yet.
                DecisionPolicy.objects.get_or_create(
                    area_code=first, defaults={"signing_day": SIGNING_DAY}
                )
    return LedgerDemoResult(**totals, light=light_run, seconds=time.perf_counter() - started)


def _write(plans: list[_Plan], villages: list[Village], seed: int) -> None:
    """Insert the villages' rows, parents first; the verifications are confirmed after their
    balances, because the database refuses balances of a confirmed verification, and the
    vouchers are signed (联签) while still drafts."""
    verifications = [p.verification for p in plans]
    _insert(Verification, verifications)
    _insert(OpeningBalance, [b for p in plans for b in p.balances])
    Verification.objects.filter(pk__in=[v.id for v in verifications]).update(
        state=VerificationState.CONFIRMED
    )
    _insert(Asset, [a for p in plans for a in p.assets])
    _insert(AssetMovement, [m for p in plans for m in p.movements])
    _insert(Resource, [r for p in plans for r in p.resources])
    _insert(ResourceContract, [c for p in plans for c in p.contracts])
    _insert(Decision, [d for p in plans for d in p.decisions])
    # Step by step: the database checks each step follows a passed one.
    for kind in DecisionStepKind:
        _insert(DecisionStep, [x for p in plans for x in p.steps if x.kind == kind])
    _insert(Voucher, [v for p in plans for v in p.vouchers])
    _insert(VoucherLine, [x for p in plans for x in p.lines])
    write_signings(list(zip(villages, plans, strict=True)), seed)
    post_prepared([v.id for p in plans for v in p.vouchers])
    for decision, day in (r for p in plans for r in p.results):
        Decision.objects.filter(pk=decision.id).update(
            state=DecisionState.DONE,
            result_published_on=day,
            result_text="路灯已安装验收，实际支出与决议预算相符，张榜公布。",
        )
    _insert(ContractPayment, [x for p in plans for x in p.payments])


def post_prepared(voucher_ids: list[int]) -> None:
    """Post drafts written with their chain fields already set (chain position, hashes,
    approver, posting time), as the database allows posting: lines first, then each voucher
    in chain order, one statement each (sent in pages, run in order), so the database's guard
    checks every link as it does for `voucher_post`."""
    if not voucher_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledgers_voucherline SET posted = true WHERE voucher_id = ANY(%s)",
            [voucher_ids],
        )
        cursor.execute(
            "SELECT id FROM ledgers_voucher WHERE id = ANY(%s) ORDER BY village_id, chain_seq",
            [voucher_ids],
        )
        ordered = [(pk,) for (pk,) in cursor.fetchall()]
        execute_batch(
            cursor.cursor,
            "UPDATE ledgers_voucher SET state = 'posted' WHERE id = %s",
            ordered,
            page_size=500,
        )


def _statements(
    seed: int, village: Village, on: dt.date, approver: int, light: bool = False
) -> tuple[int, int]:
    """Publish the statement of each quarter of this year that is over, with a few questions
    (large runs: the last one only, as each statement takes ten queries)."""
    rng = random.Random(f"ledgers-disclosure:{seed}:{village.code}")
    rows, questions = [], []
    over = [q for q in range(1, 5) if period_bounds(DisclosureKind.QUARTER, on.year, q)[1] < on]
    # A statement covers closed months only: the township closed each month of the quarters
    # that are over, a few days after the quarter's end.
    _insert(
        ClosedPeriod,
        [
            _Row(
                village_id=village.pk,
                year=on.year,
                month=month,
                closed_by_id=approver,
                closed_at=min(
                    _at(period_bounds(DisclosureKind.QUARTER, on.year, q)[1], 17)
                    + dt.timedelta(days=1),
                    _at(on, 0),
                ),
                area_code=village.code,
            )
            for q in over
            for month in range(3 * q - 2, 3 * q + 1)
        ],
    )
    for quarter in over[-1:] if light else over:
        end = period_bounds(DisclosureKind.QUARTER, on.year, quarter)[1]
        generated = _at(end + dt.timedelta(days=rng.randint(1, 3)), 9)
        content = statement_content(
            village, DisclosureKind.QUARTER, on.year, quarter, as_of=generated
        )
        published = min(generated + dt.timedelta(days=rng.randint(2, 6)), _at(on, 0))
        row = _Row(
            village_id=village.pk,
            kind=DisclosureKind.QUARTER,
            year=on.year,
            number=quarter,
            start=dt.date(on.year, 3 * quarter - 2, 1),
            end=end,
            state=DisclosureState.PUBLISHED,
            content=content,
            # As disclosure_publish takes it.
            sha256=hashlib.sha256(canonical_statement(content)).hexdigest(),
            generated_at=generated,
            approved_by_id=approver,
            approved_at=published - dt.timedelta(hours=2),
            published_at=published,
            area_code=village.code,
        )
        rows.append(row)
        for question, answer in rng.sample(QUESTIONS, rng.randint(1, 2)):
            asked = published + dt.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
            answered = rng.random() < 0.6 and asked + dt.timedelta(days=3) < _at(on, 0)
            questions.append(
                _Row(
                    disclosure_id=row,
                    asked_at=asked,
                    name=_person(rng) if rng.random() < 0.5 else "",
                    phone="",
                    question=question,
                    answer=answer if answered else "",
                    answered_by_id=approver if answered else None,
                    answered_at=asked + dt.timedelta(days=rng.randint(1, 3)) if answered else None,
                    # _insert takes a field's default once per table: each its own receipt
                    receipt=new_receipt(),
                    area_code=village.code,
                )
            )
    _insert(Disclosure, rows)
    _insert(DisclosureQuestion, questions)
    return len(rows), len(questions)


# ------------------------------------------------------------------ handovers and audits

HANDOVER_DOCUMENTS = (
    "总账、明细账、现金日记账、银行存款日记账各1本",
    "{year}年1月至今会计凭证{vouchers}份（装订成册）",
    "固定资产登记簿、资源登记簿各1本",
    "资源发包合同{contracts}份",
    "村集体经济组织公章、财务专用章各1枚",
    "银行账户网银U盾1个、预留印鉴卡1张",
)
AUDITOR = "县农业农村局经管站"
FINDINGS = (
    (
        FindingCategory.MISSING_VOUCHERS,
        "部分支出凭证后附原始票据不全，{n}笔办公用品支出仅有收据无发票。",
        (300, 3_000),
    ),
    (
        FindingCategory.IRREGULAR_SPENDING,
        "慰问支出未经村民代表会议审议，超出村级非生产性开支标准。",
        (1_000, 8_000),
    ),
    (
        FindingCategory.ARREARS,
        "{n}户资源承包费逾期未缴，合同约定的违约金未收取。",
        (2_000, 20_000),
    ),
    (
        FindingCategory.CONTRACT,
        "坑塘承包合同期满后未公开发包，由原承包人继续经营。",
        (1_000, 10_000),
    ),
    (
        FindingCategory.ASSET_LOSS,
        "固定资产登记簿与实物不符，{n}眼机井已报废未办理核销。",
        (5_000, 30_000),
    ),
)


def _handovers(seed: int, villages: list[Village], on: dt.date, people: _People) -> int:
    """A signed handover of each ended secretary's or chair's post of the villages, the books
    frozen as `handover_start` freezes them and counted equal to them; inserted signed (the
    database refuses changes of a signed handover, not its insertion)."""
    by_pk = {v.pk: v for v in villages}
    ended = list(
        Post.objects.filter(
            village_id__in=by_pk,
            kind__in=CERTIFIED_POSTS,
            end_date__isnull=False,
            end_date__lt=on,
            handover__isnull=True,
        ).order_by("area_code", "end_date", "pk")
    )
    if not ended:
        return 0
    # The successor: the first post of the same seat started on or after the end.
    successors = {}
    for post in Post.objects.filter(
        village_id__in={p.village_id for p in ended}, kind__in=CERTIFIED_POSTS
    ).order_by("-start_date", "-pk"):
        for old in ended:
            if (
                post.village_id == old.village_id
                and post.kind == old.kind
                and post.start_date >= old.end_date
            ):
                successors[old.pk] = post  # descending: the earliest wins
    User = get_user_model()
    persona = User.objects.filter(pk=people.persona).first() if people.persona else None
    rows = []
    for post in ended:
        village = by_pk[post.village_id]
        rng = random.Random(f"ledgers-handover:{seed}:{post.area_code}:{post.kind}")
        as_of = post.end_date
        snapshot = handover_book_snapshot(village, as_of)
        incoming = successors.get(post.pk)
        # Signed once the successor is in office, and before today; always after the end.
        first = max(as_of, incoming.start_date if incoming else as_of) + dt.timedelta(days=1)
        last = max(on - dt.timedelta(days=1), first)

        def sign(after: dt.date, most: int, first=first, last=last, rng=rng) -> dt.date:
            return min(max(after + dt.timedelta(days=rng.randint(0, most)), first), last)

        outgoing_on = sign(first, 4)
        incoming_on = sign(outgoing_on, 2)
        supervisor_on = sign(incoming_on, 3)
        staff = (
            persona or User.objects.filter(pk=people.township_staff.get(post.area_code[:9])).first()
        )
        vouchers = Voucher.objects.filter(area_code=post.area_code, date__lte=as_of).count()
        contracts = ResourceContract.objects.filter(area_code=post.area_code).count()
        documents = "\n".join(HANDOVER_DOCUMENTS).format(
            year=as_of.year, vouchers=vouchers, contracts=contracts
        )
        rows.append(
            _Row(
                village_id=village.pk,
                ended_post_id=post.pk,
                incoming_id=incoming.cadre_id if incoming else None,
                as_of=as_of,
                state=HandoverState.SIGNED,
                book_balances=snapshot,
                cash_counted=book_amount(snapshot, "101"),
                bank_counted=book_amount(snapshot, "102"),
                differences="",
                documents=documents,
                outgoing_signed_on=outgoing_on,
                incoming_signed_on=incoming_on if incoming else None,
                supervisor=person_name(staff) if staff else "乡镇农村经济管理站",
                supervisor_signed_on=supervisor_on,
                area_code=post.area_code,
            )
        )
    # Without a successor (none in the demo) the handover stays unsigned by the incoming side.
    for row in rows:
        if row.incoming_signed_on is None:
            row.state = HandoverState.DRAFT
    _insert(Handover, rows)
    return len(rows)


def _audits(seed: int, villages: list[Village], on: dt.date) -> int:
    """One periodic audit of last year per village, reported this spring, with 0–2 findings:
    some resolved, some being rectified, some open."""
    year = on.year - 1
    audits, findings = [], []
    for village in villages:
        rng = random.Random(f"ledgers-audit:{seed}:{village.code}")
        report = min(
            dt.date(year + 1, rng.randint(3, 5), rng.randint(1, 28)), on - dt.timedelta(days=1)
        )
        chosen = rng.sample(FINDINGS, rng.choice((0, 1, 1, 2)))
        if chosen:
            conclusion = (
                f"{year}年度村级财务收支基本真实，会计核算基本规范；审计发现问题{len(chosen)}项，"
                "已下达整改通知，责成村“两委”限期整改并报乡镇农村经济管理站备案。"
            )
        else:
            conclusion = (
                f"{year}年度村级财务收支真实、合法，会计核算规范，账账、账实相符，未发现违规问题。"
            )
        audit = _Row(
            village_id=village.pk,
            kind=AuditKind.PERIODIC,
            leaving_post_id=None,
            auditor=AUDITOR,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            report_date=report,
            conclusion=conclusion,
            area_code=village.code,
        )
        audits.append(audit)
        for category, text, (low, high) in chosen:
            status = rng.choice(
                (FindingStatus.RESOLVED, FindingStatus.RESOLVED, FindingStatus.RECTIFYING)
                + (FindingStatus.OPEN,)
            )
            resolved_on = None
            if status == FindingStatus.RESOLVED:
                resolved_on = report + dt.timedelta(days=rng.randint(15, 90))
                if resolved_on >= on:
                    status, resolved_on = FindingStatus.RECTIFYING, None
            findings.append(
                _Row(
                    audit_id=audit,
                    category=category,
                    description=text.format(n=rng.randint(2, 5)),
                    amount=_yuan(rng.randrange(low, high, 10)),
                    status=status,
                    resolved_on=resolved_on,
                    notes={
                        FindingStatus.RESOLVED: "已整改到位，整改报告及佐证材料已报乡镇备案。",
                        FindingStatus.RECTIFYING: "正在整改，已制定整改方案并明确责任人。",
                        FindingStatus.OPEN: "",
                    }[status],
                    area_code=village.code,
                )
            )
    _insert(AuditRecord, audits)
    _insert(AuditFinding, findings)
    return len(audits)
