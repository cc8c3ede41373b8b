"""The test database itself: a plain `pytest` after another (pyproject adds `--reuse-db`) finds
it as the migrations left it, though transactional tests flush every table after them."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from ledgers.models import Account

CHART = Path(__file__).resolve().parent.parent / "ledgers" / "data" / "chart_2023.json"


def official_codes() -> set[str]:
    return set(
        Account.objects.filter(area_code="", is_official=True).values_list("code", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_leaves_the_official_chart():
    chart = json.loads(CHART.read_text(encoding="utf-8"))
    expected = {row["code"] for row in chart["accounts"]}
    assert official_codes() == expected

    # What pytest-django does after each transactional test (TransactionTestCase).
    call_command("flush", interactive=False, verbosity=0)

    assert official_codes() == expected
