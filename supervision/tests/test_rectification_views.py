"""后进村整顿 pages and API: personas, the steps through the forms and endpoints, queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision import services
from supervision.choices import RectificationState as S
from supervision.models import Rectification
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login, login

from .problems_helpers import TODAY

pytestmark = pytest.mark.django_db
days = dt.timedelta
YEAR = TODAY.year
LIST = reverse("supervision:rectification-list")
API = "/api/v1/rectifications/"


@pytest.fixture
def rectification(village, insider):
    return services.rectification_designate(
        actor=insider, village=village, year=YEAR, reasons="软弱涣散"
    )


def step_url(r, step):
    return reverse("supervision:rectification-step", args=[r.pk, step])


PLAN = {"measures": "配强班子", "leader": "张镇长", "work_team": "工作组"}


@pytest.mark.parametrize(
    "persona,detail,designate",
    [
        ("anonymous", 302, 302),
        ("outsider", 404, 200),
        ("insider", 200, 200),
        ("supervisor", 200, 200),
        ("contact", 200, 403),
    ],
)
def test_pages_persona_matrix(
    client, personas, contact, other_village, rectification, persona, detail, designate
):
    login(client, contact if persona == "contact" else personas[persona])
    url = reverse("supervision:rectification-detail", args=[rectification.pk])
    assert client.get(url).status_code == detail
    assert client.get(reverse("supervision:rectification-designate")).status_code == designate
    response = client.get(LIST)
    assert response.status_code == (302 if persona == "anonymous" else 200)
    if persona != "anonymous":
        listed = [r.pk for r in response.context["object_list"]]
        assert listed == ([] if persona == "outsider" else [rectification.pk])


def test_designating_through_the_form(client, insider, village):
    login(client, insider)
    url = reverse("supervision:rectification-designate")
    response = client.post(url, {"village": village.pk, "year": YEAR, "reasons": ""})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"village": village.pk, "year": YEAR, "reasons": "矛盾突出"})
    r = Rectification.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{r.pk}/")
    response = client.post(url, {"village": village.pk, "year": YEAR, "reasons": "again"})
    assert response.status_code == 200 and "year" in response.context["form"].errors


def test_the_steps_through_the_pages(client, insider, contact, supervisor, rectification):
    detail = reverse("supervision:rectification-detail", args=[rectification.pk])
    login(client, contact)
    assert 'data-step="plan"' not in client.get(detail).content.decode()
    assert client.post(step_url(rectification, "plan"), PLAN).status_code == 403

    login(client, insider)
    assert 'data-step="plan"' in client.get(detail).content.decode()
    deadline = (TODAY + days(90)).isoformat()
    response = client.post(step_url(rectification, "plan"), {**PLAN, "deadline": deadline})
    assert response.status_code == 302

    login(client, contact)
    page = client.get(detail).content.decode()
    assert 'data-step="progress"' in page and 'data-step="apply"' not in page
    month = TODAY.strftime("%Y-%m")
    response = client.post(
        step_url(rectification, "progress"), {"month": month, "progress": "走访"}
    )
    assert response.status_code == 302
    response = client.post(step_url(rectification, "progress"), {"month": month, "progress": "再"})
    assert response.status_code == 200 and "month" in response.context["steps"][0]["form"].errors
    assert client.post(step_url(rectification, "accept"), {}).status_code == 403

    login(client, insider)
    on = TODAY.isoformat()
    assert client.post(step_url(rectification, "apply"), {"on": on}).status_code == 302
    assert client.post(step_url(rectification, "accept"), {}).status_code == 403

    login(client, supervisor)
    assert 'data-step="accept"' in client.get(detail).content.decode()
    data = {"passed": "1", "by": "县委组织部", "on": on, "notes": ""}
    assert client.post(step_url(rectification, "accept"), data).status_code == 302
    rectification.refresh_from_db()
    assert rectification.state == S.PASSED
    visit = {"date": on, "visitor": "县委组织部", "findings": "巩固", "relapsed": "on"}
    assert client.post(step_url(rectification, "visit"), visit).status_code == 302
    page = client.get(detail).content.decode()
    assert "巩固" in page and "走访" in page and 'data-step="plan"' not in page
    assert client.post(step_url(rectification, "nonsense"), {}).status_code == 404


def test_the_list_filters_and_takes_constant_queries(
    client, count_queries, supervisor, township, insider
):
    login(client, supervisor)

    def add(n, year=YEAR):
        for _ in range(n):
            services.rectification_designate(
                actor=insider,
                village=VillageFactory(township=township),
                year=year,
                reasons="软弱涣散",
            )

    add(2)
    few = count_queries(LIST)
    add(38)
    assert count_queries(LIST) == few
    add(1, year=YEAR - 1)
    assert len(client.get(LIST, {"year": YEAR - 1}).context["object_list"]) == 1
    assert client.get(LIST, {"state": "passed"}).context["paginator"].count == 0


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", (401, 403)), ("outsider", (404,)), ("insider", (200,)), ("supervisor", (200,))],
)
def test_api_read_persona_matrix(api, personas, rectification, persona, status):
    api_login(api, personas[persona])
    assert api.get(f"{API}{rectification.pk}/").status_code in status


def test_api_steps(api, insider, contact, supervisor, village):
    api_login(api, contact)
    body = {"village": village.code, "year": YEAR, "reasons": "软弱涣散"}
    assert api.post(API, body).status_code == 403
    api_login(api, insider)
    response = api.post(API, body)
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api.post(API, body).status_code == 400
    deadline = (TODAY + days(60)).isoformat()
    assert api.post(f"{API}{pk}/plan/", {**PLAN, "deadline": deadline}).status_code == 200
    api_login(api, contact)
    response = api.post(f"{API}{pk}/progress/", {"month": TODAY.strftime("%Y-%m"), "progress": "p"})
    assert response.status_code == 201 and len(response.json()["progress"]) == 1
    assert api.post(f"{API}{pk}/apply/", {}).status_code == 403
    api_login(api, insider)
    assert api.post(f"{API}{pk}/apply/", {}).json()["state"] == S.APPLIED
    assert api.post(f"{API}{pk}/accept/", {"passed": True, "by": "镇"}).status_code == 403
    api_login(api, supervisor)
    response = api.post(f"{API}{pk}/accept/", {"passed": False, "by": "县", "notes": "不达标"})
    assert response.json()["state"] == S.FAILED
    assert (
        api.post(
            f"{API}{pk}/visits/", {"date": TODAY, "visitor": "县", "findings": "f"}
        ).status_code
        == 400
    )
    assert api.get(API, {"state": "failed"}).json()["count"] == 1


def test_api_list_takes_constant_queries(api, insider, township):
    api_login(api, insider)

    def count(n):
        for _ in range(n):
            services.rectification_designate(
                actor=insider,
                village=VillageFactory(township=township),
                year=YEAR,
                reasons="软弱涣散",
            )
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(API).status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(38)
