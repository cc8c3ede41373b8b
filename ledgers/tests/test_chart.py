"""The official chart of accounts (财会〔2023〕14号) loaded by migration 0003 from
ledgers/data/chart_2023.json."""

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from ledgers.choices import AccountClass, NormalSide
from ledgers.models import Account

CHART = Path(__file__).resolve().parent.parent / "data" / "chart_2023.json"
DATA = json.loads(CHART.read_text(encoding="utf-8"))
migration = importlib.import_module("ledgers.migrations.0003_official_chart")

# The first digit of a first-level code is its class in this chart, as in 2004.
CLASS_DIGIT = {
    "1": AccountClass.ASSET,
    "2": AccountClass.LIABILITY,
    "3": AccountClass.EQUITY,
    "4": AccountClass.COST,
    "5": AccountClass.INCOME,
}
# Accounts of the 2004 chart that the 2023 chart dropped or renamed.
GONE_SINCE_2004 = [
    "应付福利费",
    "农业税附加返还收入",
    "发包及上交收入",
    "现金",
    "牲畜（禽）资产",
    "林木资产",
]


def official():
    return Account.objects.filter(area_code="", is_official=True)


def test_the_data_file_cites_its_source():
    source = DATA["source"]
    assert "财会〔2023〕14号" in source["title"]
    assert source["read_on"]
    assert source["codes_and_names_from"]["source"]
    assert source["confirmed_elsewhere"]
    # What remains to be confirmed is said, whenever some account still carries the flag.
    if any(row["to_be_confirmed"] for row in DATA["accounts"]):
        assert source["status"] and source["least_certain"]


def test_the_data_file_holds_the_42_first_level_accounts():
    rows = DATA["accounts"]
    assert len(rows) == 42
    assert len({row["code"] for row in rows}) == 42
    assert len({row["name"] for row in rows}) == 42
    for row in rows:
        assert set(row) <= {"code", "name", "class", "normal_side", "to_be_confirmed", "note"}
        assert row["class"] in AccountClass.values
        assert row["normal_side"] in NormalSide.values
        assert isinstance(row["to_be_confirmed"], bool)


@pytest.mark.django_db
def test_the_migration_loads_every_account_of_the_file():
    by_code = {a.code: a for a in official()}
    assert len(by_code) == len(DATA["accounts"]) == 42
    for row in DATA["accounts"]:
        account = by_code[row["code"]]
        assert (account.name, account.account_class, account.normal_side) == (
            row["name"],
            row["class"],
            row["normal_side"],
        )
        assert account.to_be_confirmed is row["to_be_confirmed"]
        assert account.is_active and account.parent_id is None


@pytest.mark.django_db
def test_codes_are_unique_and_first_level():
    codes = list(official().values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    for account in official():
        assert len(account.code) == 3 and account.code.isdigit()
        assert CLASS_DIGIT[account.code[0]] == account.account_class


@pytest.mark.django_db
def test_known_codes():
    names = dict(official().values_list("code", "name"))
    assert names["102"] == "银行存款"
    assert names["514"] == "公益支出"
    assert names["101"] == "库存现金"
    assert names["401"] == "生产（劳务）成本"


@pytest.mark.django_db
def test_every_class_is_present():
    assert set(official().values_list("account_class", flat=True)) == set(AccountClass.values)


@pytest.mark.django_db
def test_the_new_accounts_of_2023_are_there():
    names = set(official().values_list("name", flat=True))
    assert {
        "无形资产",
        "待处理财产损溢",
        "专项应付款",
        "公益支出",
        "应交税费",
        "税金及附加",
        "所得税费用",
        "消耗性生物资产",
        "生产性生物资产",
        "公益性生物资产",
        "投资收益",
        "经营收入",
    } <= names


@pytest.mark.django_db
def test_no_account_of_the_2004_chart_only():
    assert not official().filter(name__in=GONE_SINCE_2004).exists()


@pytest.mark.django_db
def test_contra_accounts_sit_on_the_credit_side():
    contra = official().filter(name__contains="累计")
    assert set(contra.values_list("code", flat=True)) == {"133", "152", "162"}
    for account in contra:
        assert account.account_class == AccountClass.ASSET
        assert account.normal_side == NormalSide.CREDIT
    # Every other asset is on the debit side.
    others = official().filter(account_class=AccountClass.ASSET).exclude(pk__in=contra)
    assert set(others.values_list("normal_side", flat=True)) == {NormalSide.DEBIT}


@pytest.mark.django_db
def test_normal_sides_by_class():
    sides = dict(official().values_list("code", "normal_side"))
    for account in official().filter(account_class__in=["liability", "equity"]):
        assert account.normal_side == NormalSide.CREDIT, account
    assert sides["401"] == NormalSide.DEBIT
    # 损益类: income on the credit side, expenses and 公益支出 on the debit side.
    for code in ["501", "502", "503", "504"]:
        assert sides[code] == NormalSide.CREDIT, code
    for code in ["511", "512", "513", "514", "515", "521"]:
        assert sides[code] == NormalSide.DEBIT, code
    assert sides["321"] == sides["322"] == NormalSide.CREDIT


@pytest.mark.django_db
def test_every_county_posts_to_the_official_chart():
    assert Account.objects.usable_in("370830").filter(is_official=True).count() == 42


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    migration.load_chart(django_apps, None)
    assert official().count() == 42


@pytest.mark.django_db
def test_unloading_keeps_the_accounts_in_use(open_books):
    """open_books gives 101, 102 and 301 an opening balance: those three stay."""
    migration.unload_chart(django_apps, None)
    assert set(official().values_list("code", flat=True)) == {"101", "102", "301"}
    migration.load_chart(django_apps, None)
    assert official().filter(code__in=[row["code"] for row in DATA["accounts"]]).count() == 42
