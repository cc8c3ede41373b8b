"""The ledger pages: scope and rights of every persona, vouchers through the forms, reports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from ledgers import services
from ledgers.choices import VerificationState, VoucherState
from ledgers.models import ClosedPeriod, Verification, Voucher
from ledgers.tests.conftest import as_superuser_with_triggers_off, lines
from villages.choices import RoleKind
from villages.tests.factories import ContactAssignmentFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
JAN_10 = D(2026, 1, 10)


@pytest.fixture
def contact(township, village):
    """The village's contact cadre: reads the books, writes nothing."""
    user = UserFactory(username="contact")
    StaffRoleFactory(user=user, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=user, village=village)
    return user


@pytest.fixture
def draft(clerk, village, chart, open_books):
    return services.voucher_create(
        actor=clerk,
        village=village,
        date=JAN_10,
        summary="收取承包费",
        lines=lines(chart, "cash", "income", "500", counterparty="张三"),
    )


@pytest.fixture
def posted(draft, insider):
    return services.voucher_post(actor=insider, voucher=draft)


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def read_urls(village, voucher):
    return [
        reverse("ledgers:village-ledger", args=[village.code]),
        reverse("ledgers:voucher-list"),
        reverse("ledgers:voucher-detail", args=[voucher.pk]),
        reverse("ledgers:verification", args=[village.code]),
        reverse("ledgers:journal", args=[village.code, "101"]),
        reverse("ledgers:income-statement", args=[village.code]),
    ]


def book_urls(village, voucher):
    """GET pages of bookkeepers (the clerk and the township)."""
    return [
        reverse("ledgers:voucher-add", args=[village.code]),
        reverse("ledgers:voucher-edit", args=[voucher.pk]),
    ]


EXPECTED = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_page_by_persona(client, personas, persona, village, draft):
    as_user(client, personas[persona])
    for url in read_urls(village, draft) + book_urls(village, draft):
        response = client.get(url)
        code = response.status_code
        if persona == "outsider" and url == reverse("ledgers:voucher-list"):
            assert code == 200 and draft.display_number not in response.content.decode()
            continue
        assert code == EXPECTED[persona], (url, code)
    close = client.get(reverse("ledgers:period-close", args=[village.code]))
    assert close.status_code == EXPECTED[persona]


