"""The cadre pipeline: the 1∶2 rule at its boundaries, bench strength, the services, the pages
as every persona, the API, the export, query counts and the demo."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadres import services
from cadres.choices import PostKind
from cadres.exports import export_reserves
from cadres.models import Cadre, ReserveCadre, ReserveNorm, Training
from cadres.selectors import bench_strength, reserve_norm, shortfall
from cadres.tests.factories import CadreFactory, make_id_number
from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from villages.models import Village
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login, login

pytestmark = pytest.mark.django_db
D = dt.date
FULL_ID = make_id_number(D(1990, 3, 4), serial=917)
FULL_PHONE = "13905370917"
SEC, CHAIR = PostKind.SECRETARY, PostKind.CHAIR


@pytest.fixture
def everyone(personas, contact, clerk):
    return {**personas, "contact": contact, "clerk": clerk}


@pytest.fixture
def weak(village):
    village.is_backward = True
    village.save(update_fields=["is_backward"])
    return village


@pytest.fixture
def reserve(supervisor, weak):
    person = CadreFactory(village=weak, name="龚后备", id_number=FULL_ID, phone=FULL_PHONE)
    return services.reserve_add(
        actor=supervisor, village=weak, post=SEC, since=D(2026, 1, 5), cadre=person
    )


def add(actor, village, post, n, start=0):
    return [
        services.reserve_add(
            actor=actor,
            village=village,
            post=post,
            since=D(2026, 1, 5),
            cadre=CadreFactory(village=village, name=f"后备{start + i}"),
        )
        for i in range(n)
    ]


def bench_row(user, village):
    return next(b for b in bench_strength(user, village.code[:9]).villages if b.village == village)


# ------------------------------------------------------------------ the rule


@pytest.mark.parametrize(
    "is_backward,county_norm,expected",
    [(True, None, 2), (True, 0, 2), (True, 1, 2), (True, 3, 3), (False, None, 0), (False, 1, 1)],
)
def test_the_norm_is_two_in_a_backward_village_and_the_countys_elsewhere(
    is_backward, county_norm, expected
):
    assert reserve_norm(is_backward=is_backward, county_norm=county_norm) == expected


@pytest.mark.parametrize(
    "active,norm,lacking", [(0, 2, 2), (1, 2, 1), (2, 2, 0), (3, 2, 0), (0, 0, 0)]
)
def test_shortfall_at_the_boundaries(active, norm, lacking):
    assert shortfall(active, norm) == lacking


@pytest.mark.parametrize("candidates,below", [(0, True), (1, True), (2, False)])
def test_a_backward_village_is_below_the_norm_under_two_candidates(
    supervisor, weak, candidates, below
):
    add(supervisor, weak, CHAIR, 2)
    add(supervisor, weak, SEC, candidates, start=10)
    row = bench_row(supervisor, weak)
    assert row.norm == 2
    assert row.below_norm is below
    assert row.first_short_post == (SEC if below else "")


def test_a_withdrawn_candidate_does_not_count(supervisor, weak):
    add(supervisor, weak, CHAIR, 2)
    first, _second = add(supervisor, weak, SEC, 2, start=10)
    assert not bench_row(supervisor, weak).below_norm
    services.reserve_withdraw(
        actor=supervisor, reserve=first, withdrawn_on=D(2026, 3, 1), reason="外出务工，长期不在村"
    )
    row = bench_row(supervisor, weak)
    assert row.counts[SEC] == 1
    assert row.below_norm
    assert row.short_posts == [(str(PostKind.SECRETARY.label), 1)]


def test_an_ordinary_village_has_no_norm_unless_the_county_sets_one(supervisor, county, village):
    assert not bench_row(supervisor, village).below_norm
    ReserveNorm.objects.create(county=county, per_post=1)
    assert bench_row(supervisor, village).below_norm
    add(supervisor, village, SEC, 1)
    add(supervisor, village, CHAIR, 1, start=5)
    assert not bench_row(supervisor, village).below_norm


def test_bench_totals_per_township_and_in_all(supervisor, insider, weak, other_village):
    add(supervisor, weak, SEC, 2)
    add(supervisor, other_village, SEC, 1, start=5)
    bench = bench_strength(supervisor, "370830")
    assert (bench.total.villages, bench.total.backward) == (2, 1)
    assert (bench.total.reserves, bench.total.below_norm) == (3, 1)
    assert [t.code for t, _totals in bench.townships] == ["370830102", "370830105"]
    # The township's staff count their own villages only.
    mine = bench_strength(insider, "370830")
    assert (mine.total.villages, mine.total.reserves) == (1, 2)


# ------------------------------------------------------------------ services


def test_reserve_add_registers_a_new_person(insider, weak):
    number = make_id_number(D(1992, 5, 6), serial=51)
    reserve = services.reserve_add(
        actor=insider,
        village=weak,
        post=SEC,
        since=D(2026, 2, 1),
        person={"name": "李新", "id_number": number, "phone": "13800001111"},
    )
    assert reserve.cadre.name == "李新"
    assert reserve.cadre.birth_date == D(1992, 5, 6)
    assert reserve.area_code == weak.code


def test_reserve_add_refusals(insider, contact, outsider, weak, reserve, other_village):
    with pytest.raises(ValidationError):
        services.reserve_add(
            actor=insider,
            village=weak,
            post=PostKind.VICE_CHAIR,
            since=D(2026, 1, 1),
            cadre=reserve.cadre,
        )
    with pytest.raises(ValidationError):  # already a reserve for the post
        services.reserve_add(
            actor=insider, village=weak, post=SEC, since=D(2026, 1, 1), cadre=reserve.cadre
        )
    with pytest.raises(ValidationError):  # a person of another village
        services.reserve_add(
            actor=insider,
            village=weak,
            post=CHAIR,
            since=D(2026, 1, 1),
            cadre=CadreFactory(village=other_village),
        )
    for actor in (contact, outsider):
        with pytest.raises(PermissionDenied):
            services.reserve_add(
                actor=actor, village=weak, post=CHAIR, since=D(2026, 1, 1), cadre=reserve.cadre
            )


def test_withdraw_once_not_before_naming_and_with_a_reason(insider, reserve):
    with pytest.raises(ValidationError):
        services.reserve_withdraw(
            actor=insider, reserve=reserve, withdrawn_on=D(2025, 12, 31), reason="本人申请退出后备"
        )
    with pytest.raises(ValidationError):
        services.reserve_withdraw(
            actor=insider, reserve=reserve, withdrawn_on=D(2026, 2, 1), reason=""
        )
    services.reserve_withdraw(
        actor=insider, reserve=reserve, withdrawn_on=D(2026, 2, 1), reason="本人申请退出后备"
    )
    with pytest.raises(ValidationError):
        services.reserve_withdraw(
            actor=insider, reserve=reserve, withdrawn_on=D(2026, 2, 2), reason="本人申请退出后备"
        )
    with pytest.raises(ValidationError):
        services.reserve_update(actor=insider, reserve=reserve, since=D(2026, 1, 1), notes="")
    # Named again later: a new record, the withdrawn one stays.
    services.reserve_add(
        actor=insider, village=reserve.village, post=SEC, since=D(2026, 5, 1), cadre=reserve.cadre
    )
    assert ReserveCadre.objects.filter(cadre=reserve.cadre).count() == 2


def test_training_dates_and_hours(insider, contact, reserve):
    with pytest.raises(ValidationError):
        services.training_record(
            actor=insider,
            cadre=reserve.cadre,
            course="培训",
            start_date=D(2026, 3, 2),
            end_date=D(2026, 3, 1),
            hours=6,
        )
    with pytest.raises(ValidationError):
        services.training_record(
            actor=insider,
            cadre=reserve.cadre,
            course="培训",
            start_date=D(2026, 3, 1),
            end_date=D(2026, 3, 1),
            hours=0,
        )
    with pytest.raises(PermissionDenied):
        services.training_record(
            actor=contact,
            cadre=reserve.cadre,
            course="培训",
            start_date=D(2026, 3, 1),
            end_date=D(2026, 3, 1),
            hours=6,
        )
    services.training_record(
        actor=insider,
        cadre=reserve.cadre,
        course="后备干部培训班",
        start_date=D(2026, 3, 1),
        end_date=D(2026, 3, 3),
        hours=18,
    )
    assert Training.objects.get().area_code == reserve.area_code


def test_changes_are_in_the_history(insider, reserve):
    services.reserve_withdraw(
        actor=insider, reserve=reserve, withdrawn_on=D(2026, 2, 1), reason="本人申请退出后备"
    )
    labels = list(reserve.events.order_by("pgh_id").values_list("pgh_label", flat=True))
    assert labels == ["insert", "update"]


# ------------------------------------------------------------------ pages, as every persona

READ = {
    "anonymous": 302,
    "outsider": 404,
    "insider": 200,
    "supervisor": 200,
    "contact": 200,
    "clerk": 200,
}
WRITE_PAGE = {**READ, "contact": 403, "clerk": 403}


@pytest.mark.parametrize("persona", list(READ))
@pytest.mark.parametrize(
    "page,expected",
    [
        ("reserve-detail", READ),
        ("reserve-edit", WRITE_PAGE),
        ("reserve-withdraw", WRITE_PAGE),
        ("reserve-add", WRITE_PAGE),
        ("training-add", WRITE_PAGE),
    ],
)
def test_pages_access_matrix(client, everyone, reserve, persona, page, expected):
    url = {
        "reserve-detail": reverse("cadres:reserve-detail", args=[reserve.pk]),
        "reserve-edit": reverse("cadres:reserve-edit", args=[reserve.pk]),
        "reserve-withdraw": reverse("cadres:reserve-withdraw", args=[reserve.pk]),
        "reserve-add": reverse("cadres:reserve-add") + f"?village={reserve.village.code}",
        "training-add": reverse("cadres:training-add", args=[reserve.cadre.pk]),
    }[page]
    response = login(client, everyone[persona]).get(url)
    assert response.status_code == expected[persona]
    if response.status_code == 200:
        assert FULL_ID not in response.content.decode()


@pytest.mark.parametrize("persona", list(READ))
def test_the_list_and_the_bench_show_only_the_scope_masked(
    client, everyone, reserve, other_village, persona
):
    services.reserve_add(
        actor=everyone["supervisor"],
        village=other_village,
        post=SEC,
        since=D(2026, 1, 5),
        cadre=CadreFactory(village=other_village, name="郭外备"),
    )
    c = login(client, everyone[persona])
    response = c.get(reverse("cadres:reserve-list"))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    html = response.content.decode()
    assert ("龚后备" in html) == (persona != "outsider")
    assert ("郭外备" in html) == (persona in {"outsider", "supervisor"})
    assert FULL_ID not in html and FULL_PHONE not in html
    bench = c.get(reverse("cadres:bench", args=["370830"]))
    assert bench.status_code == 200
    assert ("南旺村" in bench.content.decode()) == (persona != "outsider")


def test_the_list_filters_and_sorts(client, insider, weak, reserve):
    add(insider, weak, CHAIR, 1)
    c = login(client, insider)
    html = c.get(reverse("cadres:reserve-list"), {"post": CHAIR}).content.decode()
    assert "后备0" in html and "龚后备" not in html
    assert c.get(reverse("cadres:reserve-list"), {"ordering": "-since"}).status_code == 200
    assert c.get(reverse("cadres:reserve-list"), {"active": "false"}).status_code == 200


@pytest.mark.parametrize(
    "persona,status",
    [("outsider", 404), ("contact", 403), ("clerk", 403), ("insider", 302), ("supervisor", 302)],
)
def test_name_a_new_reserve_through_the_page(client, everyone, weak, persona, status):
    number = make_id_number(D(1993, 7, 8), serial=61)
    response = login(client, everyone[persona]).post(
        reverse("cadres:reserve-add") + f"?village={weak.code}",
        {
            "post": SEC,
            "name": "王后",
            "id_number": number,
            "phone": "13800002222",
            "since": "2026-04-01",
        },
    )
    assert response.status_code == status
    assert ReserveCadre.objects.filter(cadre__name="王后").exists() == (status == 302)


def test_withdraw_and_train_through_the_pages(client, insider, reserve):
    c = login(client, insider)
    response = c.post(
        reverse("cadres:reserve-withdraw", args=[reserve.pk]),
        {"withdrawn_on": "2026-03-01", "reason": "本人申请退出后备"},
    )
    assert response.status_code == 302
    reserve.refresh_from_db()
    assert reserve.withdrawn_on == D(2026, 3, 1)
    response = c.post(
        reverse("cadres:training-add", args=[reserve.cadre.pk]) + f"?reserve={reserve.pk}",
        {
            "course": "后备干部培训班",
            "start_date": "2026-03-02",
            "end_date": "2026-03-04",
            "hours": "18",
        },
    )
    assert response["Location"] == reverse("cadres:reserve-detail", args=[reserve.pk])
    detail = c.get(reverse("cadres:reserve-detail", args=[reserve.pk])).content.decode()
    assert "后备干部培训班" in detail
    assert (
        "后备干部培训班"
        in c.get(reverse("cadres:cadre-detail", args=[reserve.cadre.pk])).content.decode()
    )


def test_the_township_page_and_the_dashboard_link_the_bench(
    client, supervisor, township, county, weak
):
    c = login(client, supervisor)
    assert (
        reverse("cadres:bench", args=[township.code])
        in c.get(township.get_absolute_url()).content.decode()
    )
    dashboard = c.get(reverse("reports:county-dashboard", args=[county.code])).content.decode()
    assert 'data-testid="dashboard-bench"' in dashboard
    assert reverse("cadres:bench", args=[county.code]) in dashboard


# ------------------------------------------------------------------ query counts


def _villages(township, n, start):
    return [
        VillageFactory(
            township=township,
            code=f"{township.code}{start + i:03d}",
            name=f"村{start + i}",
            is_backward=True,
        )
        for i in range(n)
    ]


def test_bench_and_list_queries_do_not_grow_with_villages(
    client, supervisor, township, count_queries
):
    login(client, supervisor)
    for v in _villages(township, 2, 300):
        add(supervisor, v, SEC, 1, start=int(v.code[-3:]) * 10)
    urls = [
        reverse("cadres:bench", args=["370830"]),
        reverse("cadres:reserve-list"),
        reverse("cadres:reserve-export"),
    ]
    few = [count_queries(u) for u in urls]
    for v in _villages(township, 48, 400):
        add(supervisor, v, SEC, 1, start=int(v.code[-3:]) * 10)
    assert [count_queries(u) for u in urls] == few


# ------------------------------------------------------------------ API and export


def test_api_lists_masked_and_names_and_withdraws(api, insider, outsider, contact, reserve):
    data = api_login(api, insider).get("/api/v1/reserve-cadres/").json()
    row = data["results"][0] if "results" in data else data[0]
    assert row["cadre_name"] == "龚后备"
    assert FULL_ID not in str(data) and row["id_number_masked"].endswith(FULL_ID[-4:])
    outsider_data = api_login(api, outsider).get("/api/v1/reserve-cadres/").json()
    assert "龚后备" not in str(outsider_data)
    url = f"/api/v1/reserve-cadres/{reserve.pk}/withdraw/"
    body = {"withdrawn_on": "2026-03-01", "reason": "本人申请退出后备"}
    assert api_login(api, contact).post(url, body, format="json").status_code == 403
    assert api_login(api, insider).post(url, body, format="json").status_code == 200
    created = api.post(
        "/api/v1/reserve-cadres/",
        {
            "cadre": reserve.cadre.pk,
            "village": reserve.village.code,
            "post": CHAIR,
            "since": "2026-03-02",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    training = api.post(
        "/api/v1/trainings/",
        {
            "cadre": reserve.cadre.pk,
            "course": "培训",
            "start_date": "2026-03-02",
            "end_date": "2026-03-02",
            "hours": "6",
        },
        format="json",
    )
    assert training.status_code == 201, training.content


def test_the_export_is_masked_and_never_a_formula(insider, weak):
    for i, payload in enumerate(FORMULA_PAYLOADS):
        services.reserve_add(
            actor=insider,
            village=weak,
            post=SEC,
            since=D(2026, 1, 5),
            notes=payload,
            cadre=CadreFactory(village=weak, name=f"后备{i}", phone=FULL_PHONE),
        )
    content = export_reserves(actor=insider, queryset=ReserveCadre.objects.all())
    assert_no_formula(content, *FORMULA_PAYLOADS)
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert FULL_PHONE not in values and "139****0917" in values


# ------------------------------------------------------------------ demo


def test_the_demo_keeps_most_backward_villages_at_the_norm():
    from cadres import demo, demo_pipeline
    from villages import demo as tree_demo
    from villages.tests.factories import UserFactory

    admin = UserFactory(username="admin", is_superuser=True)

    tree_demo.build_demo(tree_demo.plan_demo(villages=300, townships=5, seed=7))
    demo.build_cadre_demo(seed=7, villages=Village.objects.all(), on=D(2026, 11, 23))
    result = demo_pipeline.build_pipeline_demo(seed=7, on=D(2026, 11, 23))
    assert result.reserves == ReserveCadre.objects.count() > 0
    assert result.trainings == Training.objects.count() > 0
    bench = bench_strength(admin, "3708")
    weak = [b for b in bench.villages if b.village.is_backward]
    short = [b for b in weak if b.below_norm]
    assert weak and len(short) < len(weak) / 2
    for row in Cadre.objects.filter(reserves__isnull=False)[:50]:
        assert len(row.id_number) == 18
    # Run again: nothing added.
    assert demo_pipeline.build_pipeline_demo(seed=7, on=D(2026, 11, 23)).reserves == 0
