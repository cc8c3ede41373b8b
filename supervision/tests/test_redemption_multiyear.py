"""Multi-year promises at the yearly redemption (issue #16): a promise due in a later year is
按计划推进 (on schedule) or 未到期 (not yet due), or kept early, and never judged partly or not
fulfilled; the fulfilment rate counts only the promises due that year (or kept early), gives no
figure when none is due, and the low-fulfilment warning follows it. Services, selectors, the
redemption page and the API with the personas."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from supervision import selectors, services
from supervision.choices import Fulfilment, WarningRule
from supervision.models import VillageWarning
from villages.tests.helpers import api_login, login

from .bottomup_helpers import (
    formset_data,
    make_redemption,
    other_contact_fixture,  # noqa: F401 (fixture)
    pledged_secretary,
)
from .warnings_helpers import disclose

pytestmark = pytest.mark.django_db
D = dt.date
F, P, N = Fulfilment.FULFILLED, Fulfilment.PARTLY, Fulfilment.NOT
ON_TRACK, NOT_DUE = Fulfilment.ON_TRACK, Fulfilment.NOT_DUE
# The redemption is of 2026 (bottomup_helpers.REDEMPTION_DAY). Due in June and on the year's
# last day: due this year. Due on 1 January 2027 and at the end of the term: later.
DUE_IN_JUNE, DUE_ON_31_DEC, DUE_ON_1_JAN, DUE_AT_TERM_END = (
    D(2026, 6, 30),
    D(2026, 12, 31),
    D(2027, 1, 1),
    D(2030, 12, 31),
)
DUES = [DUE_IN_JUNE, DUE_ON_31_DEC, DUE_ON_1_JAN, DUE_AT_TERM_END]


def rows_of(redemption):
    """The redemption's rows in the order of DUES (the pledge's positions)."""
    return list(redemption.results.select_related("promise").order_by("promise__position"))


@pytest.fixture
def pledge(insider, village):
    """`pledge(dues)`: the township's staff give the village's secretary a pledge in force."""
    return lambda dues: pledged_secretary(insider, village, dues)


def redeem(actor, village, results, complete=True):
    """The village's 2026 redemption by `actor`, its promises marked with `results`."""
    redemption = make_redemption(actor, village)
    for row, result in zip(rows_of(redemption), results, strict=True):
        services.redemption_set_result(
            actor=actor,
            redemption=redemption,
            promise=row.promise,
            result=result,
            appraisal="satisfied",
        )
    if complete:
        services.redemption_complete(actor=actor, redemption=redemption, on=D(2026, 11, 23))
    return redemption


# ------------------------------------------------------------------ which outcome fits


def test_a_promise_due_this_year_is_judged_and_one_due_later_is_not(contact, village, pledge):
    pledge(DUES)
    redemption = make_redemption(contact, village)
    in_june, on_31_dec, on_1_jan, at_term_end = rows_of(redemption)

    def mark(row, result):
        return services.redemption_set_result(
            actor=contact,
            redemption=redemption,
            promise=row.promise,
            result=result,
            appraisal="basic",
        )

    with override("en"):
        for row in (in_june, on_31_dec):  # due on the year's last day is due in that year
            for result in (ON_TRACK, NOT_DUE):
                with pytest.raises(ValidationError, match="by this year"):
                    mark(row, result)
        for row in (on_1_jan, at_term_end):
            for result in (P, N):
                with pytest.raises(ValidationError, match="after this year"):
                    mark(row, result)
    with override("zh-hans"), pytest.raises(ValidationError) as refused:
        mark(on_31_dec, ON_TRACK)
    assert "2026年12月31日" in str(refused.value) and "部分兑现" in str(refused.value)
    assert not redemption.results.exclude(result="").exists()

    for row, result in ((in_june, P), (on_31_dec, N), (on_1_jan, ON_TRACK), (at_term_end, NOT_DUE)):
        assert mark(row, result).result == result
    assert mark(at_term_end, F).result == F  # a later promise may be kept early


# ------------------------------------------------------------------ the rate at its boundaries


