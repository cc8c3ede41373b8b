"""The warning board and its API: four personas (and the contact cadre), filters, sorting,
acknowledging, the village badge, and the same number of queries for 2 warnings as for 30."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision import services
from supervision.choices import TaskKind, WarningLevel, WarningRule
from supervision.models import VillageWarning
from supervision.selectors import village_warning
from villages.tests.factories import VillageFactory
from villages.tests.helpers import api_login, login

from .warnings_helpers import ON, disclose, overdue_duty, suspend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
API = "/api/v1/warnings/"
BOARD = "/supervision/warnings/"
REASON = "2026年第2季度巡查逾期（应于2026年5月31日前完成）"


def warn(*villages):
    for v in villages:
        disclose(v)
        overdue_duty(v, TaskKind.INSPECTION, "2026Q2")
    services.warnings_evaluate(on=ON, village_codes=[v.code for v in villages])


@pytest.fixture
def warned(village, other_village):
    """Both townships' villages have a yellow warning for an overdue inspection."""
    warn(village, other_village)
    return VillageWarning.objects.get(village=village)


def test_the_board_is_named_for_the_other_parts():
    assert reverse("supervision:warning-board") == BOARD


@pytest.mark.parametrize(
    "persona,status,sees_ours,sees_theirs",
    [
        ("anonymous", 302, False, False),
        ("outsider", 200, False, True),
        ("insider", 200, True, False),
        ("supervisor", 200, True, True),
    ],
)
def test_board_persona_matrix(
    client, personas, persona, status, sees_ours, sees_theirs, warned, village, other_village
):
    login(client, personas[persona])
    response = client.get(BOARD)
    assert response.status_code == status
    if status != 200:
        return
    page = response.content.decode()
    assert (f'data-testid="warning-{village.code}"' in page) is sees_ours
    assert (f'data-testid="warning-{other_village.code}"' in page) is sees_theirs
    assert (REASON in page) is True
    counts = response.context["counts"]
    assert counts[f"level_{WarningLevel.YELLOW}"] == sees_ours + sees_theirs
    # managers of the village may acknowledge it; the form is there for them only
    ack_url = reverse("supervision:warning-acknowledge", args=[warned.pk])
    assert (ack_url in page) is sees_ours


def test_contact_cadre_sees_the_warning_but_cannot_acknowledge(client, contact, warned):
    login(client, contact)
    page = client.get(BOARD).content.decode()
    assert REASON in page
    assert reverse("supervision:warning-acknowledge", args=[warned.pk]) not in page
    response = client.post(reverse("supervision:warning-acknowledge", args=[warned.pk]))
    assert response.status_code == 403
    warned.refresh_from_db()
    assert warned.acknowledged_at is None


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("outsider", 404), ("insider", 302), ("supervisor", 302)]
)
def test_acknowledge_persona_matrix(client, personas, persona, status, warned):
    login(client, personas[persona])
    url = reverse("supervision:warning-acknowledge", args=[warned.pk])
    assert client.get(url).status_code in (302, 404, 405)  # POST only
    response = client.post(url, {"note": "已约谈书记", "next": BOARD + "?level=1"})
    assert response.status_code == status
    warned.refresh_from_db()
    if persona in ("insider", "supervisor"):
        assert response["Location"] == BOARD + "?level=1"
        assert warned.acknowledged_by == personas[persona]
        assert warned.acknowledgement_note == "已约谈书记"
        page = client.get(BOARD).content.decode()
        assert 'data-testid="acknowledged"' in page and "已约谈书记" in page
    else:
        assert warned.acknowledged_at is None


