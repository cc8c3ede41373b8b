"""`manage.py bench_ledgers` builds its throwaway chain as the database allows, finds it intact
and leaves nothing behind."""

import pytest
from django.core.management import call_command

from core.testing import as_owner_session
from ledgers.management.commands.bench_ledgers import VILLAGE, Command
from ledgers.models import Voucher, VoucherLine
from villages.models import Region, Village


@pytest.mark.django_db(transaction=True)  # it commits its build, as on a real database
def test_the_ledger_benchmark_builds_an_intact_chain_and_cleans_up(chart, capsys):
    with as_owner_session():  # as `make bench` runs it: it switches triggers off to clean up
        call_command("bench_ledgers", "--lines", "400")
    out = capsys.readouterr().out
    assert "built 200 posted vouchers, 400 lines" in out
    assert "chain verification" in out and "for 200 vouchers, intact" in out
    assert "throwaway data deleted" in out
    assert not Village.objects.filter(code="999999999999").exists()
    assert not Region.objects.filter(code__startswith="99").exists()
    assert not Voucher.objects.exists() and not VoucherLine.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_odd_line_count_is_built_exactly_and_the_timed_query_is_the_explained_one(chart, capsys):
    command = Command()
    with as_owner_session():
        call_command(command, "--lines", "7", "--explain", "--keep")
        try:
            assert VoucherLine.objects.filter(area_code=VILLAGE, posted=True).count() == 7
            assert Voucher.objects.filter(area_code=VILLAGE).count() == 3
        finally:
            command.cleanup()
    out = capsys.readouterr().out
    assert "built 3 posted vouchers, 7 lines" in out
    assert "for 3 vouchers, intact" in out
    # one SQL string, timed and explained; the trial balance's own query, without the join
    # a default ordering would add
    assert command.timed_sql and command.explained_sql == command.timed_sql
    assert command.timed_sql in out and 'ledgers_voucher"' not in command.timed_sql
    assert "EXPLAIN ANALYZE of the timed query" in out and "Execution Time" in out
