"""Two postings under one decision at the same moment: the second waits for the first and
counts what it spent (the decision's row is locked while the remaining amount is counted)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from ledgers import services
from ledgers.choices import VoucherState
from ledgers.models import Voucher
from ledgers.tests.conftest import lines
from ledgers.tests.decision_fixtures import policy, resolved

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_postings_under_one_decision_count_one_after_the_other(
    clerk, insider, supervisor, county, village, chart, open_books
):
    policy(supervisor, county)
    decision = resolved(clerk, village, amount="100000")
    first, second = (
        services.voucher_create(
            actor=clerk,
            village=village,
            date=dt.date(2026, 2, 3),
            summary=f"工程款第{n}期",
            lines=lines(chart, "expense", "bank", "60000"),
            decision=decision,
        )
        for n in (1, 2)
    )
    locked, outcome = threading.Event(), {}

    def post_first_and_hold():
        try:
            with transaction.atomic():
                services.voucher_post(actor=insider, voucher=first)
                locked.set()
                # The second posting starts now and must wait for this commit.
                threading.Event().wait(1.0)
        finally:
            locked.set()
            connection.close()

    def post_second():
        locked.wait()
        try:
            services.voucher_post(actor=insider, voucher=second)
            outcome["second"] = "posted"
        except ValidationError as e:
            outcome["second"] = " ".join(e.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=post_first_and_hold), threading.Thread(target=post_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcome["second"] != "posted"
    assert "40,000.00" in outcome["second"]
    assert list(Voucher.objects.filter(state=VoucherState.POSTED).values_list("pk", flat=True)) == [
        first.pk
    ]
    assert services.decision_remaining(decision) == 40000
