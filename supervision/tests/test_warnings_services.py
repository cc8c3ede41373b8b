"""预警: each rule fires with its reason in words, and not when the facts are absent; levels come
from the county's policy; many reasons raise the level; a higher level needs a new
acknowledgement; the evaluation costs the same number of queries for 2 villages as for 30."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision import services
from supervision.choices import RectificationState, TaskKind, WarningLevel, WarningRule
from supervision.models import SupervisionPolicy, VillageWarning
from villages.tests.factories import VillageFactory

from .warnings_helpers import (
    FULFILLED,
    NOT,
    ON,
    PARTLY,
    D,
    designate,
    disclose,
    ended_post,
    overdue_duty,
    overdue_problem,
    public_report,
    redemption,
    suspend,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]


def evaluate(village, on=ON):
    services.warnings_evaluate(on=on, village_codes=[village.code])
    return VillageWarning.objects.filter(village=village).first()


def reasons(village, on=ON):
    warning = evaluate(village, on)
    return {} if warning is None else {r["rule"]: r["text"] for r in warning.reasons}


@pytest.fixture
def clean(village):
    """A village with nothing wrong: its last quarter's disclosure is published."""
    disclose(village)
    return village


def test_a_village_with_nothing_wrong_has_no_warning(clean):
    assert services.warnings_evaluate(on=ON, village_codes=[clean.code]) == 0
    assert not VillageWarning.objects.exists()


def test_an_overdue_inspection_raises_the_warning_with_that_reason(clean):
    overdue_duty(clean, TaskKind.INSPECTION, "2026Q2")

    warning = evaluate(clean)

    assert warning.level == WarningLevel.YELLOW
    assert warning.reasons == [
        {
            "rule": WarningRule.TASK_OVERDUE,
            "level": WarningLevel.YELLOW,
            "text": "2026年第2季度巡查逾期（应于2026年5月31日前完成）",
        }
    ]


def test_a_duty_not_yet_due_or_done_raises_nothing(clean):
    overdue_duty(clean, TaskKind.INSPECTION, "2026Q3")  # due by 2026-08-31: not yet on 08-01
    assert reasons(clean, on=D(2026, 8, 1)) == {}
    task = overdue_duty(clean, TaskKind.HEARING, "2026Q2")
    services.task_done(task, D(2026, 6, 20))
    assert WarningRule.TASK_OVERDUE not in reasons(clean, on=D(2026, 8, 1))


def test_several_overdue_duties_of_one_kind_are_counted(clean):
    overdue_duty(clean, TaskKind.HEARING, "2026Q1")
    overdue_duty(clean, TaskKind.HEARING, "2026Q2")
    overdue_duty(clean, TaskKind.REVIEW, "2025H2")

    texts = [r["text"] for r in evaluate(clean).reasons]

    assert texts == [
        "2025年下半年评议逾期（应于2025年12月31日前完成）",
        "2次村务听证质询会逾期，最早为2026年第1季度（应于2026年3月31日前完成）",
    ]


def test_problems_past_their_deadline(clean, insider):
    overdue_problem(clean, insider, deadline=D(2026, 8, 1))
    overdue_problem(clean, insider, deadline=D(2026, 9, 1), title="道路未修")
    overdue_problem(clean, insider, deadline=D(2026, 12, 1), title="未到期")

    assert reasons(clean)[WarningRule.PROBLEM_OVERDUE] == (
        "2个问题超过整改期限（最早应于2026年8月1日前整改）"
    )
    assert WarningRule.PROBLEM_OVERDUE not in reasons(clean, on=D(2026, 7, 31))


def test_low_satisfaction_in_the_latest_public_report(clean, insider, sitting):
    secretary, chair = sitting["secretary"], sitting["chair"]
    # An older report with a low vote no longer counts once a newer one is completed.
    public_report(clean, insider, [(secretary, 10, 10, 30), (chair, 40, 5, 5)], period="2025H2")
    public_report(clean, insider, [(secretary, 30, 6, 14), (chair, 40, 5, 5)], period="2026H1")
    public_report(clean, insider, [(secretary, 0, 0, 50)], period="2026H2", completed=False)

    assert reasons(clean)[WarningRule.LOW_SATISFACTION] == (
        "2026年上半年公开述职最低满意率72.0%，低于80%"
    )


def test_satisfaction_at_the_threshold_raises_nothing(clean, insider, sitting):
    public_report(clean, insider, [(sitting["secretary"], 30, 10, 10)], period="2026H1")  # 80%
    assert WarningRule.LOW_SATISFACTION not in reasons(clean)