@pytest.mark.parametrize(
    "dues, results, expected",
    [
        # every promise due is fulfilled; the later ones are on schedule: 100%, not 50%
        (DUES, [F, F, ON_TRACK, NOT_DUE], Decimal("1.000")),
        # none due this year: no figure (None, shown as —), neither 0% nor 100%
        ([DUE_ON_1_JAN, DUE_AT_TERM_END], [ON_TRACK, NOT_DUE], None),
        # due and on schedule mixed: (1 + ½) / 2 due
        (DUES, [F, P, ON_TRACK, ON_TRACK], Decimal("0.750")),
        # a promise due exactly on the year's last day counts, not kept: 1 / 2
        (DUES, [F, N, NOT_DUE, ON_TRACK], Decimal("0.500")),
        # one kept early counts too: (1 + 0 + 1) / 3
        (DUES, [F, N, F, ON_TRACK], Decimal("0.667")),
    ],
    ids=["all-due-fulfilled", "none-due", "due-and-on-track", "due-on-31-december", "early"],
)
def test_the_fulfilment_rate_counts_only_the_promises_due(
    contact, village, pledge, dues, results, expected
):
    pledge(dues)
    draft = redeem(contact, village, results, complete=False)
    assert selectors.results_fulfilment_rate(rows_of(draft), 2026) == expected  # the page's
    services.redemption_complete(actor=contact, redemption=draft, on=D(2026, 11, 23))

    pledge_id = rows_of(draft)[0].promise.pledge_id
    assert selectors.pledge_fulfilment_rates([village.code], 2026) == {pledge_id: expected}
    assert selectors.village_fulfilment_rates([village.code], 2026) == {village.code: expected}
    certificate = draft.results.first().promise.pledge.post.certificate
    evidence = selectors.annual_evidence(certificate, 2026)
    assert evidence["fulfilment_rate"] == (None if expected is None else str(expected))
    assert evidence["promises"]["total"] == len(dues)
    counted = sum(evidence["promises"][k] for k in ("on_track", "not_due"))
    assert counted == sum(1 for r in results if r in (ON_TRACK, NOT_DUE))


def test_a_draft_counts_an_unmarked_promise_only_if_it_is_due(contact, village, pledge):
    pledge(DUES)
    redemption = make_redemption(contact, village)
    in_june = rows_of(redemption)[0]
    services.redemption_set_result(
        actor=contact, redemption=redemption, promise=in_june.promise, result=F, appraisal="basic"
    )
    # kept: 1; due and not marked yet (31 December): counted as not kept; the later two: left out
    assert selectors.results_fulfilment_rate(rows_of(redemption), 2026) == Decimal("0.500")


# ------------------------------------------------------------------ the warning


def low_redemption(village):
    services.warnings_evaluate(on=D(2026, 12, 1), village_codes=[village.code])
    warning = VillageWarning.objects.filter(village=village).first()
    reasons = {} if warning is None else {r["rule"]: r["text"] for r in warning.reasons}
    return reasons.get(WarningRule.LOW_REDEMPTION)


@pytest.mark.usefixtures("chinese")
def test_no_warning_for_a_diligent_village_with_multi_year_promises(contact, village, pledge):
    disclose(village)
    # its first year: the two promises due are kept, the five-year ones are on schedule
    pledge(DUES)
    redeem(contact, village, [F, F, ON_TRACK, ON_TRACK])
    assert low_redemption(village) is None


@pytest.mark.usefixtures("chinese")
def test_no_warning_when_nothing_is_due(contact, village, pledge):
    disclose(village)
    pledge([DUE_ON_1_JAN, DUE_AT_TERM_END])
    redeem(contact, village, [NOT_DUE, ON_TRACK])
    assert low_redemption(village) is None


@pytest.mark.usefixtures("chinese")
def test_a_due_promise_not_kept_still_warns(contact, village, pledge):
    disclose(village)
    pledge(DUES)
    redeem(contact, village, [F, N, ON_TRACK, ON_TRACK])
    assert low_redemption(village) == "2026年度承诺兑现率：王书记50.0%，低于80%"


# ------------------------------------------------------------------ the page and the API


@pytest.fixture
def everyone(personas, contact, other_contact):
    return {**personas, "contact": contact, "other_contact": other_contact}


def _options(page, row) -> list[str]:
    """The outcomes the one-page form offers for `row` (the blank "not yet" aside)."""
    i = page.context["formset"].keys.index(row.promise_id)
    html = page.content.decode()
    select = re.search(rf'<select name="results-{i}-result".*?</select>', html, re.S).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