def test_anonymous_is_sent_to_login(client, village, draft):
    response = client.get(reverse("ledgers:village-ledger", args=[village.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_clerk_keeps_books_but_does_not_post_confirm_or_close(client, clerk, village, draft):
    client.force_login(clerk)
    for url in read_urls(village, draft) + book_urls(village, draft):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("ledgers:period-close", args=[village.code])).status_code == 403
    assert (
        client.post(reverse("ledgers:voucher-post", args=[draft.pk]), {"confirm": "1"}).status_code
        == 403
    )
    response = client.post(
        reverse("ledgers:period-close", args=[village.code]), {"year": 2026, "month": 1}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == VoucherState.DRAFT
    assert not ClosedPeriod.objects.exists()


def test_the_clerk_cannot_confirm_the_verification(client, clerk, village, chart):
    verification = services.verification_start(actor=clerk, village=village, as_of=D(2025, 12, 31))
    client.force_login(clerk)
    url = reverse("ledgers:verification", args=[village.code])
    assert client.post(url, {"action": "confirm"}).status_code == 403
    verification.refresh_from_db()
    assert verification.state == VerificationState.DRAFT


def test_a_contact_cadre_reads_only(client, contact, village, draft):
    client.force_login(contact)
    for url in read_urls(village, draft):
        assert client.get(url).status_code == 200, url
    for url in book_urls(village, draft):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("ledgers:voucher-post", args=[draft.pk]), {"confirm": "1"}).status_code
        == 403
    )
    assert client.post(reverse("ledgers:voucher-discard", args=[draft.pk])).status_code == 403
    assert client.get(reverse("ledgers:period-close", args=[village.code])).status_code == 403
    url = reverse("ledgers:verification", args=[village.code])
    assert client.post(url, {"action": "confirm"}).status_code == 403
    assert Voucher.objects.get(pk=draft.pk).state == VoucherState.DRAFT


def test_outsider_gets_404_on_writes(client, outsider, village, draft):
    client.force_login(outsider)
    assert (
        client.post(reverse("ledgers:voucher-post", args=[draft.pk]), {"confirm": "1"}).status_code
        == 404
    )
    assert client.post(reverse("ledgers:voucher-discard", args=[draft.pk])).status_code == 404
    assert Voucher.objects.filter(pk=draft.pk).exists()


def voucher_post_data(chart, debit="300", credit="300", **extra):
    data = {
        "date": "2026-01-12",
        "summary": "购买办公用品",
        "attachments": "1",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-0-account": chart["expense"].pk,
        "lines-0-debit": debit,
        "lines-0-counterparty": "文具店",
        "lines-1-account": chart["cash"].pk,
        "lines-1-credit": credit,
    }
    data.update(extra)
    return data


def test_the_clerk_enters_a_voucher_through_the_form(client, clerk, village, chart, open_books):
    client.force_login(clerk)
    url = reverse("ledgers:voucher-add", args=[village.code])
    page = client.get(url).content.decode()
    assert page.count('data-testid="line-row"') >= 4
    response = client.post(url, voucher_post_data(chart))
    voucher = Voucher.objects.get()
    assert response.status_code == 302 and response["Location"] == voucher.get_absolute_url()
    assert voucher.state == VoucherState.DRAFT and voucher.made_by == clerk
    assert [(x.account.code, x.debit, x.credit) for x in voucher.lines.order_by("position")] == [
        (chart["expense"].code, Decimal("300.00"), Decimal("0.00")),
        (chart["cash"].code, Decimal("0.00"), Decimal("300.00")),
    ]
    assert voucher.lines.get(position=1).counterparty == "文具店"


def test_an_unbalanced_voucher_is_refused_with_the_input_kept(
    client, clerk, village, chart, open_books
):
    client.force_login(clerk)
    url = reverse("ledgers:voucher-add", args=[village.code])
    response = client.post(url, voucher_post_data(chart, debit="300", credit="250"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "借方" in page and "不平" in page, page
    assert "购买办公用品" in page and 'value="250' in page
    assert not Voucher.objects.exists()


def test_the_account_select_offers_only_the_county_chart(client, clerk, village, chart, open_books):
    from ledgers.models import Account

    foreign = Account.objects.create(
        code="10101",
        name="外县子科目",
        account_class="asset",
        normal_side="debit",
        area_code="371111",
        parent=chart["cash"],
    )
    client.force_login(clerk)
    page = client.get(reverse("ledgers:voucher-add", args=[village.code])).content.decode()
    assert "库存现金" in page and foreign.name not in page


def test_the_clerk_edits_a_draft(client, clerk, village, chart, draft):
    client.force_login(clerk)
    url = reverse("ledgers:voucher-edit", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "收取承包费" in page
    response = client.post(url, voucher_post_data(chart, summary="改过的摘要"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "改过的摘要" and draft.number == 1
    assert draft.lines.count() == 2


def test_a_posted_voucher_cannot_change_through_the_pages(client, clerk, insider, chart, posted):
    before = (posted.summary, posted.hash, list(posted.lines.values_list("debit", "credit")))
    for user in (clerk, insider):
        client.force_login(user)
        edit = reverse("ledgers:voucher-edit", args=[posted.pk])
        assert client.get(edit).status_code == 302
        response = client.post(edit, voucher_post_data(chart, summary="篡改"), follow=True)
        assert "已记账" in response.content.decode() or "posted" in response.content.decode()
        client.post(reverse("ledgers:voucher-discard", args=[posted.pk]))
        client.post(reverse("ledgers:voucher-post", args=[posted.pk]), {"confirm": "1"})
    posted.refresh_from_db()
    after = (posted.summary, posted.hash, list(posted.lines.values_list("debit", "credit")))
    assert after == before and posted.state == VoucherState.POSTED


def test_the_township_posts_a_draft_and_the_maker_may_not(
    client, insider, village, chart, open_books
):
    own = services.voucher_create(
        actor=insider,
        village=village,
        date=JAN_10,
        summary="x",
        lines=lines(chart, "cash", "income", "10"),
    )
    client.force_login(insider)
    response = client.post(
        reverse("ledgers:voucher-post", args=[own.pk]), {"confirm": "1"}, follow=True
    )
    assert "制单人" in response.content.decode() or "made a voucher" in response.content.decode()
    own.refresh_from_db()
    assert own.state == VoucherState.DRAFT


def test_the_supervisor_posts_the_clerks_draft(client, supervisor, draft):
    client.force_login(supervisor)
    response = client.post(reverse("ledgers:voucher-post", args=[draft.pk]), {"confirm": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == VoucherState.POSTED
    page = client.get(draft.get_absolute_url()).content.decode()
    assert draft.hash in page and draft.prev_hash in page


def test_the_clerk_discards_a_draft(client, clerk, draft):
    client.force_login(clerk)
    response = client.post(reverse("ledgers:voucher-discard", args=[draft.pk]))
    assert response.status_code == 302
    assert not Voucher.objects.exists()


def test_reversing_a_posted_voucher(client, clerk, posted):
    client.force_login(clerk)
    url = reverse("ledgers:voucher-reverse", args=[posted.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2026-01-20", "reason": "金额有误"})
    reversal = Voucher.objects.get(reverses=posted)
    assert response.status_code == 302 and response["Location"] == reversal.get_absolute_url()
    page = client.get(posted.get_absolute_url()).content.decode()
    assert reversal.display_number in page
    assert posted.display_number in client.get(reversal.get_absolute_url()).content.decode()


def test_the_ledger_page_shows_the_chain_and_the_trial_balance(client, insider, village, posted):
    client.force_login(insider)
    url = reverse("ledgers:village-ledger", args=[village.code])
    page = client.get(url, {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    assert "完好" in page
    assert "10,500.00" in page  # cash: 10,000 opening + 500
    assert "已确认" in page or "确认" in page


def test_a_broken_chain_is_reported(client, insider, village, posted):
    with as_superuser_with_triggers_off():
        Voucher.objects.filter(pk=posted.pk).update(summary="篡改")
    client.force_login(insider)
    page = client.get(reverse("ledgers:village-ledger", args=[village.code])).content.decode()
    assert posted.display_number in page and "断裂" in page


def test_verification_start_balances_and_confirm(client, clerk, insider, village, chart):
    url = reverse("ledgers:verification", args=[village.code])
    client.force_login(clerk)
    assert client.post(url, {"action": "start", "as_of": "2025-12-31"}).status_code == 302
    verification = Verification.objects.get()
    services.resource_register(
        actor=clerk, village=village, land_kind="0103", name="东坡旱地", area_mu=Decimal("35.50")
    )
    data = {
        "action": "balances",
        "balances-TOTAL_FORMS": "4",
        "balances-INITIAL_FORMS": "0",
        "balances-0-account": chart["cash"].pk,
        "balances-0-debit": "800",
        "balances-1-account": chart["capital"].pk,
        "balances-1-credit": "800",
    }
    assert client.post(url, data).status_code == 302
    assert verification.balances.count() == 2
    client.force_login(insider)
    assert client.post(url, {"action": "confirm"}).status_code == 302
    verification.refresh_from_db()
    assert verification.state == VerificationState.CONFIRMED
    page = client.get(url).content.decode()
    assert "期初资源台账" in page and "东坡旱地" in page and "35.50" in page


def test_journal_income_statement_and_closing(client, clerk, insider, village, chart, posted):
    client.force_login(insider)
    period = {"start": "2026-01-01", "end": "2026-01-31"}
    journal = client.get(reverse("ledgers:journal", args=[village.code, "101"]), period)
    assert (
        "10,500.00" in journal.content.decode()
        and posted.display_number in journal.content.decode()
    )
    income = client.get(reverse("ledgers:income-statement", args=[village.code]), period)
    assert "经营收入" in income.content.decode() and "500.00" in income.content.decode()
    assert client.get(reverse("ledgers:journal", args=[village.code, "999"])).status_code == 404
    close = reverse("ledgers:period-close", args=[village.code])
    asked = client.post(close, {"year": 2026, "month": 1})  # it asks first
    assert asked.status_code == 200 and "不能再记入" in asked.content.decode()
    response = client.post(close, {"year": 2026, "month": 1, "confirm": "1"})
    assert response.status_code == 302
    assert ClosedPeriod.objects.filter(village=village, year=2026, month=1).exists()


def test_voucher_list_filters(client, insider, village, chart, open_books, clerk):
    for summary in ("收取承包费", "支付电费"):
        services.voucher_create(
            actor=clerk,
            village=village,
            date=JAN_10,
            summary=summary,
            lines=lines(chart, "cash", "income", "1"),
        )
    client.force_login(insider)
    url = reverse("ledgers:voucher-list")
    page = client.get(url, {"q": "电费"}).content.decode()
    assert "支付电费" in page and "收取承包费" not in page
    page = client.get(url, {"q": "记-2026-0001"}).content.decode()
    assert "收取承包费" in page and "支付电费" not in page
    assert (
        "收取承包费"
        in client.get(url, {"state": "draft", "year": 2026, "month": 1}).content.decode()
    )
    assert "收取承包费" not in client.get(url, {"state": "posted"}).content.decode()


def test_voucher_list_query_count_is_the_same_for_2_and_50(
    client, insider, clerk, village, chart, open_books, count_queries
):
    def make(n):
        for _ in range(n):
            services.voucher_create(
                actor=clerk,
                village=village,
                date=JAN_10,
                summary="x",
                lines=lines(chart, "cash", "income", "1"),
            )

    client.force_login(insider)
    url = reverse("ledgers:voucher-list")
    make(2)
    few = count_queries(url)
    make(48)
    many = count_queries(url)
    assert few == many


def test_posting_asks_first_and_only_those_who_may(client, draft, insider, outsider, contact):
    """core.views.ConfirmMixin on a POST-only action: the scope and the right come first (404,
    403), then a page says what will happen; only confirm=1 posts."""
    url = reverse("ledgers:voucher-post", args=[draft.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(contact)
    assert client.post(url).status_code == 403
    client.force_login(insider)
    detail = client.get(reverse("ledgers:voucher-detail", args=[draft.pk])).content.decode()
    assert 'data-confirm="记账后凭证即永久记入本村账簿' in detail  # the dialog's text
    asked = client.post(url, HTTP_REFERER="https://evil.example/")
    text = asked.content.decode()
    assert asked.status_code == 200 and "记账后凭证即永久记入本村账簿" in text
    assert f'action="{url}"' in text and 'name="confirm" value="1"' in text
    assert "evil.example" not in text  # the cancel link goes back only within the site
    draft.refresh_from_db()
    assert draft.state == VoucherState.DRAFT
    assert client.post(url, {"confirm": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == VoucherState.POSTED
