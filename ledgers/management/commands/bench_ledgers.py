"""`manage.py bench_ledgers [--lines 100000] [--keep] [--explain]`: time the ledger's two heavy
reads on a throwaway village.

Builds, in a village whose codes cannot collide with real ones (county 999999, township
999999999, village 999999999999), a confirmed verification and `--lines` posted voucher lines
(two per voucher, the last of an odd count three: exactly `--lines` lines) with a correct hash
chain, inserted in bulk as drafts and posted as the database allows (`ledgers.demo.post_prepared`);
then measures `selectors.account_balances` (median of 5 runs; goal ≤ 50 ms), its heavy query
(`selectors.balance_sums`, median of 5) and `selectors.verify_chain` (goal ≤ 2 s), and deletes
everything it built unless `--keep`. `--explain` prints EXPLAIN ANALYZE of the very SQL the
heavy query's timing ran (one SQL string for both). Not a test: a measurement.
"""

import datetime as dt
import statistics
import time
from decimal import Decimal

import pgtrigger
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from ledgers import selectors
from ledgers.chain import CHAIN_VERSION, GENESIS, chain_hash
from ledgers.choices import VerificationState, VoucherState
from ledgers.demo import post_prepared
from ledgers.models import (
    Account,
    OpeningBalance,
    Verification,
    Voucher,
    VoucherLine,
)
from villages.choices import RegionLevel
from villages.models import Region, Village

PROVINCE, CITY = "99", "9999"  # no real province: the chain a county needs above it
COUNTY, TOWNSHIP, VILLAGE = "999999", "999999999", "999999999999"
USERNAMES = ("bench_ledgers", "bench_ledgers_approver")
AS_OF = dt.date(2019, 12, 31)
BATCH = 5000
BALANCE_GOAL_MS, CHAIN_GOAL_S = 50, 2
# The database refuses to delete posted or confirmed rows; the clean-up is the one exception:
# pgtrigger's triggers are ignored, the books' guards (migration ledgers 0009) disabled as the
# tables' owner can, inside the clean-up's transaction.
FINAL_TRIGGERS = (
    "ledgers.Verification:confirmed_verification_is_final",
    "ledgers.OpeningBalance:confirmed_opening_balances_are_final",
)
GUARDS = (
    ("ledgers_voucher", "ledgers_voucher_guard"),
    ("ledgers_voucherline", "ledgers_voucherline_guard"),
)
# pghistory's per-row change log triggers: the throwaway rows need no history, and logging
# 150,000 inserts and their posting would dominate the build.
HISTORY_TRIGGERS = (
    "ledgers.Voucher:insert_insert",
    "ledgers.VoucherLine:insert_insert",
    "ledgers.Voucher:update_update",
    "ledgers.VoucherLine:update_update",
)
# (code, name, class, side) of the official accounts the benchmark posts to.
ACCOUNTS = [
    ("101", "库存现金", "asset", "debit"),
    ("102", "银行存款", "asset", "debit"),
    ("301", "资本", "equity", "credit"),
    ("501", "经营收入", "income", "credit"),
    ("541", "管理费用", "income", "debit"),
]


