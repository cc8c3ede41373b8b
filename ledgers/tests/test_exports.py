"""Excel exports of the ledger: every persona, the figures equal the selectors', no personal
data, and a constant number of queries whatever the number of rows."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cadres.tests.factories import CadreFactory
from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from ledgers import selectors, services
from ledgers.exports import HEADER_ROW, MONEY_FORMAT
from ledgers.tests.conftest import lines
from ledgers.tests.test_registers_services import make_asset, make_resource, sign
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db
D = dt.date
PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}


def post(clerk, insider, village, chart, day, debit, credit, amount, summary="收取承包费"):
    draft = services.voucher_create(
        actor=clerk,
        village=village,
        date=day,
        summary=summary,
        lines=lines(chart, debit, credit, amount, counterparty="张三"),
    )
    return services.voucher_post(actor=insider, voucher=draft)


@pytest.fixture
def books(clerk, insider, village, chart, open_books):
    """Four posted vouchers of 2026 touching cash, bank, income and expense."""
    post(clerk, insider, village, chart, D(2026, 1, 10), "cash", "income", "500")
    post(clerk, insider, village, chart, D(2026, 2, 3), "expense", "cash", "120.50", "办公用品")
    post(clerk, insider, village, chart, D(2026, 3, 1), "cash", "bank", "2000")
    post(clerk, insider, village, chart, D(2026, 3, 15), "bank", "income", "1234.56")


@pytest.fixture
def registers(clerk, village):
    asset = make_asset(clerk, village)
    make_asset(clerk, village, name="抽水机", category="machinery", original_value=Decimal("8800"))
    resource = make_resource(clerk, village)
    contract = sign(clerk, resource, D(2024, 1, 1), D(2030, 12, 31))
    services.payment_record(
        actor=clerk, contract=contract, amount=Decimal("1000"), received_on=D(2024, 2, 1)
    )
    return {"asset": asset, "resource": resource, "contract": contract}


def urls(village):
    return [
        reverse("ledgers:export-trial-balance", args=[village.code]),
        reverse("ledgers:export-journal", args=[village.code, "101"]),
        reverse("ledgers:export-journal", args=[village.code, "102"]),
        reverse("ledgers:export-assets", args=[village.code]),
        reverse("ledgers:export-resources", args=[village.code]),
    ]


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def data(ws):
    """The rows below the header, as lists of values."""
    return [list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def money(value):
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None


EXPECTED = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_export_by_persona(client, personas, persona, village, books, registers):
    login(client, personas[persona])
    for url in urls(village):
        assert client.get(url, PERIOD).status_code == EXPECTED[persona], url


def test_clerk_and_contact_cadre_download(client, clerk, contact, village, books, registers):
    for user in (clerk, contact):
        login(client, user)
        for url in urls(village):
            assert client.get(url, PERIOD).status_code == 200, url


def test_an_account_the_village_does_not_use_is_404(client, supervisor, village, chart):
    login(client, supervisor)
    url = reverse("ledgers:export-journal", args=[village.code, "999"])
    assert client.get(url).status_code == 404


def test_title_rows_name_the_village_code_period_and_date(client, supervisor, village, books):
    login(client, supervisor)
    ws = workbook(client.get(urls(village)[0], PERIOD)).active
    assert village.name in ws["A1"].value
    facts = ws["A2"].value
    assert village.code in facts
    assert "2026-01-01" in facts and "2026-12-31" in facts
    assert dt.date.today().isoformat() in facts
    # Chinese headers (the site's language).
    assert [c.value for c in ws[HEADER_ROW]][:3] == ["科目编码", "科目名称", "余额方向"]
    assert ws.title == "科目余额表"


def test_trial_balance_equals_the_selector_and_balances(client, supervisor, village, books):
    login(client, supervisor)
    ws = workbook(client.get(urls(village)[0], PERIOD)).active
    rows = data(ws)
    *accounts, total = rows
    expected = selectors.trial_balance(village, D(2026, 1, 1), D(2026, 12, 31))
    assert [r[0] for r in accounts] == [r.account.code for r in expected]
    for got, want in zip(accounts, expected, strict=True):
        assert [money(v) for v in got[3:7]] == [want.opening, want.debit, want.credit, want.closing]
    # The period's debits equal its credits, and the total row says so.
    assert money(total[4]) == money(total[5]) == Decimal("3855.06")
    assert ws.cell(row=HEADER_ROW + 1, column=4).number_format == MONEY_FORMAT
    assert isinstance(ws.cell(row=HEADER_ROW + 1, column=4).value, int | float)
    assert ws.cell(row=HEADER_ROW + 1, column=1).data_type == "s"  # codes as text


def test_cash_journal_has_the_running_balance(client, supervisor, village, chart, books):
    login(client, supervisor)
    ws = workbook(client.get(urls(village)[1], PERIOD)).active
    opening, *lines_, total = data(ws)
    assert money(opening[5]) == Decimal("10000.00")
    assert [money(r[5]) for r in lines_] == [
        Decimal("10500.00"),
        Decimal("10379.50"),
        Decimal("12379.50"),
    ]
    _, expected = selectors.journal(village, chart["cash"], D(2026, 1, 1), D(2026, 12, 31))
    assert [money(r[5]) for r in lines_] == [r.balance for r in expected]
    assert [r[1] for r in lines_] == [r.line.voucher.display_number for r in expected]
    assert money(total[3]) == Decimal("2500.00") and money(total[4]) == Decimal("120.50")
    assert money(total[5]) == Decimal("12379.50")
    assert isinstance(lines_[0][0], dt.datetime)  # a date cell, not text


def test_bank_journal_of_a_shorter_period_opens_with_the_balance_at_its_start(
    client, supervisor, village, books
):
    login(client, supervisor)
    ws = workbook(client.get(urls(village)[2], {"start": "2026-03-10", "end": "2026-12-31"}))
    opening, line, total = data(ws.active)
    assert money(opening[5]) == Decimal("88000.00")
    assert money(line[3]) == Decimal("1234.56") and money(line[5]) == Decimal("89234.56")
    assert money(total[5]) == Decimal("89234.56")


def test_registers_list_every_row_with_totals(client, supervisor, village, registers):
    login(client, supervisor)
    ws = workbook(client.get(urls(village)[3])).active
    *assets, total = data(ws)
    assert sorted(r[1] for r in assets) == ["抽水机", "村委办公楼"]
    assert money(total[4]) == Decimal("358800.00")
    wb = workbook(client.get(urls(village)[4]))
    resources_ws, contracts_ws = wb.worksheets
    (resource, total) = data(resources_ws)
    assert resource[0] == "0103" and resource[2] == "东坡旱地"
    assert money(resource[3]) == money(total[3]) == Decimal("35.50")
    (contract,) = data(contracts_ws)
    due = selectors.fees_due(registers["contract"])
    assert contract[1] == "张三"
    assert money(contract[4]) == Decimal("1200.00")
    assert [money(v) for v in contract[7:10]] == [due, Decimal("1000.00"), due - 1000]


def test_no_personal_data_in_any_workbook(client, supervisor, village, books, registers):
    cadre = CadreFactory(village=village)
    login(client, supervisor)
    for url in urls(village):
        for ws in workbook(client.get(url, PERIOD)).worksheets:
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    text = str(value or "")
                    assert cadre.id_number not in text and cadre.phone not in text, url
                    assert not re.search(r"\d{17}[\dXx]|1[3-9]\d{9}", text), (url, text)


def test_links_on_the_pages(client, supervisor, village, chart, books, registers):
    login(client, supervisor)
    pages = {
        "export-trial-balance": reverse("ledgers:village-ledger", args=[village.code]),
        "export-journal": reverse("ledgers:journal", args=[village.code, "101"]),
        "export-assets": reverse("ledgers:asset-list", args=[village.code]),
        "export-resources": reverse("ledgers:resource-list", args=[village.code]),
    }
    for testid, page in pages.items():
        assert f'data-testid="{testid}"' in client.get(page).content.decode(), page


def add_rows(clerk, insider, village, chart, n, offset):
    for i in range(n):
        post(clerk, insider, village, chart, D(2026, 4, 1), "cash", "income", str(10 + i))
        make_asset(clerk, village, name=f"资产{offset + i}")
        resource = make_resource(clerk, village, name=f"地块{offset + i}")
        contract = sign(clerk, resource, D(2025, 1, 1), D(2029, 12, 31))
        services.payment_record(
            actor=clerk, contract=contract, amount=Decimal("100"), received_on=D(2025, 2, 1)
        )


def test_query_counts_do_not_grow_with_the_rows(
    client, supervisor, clerk, insider, village, chart, open_books, count_queries
):
    login(client, supervisor)
    add_rows(clerk, insider, village, chart, 2, 0)
    with_two = [count_queries(url, **PERIOD) for url in urls(village)]
    add_rows(clerk, insider, village, chart, 48, 100)
    assert [count_queries(url, **PERIOD) for url in urls(village)] == with_two
    assert max(with_two) <= 10


def test_villagers_text_is_never_a_formula_in_any_export(
    client, clerk, insider, supervisor, village, chart, open_books
):
    """Text typed by a villager or clerk that starts like a formula is written as text."""
    link, cmd, sums, at = FORMULA_PAYLOADS
    draft = services.voucher_create(
        actor=clerk,
        village=village,
        date=D(2026, 1, 10),
        summary=link,
        lines=lines(chart, "cash", "income", "500", counterparty=cmd),
    )
    services.voucher_post(actor=insider, voucher=draft)
    make_asset(clerk, village, name=link, location=cmd, custodian=sums, notes=at)
    resource = make_resource(clerk, village, name=cmd, east=link, notes=sums)
    services.contract_sign(
        actor=clerk,
        resource=resource,
        party=at,
        start_date=D(2024, 1, 1),
        end_date=D(2030, 12, 31),
        annual_fee=Decimal("100"),
    )
    client = login(client, supervisor)
    expected = {
        "export-journal": [link, cmd],
        "export-assets": FORMULA_PAYLOADS,
        "export-resources": FORMULA_PAYLOADS,
        "export-trial-balance": [],
    }
    for name, texts in expected.items():
        args = [village.code, "101"] if name == "export-journal" else [village.code]
        response = client.get(reverse(f"ledgers:{name}", args=args), PERIOD)
        assert response.status_code == 200
        assert_no_formula(response.content, *texts)