def _mark(client, redemption, row, **typed):
    """Save one promise's outcome as a draft on the one-page form."""
    detail = client.get(reverse("supervision:redemption-detail", args=[redemption.pk]))
    formset = detail.context["formset"] if detail.status_code == 200 else None
    if formset is None:  # not allowed to see the page: post a bare row
        data = {
            "results-TOTAL_FORMS": "1",
            "results-INITIAL_FORMS": "1",
            "results-0-key": row.promise_id,
            **{f"results-0-{k}": v for k, v in typed.items()},
        }
    else:
        data = formset_data(formset, {row.promise_id: typed})
    return client.post(reverse("supervision:redemption-results", args=[redemption.pk]), data)


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_contact", 404),
        ("insider", 200),
        ("supervisor", 200),
        ("contact", 200),
    ],
)
def test_the_redemption_page_offers_the_outcomes_that_fit_each_promise(
    client, everyone, contact, village, pledge, persona, status
):
    pledge(DUES)
    redemption = make_redemption(contact, village)
    in_june, on_31_dec, on_1_jan, at_term_end = rows_of(redemption)
    url = reverse("supervision:redemption-detail", args=[redemption.pk])
    login(client, everyone[persona])
    page = client.get(url)
    assert page.status_code == status
    post = _mark(client, redemption, on_1_jan, result="on_track", appraisal="satisfied")
    if status != 200:
        assert post.status_code == status
        assert not redemption.results.exclude(result="").exists()
        return
    html = page.content.decode()
    judged, running = ["fulfilled", "partly", "not"], ["fulfilled", "on_track", "not_due"]
    assert _options(page, in_june) == _options(page, on_31_dec) == judged
    assert _options(page, on_1_jan) == _options(page, at_term_end) == running
    assert "按计划推进" in html and "未到期" in html
    assert f'data-testid="due-later-{on_1_jan.pk}"' in html
    assert f'data-testid="due-later-{on_31_dec.pk}"' not in html

    assert post.status_code == 302
    shown = client.get(url).content.decode()
    badge = re.search(rf'data-testid="result-{on_1_jan.pk}">([^<]*)<', shown).group(1)
    assert badge == "按计划推进"
    # nothing due is marked yet: the two due promises count as not kept, the later one not at all
    assert re.search(r'data-testid="village-rate">([^<]*)<', shown).group(1) == "0.0%"

    # a due promise cannot be put on schedule: the form says why, in Chinese
    refused = _mark(client, redemption, on_31_dec, result="on_track", appraisal="satisfied")
    assert refused.status_code == 200
    assert "已在本年度到期" in refused.content.decode()
    assert redemption.results.get(pk=on_31_dec.pk).result == ""


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", None),
        ("outsider", 404),
        ("other_contact", 404),
        ("insider", 200),
        ("supervisor", 200),
        ("contact", 200),
    ],
)
def test_the_api_takes_and_shows_the_new_outcomes(
    api, everyone, contact, village, pledge, persona, status
):
    pledge(DUES)
    redemption = make_redemption(contact, village)
    in_june, on_31_dec, on_1_jan, at_term_end = rows_of(redemption)
    url = f"/api/v1/redemptions/{redemption.pk}/"
    api_login(api, everyone[persona])
    got = api.get(url)
    body = {"promise": at_term_end.promise_id, "result": "not_due", "appraisal": "basic"}
    posted = api.post(url + "results/", body, format="json")
    if status is None:  # anonymous: 401 or 403 per the authentication classes
        assert got.status_code in (401, 403) and posted.status_code in (401, 403)
        return
    assert got.status_code == status
    if status != 200:
        assert posted.status_code == status
        return
    assert posted.status_code == 200, posted.data
    row = next(r for r in posted.data["results"] if r["id"] == at_term_end.pk)
    assert (row["result"], row["due_date"]) == ("not_due", "2030-12-31")
    assert row["result_display"] == "未到期"
    for promise, result in (
        (in_june, "fulfilled"),
        (on_31_dec, "fulfilled"),
        (on_1_jan, "on_track"),
    ):
        done = api.post(
            url + "results/",
            {"promise": promise.promise_id, "result": result, "appraisal": "satisfied"},
            format="json",
        )
        assert done.status_code == 200
    assert done.data["fulfilment_rate"] == "1.000"  # both due kept; the later two left out
    refused = api.post(
        url + "results/",
        {"promise": in_june.promise_id, "result": "on_track", "appraisal": "satisfied"},
        format="json",
    )
    assert refused.status_code == 400 and "2026年6月30日" in str(refused.data)
