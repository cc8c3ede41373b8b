"""预警 of the signing day: a finished month with vouchers but no signing day, and drafts
waiting for their signatures for more than a month, in the villages that sign on a day of the
month (their own or their county's); nothing elsewhere; the evaluation's query count stays."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgers.tests.signing_fixtures import committees, draft, sign, supervision
from supervision import services as supervision_services
from supervision.choices import WarningRule
from supervision.models import VillageWarning
from supervision.selectors.warnings import UNSIGNED_AFTER_DAYS
from supervision.tests.warnings_helpers import disclose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
ON = D(2026, 2, 10)  # the last finished month: 2026-01


def rules(village, on=ON):
    supervision_services.warnings_evaluate(on=on, village_codes=[village.code])
    warning = VillageWarning.objects.filter(village=village).first()
    return {} if warning is None else {r["rule"]: r["text"] for r in warning.reasons}


@pytest.fixture
def signs_monthly(village):
    """The village signs on the 21st and published its last quarter's statement."""
    disclose(village, "2025Q4")
    village.signing_day = 21
    village.save()
    return village


def test_no_rule_where_nobody_signs_on_a_day(clerk, village, chart, open_books):
    disclose(village, "2025Q4")
    draft(clerk, village, chart, day=D(2026, 1, 2))
    assert rules(village) == {}


def test_a_month_without_a_signing_day(clerk, signs_monthly, chart, open_books):
    village = signs_monthly
    assert rules(village) == {}  # no vouchers that month: nothing to sign
    draft(clerk, village, chart, day=D(2026, 1, 15))
    found = rules(village)
    assert found[WarningRule.NO_SIGNING] == "2026-01未记录联签，但当月有凭证"
    members, reviewer = committees(village, 3), supervision(village)
    voucher = draft(clerk, village, chart, day=D(2026, 1, 16))
    sign(clerk, village, members[:2], [voucher], reviewer, on=D(2026, 1, 21))
    assert WarningRule.NO_SIGNING not in rules(village)


def test_the_countys_signing_day_counts_too(clerk, supervisor, county, village, chart, open_books):
    from ledgers.tests.signing_fixtures import switch_on

    disclose(village, "2025Q4")
    switch_on(supervisor, county, day=25)
    draft(clerk, village, chart, day=D(2026, 1, 15))
    assert WarningRule.NO_SIGNING in rules(village)


def test_vouchers_waiting_for_signatures_past_a_month(clerk, signs_monthly, chart, open_books):
    village = signs_monthly
    day = ON - dt.timedelta(days=UNSIGNED_AFTER_DAYS)
    draft(clerk, village, chart, day=day)  # exactly a month: not yet
    assert WarningRule.UNSIGNED_VOUCHERS not in rules(village)
    draft(clerk, village, chart, day=day - dt.timedelta(days=1))
    draft(clerk, village, chart, day=day - dt.timedelta(days=2))
    found = rules(village)
    assert found[WarningRule.UNSIGNED_VOUCHERS] == (
        "2张凭证等待联签已超过一个月（最早的日期为2026年1月8日）"
    )


def test_the_evaluation_costs_the_same_queries(clerk, signs_monthly, chart, open_books):
    village = signs_monthly

    def count():
        with CaptureQueriesContext(connection) as ctx:
            supervision_services.warnings_evaluate(on=ON, village_codes=[village.code])
        return len(ctx.captured_queries)

    draft(clerk, village, chart, day=D(2026, 1, 2))
    few = count()
    for d in range(3, 20):
        draft(clerk, village, chart, day=D(2026, 1, d))
    assert count() <= few + 1  # the warning's write when its text changed