def test_no_published_disclosure_for_the_last_quarter(village):
    disclose(village, "2026Q1")
    disclose(village, "2026Q2", state="approved")  # approved but not published

    assert reasons(village)[WarningRule.NO_DISCLOSURE] == "2026年第2季度未公布财务公开"
    # On 2026-07-10 the second quarter's statement is not yet due: the first quarter's is there.
    assert WarningRule.NO_DISCLOSURE not in reasons(village, on=D(2026, 7, 10))


def test_handover_overdue(clean):
    ended_post(clean, end=D(2026, 8, 31))  # 15 days ago: not overdue yet
    assert WarningRule.HANDOVER_OVERDUE not in reasons(clean)

    ended_post(clean, end=D(2026, 7, 31), kind="chair")

    assert reasons(clean)[WarningRule.HANDOVER_OVERDUE] == (
        "换届交接逾期：1个岗位离任超过30天仍未交接（于2026年7月31日离任）"
    )


def test_a_suspended_certificate_of_a_sitting_post(clean, sitting):
    assert WarningRule.CERTIFICATE_SUSPENDED not in reasons(clean)
    suspend(sitting["chair"])

    assert reasons(clean)[WarningRule.CERTIFICATE_SUSPENDED] == "任职资格证书被暂停：赵主任"


def test_low_pledge_fulfilment_of_the_latest_redemption(clean, insider, sitting):
    secretary, chair = sitting["secretary"], sitting["chair"]
    redemption(clean, insider, {secretary: [NOT, NOT, NOT]}, period="2024")
    redemption(clean, insider, {secretary: [FULFILLED, PARTLY, NOT], chair: [FULFILLED] * 3})

    # 李书记: (1 + 0.5) / 3 = 50.0%; 赵主任 100% is not named.
    assert reasons(clean)[WarningRule.LOW_REDEMPTION] == "2025年度承诺兑现率：李书记50.0%，低于80%"


def test_full_pledge_fulfilment_raises_nothing(clean, insider, sitting):
    redemption(clean, insider, {sitting["secretary"]: [FULFILLED, FULFILLED, PARTLY]})  # 83.3%
    assert WarningRule.LOW_REDEMPTION not in reasons(clean)


def test_backward_village_rectification_not_passed(clean, insider):
    designate(clean, insider, year=2025, state="failed")  # last year's does not count
    assert WarningRule.BACKWARD not in reasons(clean)
    designate(clean, insider, year=2026, state="planned")

    assert reasons(clean)[WarningRule.BACKWARD] == (
        f"2026年被确定为后进村，整顿尚未验收通过（{RectificationState.PLANNED.label}）"
    )


def test_designated_backward_village_flag(clean):
    type(clean).objects.filter(pk=clean.pk).update(is_backward=True)
    assert reasons(clean)[WarningRule.BACKWARD] == "被确定为后进村"


def test_the_county_policy_sets_each_rules_level_and_may_switch_one_off(clean, insider, county):
    overdue_duty(clean)
    overdue_problem(clean, insider)
    SupervisionPolicy.objects.create(
        area_code=county.code,
        rule_levels={WarningRule.TASK_OVERDUE: 2, WarningRule.PROBLEM_OVERDUE: 0},
    )

    warning = evaluate(clean)

    assert warning.level == WarningLevel.ORANGE
    assert [(r["rule"], r["level"]) for r in warning.reasons] == [(WarningRule.TASK_OVERDUE, 2)]


def test_thresholds_come_from_the_county_policy(clean, insider, sitting, county):
    public_report(clean, insider, [(sitting["secretary"], 30, 10, 10)], period="2026H1")  # 80%
    SupervisionPolicy.objects.create(area_code=county.code, satisfaction_threshold=Decimal("0.85"))
    assert reasons(clean)[WarningRule.LOW_SATISFACTION].endswith("80.0%，低于85%")


def test_many_reasons_raise_the_level_one_step(village, insider, county, sitting):
    disclose(village)
    overdue_duty(village)  # yellow
    overdue_problem(village, insider)  # yellow
    assert evaluate(village).level == WarningLevel.YELLOW  # two reasons, fewer than three

    SupervisionPolicy.objects.create(area_code=county.code, escalate_after_reasons=2)
    assert evaluate(village).level == WarningLevel.ORANGE

    suspend(sitting["secretary"])  # red already: raised no further than red
    assert evaluate(village).level == WarningLevel.RED