class Command(BaseCommand):
    timed_sql = explained_sql = ""  # the heavy query as timed and as explained (the same)
    help = "Time account balances and chain verification on a throwaway village of N lines."

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, default=100_000, help="voucher lines in total")
        parser.add_argument("--keep", action="store_true", help="keep the throwaway village")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="print EXPLAIN ANALYZE of the timed balance sums query",
        )

    def handle(self, *args, lines, keep, explain, **options):
        if lines < 2:
            raise CommandError("--lines must be at least 2")
        self.cleanup()  # a previous --keep run
        village = self.build(lines)
        try:
            self.measure(village, explain)
        finally:
            if keep:
                self.stdout.write(f"kept village {VILLAGE}; run again without --keep to remove it")
            else:
                self.cleanup()
                self.stdout.write("throwaway data deleted")

    # ------------------------------------------------------------------ build

    @transaction.atomic
    def build(self, n_lines: int) -> Village:
        """A throwaway village with exactly `n_lines` posted voucher lines: two per voucher, the
        last voucher of an odd count with a third."""
        started = time.perf_counter()
        n_vouchers = n_lines // 2
        province, _ = Region.objects.get_or_create(
            code=PROVINCE, defaults={"name": "基准测试省", "level": RegionLevel.PROVINCE}
        )
        city, _ = Region.objects.get_or_create(
            code=CITY,
            defaults={"name": "基准测试市", "level": RegionLevel.CITY, "parent": province},
        )
        county, _ = Region.objects.get_or_create(
            code=COUNTY,
            defaults={"name": "基准测试县", "level": RegionLevel.COUNTY, "parent": city},
        )
        township, _ = Region.objects.get_or_create(
            code=TOWNSHIP,
            defaults={"name": "基准测试镇", "level": RegionLevel.TOWNSHIP, "parent": county},
        )
        village, _ = Village.objects.get_or_create(
            code=VILLAGE, defaults={"name": "基准测试村", "township": township}
        )
        # The maker and the approver of the vouchers: never the same person.
        users = []
        for username in USERNAMES:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"is_active": False}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            users.append(user)
        user, approver = users
        accounts = {}
        for code, name, klass, side in ACCOUNTS:
            accounts[code], _ = Account.objects.get_or_create(
                area_code="",
                code=code,
                defaults={
                    "name": name,
                    "account_class": klass,
                    "normal_side": side,
                    "is_official": True,
                },
            )
        verification = Verification.objects.create(
            village=village, as_of=AS_OF, prepared_by=user, area_code=VILLAGE
        )
        OpeningBalance.objects.bulk_create(
            [
                OpeningBalance(
                    verification=verification,
                    account=accounts[code],
                    debit=debit,
                    credit=credit,
                    area_code=VILLAGE,
                )
                for code, debit, credit in [
                    ("101", Decimal("10000"), 0),
                    ("102", Decimal("90000"), 0),
                    ("301", 0, Decimal("100000")),
                ]
            ]
        )
        Verification.objects.filter(pk=verification.pk).update(
            state=VerificationState.CONFIRMED, confirmed_by=user
        )
        pairs = [("101", "501"), ("541", "102"), ("102", "501"), ("541", "101")]
        posted_at = dt.datetime.now(dt.UTC)
        prev, numbers = GENESIS, {}
        with pgtrigger.ignore(*HISTORY_TRIGGERS):
            for start in range(0, n_vouchers, BATCH):
                vouchers, line_sets = [], []
                for i in range(start, min(start + BATCH, n_vouchers)):
                    # Spread over five years after the verification date, numbered per year.
                    date = AS_OF + dt.timedelta(days=1 + i * 1826 // n_vouchers)
                    numbers[date.year] = numbers.get(date.year, 0) + 1
                    debit_code, credit_code = pairs[i % len(pairs)]
                    amount = Decimal(10 + i % 997).quantize(Decimal("0.01"))
                    voucher = Voucher(
                        village=village,
                        year=date.year,
                        number=numbers[date.year],
                        date=date,
                        summary=f"基准凭证 {i + 1}",
                        state=VoucherState.DRAFT,
                        made_by=user,
                        approved_by=approver,
                        posted_at=posted_at,
                        chain_seq=i + 1,
                        prev_hash=prev,
                        chain_version=CHAIN_VERSION,
                        area_code=VILLAGE,
                    )
                    pair = [
                        VoucherLine(
                            position=1,
                            account=accounts[debit_code],
                            account_code=debit_code,
                            account_name=accounts[debit_code].name,
                            debit=amount,
                            credit=0,
                            counterparty="",
                            date=date,
                            posted=False,
                            area_code=VILLAGE,
                        ),
                        VoucherLine(
                            position=2,
                            account=accounts[credit_code],
                            account_code=credit_code,
                            account_name=accounts[credit_code].name,
                            debit=0,
                            credit=amount,
                            counterparty="",
                            date=date,
                            posted=False,
                            area_code=VILLAGE,
                        ),
                    ]
                    if i == n_vouchers - 1 and n_lines % 2:
                        # An odd count: the last voucher's credit split over a third line.
                        pair[1].credit = amount - 1
                        pair.append(
                            VoucherLine(
                                position=3,
                                account=accounts["501"],
                                account_code="501",
                                account_name=accounts["501"].name,
                                debit=0,
                                credit=Decimal("1.00"),
                                counterparty="",
                                date=date,
                                posted=False,
                                area_code=VILLAGE,
                            )
                        )
                    voucher.hash = prev = chain_hash(voucher, pair, None)
                    vouchers.append(voucher)
                    line_sets.append(pair)
                Voucher.objects.bulk_create(vouchers)
                for voucher, pair in zip(vouchers, line_sets, strict=True):
                    for line in pair:
                        line.voucher = voucher
                VoucherLine.objects.bulk_create([line for pair in line_sets for line in pair])
                post_prepared([v.pk for v in vouchers])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledgers_voucher; ANALYZE ledgers_voucherline")
        self.stdout.write(
            f"built {n_vouchers} posted vouchers, {n_lines} lines "
            f"in {time.perf_counter() - started:.1f} s"
        )
        return village

    # ------------------------------------------------------------------ measure

    def measure(self, village: Village, explain: bool) -> None:
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            balances = selectors.account_balances(village)
            runs.append((time.perf_counter() - t) * 1000)
        median = statistics.median(runs)
        self.report(
            f"account balances: median {median:.1f} ms of 5 runs "
            f"({', '.join(f'{r:.1f}' for r in runs)}); {len(balances)} accounts",
            median <= BALANCE_GOAL_MS,
            f"goal ≤ {BALANCE_GOAL_MS} ms",
        )
        t = time.perf_counter()
        report = selectors.verify_chain(village)
        seconds = time.perf_counter() - t
        self.report(
            f"chain verification: {seconds:.2f} s for {report.checked} vouchers, "
            f"{'intact' if report.intact else 'BROKEN: ' + report.reason}",
            seconds <= CHAIN_GOAL_S and report.intact,
            f"goal ≤ {CHAIN_GOAL_S} s",
        )
        # The heavy query alone: one SQL string, timed here and explained below.
        sql, params = selectors.balance_sums(village).query.sql_with_params()
        self.timed_sql = sql
        runs = []
        with connection.cursor() as cursor:
            for _ in range(5):
                t = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                runs.append((time.perf_counter() - t) * 1000)
        self.stdout.write(
            f"balance sums query: median {statistics.median(runs):.1f} ms of 5 runs "
            f"({', '.join(f'{r:.1f}' for r in runs)})"
        )
        if explain:
            self.explained_sql = sql
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            self.stdout.write(f"EXPLAIN ANALYZE of the timed query:\n{sql}\n{plan}")

    def report(self, text: str, ok: bool, goal: str) -> None:
        style = self.style.SUCCESS if ok else self.style.ERROR
        self.stdout.write(style(f"{text} — {goal}: {'met' if ok else 'MISSED'}"))

    # ------------------------------------------------------------------ clean up

    @transaction.atomic
    def cleanup(self) -> None:
        with pgtrigger.ignore(*FINAL_TRIGGERS), connection.cursor() as cursor:
            for table, trigger in GUARDS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            cursor.execute("DELETE FROM ledgers_voucherline WHERE area_code = %s", [VILLAGE])
            cursor.execute("DELETE FROM ledgers_voucher WHERE area_code = %s", [VILLAGE])
            cursor.execute("DELETE FROM ledgers_openingbalance WHERE area_code = %s", [VILLAGE])
            cursor.execute("DELETE FROM ledgers_verification WHERE area_code = %s", [VILLAGE])
            # The change log of the throwaway rows goes too (it is the bulk of the data).
            for name in ("VoucherLineEvent", "VoucherEvent", "OpeningBalanceEvent"):
                table = apps.get_model("ledgers", name)._meta.db_table
                cursor.execute(f"DELETE FROM {table} WHERE area_code = %s", [VILLAGE])
            # The deletes' deferred foreign-key checks run now: ALTER TABLE waits for none.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in GUARDS:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        Village.objects.filter(code=VILLAGE).delete()
        Region.objects.filter(code=TOWNSHIP).delete()
        Region.objects.filter(code=COUNTY).delete()
        # the upper levels only while nothing else hangs below them
        Region.objects.filter(code=CITY, children__isnull=True).delete()
        Region.objects.filter(code=PROVINCE, children__isnull=True).delete()
        get_user_model().objects.filter(username__in=USERNAMES).delete()
