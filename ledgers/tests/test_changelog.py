"""The change log of the books as a person reads it: the names of vouchers, accounts and
people, Chinese field names, yuan, dates, JSON as lines; in as many queries for 50 events as
for 2."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledgers.tests.conftest import posted
from villages.templatetags.cunjian import person_name

pytestmark = pytest.mark.django_db
URL = reverse("villages:changelog")


def test_a_posted_voucher_reads_in_words(
    client, supervisor, clerk, insider, village, chart, open_books
):
    voucher = posted(clerk, insider, village, chart, "cash", "income", "1200.50")
    client.force_login(supervisor)
    response = client.get(URL, {"model": "ledgers.VoucherLine", "action": "insert"})
    lines = [{c.label: c.new for c in row.changes} for row in response.context["events"]]
    debit = next(line for line in lines if line["借方"] != "0.00 元")
    assert debit["记账凭证"] == voucher.display_number == "记-2026-0001"
    assert debit["会计科目"] == "101 库存现金"
    assert debit["借方"] == "1,200.50 元"
    assert response.context["events"][0].record.startswith("记-2026-0001")
    html = response.content.decode()
    assert "0.0<" not in html and "1200.5<" not in html

    posting = client.get(URL, {"model": "ledgers.Voucher", "action": "update"}).context["events"]
    changes = {c.label: c.new for c in posting[0].changes}
    assert changes["审核记账人"] == person_name(insider)
    assert changes["链上序号"] == 1 and "上一张凭证的哈希值" in changes
    assert changes["记账时间"].startswith("2") and "年" in changes["记账时间"]


def test_json_reads_as_lines_on_the_page(client, supervisor, village, open_books):
    client.force_login(supervisor)
    response = client.get(URL, {"model": "ledgers.Verification", "action": "update"})
    (row,) = response.context["events"]
    registers = {c.label: c.new for c in row.changes}["期初资产和资源台账"]
    assert registers.is_list and "assets_value: 0.00" in registers and "assets: —" in registers
    html = response.content.decode()
    assert '<ul class="diff-new' in html and "<li>assets_value: 0.00</li>" in html


def queries_of_the_log(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


def test_the_log_takes_as_many_queries_for_50_events_as_for_2(
    client, supervisor, clerk, insider, village, chart, open_books
):
    client.force_login(supervisor)
    params = {"model": "ledgers.VoucherLine", "action": "insert"}
    posted(clerk, insider, village, chart, "cash", "income", "10")
    assert len(client.get(URL, params).context["events"]) == 2
    two = queries_of_the_log(client, params)
    for n in range(24):
        posted(clerk, insider, village, chart, "expense", "bank", str(n + 1))
    assert len(client.get(URL, params).context["events"]) == 50
    assert queries_of_the_log(client, params) == two
