"""/api/v1/ endpoints of the ledgers app: personas, final posted vouchers, query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ledgers import services
from ledgers.choices import VerificationState, VoucherState
from ledgers.models import Verification, Voucher, VoucherLine
from ledgers.tests.conftest import lines
from villages.choices import RoleKind
from villages.tests.factories import (
    ContactAssignmentFactory,
    StaffRoleFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1"
POSTED_MSG = "已记账，不能修改"
UNBALANCED_MSG = "借贷不平"


@pytest.fixture
def api():
    return APIClient()


def as_(api, user):
    api.force_authenticate(user=None)
    if user is not None:
        api.force_authenticate(user=user)
    return api


@pytest.fixture
def contact(township, village):
    """A village-contact cadre of `village`: reads its books, writes nothing."""
    user = UserFactory(username="contact")
    StaffRoleFactory(user=user, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=user, village=village)
    return user


@pytest.fixture
def everyone(personas, clerk, contact):
    return {**personas, "clerk": clerk, "contact": contact}


@pytest.fixture
def draft(clerk, village, chart, open_books):
    return services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 1, 5),
        summary="收租金",
        lines=lines(chart, "cash", "income", "1200.50", "张三"),
    )


@pytest.fixture
def posted(draft, insider):
    return services.voucher_post(actor=insider, voucher=draft)


def body(village, chart, amount="100", **extra):
    return {
        "village": village.code,
        "date": "2026-01-08",
        "summary": "收款",
        "attachments": 1,
        "lines": [
            {"account_code": chart["cash"].code, "debit": amount, "counterparty": "李四"},
            {"account": chart["income"].pk, "credit": amount},
        ],
        **extra,
    }


def snapshot(voucher):
    voucher.refresh_from_db()
    rows = list(
        VoucherLine.objects.filter(voucher=voucher)
        .order_by("position")
        .values_list("account_id", "debit", "credit", "counterparty", "posted")
    )
    return (voucher.summary, voucher.date, voucher.state, voucher.hash, rows)


# ------------------------------------------------------------------ reads, every persona

READ = {"anonymous": 403, "outsider": 404, "insider": 200, "supervisor": 200}
READ_ALL = {**READ, "clerk": 200, "contact": 200}


@pytest.mark.parametrize("who", READ_ALL)
def test_voucher_list_and_detail(api, everyone, posted, who):
    client = as_(api, everyone[who])
    listed = client.get(f"{API}/vouchers/")
    detail = client.get(f"{API}/vouchers/{posted.pk}/")
    assert detail.status_code == READ_ALL[who]
    if who == "anonymous":
        assert listed.status_code == 403
        return
    ids = [v["id"] for v in listed.json()["results"]]
    assert ids == ([] if who == "outsider" else [posted.pk])
    if detail.status_code == 200:
        data = detail.json()
        assert data["display_number"] == "记-2026-0001" and data["state"] == "posted"
        assert (data["total_debit"], data["total_credit"]) == ("1200.50", "1200.50")
        assert [x["account_code"] for x in data["lines"]] == ["101", "501"]
        assert data["hash"] == posted.hash and data["chain_seq"] == 1


@pytest.mark.parametrize("who", READ_ALL)
def test_verification_detail(api, everyone, open_books, who):
    response = as_(api, everyone[who]).get(f"{API}/verifications/{open_books.pk}/")
    assert response.status_code == READ_ALL[who]
    if response.status_code == 200:
        data = response.json()
        assert data["state"] == "confirmed"
        assert (data["total_debit"], data["total_credit"]) == ("100000.00", "100000.00")


@pytest.mark.parametrize("who", READ_ALL)
def test_accounts_are_the_chart_everyone_sees(api, everyone, chart, who):
    response = as_(api, everyone[who]).get(f"{API}/accounts/", {"code": "10"})
    if who == "anonymous":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    codes = [a["code"] for a in response.json()["results"]]
    assert {"101", "102"} <= set(codes) and all(c.startswith("10") for c in codes)


def test_accounts_filter_by_class(api, insider, chart):
    response = as_(api, insider).get(f"{API}/accounts/", {"account_class": "income"})
    results = response.json()["results"]
    assert "501" in {a["code"] for a in results}
    assert {a["account_class"] for a in results} == {"income"}


@pytest.mark.parametrize("who", READ_ALL)
def test_reports_trial_balance_and_chain(api, everyone, village, posted, who):
    client = as_(api, everyone[who])
    tb = client.get(f"{API}/ledger-reports/trial-balance/", {"village": village.code})
    chain = client.get(f"{API}/ledger-reports/chain/", {"village": village.code})
    assert tb.status_code == chain.status_code == READ_ALL[who]
    if tb.status_code == 200:
        rows = {r["account_code"]: r for r in tb.json()}
        assert rows["101"]["opening"] == "10000.00" and rows["101"]["closing"] == "11200.50"
        assert rows["501"]["credit"] == "1200.50"
        assert chain.json() == {
            "village": village.code,
            "intact": True,
            "checked": 1,
            "broken_at": None,
            "reason": "",
            "anchors": 0,
            "statement": None,
        }


def test_trial_balance_period(api, insider, village, posted):
    client = as_(api, insider)
    later = client.get(
        f"{API}/ledger-reports/trial-balance/",
        {"village": village.code, "start": "2026-02-01", "end": "2026-02-28"},
    ).json()
    cash = next(r for r in later if r["account_code"] == "101")
    assert (cash["opening"], cash["debit"], cash["closing"]) == ("11200.50", "0.00", "11200.50")
    bad = client.get(
        f"{API}/ledger-reports/trial-balance/",
        {"village": village.code, "start": "2026-03-01", "end": "2026-02-01"},
    )
    assert bad.status_code == 400
    assert client.get(f"{API}/ledger-reports/chain/").status_code == 400


# ------------------------------------------------------------------ writes

WRITE = {
    "anonymous": 403,
    "outsider": 400,  # the village is not among those they see: "does not exist"
    "insider": 201,
    "supervisor": 201,
    "clerk": 201,
    "contact": 403,
}


@pytest.mark.parametrize("who", WRITE)
def test_create_voucher(api, everyone, village, chart, open_books, who):
    response = as_(api, everyone[who]).post(f"{API}/vouchers/", body(village, chart), format="json")
    assert response.status_code == WRITE[who], response.content
    if response.status_code == 201:
        data = response.json()
        assert data["state"] == "draft" and data["display_number"] == "记-2026-0001"
        assert data["lines"][0]["counterparty"] == "李四"
        assert data["total_debit"] == "100.00"
    else:
        assert not Voucher.objects.exists()


def test_an_unbalanced_voucher_is_refused_in_chinese(api, clerk, village, chart, open_books):
    data = body(village, chart)
    data["lines"][1]["credit"] = "90"
    response = as_(api, clerk).post(f"{API}/vouchers/", data, format="json")
    assert response.status_code == 400
    assert UNBALANCED_MSG in str(response.json())
    assert not Voucher.objects.exists()


def test_an_unknown_account_is_a_400(api, clerk, village, chart, open_books):
    data = body(village, chart)
    data["lines"][0]["account_code"] = "999"
    response = as_(api, clerk).post(f"{API}/vouchers/", data, format="json")
    assert response.status_code == 400
    assert not Voucher.objects.exists()


@pytest.mark.parametrize(
    "who, expected",
    [("clerk", 200), ("insider", 200), ("supervisor", 200), ("contact", 403), ("outsider", 404)],
)
def test_change_a_draft(api, everyone, village, chart, draft, who, expected):
    client = as_(api, everyone[who])
    before = snapshot(draft)
    put = client.put(
        f"{API}/vouchers/{draft.pk}/", body(village, chart, "300", summary="改"), format="json"
    )
    assert put.status_code == expected, put.content
    if expected != 200:
        assert snapshot(draft) == before
        return
    assert put.json()["summary"] == "改" and put.json()["total_credit"] == "300.00"
    patch = client.patch(f"{API}/vouchers/{draft.pk}/", {"summary": "再改"}, format="json")
    assert patch.status_code == 200
    draft.refresh_from_db()
    assert draft.summary == "再改" and draft.lines.get(position=1).debit == Decimal("300.00")


@pytest.mark.parametrize("who", ["clerk", "contact", "outsider"])
def test_discard_a_draft(api, everyone, draft, who):
    response = as_(api, everyone[who]).delete(f"{API}/vouchers/{draft.pk}/")
    assert response.status_code == {"clerk": 204, "contact": 403, "outsider": 404}[who]
    assert Voucher.objects.filter(pk=draft.pk).exists() == (who != "clerk")


@pytest.mark.parametrize("who", ["clerk", "insider", "supervisor", "contact"])
def test_a_posted_voucher_cannot_change_through_the_api(api, everyone, village, chart, posted, who):
    client = as_(api, everyone[who])
    before = snapshot(posted)
    url = f"{API}/vouchers/{posted.pk}/"
    responses = [
        client.put(url, body(village, chart, "1", summary="篡改"), format="json"),
        client.patch(url, {"summary": "篡改"}, format="json"),
        client.patch(url, {"lines": body(village, chart, "1")["lines"]}, format="json"),
        client.delete(url),
    ]
    for response in responses:
        assert response.status_code in (400, 403), response.content
        if who != "contact":
            assert response.status_code == 400
            assert POSTED_MSG in str(response.json())
    assert snapshot(posted) == before
    assert client.post(f"{API}/vouchers/{posted.pk}/post/").status_code in (400, 403)


@pytest.mark.parametrize(
    "who, expected",
    [("insider", 200), ("supervisor", 200), ("clerk", 403), ("contact", 403), ("outsider", 404)],
)
def test_post_a_draft(api, everyone, draft, who, expected):
    response = as_(api, everyone[who]).post(f"{API}/vouchers/{draft.pk}/post/")
    assert response.status_code == expected, response.content
    draft.refresh_from_db()
    assert (draft.state == VoucherState.POSTED) == (expected == 200)
    if expected == 200:
        assert response.json()["chain_seq"] == 1


def test_the_maker_does_not_post(api, insider, village, chart, open_books):
    made = as_(api, insider).post(f"{API}/vouchers/", body(village, chart), format="json")
    response = api.post(f"{API}/vouchers/{made.json()['id']}/post/")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "who, expected", [("clerk", 201), ("insider", 201), ("contact", 403), ("outsider", 404)]
)
def test_reverse_a_posted_voucher(api, everyone, posted, who, expected):
    response = as_(api, everyone[who]).post(
        f"{API}/vouchers/{posted.pk}/reverse/",
        {"date": "2026-01-20", "reason": "金额记错"},
        format="json",
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        data = response.json()
        assert data["reverses"] == posted.pk and data["state"] == "draft"
        assert [(x["debit"], x["credit"]) for x in data["lines"]] == [
            ("0.00", "1200.50"),
            ("1200.50", "0.00"),
        ]
        again = api.post(
            f"{API}/vouchers/{posted.pk}/reverse/",
            {"date": "2026-01-21", "reason": "再次"},
            format="json",
        )
        assert again.status_code == 400


def test_a_draft_cannot_be_reversed(api, clerk, draft):
    response = as_(api, clerk).post(
        f"{API}/vouchers/{draft.pk}/reverse/", {"date": "2026-01-20", "reason": "x"}, format="json"
    )
    assert response.status_code == 400


# ------------------------------------------------------------------ verification


@pytest.mark.parametrize("who", WRITE)
def test_start_a_verification(api, everyone, village, chart, who):
    response = as_(api, everyone[who]).post(
        f"{API}/verifications/", {"village": village.code, "as_of": "2025-12-31"}, format="json"
    )
    assert response.status_code == WRITE[who], response.content
    assert Verification.objects.exists() == (WRITE[who] == 201)


def test_prepare_and_confirm_a_verification(api, clerk, insider, contact, village, chart):
    client = as_(api, clerk)
    started = client.post(
        f"{API}/verifications/", {"village": village.code, "as_of": "2025-12-31"}, format="json"
    ).json()
    url = f"{API}/verifications/{started['id']}/"
    balances = [
        {"account_code": "101", "debit": "500"},
        {"account": chart["capital"].pk, "credit": "400"},
    ]
    response = client.put(f"{url}balances/", balances, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["total_debit"] == "500.00"
    assert as_(api, contact).put(f"{url}balances/", balances, format="json").status_code == 403
    # The clerk does not confirm; the township refuses what does not balance.
    assert as_(api, clerk).post(f"{url}confirm/").status_code == 403
    assert as_(api, insider).post(f"{url}confirm/").status_code == 400
    balances[1]["credit"] = "500"
    assert as_(api, clerk).put(f"{url}balances/", balances, format="json").status_code == 200
    confirmed = as_(api, insider).post(f"{url}confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    # Confirmed: the balances are final.
    again = as_(api, clerk).put(f"{url}balances/", balances, format="json")
    assert again.status_code == 400
    assert Verification.objects.get().state == VerificationState.CONFIRMED


def test_a_village_has_one_verification(api, clerk, village, open_books):
    response = as_(api, clerk).post(
        f"{API}/verifications/", {"village": village.code, "as_of": "2025-12-31"}, format="json"
    )
    assert response.status_code == 400


# ------------------------------------------------------------------ query counts


def _count(client, url):
    client.get(url)  # the first request computes and caches the user's scope
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def test_voucher_list_query_count_is_the_same_for_2_and_50(
    api, supervisor, clerk, insider, village, chart, open_books
):
    client = as_(api, supervisor)

    def add(n):
        for i in range(n):
            voucher = services.voucher_create(
                actor=clerk,
                village=village,
                date=D(2026, 1, 5),
                summary=f"v{i}",
                lines=lines(chart, "cash", "income", "10") + lines(chart, "expense", "bank", "3"),
            )
            if i % 2:
                services.voucher_post(actor=insider, voucher=voucher)

    add(2)
    few, n = _count(client, f"{API}/vouchers/")
    assert n == 2
    add(48)
    many, n = _count(client, f"{API}/vouchers/")
    assert n == 50 and many == few


def test_verification_list_query_count_is_the_same_for_2_and_50(api, supervisor, township, chart):
    client = as_(api, supervisor)

    def add(start, n):
        for i in range(start, start + n):
            village = VillageFactory(township=township, code=f"370830102{300 + i}")
            v = services.verification_start(actor=supervisor, village=village, as_of=D(2025, 1, 1))
            services.verification_set_balances(
                actor=supervisor,
                verification=v,
                balances=[
                    {"account": chart["cash"], "debit": "5"},
                    {"account": chart["capital"], "credit": "5"},
                ],
            )

    add(0, 2)
    few, n = _count(client, f"{API}/verifications/")
    assert n == 2
    add(2, 48)
    many, n = _count(client, f"{API}/verifications/")
    assert n == 50 and many == few


def test_account_list_query_count_does_not_grow(api, supervisor, chart):
    from ledgers.models import Account

    def add(start, n):
        for i in range(start, start + n):
            Account.objects.create(
                code=f"99{i:02d}", name=f"科目{i}", account_class="asset", normal_side="debit"
            )

    client = as_(api, supervisor)
    add(0, 60 - Account.objects.count())  # both lists fill a page, whatever the chart holds
    few, before = _count(client, f"{API}/accounts/")
    add(60, 40)
    many, n = _count(client, f"{API}/accounts/")
    assert n == before + 40 and many == few
