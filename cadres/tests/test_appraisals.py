"""The yearly 述职评议, the townships' yellow cards (the rule at its boundaries, the yearly
evaluation run twice), the county's norms page, the reserve-norm warning (1∶2 at its boundary),
training corrections; every page and endpoint as every persona; query counts."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InternalError, connection, transaction
from django.urls import reverse

from cadres import services, services_appraisal
from cadres.choices import AppraisalGrade, AppraisalState, PostKind
from cadres.exports import export_appraisals
from cadres.models import (
    ReserveNorm,
    SecretaryAppraisal,
    Training,
    YellowCard,
    YellowCardRule,
)
from cadres.selectors import earns_yellow_card, failing_share, yellow_card_facts
from cadres.tasks import evaluate_yellow_cards
from cadres.tests.factories import CadreFactory, PostFactory
from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from supervision.choices import WarningRule
from supervision.models import VillageWarning
from supervision.services import warnings_evaluate
from villages.models import Village
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login, login

pytestmark = pytest.mark.django_db
D = dt.date
SEC, CHAIR = PostKind.SECRETARY, PostKind.CHAIR
GOOD, FAIR, MEDIOCRE, POOR = (
    AppraisalGrade.GOOD,
    AppraisalGrade.FAIRLY_GOOD,
    AppraisalGrade.MEDIOCRE,
    AppraisalGrade.POOR,
)


def secretary(village, name="张书记"):
    return PostFactory(cadre=CadreFactory(village=village, name=name), kind=SEC)


def appraise(actor, post, grade, year=2025, score="85", conclude=True):
    a = services_appraisal.appraisal_create(
        actor=actor,
        post=post,
        year=year,
        report_date=D(year, 12, 20),
        report_summary="抓党建促发展，完成年度目标",
        appraised_on=D(year, 12, 28),
        grade=grade,
        score=Decimal(score),
        appraisers="乡党委书记\n组织委员",
    )
    if conclude:
        a = services_appraisal.appraisal_conclude(actor=actor, appraisal=a)
    return a


@pytest.fixture
def post(village):
    return secretary(village)


@pytest.fixture
def appraisal(insider, post):
    return appraise(insider, post, GOOD)


@pytest.fixture
def everyone(personas, contact, clerk):
    return {**personas, "contact": contact, "clerk": clerk}


def township_villages(township, n, start=300):
    return [
        VillageFactory(township=township, code=f"{township.code}{start + i:03d}", name=f"村{i}")
        for i in range(n)
    ]


# ------------------------------------------------------------------ 述职评议: services


def test_draft_then_concluded_then_final(insider, post):
    a = appraise(insider, post, "", conclude=False)
    assert a.state == AppraisalState.DRAFT
    with pytest.raises(ValidationError) as e:  # a grade is needed to conclude
        services_appraisal.appraisal_conclude(actor=insider, appraisal=a)
    assert "grade" in e.value.message_dict
    services_appraisal.appraisal_update(actor=insider, appraisal=a, grade=FAIR)
    a = services_appraisal.appraisal_conclude(actor=insider, appraisal=a)
    assert a.is_concluded and a.concluded_by == insider
    with pytest.raises(ValidationError):
        services_appraisal.appraisal_update(actor=insider, appraisal=a, grade=POOR)
    with pytest.raises(ValidationError):
        services_appraisal.appraisal_conclude(actor=insider, appraisal=a)
    with pytest.raises(ValidationError):
        services_appraisal.appraisal_delete(actor=insider, appraisal=a)


def test_the_database_refuses_changing_a_concluded_appraisal_or_inserting_one(appraisal):
    for sql in (
        "UPDATE cadres_secretaryappraisal SET grade = 'poor' WHERE id = %s",
        "DELETE FROM cadres_secretaryappraisal WHERE id = %s",
    ):
        with pytest.raises(InternalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [appraisal.pk])
    born = SecretaryAppraisal(
        post=appraisal.post,
        village=appraisal.village,
        area_code=appraisal.area_code,
        year=2024,
        report_date=D(2024, 12, 1),
        report_summary="x",
        appraised_on=D(2024, 12, 2),
        grade=GOOD,
        score=90,
        appraisers="a",
        state=AppraisalState.CONCLUDED,
        concluded_at=appraisal.concluded_at,
        concluded_by=appraisal.concluded_by,
        created_by=appraisal.created_by,
    )
    with pytest.raises(InternalError), transaction.atomic():
        born.save()


def test_one_report_per_secretary_and_year_and_the_posts_years(insider, post, appraisal, village):
    with pytest.raises(ValidationError):
        appraise(insider, post, GOOD)
    with pytest.raises(ValidationError):  # before the post began (2024-01-10)
        appraise(insider, post, GOOD, year=2023)
    chair = PostFactory(cadre=CadreFactory(village=village), kind=CHAIR)
    with pytest.raises(ValidationError):
        appraise(insider, chair, GOOD)
    with pytest.raises(ValidationError):  # a report on 2025 is not given in 2027
        services_appraisal.appraisal_create(
            actor=insider, post=post, year=2024, report_date=D(2027, 1, 5), report_summary="x"
        )
    with pytest.raises(ValidationError):  # a score beyond 100
        appraise(insider, post, GOOD, year=2024, score="100.5")


def test_rights(outsider, contact, clerk, post, appraisal):
    for actor in (outsider, contact, clerk, None):
        with pytest.raises(PermissionDenied):
            appraise(actor, post, GOOD, year=2026)
        with pytest.raises(PermissionDenied):
            services_appraisal.appraisal_correct(
                actor=actor, appraisal=appraisal, reason="等次录入错误"
            )


def test_a_correction_is_a_new_record_that_stands_once_concluded(insider, appraisal):
    with pytest.raises(ValidationError):
        services_appraisal.appraisal_correct(actor=insider, appraisal=appraisal, reason="")
    fix = services_appraisal.appraisal_correct(
        actor=insider, appraisal=appraisal, reason="等次录入错误，应为较好"
    )
    assert fix.corrects == appraisal and fix.state == AppraisalState.DRAFT
    assert list(SecretaryAppraisal.objects.current()) == [appraisal]
    with pytest.raises(ValidationError):  # one correction per record
        services_appraisal.appraisal_correct(actor=insider, appraisal=appraisal, reason="再次更正")
    services_appraisal.appraisal_update(actor=insider, appraisal=fix, grade=FAIR)
    services_appraisal.appraisal_conclude(actor=insider, appraisal=fix)
    assert list(SecretaryAppraisal.objects.current()) == [fix]
    appraisal.refresh_from_db()
    assert appraisal.grade == GOOD  # the original stays as it was
    assert list(fix.events.values_list("pgh_label", flat=True)) == ["insert", "update", "update"]


# ------------------------------------------------------------------ the yellow card rule


@pytest.mark.parametrize(
    "failing,villages,threshold,earns",
    [
        (1, 5, Decimal("20"), False),  # exactly 20 %: not above
        (2, 5, Decimal("20"), True),
        (1, 4, Decimal("20"), True),  # 25 %
        (0, 5, Decimal("0"), False),  # no failing village never earns one
        (1, 5, Decimal("0"), True),
        (5, 5, Decimal("100"), False),
        (1, 3, Decimal("33.33"), True),  # 33.333… % is above 33.33 %
        (1, 3, Decimal("33.34"), False),
        (0, 0, Decimal("20"), False),
    ],
)
def test_the_rule_at_its_boundaries(failing, villages, threshold, earns):
    assert earns_yellow_card(failing=failing, villages=villages, threshold=threshold) is earns
    if earns:  # the stored share is above the threshold exactly when the card is earned
        assert failing_share(failing, villages) > threshold


def _township_of_five(insider, township, village, grades):
    villages = [village, *township_villages(township, 4)]
    for v, grade in zip(villages, grades, strict=False):
        appraise(insider, secretary(v, name=f"书记{v.code[-3:]}"), grade)
    return villages


@pytest.mark.parametrize(
    "grades,cards",
    [
        ([POOR, GOOD, GOOD, FAIR, GOOD], 0),  # 1 of 5 = 20 %: not above the default 20 %
        ([POOR, POOR, GOOD, FAIR, GOOD], 1),
        ([MEDIOCRE, MEDIOCRE, MEDIOCRE, GOOD, GOOD], 0),  # mediocre does not count by default
    ],
)
def test_the_yearly_evaluation(insider, township, village, grades, cards):
    _township_of_five(insider, township, village, grades)
    assert services_appraisal.yellow_cards_evaluate(year=2025) == cards
    assert services_appraisal.yellow_cards_evaluate(year=2025) == 0  # twice: nothing more
    assert YellowCard.objects.count() == cards
    if cards:
        card = YellowCard.objects.get()
        assert (card.failing, card.villages, card.share) == (2, 5, Decimal("40.00"))
        assert {r["grade"] for r in card.reasons} == {POOR}
        assert card.area_code == township.code


def test_the_county_sets_the_threshold_and_what_counts(
    insider, supervisor, county, township, village
):
    _township_of_five(insider, township, village, [POOR, MEDIOCRE, GOOD, GOOD, GOOD])
    services_appraisal.pipeline_policy_set(
        actor=supervisor,
        county=county,
        per_post=0,
        share_threshold=Decimal("10"),
        count_mediocre=False,
    )
    facts = {f.township.code: f for f in yellow_card_facts(2025)}
    assert facts[township.code].failing == 1 and facts[township.code].earns_card
    services_appraisal.pipeline_policy_set(
        actor=supervisor,
        county=county,
        per_post=0,
        share_threshold=Decimal("40"),
        count_mediocre=True,
    )
    facts = {f.township.code: f for f in yellow_card_facts(2025)}
    assert facts[township.code].failing == 2 and not facts[township.code].earns_card  # 40 %
    with pytest.raises(PermissionDenied):
        services_appraisal.pipeline_policy_set(
            actor=insider,
            county=county,
            per_post=0,
            share_threshold=Decimal("40"),
            count_mediocre=True,
        )


def test_a_corrected_grade_counts_as_corrected(insider, township, village):
    villages = _township_of_five(insider, township, village, [POOR, POOR, GOOD, GOOD, GOOD])
    wrong = SecretaryAppraisal.objects.get(village=villages[1])
    fix = services_appraisal.appraisal_correct(actor=insider, appraisal=wrong, reason="评分错误")
    services_appraisal.appraisal_update(actor=insider, appraisal=fix, grade=FAIR)
    services_appraisal.appraisal_conclude(actor=insider, appraisal=fix)
    assert services_appraisal.yellow_cards_evaluate(year=2025) == 0


def test_the_task_is_safe_to_run_twice_and_the_card_is_final(insider, township, village):
    _township_of_five(insider, township, village, [POOR, POOR, POOR, GOOD, GOOD])
    assert evaluate_yellow_cards(2025) == 1
    assert evaluate_yellow_cards(2025) == 0
    card = YellowCard.objects.get()
    with pytest.raises(InternalError), transaction.atomic():
        YellowCard.objects.filter(pk=card.pk).update(failing=0)


# ------------------------------------------------------------------ the warnings


def _reasons(village):
    warning = VillageWarning.objects.filter(village=village).first()
    return {r["rule"]: r["text"] for r in (warning.reasons if warning else [])}


def _reserves(actor, village, post, n):
    for i in range(n):
        services.reserve_add(
            actor=actor,
            village=village,
            post=post,
            since=D(2026, 1, 5),
            cadre=CadreFactory(village=village, name=f"{post}后备{i}"),
        )


@pytest.mark.parametrize("candidates,short", [(0, True), (1, True), (2, False), (3, False)])
def test_a_weak_village_below_two_per_post_raises_a_warning(supervisor, village, candidates, short):
    village.is_backward = True
    village.save(update_fields=["is_backward"])
    _reserves(supervisor, village, CHAIR, 2)
    _reserves(supervisor, village, SEC, candidates)
    warnings_evaluate(on=D(2026, 3, 10), village_codes=[village.code])
    reasons = _reasons(village)
    assert (WarningRule.RESERVE_SHORT in reasons) is short


@pytest.mark.parametrize(
    "county_norm,candidates,short", [(None, 0, False), (1, 0, True), (1, 1, False)]
)
def test_an_ordinary_village_follows_the_countys_norm_or_none(
    supervisor, county, village, county_norm, candidates, short
):
    if county_norm is not None:
        ReserveNorm.objects.create(county=county, per_post=county_norm)
    _reserves(supervisor, village, SEC, candidates)
    _reserves(supervisor, village, CHAIR, candidates)
    warnings_evaluate(on=D(2026, 3, 10), village_codes=[village.code])
    assert (WarningRule.RESERVE_SHORT in _reasons(village)) is short


def test_poor_grade_and_yellow_card_feed_the_warnings(insider, township, village, other_village):
    villages = _township_of_five(insider, township, village, [POOR, POOR, GOOD, GOOD, GOOD])
    services_appraisal.yellow_cards_evaluate(year=2025)
    warnings_evaluate(on=D(2026, 3, 10))
    first, third = _reasons(villages[0]), _reasons(villages[2])
    assert WarningRule.APPRAISAL_POOR in first and WarningRule.APPRAISAL_POOR not in third
    assert WarningRule.YELLOW_CARD in first and WarningRule.YELLOW_CARD in third
    assert WarningRule.YELLOW_CARD not in _reasons(other_village)


# ------------------------------------------------------------------ trainings


@pytest.fixture
def training(insider, village):
    return services.training_record(
        actor=insider,
        cadre=CadreFactory(village=village, name="王培训"),
        course="后备干部培训班",
        start_date=D(2026, 3, 1),
        end_date=D(2026, 3, 3),
        hours=Decimal(18),
    )


def _training_fields(**extra):
    return {
        "course": "村干部轮训班",
        "organizer": "县委组织部",
        "start_date": D(2026, 3, 2),
        "end_date": D(2026, 3, 4),
        "hours": Decimal(20),
        "notes": "",
        **extra,
    }


def test_training_correction_and_deletion_need_a_reason_and_are_audited(insider, contact, training):
    with pytest.raises(ValidationError):
        services.training_update(actor=insider, training=training, reason="", **_training_fields())
    with pytest.raises(PermissionDenied):
        services.training_delete(actor=contact, training=training, reason="录入重复")
    services.training_update(
        actor=insider, training=training, reason="课程名称有误", **_training_fields()
    )
    training.refresh_from_db()
    assert training.course == "村干部轮训班"
    pk = training.pk
    services.training_delete(actor=insider, training=training, reason="录入重复")
    assert not Training.objects.filter(pk=pk).exists()
    events = Training.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update", "delete"]
    assert [e.pgh_context.metadata.get("reason") for e in events[1:]] == [
        "课程名称有误",
        "录入重复",
    ]


READ = {
    "anonymous": 302,
    "outsider": 404,
    "insider": 200,
    "supervisor": 200,
    "contact": 200,
    "clerk": 200,
}
WRITE = {**READ, "contact": 403, "clerk": 403}


@pytest.mark.parametrize("persona", list(READ))
def test_training_pages_as_every_persona(client, everyone, training, persona):
    c = login(client, everyone[persona])
    for name in ("training-edit", "training-delete"):
        assert c.get(reverse(f"cadres:{name}", args=[training.pk])).status_code == WRITE[persona]
    response = c.post(
        reverse("cadres:training-edit", args=[training.pk]),
        {**_training_fields(), "reason": "课程名称有误"},
    )
    assert response.status_code == {**WRITE, "insider": 302, "supervisor": 302}[persona]
    response = c.post(reverse("cadres:training-delete", args=[training.pk]), {"reason": "录入重复"})
    assert response.status_code in {302, 403, 404}
    assert Training.objects.filter(pk=training.pk).exists() == (
        persona not in {"insider", "supervisor"}
    )


# ------------------------------------------------------------------ pages, as every persona


@pytest.mark.parametrize("persona", list(READ))
def test_appraisal_pages_as_every_persona(client, everyone, appraisal, persona):
    c = login(client, everyone[persona])
    draft = appraise(everyone["supervisor"], appraisal.post, "", year=2026, conclude=False)
    urls = {
        reverse("cadres:appraisal-detail", args=[appraisal.pk]): READ,
        reverse("cadres:appraisal-edit", args=[draft.pk]): WRITE,
        reverse("cadres:appraisal-correct", args=[appraisal.pk]): WRITE,
        reverse("cadres:appraisal-add") + f"?village={appraisal.village.code}": WRITE,
    }
    for url, expected in urls.items():
        assert c.get(url).status_code == expected[persona], url
    listing = c.get(reverse("cadres:appraisal-list"))
    export = c.get(reverse("cadres:appraisal-export"))
    if persona == "anonymous":
        assert listing.status_code == export.status_code == 302
        return
    assert ("张书记" in listing.content.decode()) == (persona != "outsider")
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert ("张书记" in [cell.value for row in ws.iter_rows() for cell in row]) == (
        persona != "outsider"
    )


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("contact", 403),
        ("insider", 302),
        ("supervisor", 302),
    ],
)
def test_record_grade_and_conclude_through_the_pages(client, everyone, post, persona, status):
    c = login(client, everyone[persona])
    response = c.post(
        reverse("cadres:appraisal-add") + f"?village={post.village.code}",
        {
            "post": post.pk,
            "year": "2025",
            "report_date": "2025-12-20",
            "report_summary": "年度抓党建工作述职",
        },
    )
    assert response.status_code == status
    if status != 302 or persona == "anonymous":
        assert not SecretaryAppraisal.objects.exists()
        return
    a = SecretaryAppraisal.objects.get()
    response = c.post(
        reverse("cadres:appraisal-edit", args=[a.pk]),
        {
            "report_date": "2025-12-20",
            "report_summary": "年度抓党建工作述职",
            "appraised_on": "2025-12-28",
            "grade": FAIR,
            "score": "82.5",
            "appraisers": "乡党委书记",
            "conclude": "1",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.is_concluded and a.score == Decimal("82.5")
    detail = c.get(a.get_absolute_url()).content.decode()
    assert "较好" in detail or "Fairly good" in detail
    # Odd input: a 4xx or the form again, never a 500.
    for body in ({"year": "x"}, {"score": "1e9"}, {"report_date": "2025-13-45"}):
        assert c.post(reverse("cadres:appraisal-edit", args=[a.pk]), body).status_code < 500


def test_list_filters_search_and_sort(client, insider, post, appraisal, village):
    appraise(insider, secretary(township_villages(village.township, 1)[0], name="李书记"), POOR)
    c = login(client, insider)
    url = reverse("cadres:appraisal-list")
    html = c.get(url, {"grade": POOR}).content.decode()
    assert "李书记" in html and "张书记" not in html
    assert "张书记" in c.get(url, {"q": "张"}).content.decode()
    for params in ({"ordering": "-score"}, {"year": "99999"}, {"year": "abc"}, {"state": "x"}):
        assert c.get(url, params).status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
def test_yellow_card_pages_as_every_persona(client, personas, township, village, persona):
    _township_of_five(personas["insider"], township, village, [POOR, POOR, POOR, GOOD, GOOD])
    services_appraisal.yellow_cards_evaluate(year=2025)
    card = YellowCard.objects.get()
    c = login(client, personas[persona])
    expected = {"anonymous": 302, "outsider": 404, "insider": 200, "supervisor": 200}[persona]
    assert c.get(card.get_absolute_url()).status_code == expected
    listing = c.get(reverse("cadres:yellow-card-list"))
    township_page = c.get(township.get_absolute_url())
    evaluate = c.post(reverse("cadres:yellow-card-evaluate"), {"year": "2025"})
    if persona == "anonymous":
        assert listing.status_code == evaluate.status_code == 302
        return
    assert ("南旺镇" in listing.content.decode()) == (persona != "outsider")
    assert evaluate.status_code == (302 if persona == "supervisor" else 403)
    if persona != "outsider":
        assert 'data-testid="yellow-cards"' in township_page.content.decode()
    if persona == "supervisor":
        dashboard = c.get(reverse("reports:county-dashboard", args=[township.code[:6]]))
        assert card.get_absolute_url() in dashboard.content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
def test_the_norms_page_as_every_persona(client, personas, county, persona):
    c = login(client, personas[persona])
    url = reverse("cadres:pipeline-policy", args=[county.code])
    response = c.get(url)
    assert response.status_code == (302 if persona == "anonymous" else 200)
    response = c.post(url, {"per_post": "1", "share_threshold": "15", "count_mediocre": "on"})
    assert (
        response.status_code
        == {"anonymous": 302, "outsider": 403, "insider": 403, "supervisor": 302}[persona]
    )
    saved = ReserveNorm.objects.filter(county=county, per_post=1).exists()
    assert saved == (persona == "supervisor")
    if saved:
        rule = YellowCardRule.objects.get(county=county)
        assert (rule.share_threshold, rule.count_mediocre) == (Decimal("15.00"), True)
        for body in ({"per_post": "-1"}, {"share_threshold": "101"}, {"per_post": "x" * 5000}):
            assert c.post(url, body).status_code == 200  # the form again


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "insider", "supervisor"])
def test_villages_below_the_norm_per_township(client, personas, village, other_village, persona):
    for v in (village, other_village):
        v.is_backward = True
        v.save(update_fields=["is_backward"])
    _reserves(personas["supervisor"], village, SEC, 2)
    _reserves(personas["supervisor"], village, CHAIR, 2)
    c = login(client, personas[persona])
    response = c.get(reverse("cadres:below-norm", args=["370830"]))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    html = response.content.decode()
    assert 'data-village="370830102201"' not in html  # at the norm
    assert ('data-village="370830105201"' in html) == (persona in {"outsider", "supervisor"})


# ------------------------------------------------------------------ API


def test_api_as_every_persona(api, everyone, post, appraisal):
    for persona, user in everyone.items():
        response = api_login(api, user).get("/api/v1/appraisals/")
        if user is None:
            assert response.status_code in {401, 403}
            continue
        assert response.status_code == 200
        assert ("张书记" in str(response.json())) == (persona != "outsider")
    body = {
        "post": post.pk,
        "year": 2026,
        "report_date": "2026-12-20",
        "report_summary": "述职",
        "grade": GOOD,
        "score": "91",
        "appraised_on": "2026-12-28",
        "appraisers": "乡党委",
    }
    assert api_login(api, everyone["outsider"]).post("/api/v1/appraisals/", body).status_code == 400
    assert api_login(api, everyone["contact"]).post("/api/v1/appraisals/", body).status_code == 403
    created = api_login(api, everyone["insider"]).post("/api/v1/appraisals/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        api.patch(f"/api/v1/appraisals/{pk}/", {"score": "500"}, format="json").status_code == 400
    )
    assert api.post(f"/api/v1/appraisals/{pk}/conclude/").json()["state"] == "concluded"
    assert api.patch(f"/api/v1/appraisals/{pk}/", {"score": "50"}, format="json").status_code == 400
    assert api.delete(f"/api/v1/appraisals/{pk}/").status_code == 400
    fix = api.post(f"/api/v1/appraisals/{pk}/correct/", {"reason": "分数有误"}, format="json")
    assert fix.status_code == 201 and fix.json()["corrects"] == pk
    assert api_login(api, everyone["outsider"]).get(f"/api/v1/appraisals/{pk}/").status_code == 404
    assert api_login(api, everyone["supervisor"]).get("/api/v1/yellow-cards/").status_code == 200


def test_api_training_correct_and_remove(api, insider, contact, training):
    url = f"/api/v1/trainings/{training.pk}/"
    body = {**_training_fields(), "reason": "时长有误"}
    body = {k: str(v) for k, v in body.items()}
    assert api_login(api, contact).post(url + "correct/", body, format="json").status_code == 403
    response = api_login(api, insider).post(url + "correct/", body, format="json")
    assert response.status_code == 200, response.content
    assert api.post(url + "remove/", {"reason": ""}, format="json").status_code == 400
    assert api.post(url + "remove/", {"reason": "录入重复"}, format="json").status_code == 204


# ------------------------------------------------------------------ export and query counts


def test_the_export_is_never_a_formula(insider, village):
    for i, payload in enumerate(FORMULA_PAYLOADS):
        a = appraise(insider, secretary(village, name=f"书记{i}"), GOOD, year=2025, conclude=False)
        services_appraisal.appraisal_update(actor=insider, appraisal=a, report_summary=payload)
        village = VillageFactory(township=village.township, code=f"370830102{400 + i}")
    content = export_appraisals(actor=insider, queryset=SecretaryAppraisal.objects.all())
    assert_no_formula(content, *FORMULA_PAYLOADS)


def test_lists_do_not_grow_with_rows(client, supervisor, township, count_queries):
    login(client, supervisor)

    def grow(n, start):
        villages = township_villages(township, n, start)
        for v in villages:
            v.is_backward = True
            v.save(update_fields=["is_backward"])
            appraise(supervisor, secretary(v, name=f"书记{v.code[-3:]}"), POOR)

    urls = [
        reverse("cadres:appraisal-list"),
        reverse("cadres:appraisal-export"),
        reverse("cadres:yellow-card-list"),
        reverse("cadres:below-norm", args=["370830"]),
    ]
    grow(2, 300)
    services_appraisal.yellow_cards_evaluate(year=2025)
    few = [count_queries(u) for u in urls]
    grow(48, 400)
    assert [count_queries(u) for u in urls] == few


# ------------------------------------------------------------------ demo


def test_the_demo_grades_most_secretaries_well_and_cards_one_township():
    from cadres import demo, demo_appraisal
    from villages import demo as tree_demo

    tree_demo.build_demo(tree_demo.plan_demo(villages=80, townships=4, seed=7))
    demo.build_cadre_demo(seed=7, villages=Village.objects.all(), on=D(2026, 11, 23))
    result = demo_appraisal.build_appraisal_demo(seed=7, on=D(2026, 11, 23))
    assert result.appraisals == SecretaryAppraisal.objects.concluded().count() > 40
    grades = [a.grade for a in SecretaryAppraisal.objects.all()]
    good = sum(g in {GOOD, FAIR} for g in grades)
    poor = sum(g == POOR for g in grades)
    assert good > 0.7 * len(grades) and 0 < poor < 0.15 * len(grades)
    assert result.yellow_cards == YellowCard.objects.count() == 1
    assert demo_appraisal.build_appraisal_demo(seed=7, on=D(2026, 11, 23)).appraisals == 0
