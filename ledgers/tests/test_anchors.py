# ruff: noqa: F811 -- pytest fixtures are imported from disclosure_fixtures
"""Published statements anchor the chain (issue #14): each holds the village's chain head when
it was generated, and the verification checks the live chain against every published head, so
a chain cut short or rewritten as a whole, consistent in itself, is named."""

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from ledgers import chain, selectors, services
from ledgers.choices import DisclosureKind, VoucherState
from ledgers.models import Voucher
from ledgers.tests.conftest import as_superuser_with_triggers_off
from ledgers.tests.disclosure_fixtures import (  # noqa: F401
    draft_statement,
    published,
    quarter_books,
)

pytestmark = pytest.mark.django_db


def chain_in_order(village):
    return list(
        Voucher.objects.filter(village=village, state=VoucherState.POSTED).order_by("chain_seq")
    )


def test_a_statement_holds_the_chain_head_when_it_was_generated(draft_statement, village):
    last = chain_in_order(village)[-1]
    assert draft_statement.content["format"] == 3
    assert draft_statement.content["chain_head"] == {"seq": last.chain_seq, "hash": last.hash}


def test_a_village_without_posted_vouchers_has_no_head(village, clerk, insider, open_books):
    for month in (1, 2, 3):
        services.period_close(actor=insider, village=village, year=2026, month=month)
    empty = services.disclosure_generate(
        actor=clerk, village=village, kind=DisclosureKind.QUARTER, year=2026, number=1
    )
    assert empty.content["chain_head"] is None


def test_the_head_is_shown_on_the_public_page_and_the_json(client, published, village):
    head = published.content["chain_head"]
    page = client.get(f"/public/statements/{published.pk}/").content.decode()
    assert head["hash"] in page and f"第 {head['seq']} 号凭证" in page
    assert client.get(f"/public/statements/{published.pk}.json").json()["chain_head"] == head


def test_an_intact_chain_is_checked_against_the_published_heads(published, village):
    report = selectors.verify_chain(village)
    assert report.intact and report.anchors == 1 and report.checked == 4


def test_the_tail_deleted_is_named_through_the_published_head(published, village, capsys):
    """A superuser with the triggers off deletes the last vouchers: the chain left is
    consistent in itself, the published head is gone."""
    tail = chain_in_order(village)[-1]
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute("DELETE FROM ledgers_voucherline WHERE voucher_id = %s", [tail.pk])
        cursor.execute("DELETE FROM ledgers_voucher WHERE id = %s", [tail.pk])
    report = selectors.verify_chain(village)
    assert not report.intact and report.broken_at is None and report.statement == published
    assert report.reason == _(
        "the chain ends before voucher no. %(n)d, whose hash a published statement holds"
    ) % {"n": tail.chain_seq}
    with pytest.raises(CommandError):
        call_command("verify_ledgers", "--village", village.code)
    assert published.title in capsys.readouterr().out


def test_a_chain_rewritten_consistently_is_named_through_the_published_head(published, village):
    """Every hash recomputed after an amount was changed (balanced): the chain verifies in
    itself, but not against what villagers hold."""
    vouchers = chain_in_order(village)
    previous = chain.GENESIS
    with as_superuser_with_triggers_off() as cursor:
        for voucher in vouchers:
            lines = list(voucher.lines.order_by("position"))
            if voucher == vouchers[0]:
                for line in lines:
                    line.debit, line.credit = line.debit and 1, line.credit and 1
                    cursor.execute(
                        "UPDATE ledgers_voucherline SET debit = %s, credit = %s WHERE id = %s",
                        [line.debit, line.credit, line.pk],
                    )
            voucher.prev_hash = previous
            voucher.hash = previous = chain.chain_hash(voucher, lines, None)
            cursor.execute(
                "UPDATE ledgers_voucher SET prev_hash = %s, hash = %s WHERE id = %s",
                [voucher.prev_hash, voucher.hash, voucher.pk],
            )
    report = selectors.verify_chain(village)
    assert not report.intact and report.statement == published
    assert report.broken_at == vouchers[-1]
    assert report.reason == _(
        "a published statement holds another hash for it: the chain was rewritten"
    )


def test_the_ledger_page_and_the_api_show_the_anchors(client, api, insider, published, village):
    client.force_login(insider)
    page = client.get(f"/ledgers/villages/{village.code}/").content.decode()
    assert "完好" in page and "并与 1 个已公开的链头核对" in page
    with as_superuser_with_triggers_off() as cursor:
        cursor.execute(
            "UPDATE ledgers_voucher SET hash = repeat('0', 64) WHERE village_id = %s"
            " AND chain_seq = 1",
            [village.pk],
        )
    page = client.get(f"/ledgers/villages/{village.code}/").content.decode()
    assert "断裂" in page
    api.force_authenticate(insider)
    status = api.get("/api/v1/ledger-reports/chain/", {"village": village.code}).json()
    assert (status["intact"], status["anchors"], status["broken_at"]["display_number"]) == (
        False,
        0,
        "记-2026-0001",
    )
    assert status["statement"] is None


def test_the_verification_with_its_anchors_takes_four_queries(
    published, village, django_assert_num_queries
):
    with django_assert_num_queries(4):
        assert selectors.verify_chain(village).intact
