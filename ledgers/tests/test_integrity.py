"""The nightly verdicts of every village's chain and the integrity page that shows them, scoped
like every list, in a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from ledgers import services, tasks
from ledgers.models import ChainCheck
from ledgers.tests.conftest import as_superuser_with_triggers_off, posted
from villages.choices import RoleKind
from villages.tests.factories import StaffRoleFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

URL = reverse("ledgers:chain-check-list")


@pytest.fixture
def checked(clerk, insider, outsider, village, other_village, chart, open_books):
    """The village's chain broken (a posted amount changed by a superuser), the other village's
    books open and intact, both checked."""
    first = posted(clerk, insider, village, chart, "cash", "income", "100")
    posted(clerk, insider, village, chart, "cash", "income", "200")
    other_clerk = UserFactory(username="other_clerk")
    StaffRoleFactory(user=other_clerk, kind=RoleKind.VILLAGE_CLERK, village=other_village)
    services.verification_start(
        actor=other_clerk, village=other_village, as_of=dt.date(2025, 12, 31)
    )
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute(
            "UPDATE ledgers_voucherline SET debit = 999 WHERE voucher_id = %s AND debit > 0",
            [first.pk],
        )
    return services.chains_check()


def test_every_village_keeping_books_gets_its_verdict(checked, village, other_village):
    assert checked == {"intact": 1, "broken": 1}
    broken = ChainCheck.objects.get(village=village)
    assert not broken.intact and broken.vouchers == 1 and broken.broken_at == "记-2026-0001"
    intact = ChainCheck.objects.get(village=other_village)
    assert intact.intact and intact.vouchers == 0 and intact.reason == ""
    # A second run replaces the verdicts.
    services.chains_check()
    assert ChainCheck.objects.count() == 2


def test_the_nightly_task_checks_the_chains(checked):
    ChainCheck.objects.all().delete()
    assert tasks.check_all_chains() == {"intact": 1, "broken": 1}


def test_the_page_shows_the_verdicts_in_scope(client, checked, supervisor, insider, outsider):
    client.force_login(supervisor)
    page = client.get(URL).content.decode()
    assert "南旺村" in page and "郭楼村" in page and "在 记-2026-0001 处断裂" in page
    assert "1 个村的凭证链已断裂" in page
    broken_only = client.get(URL, {"intact": "false"}).content.decode()
    assert "南旺村" in broken_only and "郭楼村" not in broken_only
    intact_only = client.get(URL, {"intact": "true"}).content.decode()
    assert "南旺村" not in intact_only and "1 个村的凭证链已断裂" in intact_only
    client.force_login(outsider)  # the other township's staff
    page = client.get(URL).content.decode()
    assert "郭楼村" in page and "南旺村" not in page


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


def test_the_page_takes_the_same_queries_for_two_or_forty_villages(
    client, checked, supervisor, township, count_queries
):
    client.force_login(supervisor)
    few = count_queries(URL)
    for n in range(40):
        place = VillageFactory(township=township, code=f"370830102{300 + n}", name=f"新村{n}")
        ChainCheck.objects.create(
            village=place,
            checked_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
            intact=True,
            vouchers=n,
            anchors=0,
            area_code=place.code,
        )
    assert count_queries(URL) == few
