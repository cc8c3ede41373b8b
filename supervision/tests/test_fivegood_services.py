"""五好 rating: the county's criteria, the evidence selector (its queries), the township's
proposal and the county's confirmation, their allowed transitions, finality and corrections,
and the roll-up from the year's records to the county's 五好率."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from reports.figures import period_figures
from supervision import selectors, services
from supervision.choices import FiveGood, Grade, RatingState
from supervision.models import FiveGoodCriterion, FiveGoodRating
from supervision.periods import Period
from villages.tests.factories import VillageFactory

from .cycle_helpers import more_villages
from .fivegood_helpers import ALL_MET, YEAR, good_year, graded_review, some_not_met, warn
from .problems_helpers import make_problem

pytestmark = pytest.mark.django_db


def propose(actor, village, assessments=ALL_MET, year=YEAR):
    return services.fivegood_propose(
        actor=actor, village=village, year=year, assessments=assessments
    )


# ------------------------------------------------------------------ criteria


def test_a_county_without_criteria_rates_against_the_defaults(county):
    criteria = selectors.fivegood_criteria(county.code)
    assert [c.good for c in criteria] == list(FiveGood.values)
    assert all(c.is_default for c in criteria)
    assert criteria[0].threshold == Decimal("0.800")


def test_the_county_sets_its_criteria_and_each_change_is_kept(supervisor, insider, county):
    data = {g: (f"{g} 的标准", Decimal("0.750")) for g in FiveGood.values}
    services.fivegood_criteria_set(actor=supervisor, county_code=county.code, criteria=data)
    data[FiveGood.TEAM] = ("班子团结", Decimal("0.900"))
    services.fivegood_criteria_set(actor=supervisor, county_code=county.code, criteria=data)
    criteria = selectors.fivegood_criteria(county.code)
    assert criteria[0].description == "班子团结" and criteria[0].threshold == Decimal("0.900")
    assert not criteria[0].is_default
    team = FiveGoodCriterion.objects.get(good=FiveGood.TEAM)
    assert [e.description for e in team.events.order_by("pgh_id")] == [
        "team 的标准",
        "班子团结",
    ]
    with pytest.raises(PermissionDenied):
        services.fivegood_criteria_set(actor=insider, county_code=county.code, criteria=data)
    data[FiveGood.LEADER] = ("", Decimal("1.5"))
    with pytest.raises(ValidationError) as e:
        services.fivegood_criteria_set(actor=supervisor, county_code=county.code, criteria=data)
    assert set(e.value.message_dict) == {"leader_description", "leader_threshold"}


# ------------------------------------------------------------------ evidence


def test_evidence_is_a_fixed_number_of_queries_for_any_number_of_villages(
    township, village, insider, sitting
):
    good_year(village, insider, sitting)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            selectors.fivegood_evidence(prefix=township.code[:6], year=YEAR)
        return len(ctx.captured_queries)

    few = queries()
    for v in more_villages(township, 8):
        make_problem(v, insider)
        warn(v, 2)
    assert queries() == few == 10


def test_the_evidence_of_a_good_year_suggests_all_five(village, insider, sitting, county):
    good_year(village, insider, sitting)
    evidence = selectors.fivegood_evidence(prefix=village.code, year=YEAR)[village.code]
    assert evidence.reviews_graded == 2 and evidence.good_grade_rate == Decimal("1.000")
    assert evidence.disclosures == 4 and evidence.on_time_rate == Decimal("1.000")
    assert evidence.satisfaction_rate == Decimal("0.938")
    suggested = selectors.fivegood_suggestions(evidence, selectors.fivegood_criteria(county.code))
    assert all(suggested.values())
    # an incompetent cadre and an orange warning take away 好班子 and 好群众反映
    graded_review(village, insider, [(sitting["member"], Grade.INCOMPETENT)], f"{YEAR}H2")
    warn(village, 2)
    evidence = selectors.fivegood_evidence(prefix=village.code, year=YEAR)[village.code]
    suggested = selectors.fivegood_suggestions(evidence, selectors.fivegood_criteria(county.code))
    assert not suggested[FiveGood.TEAM] and not suggested[FiveGood.REPUTATION]
    assert suggested[FiveGood.LEADER] and suggested[FiveGood.RESULTS]


def test_a_village_without_records_suggests_not_met_where_evidence_is_needed(county):
    evidence = selectors.FiveGoodEvidence()
    suggested = selectors.fivegood_suggestions(evidence, selectors.fivegood_criteria(county.code))
    assert suggested == {
        FiveGood.TEAM: False,
        FiveGood.LEADER: True,
        FiveGood.SYSTEM: False,
        FiveGood.RESULTS: True,
        FiveGood.REPUTATION: False,
    }


# ------------------------------------------------------------------ transitions


def test_the_township_proposes_with_the_evidence_and_criteria_copied(insider, village, sitting):
    good_year(village, insider, sitting)
    rating = propose(insider, village)
    assert rating.state == RatingState.PROPOSED and rating.is_five_good
    assert rating.evidence["disclosures"] == 4 and rating.evidence["on_time_rate"] == "1.000"
    assert rating.criteria[FiveGood.TEAM]["threshold"] == "0.800"
    with pytest.raises(ValidationError):
        propose(insider, village)  # once a year


def test_a_criterion_not_met_needs_a_note(insider, village):
    with pytest.raises(ValidationError) as e:
        propose(insider, village, {**ALL_MET, FiveGood.RESULTS: (False, " ")})
    assert set(e.value.message_dict) == {"results_note"}
    rating = propose(insider, village, some_not_met(FiveGood.RESULTS))
    assert not rating.is_five_good and rating.results_note == "未达标：见证据"


@pytest.mark.parametrize("who", ["outsider", "contact", "supervisor"])
def test_who_proposes(personas, contact, village, who):
    actor = contact if who == "contact" else personas[who]
    if who == "supervisor":  # the county manages its townships too
        assert propose(actor, village).state == RatingState.PROPOSED
        return
    with pytest.raises(PermissionDenied):
        propose(actor, village)


def test_return_repropose_confirm(insider, supervisor, village):
    rating = propose(insider, village, some_not_met(FiveGood.SYSTEM))
    with pytest.raises(PermissionDenied):
        services.fivegood_confirm(actor=insider, rating=rating)
    with pytest.raises(ValidationError):
        services.fivegood_return(actor=supervisor, rating=rating, note="")
    services.fivegood_return(actor=supervisor, rating=rating, note="请补充好机制的证据说明")
    rating.refresh_from_db()
    assert rating.state == RatingState.RETURNED
    assert not services.rating_step_allowed(supervisor, rating, "confirm")
    assert services.rating_step_allowed(insider, rating, "propose")
    again = propose(insider, village)
    assert again.pk == rating.pk and again.state == RatingState.PROPOSED
    services.fivegood_confirm(actor=supervisor, rating=again, note="同意")
    again.refresh_from_db()
    assert again.state == RatingState.CONFIRMED and again.decided_by == supervisor
    with pytest.raises(ValidationError):
        services.fivegood_confirm(actor=supervisor, rating=again)
    with pytest.raises(ValidationError):
        propose(insider, village)
    states = [e.state for e in again.events.order_by("pgh_id")]
    assert states == ["proposed", "returned", "proposed", "confirmed"]


def test_a_confirmed_rating_is_final_in_the_database(insider, supervisor, village):
    rating = services.fivegood_confirm(actor=supervisor, rating=propose(insider, village))
    with pytest.raises(DatabaseError), transaction.atomic():
        FiveGoodRating.objects.filter(pk=rating.pk).update(team_note="改")
    with pytest.raises(DatabaseError), transaction.atomic():
        FiveGoodRating.objects.filter(pk=rating.pk).delete()


def test_five_good_only_when_all_five_met_in_the_database(insider, village):
    rating = propose(insider, village, some_not_met(FiveGood.TEAM))
    with pytest.raises(IntegrityError), transaction.atomic():
        FiveGoodRating.objects.filter(pk=rating.pk).update(is_five_good=True)


def test_a_correction_is_a_new_confirmed_rating(insider, supervisor, village):
    original = services.fivegood_confirm(actor=supervisor, rating=propose(insider, village))
    with pytest.raises(PermissionDenied):
        services.fivegood_correct(
            actor=insider, rating=original, assessments=ALL_MET, reason="核实后更正评定结果"
        )
    with pytest.raises(ValidationError):
        services.fivegood_correct(
            actor=supervisor, rating=original, assessments=ALL_MET, reason="短"
        )
    correction = services.fivegood_correct(
        actor=supervisor,
        rating=original,
        assessments=some_not_met(FiveGood.REPUTATION),
        reason="年底群众信访反映强烈，核实后更正",
    )
    assert correction.corrects == original and correction.state == RatingState.CONFIRMED
    assert not correction.is_five_good and original.is_five_good
    assert list(FiveGoodRating.objects.current()) == [correction]
    with pytest.raises(ValidationError):
        services.fivegood_correct(
            actor=supervisor, rating=original, assessments=ALL_MET, reason="再次更正评定结果"
        )
    assert not services.rating_step_allowed(
        supervisor, selectors.fivegood_ratings().get(pk=original.pk), "correct"
    )


# ------------------------------------------------------------------ roll-up


def test_roll_up_from_evidence_to_the_county_rate(insider, supervisor, township, village, sitting):
    """Evidence → the township's proposal from what it suggests → the county's confirmation →
    the 五好率 of the county's figures; proposals awaiting the county do not count."""
    good_year(village, insider, sitting)
    weak, unrated = VillageFactory(township=township), VillageFactory(township=township)
    make_problem(weak, insider, deadline=None)
    county = township.code[:6]
    evidence = selectors.fivegood_evidence(prefix=county, year=YEAR)
    criteria = selectors.fivegood_criteria(county)
    ratings = []
    for v in (village, weak):
        suggested = selectors.fivegood_suggestions(
            evidence.get(v.code, selectors.FiveGoodEvidence()), criteria
        )
        assessments = {g: (met, "" if met else "证据不足") for g, met in suggested.items()}
        ratings.append(propose(insider, v, assessments))
    assert [r.is_five_good for r in ratings] == [True, False]

    def figures():
        return period_figures(prefix=county, period=Period.parse(f"{YEAR}Q4")).total

    assert (figures().five_good_rated, figures().five_good_rate) == (0, None)
    for r in ratings:
        services.fivegood_confirm(actor=supervisor, rating=r)
    total = figures()
    assert (total.five_good, total.five_good_rated, total.villages) == (1, 2, 3)
    assert total.five_good_rate == Decimal("0.500")
    assert unrated.code not in {r.area_code for r in FiveGoodRating.objects.all()}
    # the county corrects the weak village to 五好: 2 of 2
    services.fivegood_correct(
        actor=supervisor, rating=ratings[1], assessments=ALL_MET, reason="复核后问题已整改到位"
    )
    assert figures().five_good_rate == Decimal("1.000")
