"""The load run's driver and check (reports/load.py) against the live server on a small demo."""

import asyncio
import dataclasses
import io

import pytest
from django.core.management import call_command

from ledgers import services as ledger_services
from ledgers.models import Disclosure
from reports import load


@pytest.fixture
def demo_county(transactional_db):
    """A small demo county (two townships, twelve villages): the personas, books, statements."""
    call_command("seed_demo", "--villages", "12", "--townships", "2", stdout=io.StringIO())
    return load.prepare()


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert [load.percentile(values, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    assert load.percentile([0.3], 99) == 0.3
    assert load.percentile([], 50) == 0.0


# Three seconds of load must include each kind of write: with another test process beside it
# the run may not get that far, so it runs alone with the other wall-clock tests.
@pytest.mark.timing
def test_a_short_run_stores_every_acknowledged_write_once_and_the_check_sees_a_gap(
    live_server, demo_county
):
    tally = asyncio.run(load.drive(live_server.url, demo_county, seconds=3, users=8))

    assert tally.error_count == 0, tally.examples
    assert len(tally.times["sign-in"]) == 2 * 6  # six signed-in users: the form, the post
    assert tally.requests > 20
    checks = load.verify(tally.acknowledged, tally.run)
    assert all(c.ok and c.found == c.acknowledged for c in checks), checks
    assert sum(c.acknowledged for c in checks) > 0

    # A write acknowledged but never stored, and one stored twice: the check names both.
    acknowledged = {k: list(v) for k, v in tally.acknowledged.items()}
    lost, doubled = tally.marker("voucher-api"), tally.marker("question-form")
    statement = Disclosure.objects.get(pk=demo_county.statements[0][0])
    for _n in range(2):
        ledger_services.question_ask(disclosure=statement, question=f"重复 {doubled}")
    # (A short run on a slow machine may not have drawn every kind: the check needs none of them.)
    acknowledged.setdefault("voucher-api", []).append(lost)
    acknowledged.setdefault("question-form", []).append(doubled)
    checks = {c.kind: c for c in load.verify(acknowledged, tally.run)}
    assert checks["voucher-api"].missing == [lost] and not checks["voucher-api"].ok
    assert checks["question-form"].duplicated == [doubled] and not checks["question-form"].ok
    assert checks["question-form"].found == len(tally.acknowledged.get("question-form", []))


def test_answers_a_request_does_not_expect_are_errors(live_server, demo_county):
    """A wrong password: the login page answers 200 instead of the redirect."""
    plan = dataclasses.replace(demo_county, password="not-the-password")
    tally = asyncio.run(load.drive(live_server.url, plan, seconds=0.5, users=2))
    assert tally.errors == {"sign-in": 2}
    assert "sign-in: POST /accounts/login/: 200" in tally.examples[0]