def test_acknowledging_twice_is_refused_in_words(client, insider, warned):
    login(client, insider)
    url = reverse("supervision:warning-acknowledge", args=[warned.pk])
    client.post(url, {"note": "一"})
    response = client.post(url, {"note": "二", "next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[0][0] == BOARD  # never off the site
    assert "该预警已经确认过。" in response.content.decode()
    warned.refresh_from_db()
    assert warned.acknowledgement_note == "一"


def test_board_filters_and_sorting(client, supervisor, warned, village, other_village, sitting):
    suspend(sitting["chair"])
    services.warnings_evaluate(on=ON, village_codes=[village.code])  # ours is red now
    login(client, supervisor)

    def codes(**params):
        response = client.get(BOARD, params)
        return [w.area_code for w in response.context["object_list"]]

    assert codes() == [village.code, other_village.code]  # red first
    assert codes(ordering="level") == [other_village.code, village.code]
    assert codes(level=WarningLevel.RED) == [village.code]
    assert codes(level=WarningLevel.YELLOW) == [other_village.code]
    assert codes(township=other_village.code[:9]) == [other_village.code]
    assert codes(rule=WarningRule.CERTIFICATE_SUSPENDED) == [village.code]
    assert codes(rule=WarningRule.TASK_OVERDUE) == [village.code, other_village.code]
    assert codes(q=other_village.name) == [other_village.code]
    assert codes(village=village.code) == [village.code]
    services.warning_acknowledge(actor=supervisor, warning=warned, note="")
    assert codes(unacknowledged="true") == [other_village.code]
    response = client.get(BOARD)
    assert response.context["counts"]["unacknowledged"] == 1
    assert response.context["counts"][f"level_{WarningLevel.RED}"] == 1


def test_board_queries_do_not_grow_with_the_rows(count_queries, client, supervisor, township):
    login(client, supervisor)
    villages = [
        VillageFactory(township=township, code=f"{township.code}{300 + i}") for i in range(30)
    ]
    warn(*villages[:2])
    two = count_queries(BOARD)
    warn(*villages[2:])
    assert VillageWarning.objects.raised().count() == 30
    assert count_queries(BOARD) == two


def test_village_badge_partial(insider, contact, outsider, warned, village):
    html = render_to_string(
        "supervision/warnings/_village_badge.html", {"warning": village_warning(insider, village)}
    )
    assert "黄色" in html or 'data-level="1"' in html
    assert REASON in html
    assert village_warning(contact, village) == warned
    assert village_warning(outsider, village) is None
    assert (
        render_to_string("supervision/warnings/_village_badge.html", {"warning": None}).strip()
        == ""
    )


# ------------------------------------------------------------------ API


@pytest.mark.parametrize(
    "persona,list_status,detail_status",
    [
        ("anonymous", 403, 403),
        ("outsider", 200, 404),
        ("insider", 200, 200),
        ("supervisor", 200, 200),
    ],
)
def test_api_read_persona_matrix(api, personas, persona, list_status, detail_status, warned):
    client = api_login(api, personas[persona])
    response = client.get(API)
    assert response.status_code == list_status
    assert client.get(f"{API}{warned.pk}/").status_code == detail_status
    if list_status == 200:
        ids = [row["id"] for row in response.json()["results"]]
        assert (warned.pk in ids) is (detail_status == 200)
    if detail_status == 200:
        body = client.get(f"{API}{warned.pk}/").json()
        assert body["village"] == warned.area_code
        assert body["level"] == WarningLevel.YELLOW
        assert body["reasons"] == [
            {"rule": WarningRule.TASK_OVERDUE, "level": WarningLevel.YELLOW, "text": REASON}
        ]


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 403),
        ("outsider", 404),
        ("contact", 403),
        ("insider", 200),
        ("supervisor", 200),
    ],
)
def test_api_acknowledge_persona_matrix(api, personas, contact, persona, status, warned):
    user = contact if persona == "contact" else personas[persona]
    client = api_login(api, user)
    response = client.post(f"{API}{warned.pk}/acknowledge/", {"note": "已督办"}, format="json")
    assert response.status_code == status
    warned.refresh_from_db()
    if status == 200:
        assert response.json()["acknowledged_by"] == user.username
        assert response.json()["acknowledgement_note"] == "已督办"
        assert warned.acknowledged_by == user
        again = client.post(f"{API}{warned.pk}/acknowledge/", {}, format="json")
        assert again.status_code == 400
    else:
        assert warned.acknowledged_at is None


def test_api_filters(api, supervisor, warned, village, other_village, sitting):
    suspend(sitting["secretary"])
    services.warnings_evaluate(on=ON, village_codes=[village.code])
    client = api_login(api, supervisor)

    def codes(**params):
        return [row["village"] for row in client.get(API, params).json()["results"]]

    assert codes() == [village.code, other_village.code]
    assert codes(level=3) == [village.code]
    assert codes(rule=WarningRule.CERTIFICATE_SUSPENDED) == [village.code]
    assert codes(township=other_village.code[:9]) == [other_village.code]
    assert codes(unacknowledged="false") == []


def test_api_list_queries_do_not_grow_with_the_rows(api, supervisor, township):
    client = api_login(api, supervisor)
    villages = [
        VillageFactory(township=township, code=f"{township.code}{300 + i}") for i in range(30)
    ]

    def count():
        client.get(API)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API).status_code == 200
        return len(ctx.captured_queries)

    warn(*villages[:2])
    two = count()
    warn(*villages[2:])
    assert count() == two
