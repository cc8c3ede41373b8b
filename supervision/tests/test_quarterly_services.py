"""四述双评: recording, scoring and correcting quarterly reports (the services and the database's
own refusals), the year-end roll-up at its boundaries, and the township's confirmation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from cadres.choices import EndReason, PostKind
from cadres.tests.factories import CadreFactory, PostFactory
from supervision import selectors, services
from supervision.choices import QuarterlyReportState, ReporterKind, YearEndGrade
from supervision.models import QuarterlyReport, YearEndEvaluation
from supervision.selectors.quarterly import Bands, roll_up
from villages.tests.factories import ContactAssignmentFactory, UserFactory

from .quarterly_helpers import TEXTS, YEAR, quarter_end, report, scored

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def secretary(village):
    return PostFactory(
        cadre=CadreFactory(village=village, name="李书记"),
        village=village,
        kind=PostKind.SECRETARY,
        start_date=D(2024, 1, 10),
    ).cadre


@pytest.fixture
def leader(township, village):
    """A contact-team leader of the township from the second quarter of the year on."""
    user = UserFactory(username="leader", first_name="明", last_name="周")
    ContactAssignmentFactory(cadre=user, village=village, start_date=D(YEAR, 4, 1))
    return user


# ------------------------------------------------------------------ recording and scoring


def test_it_records_and_scores_a_cadres_report(insider, secretary, village, township):
    r = report(insider, 1, cadre=secretary)
    assert (r.kind, r.state, r.area_code) == (
        ReporterKind.VILLAGE_CADRE,
        QuarterlyReportState.REPORTED,
        village.code,
    )
    assert r.post.kind == PostKind.SECRETARY and r.township == township
    r = services.quarterly_report_score(
        actor=insider, report=r, commented_by="王书记", comment="扎实", score=Decimal("88.5")
    )
    assert r.state == QuarterlyReportState.SCORED and r.score == Decimal("88.5")


@pytest.mark.parametrize(
    "score,ok", [("0", True), ("100", True), ("-0.1", False), ("100.1", False)]
)
def test_the_score_is_from_0_to_100(insider, secretary, score, ok):
    r = report(insider, 1, cadre=secretary)
    call = lambda: services.quarterly_report_score(  # noqa: E731
        actor=insider, report=r, commented_by="王书记", comment="好", score=Decimal(score)
    )
    if ok:
        assert call().score == Decimal(score)
    else:
        with pytest.raises(ValidationError) as e:
            call()
        assert "score" in e.value.message_dict


def test_scoring_needs_the_comment_and_the_leader(insider, secretary):
    r = report(insider, 1, cadre=secretary)
    with pytest.raises(ValidationError) as e:
        services.quarterly_report_score(
            actor=insider, report=r, commented_by=" ", comment="", score=Decimal(80)
        )
    assert {"commented_by", "comment"} <= set(e.value.message_dict)


def test_a_scored_report_cannot_be_scored_again(insider, secretary):
    r = scored(insider, 1, 80, cadre=secretary)
    with pytest.raises(ValidationError):
        services.quarterly_report_score(
            actor=insider, report=r, commented_by="王书记", comment="再评", score=Decimal(99)
        )


def test_one_report_per_person_and_quarter(insider, secretary):
    report(insider, 2, cadre=secretary)
    with pytest.raises(ValidationError):
        report(insider, 2, cadre=secretary)
    # and the database, whatever the code does
    first = QuarterlyReport.objects.get(quarter=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlyReport.objects.create(
            **{
                f.attname: getattr(first, f.attname)
                for f in QuarterlyReport._meta.concrete_fields
                if f.attname not in ("id", "recorded_at")
            }
        )


def test_the_date_lies_in_the_quarter_or_its_grace(insider, secretary):
    with pytest.raises(ValidationError) as e:
        report(insider, 2, cadre=secretary, reported_on=D(YEAR, 3, 31))
    assert "reported_on" in e.value.message_dict
    report(insider, 2, cadre=secretary, reported_on=quarter_end(2) + dt.timedelta(days=31))
    with pytest.raises(ValidationError):
        report(insider, 3, cadre=secretary, reported_on=quarter_end(3) + dt.timedelta(days=32))


def test_every_part_is_written(insider, secretary):
    with pytest.raises(ValidationError) as e:
        report(insider, 1, cadre=secretary, law="  ")
    assert set(e.value.message_dict) == {"law"}


def test_a_cadre_without_a_post_in_the_quarter_is_refused(insider, village):
    gone = PostFactory(
        cadre=CadreFactory(village=village),
        village=village,
        kind=PostKind.COMMITTEE_MEMBER,
        start_date=D(2021, 1, 1),
        end_date=D(2024, 12, 31),
        end_reason=EndReason.RESIGNED,
    ).cadre
    with pytest.raises(ValidationError) as e:
        report(insider, 1, cadre=gone)
    assert "cadre" in e.value.message_dict


def test_a_leader_reports_to_the_township_of_their_team(insider, leader, township, other_township):
    r = report(insider, 2, person=leader, township=township)
    assert (r.kind, r.area_code) == (ReporterKind.CONTACT_LEADER, township.code)
    with pytest.raises(ValidationError):
        report(insider, 1, person=leader, township=township)  # not yet leading in Q1


def test_outsiders_and_contact_cadres_cannot_record(outsider, contact, secretary):
    for actor in (outsider, contact):
        with pytest.raises(PermissionDenied):
            report(actor, 1, cadre=secretary)


# ------------------------------------------------------------------ final, corrected


def test_the_database_keeps_a_scored_report(insider, secretary):
    r = scored(insider, 1, 80, cadre=secretary)
    with pytest.raises(DatabaseError), transaction.atomic():
        QuarterlyReport.objects.filter(pk=r.pk).update(score=Decimal(99))
    with pytest.raises(DatabaseError), transaction.atomic():
        QuarterlyReport.objects.filter(pk=r.pk).delete()


def test_the_database_refuses_a_report_born_scored(insider, secretary):
    r = report(insider, 1, cadre=secretary)
    values = {
        f.attname: getattr(r, f.attname)
        for f in QuarterlyReport._meta.concrete_fields
        if f.attname not in ("id", "recorded_at", "quarter")
    }
    from django.utils import timezone

    values.update(
        quarter=2,
        state=QuarterlyReportState.SCORED,
        score=Decimal(90),
        comment="好",
        commented_by="王",
        scored_by_id=insider.pk,
        scored_at=timezone.now(),
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        QuarterlyReport.objects.create(**values)


def test_a_correction_is_a_new_report_replacing_the_old(insider, secretary):
    original = scored(insider, 1, 50, cadre=secretary)
    with pytest.raises(ValidationError):
        services.quarterly_report_correct(actor=insider, report=original, reason="")
    fixed = services.quarterly_report_correct(
        actor=insider, report=original, reason="记分误录", duties="更正后的述职"
    )
    assert fixed.corrects == original and fixed.state == QuarterlyReportState.REPORTED
    assert fixed.duties == "更正后的述职" and fixed.integrity == TEXTS["integrity"]
    assert list(QuarterlyReport.objects.current()) == [fixed]
    with pytest.raises(ValidationError):
        services.quarterly_report_correct(actor=insider, report=original, reason="再次")
    services.quarterly_report_score(
        actor=insider, report=fixed, commented_by="王书记", comment="更正", score=Decimal(85)
    )
    rows = selectors.year_rollup(insider, secretary.village.township, YEAR)
    assert rows[0].rollup.average == Decimal("85.00")


# ------------------------------------------------------------------ the roll-up


BANDS = Bands(Decimal(90), Decimal(75), Decimal(60))


class _R:
    def __init__(self, score, state=QuarterlyReportState.SCORED):
        self.score, self.state = (Decimal(score) if score is not None else None), state


@pytest.mark.parametrize(
    "scores,grade",
    [
        ((90, 90, 90, 90), YearEndGrade.EXCELLENT),
        (("89.99", "89.99", "89.99", "89.99"), YearEndGrade.COMPETENT),
        ((75, 75, 75, 75), YearEndGrade.COMPETENT),
        ((60, 60, 60, 60), YearEndGrade.BASIC),
        (("59.99", 60, 60, 60), YearEndGrade.BASIC),  # 59.9975 rounds to 60.00
        (("59.96", 60, 60, 60), YearEndGrade.INCOMPETENT),  # 59.99
        ((100, 100, 100, 100), YearEndGrade.EXCELLENT),
        ((0, 0, 0, 0), YearEndGrade.INCOMPETENT),
    ],
)
def test_the_grade_at_the_band_edges(scores, grade):
    up = roll_up({1, 2, 3, 4}, {q: _R(s) for q, s in enumerate(scores, 1)}, BANDS)
    assert up.grade == grade


def test_a_missing_quarter_counts_zero_in_the_overall_not_in_the_average():
    up = roll_up({1, 2, 3, 4}, {1: _R(96), 2: _R(96), 3: None, 4: _R(96)}, BANDS)
    assert up.missing == [3] and up.reported == [1, 2, 4]
    assert up.average == Decimal("96.00") and up.overall == Decimal("72.00")
    assert up.grade == YearEndGrade.BASIC


def test_a_quarter_not_owed_is_not_missing():
    # joined in the third quarter: two quarters owed, both reported
    up = roll_up({3, 4}, {1: None, 2: None, 3: _R(92), 4: _R(90)}, BANDS)
    assert up.expected == [3, 4] and up.missing == [] and up.overall == Decimal("91.00")
    assert up.grade == YearEndGrade.EXCELLENT


def test_a_report_not_yet_scored_is_pending():
    up = roll_up({1, 2}, {1: _R(80), 2: _R(None, QuarterlyReportState.REPORTED)}, BANDS)
    assert up.pending == [2] and up.missing == [] and up.overall == Decimal("40.00")


def test_nobody_owing_anything_rolls_up_to_zero():
    up = roll_up(set(), {}, BANDS)
    assert up.expected == [] and up.average is None and up.overall == Decimal(0)


def test_a_cadre_who_changed_post_mid_year_is_one_person_owing_every_quarter(
    insider, village, township
):
    cadre = CadreFactory(village=village, name="钱委员")
    PostFactory(
        cadre=cadre,
        village=village,
        kind=PostKind.COMMITTEE_MEMBER,
        start_date=D(2022, 1, 1),
        end_date=D(YEAR, 6, 30),
        end_reason=EndReason.TRANSFERRED,
    )
    PostFactory(cadre=cadre, village=village, kind=PostKind.CHAIR, start_date=D(YEAR, 7, 1))
    for q, s in ((1, 80), (2, 82), (4, 90)):
        scored(insider, q, s, cadre=cadre)
    rows = selectors.year_rollup(insider, township, YEAR)
    assert len(rows) == 1
    row = rows[0]
    assert row.rollup.expected == [1, 2, 3, 4] and row.rollup.missing == [3]
    assert row.reports[1].post.kind == PostKind.COMMITTEE_MEMBER
    assert row.reports[4].post.kind == PostKind.CHAIR
    assert len(row.where) == 2  # both posts named
    assert row.rollup.overall == Decimal("63.00") and row.rollup.grade == YearEndGrade.BASIC


def test_a_cadre_who_left_mid_year_owes_only_the_quarters_ended_in_post(insider, village, township):
    cadre = CadreFactory(village=village)
    PostFactory(
        cadre=cadre,
        village=village,
        kind=PostKind.COMMITTEE_MEMBER,
        start_date=D(2022, 1, 1),
        end_date=D(YEAR, 8, 15),
        end_reason=EndReason.RESIGNED,
    )
    row = selectors.year_rollup(insider, township, YEAR)[0]
    assert row.rollup.expected == [1, 2] and row.rollup.missing == [1, 2]


def test_the_leader_owes_the_quarters_of_the_assignment(insider, leader, township):
    row = selectors.year_rollup(insider, township, YEAR)[0]
    assert row.kind == ReporterKind.CONTACT_LEADER and row.rollup.expected == [2, 3, 4]


def test_the_county_bands_are_versioned(insider, supervisor, county, township, secretary):
    for q in range(1, 5):
        scored(insider, q, 85, cadre=secretary)
    assert selectors.year_rollup(insider, township, YEAR)[0].rollup.grade == YearEndGrade.COMPETENT
    services.grade_bands_set(
        actor=supervisor,
        county=county,
        from_year=YEAR,
        excellent_min=Decimal(85),
        competent_min=Decimal(70),
        basic_min=Decimal(60),
    )
    services.grade_bands_set(
        actor=supervisor,
        county=county,
        from_year=YEAR + 1,
        excellent_min=Decimal(95),
        competent_min=Decimal(80),
        basic_min=Decimal(60),
    )
    assert selectors.year_rollup(insider, township, YEAR)[0].rollup.grade == YearEndGrade.EXCELLENT
    with pytest.raises(PermissionDenied):
        services.grade_bands_set(
            actor=insider,
            county=county,
            from_year=YEAR,
            excellent_min=Decimal(1),
            competent_min=Decimal(0.5),
            basic_min=Decimal(0),
        )
    with pytest.raises(ValidationError):
        services.grade_bands_set(
            actor=supervisor,
            county=county,
            from_year=YEAR,
            excellent_min=Decimal(70),
            competent_min=Decimal(80),
            basic_min=Decimal(60),
        )


# ------------------------------------------------------------------ the year-end confirmation


def test_the_township_confirms_the_year_end(insider, township, secretary, leader):
    for q in range(1, 5):
        scored(insider, q, 92, cadre=secretary)
    scored(insider, 3, 70, person=leader, township=township)
    with pytest.raises(ValidationError):
        services.year_end_confirm(actor=insider, township=township, year=YEAR, on=D(YEAR, 11, 30))
    done = services.year_end_confirm(actor=insider, township=township, year=YEAR, on=D(YEAR, 12, 1))
    got = {e.kind: e for e in YearEndEvaluation.objects.all()}
    assert len(done) == 2
    cadre_eval = got[ReporterKind.VILLAGE_CADRE]
    assert (cadre_eval.grade, cadre_eval.overall, cadre_eval.missing_quarters) == (
        YearEndGrade.EXCELLENT,
        Decimal("92.00"),
        "",
    )
    leader_eval = got[ReporterKind.CONTACT_LEADER]
    assert (leader_eval.quarters_expected, leader_eval.quarters_reported) == (3, 1)
    assert leader_eval.missing_quarters == "2,4" and leader_eval.grade == YearEndGrade.INCOMPETENT
    with pytest.raises(ValidationError):  # nothing left
        services.year_end_confirm(actor=insider, township=township, year=YEAR)
    with pytest.raises(DatabaseError), transaction.atomic():
        YearEndEvaluation.objects.filter(pk=cadre_eval.pk).update(grade=YearEndGrade.BASIC)
    rows = selectors.year_rollup(insider, township, YEAR)
    assert all(r.evaluation is not None for r in rows)


def test_the_confirmation_waits_for_every_score(insider, township, secretary):
    report(insider, 1, cadre=secretary)
    with pytest.raises(ValidationError):
        services.year_end_confirm(actor=insider, township=township, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.year_end_confirm(actor=UserFactory(), township=township, year=YEAR)


# ------------------------------------------------------------------ the warning rule


def test_a_village_whose_cadre_missed_the_quarter_is_warned(insider, township, village, secretary):
    from supervision.choices import WarningRule
    from supervision.models import VillageWarning

    chair = PostFactory(
        cadre=CadreFactory(village=village, name="赵主任"),
        village=village,
        kind=PostKind.CHAIR,
        start_date=D(2024, 1, 10),
    ).cadre
    on = D(YEAR, 11, 5)  # the third quarter's reports are due (its grace has passed)

    def rules():
        services.warnings_evaluate(on=on, village_codes=[village.code])
        warning = VillageWarning.objects.filter(village=village).first()
        reasons = warning.reasons if warning else []
        return [r for r in reasons if r["rule"] == WarningRule.QUARTERLY_MISSING]

    assert rules() == []  # the township records no 四述双评 yet: no flood of warnings
    report(insider, 3, cadre=secretary)
    (reason,) = rules()
    assert "赵主任" in reason["text"] and "李书记" not in reason["text"]
    report(insider, 3, cadre=chair)
    assert rules() == []
    # within the grace days the quarter is not yet due
    assert services.warnings_evaluate(on=D(YEAR, 10, 20), village_codes=[village.code]) >= 0