def test_default_escalation_at_three_reasons(village, insider):
    overdue_duty(village)
    overdue_problem(village, insider)
    warning = evaluate(village)  # no disclosure either: three yellow reasons
    assert len(warning.reasons) == 3
    assert warning.level == WarningLevel.ORANGE


def test_acknowledgement_kept_while_the_level_holds_and_cleared_when_it_rises(
    clean, insider, sitting
):
    overdue_duty(clean)
    warning = evaluate(clean)
    first_since = warning.since
    services.warning_acknowledge(actor=insider, warning=warning, note="已督促")

    overdue_duty(clean, TaskKind.HEARING, "2026Q2")  # another yellow reason: same level
    warning = evaluate(clean)
    assert len(warning.reasons) == 2
    assert warning.acknowledged_by == insider and warning.acknowledgement_note == "已督促"
    assert warning.since == first_since

    suspend(sitting["chair"])  # red
    warning = evaluate(clean)
    assert warning.level == WarningLevel.RED
    assert warning.acknowledged_by is None and warning.acknowledged_at is None
    assert warning.acknowledgement_note == ""
    assert warning.since > first_since


def test_a_warning_clears_when_the_facts_are_gone(clean):
    task = overdue_duty(clean)
    assert evaluate(clean).level == WarningLevel.YELLOW
    services.task_done(task, D(2026, 9, 14))
    warning = evaluate(clean)
    assert warning.level == WarningLevel.NONE and warning.reasons == []
    assert services.warnings_evaluate(on=ON, village_codes=[clean.code]) == 0  # nothing new


def test_evaluating_twice_changes_nothing_the_second_time(clean):
    overdue_duty(clean)
    assert services.warnings_evaluate(on=ON) == 1
    assert services.warnings_evaluate(on=ON) == 0
    assert VillageWarning.objects.count() == 1


def test_acknowledge_needs_a_township_or_county_manager(clean, insider, contact, outsider):
    overdue_duty(clean)
    warning = evaluate(clean)
    for user in (contact, outsider):
        with pytest.raises(PermissionDenied):
            services.warning_acknowledge(actor=user, warning=warning, note="")
    services.warning_acknowledge(actor=insider, warning=warning, note="")
    warning.refresh_from_db()
    assert warning.acknowledged_by == insider and warning.acknowledged_at is not None
    with pytest.raises(ValidationError):
        services.warning_acknowledge(actor=insider, warning=warning, note="")


def test_a_warning_at_level_none_cannot_be_acknowledged(clean, insider):
    task = overdue_duty(clean)
    evaluate(clean)
    services.task_done(task, ON)
    warning = evaluate(clean)
    with pytest.raises(ValidationError):
        services.warning_acknowledge(actor=insider, warning=warning, note="")


def make_villages(township, n, start):
    villages = [
        VillageFactory(township=township, code=f"{township.code}{start + i:03d}") for i in range(n)
    ]
    for v in villages:
        overdue_duty(v)
    return villages


def count_evaluation(**kwargs):
    VillageWarning.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        services.warnings_evaluate(on=ON, **kwargs)
    return len(ctx.captured_queries)


def test_evaluation_query_count_is_the_same_for_2_and_30_villages(township, insider):
    few = make_villages(township, 2, 300)
    two = count_evaluation()
    two_by_code = count_evaluation(village_codes=[v.code for v in few])
    more = make_villages(township, 28, 400)
    thirty = count_evaluation()
    thirty_by_code = count_evaluation(village_codes=[v.code for v in few + more])
    assert VillageWarning.objects.count() == 30
    assert two == thirty and two_by_code == thirty_by_code
    # One query per rule: the reserves (two), the grades, the yellow cards, the late results,
    # three for 联签 (the month's vouchers, its signings, the unsigned drafts), 四述双评, the
    # linked leaders without a visit (双联一带).
    assert thirty <= 26


def test_refresh_later_enqueues_after_commit(
    clean, monkeypatch, django_capture_on_commit_callbacks
):
    from supervision import tasks_warnings

    sent = []
    monkeypatch.setattr(tasks_warnings.evaluate_village_warnings, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks_warnings.warnings_refresh_later(clean.code)
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [[clean.code]]


def test_refresh_later_survives_a_broker_that_is_down(
    clean, monkeypatch, django_capture_on_commit_callbacks
):
    from supervision import tasks_warnings

    def down(codes):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks_warnings.evaluate_village_warnings, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        tasks_warnings.warnings_refresh_later(clean.code)  # logged, not raised
