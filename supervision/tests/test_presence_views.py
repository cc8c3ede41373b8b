"""在岗/驻村 pages and API: the four personas (and the contact cadre), recording through the form
and the endpoint, the township's and the person's pages, the export, and constant queries with 2
villages and with 50."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.rights import forget_scope
from supervision.models import PresenceVisit
from villages.choices import RoleKind
from villages.tests.factories import (
    ContactAssignmentFactory,
    StaffRoleFactory,
    UserFactory,
    VillageFactory,
)
from villages.tests.helpers import api_login, login

from .presence_helpers import LAST_MONDAY, days, png_bytes, visit

pytestmark = pytest.mark.django_db
LIST = reverse("supervision:presence-list")
RECORD = reverse("supervision:presence-record")
API = "/api/v1/presence-visits/"


@pytest.fixture
def recorded(contact, village):
    return visit(contact, village)


def who(request, persona):
    if persona in ("anonymous",):
        return None
    return request.getfixturevalue(persona)


@pytest.mark.parametrize(
    "persona,listed,detail,township_page,person_page,record",
    [
        ("anonymous", None, 302, 302, 302, 302),
        ("outsider", 0, 404, 404, 404, 403),  # no village of theirs to record in
        ("insider", 1, 200, 200, 200, 200),
        ("supervisor", 1, 200, 200, 200, 200),
        ("contact", 1, 200, 200, 200, 200),
        ("clerk", 1, 200, 200, 200, 403),
    ],
)
def test_pages_persona_matrix(
    client, request, recorded, township, persona, listed, detail, township_page, person_page, record
):
    login(client, who(request, persona))
    response = client.get(LIST)
    if listed is None:
        assert response.status_code == 302
    else:
        assert len(response.context["object_list"]) == listed
    assert client.get(reverse("supervision:presence-detail", args=[recorded.pk])).status_code == (
        detail
    )
    url = reverse("supervision:presence-township", args=[township.code])
    assert client.get(url).status_code == township_page
    url = reverse("supervision:presence-person", args=[recorded.person_id])
    assert client.get(url).status_code == person_page
    assert client.get(RECORD).status_code == record
    export = client.get(reverse("supervision:presence-export"))
    assert export.status_code == (302 if persona == "anonymous" else 200)


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 403),
        ("outsider", 400),
        ("insider", 201),
        ("supervisor", 201),
        ("contact", 201),
    ],
)
def test_api_persona_matrix(api, request, recorded, village, persona, status):
    api_login(api, who(request, persona))
    listing = api.get(API)
    if persona == "anonymous":
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        assert listing.json()["count"] == (0 if persona == "outsider" else 1)
    body = {
        "village": village.code,
        "date": str(LAST_MONDAY + days(3)),
        "half_days": 1,
        "work_done": "入户走访",
    }
    response = api.post(API, body, format="json")
    # An outsider does not see the village: it "does not exist" (400), as everywhere in the API.
    assert response.status_code == status
    if status == 201:
        assert response.json()["village"] == village.code


def test_api_refuses_a_clerk_and_a_third_half_day(api, clerk, contact, village, recorded):
    body = {"village": village.code, "date": str(recorded.date), "work_done": "x"}
    api_login(api, clerk)
    assert api.post(API, {**body, "half_days": 1}, format="json").status_code == 403
    api_login(api, contact)
    response = api.post(API, {**body, "half_days": 3}, format="json")
    assert response.status_code == 400 and "half_days" in response.json()


def test_the_shortfalls_endpoint_is_scoped(api, contact, outsider, village):
    from supervision import services

    services.presence_evaluate_week(week=LAST_MONDAY)
    api_login(api, contact)
    assert api.get("/api/v1/presence-shortfalls/").json()["count"] == 1
    api_login(api, outsider)
    assert api.get("/api/v1/presence-shortfalls/").json()["count"] == 0
    assert api.post("/api/v1/presence-shortfalls/", {}).status_code == 405


def test_the_contact_cadre_records_a_visit_with_photo_and_location(
    client, contact, village, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    login(client, contact)
    page = client.get(RECORD)
    assert list(page.context["form"].fields["village"].queryset) == [village]
    response = client.post(
        RECORD,
        {
            "village": village.pk,
            "date": str(LAST_MONDAY + days(2)),
            "half_days": "2",
            "work_done": "调解邻里纠纷",
            "latitude": "35.716123",
            "longitude": "116.493456",
            "photo": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    v = PresenceVisit.objects.get()
    assert (v.half_days, str(v.latitude), bool(v.photo)) == (2, "35.716123", True)
    photo = client.get(reverse("supervision:presence-photo", args=[v.pk]))
    assert photo.status_code == 200
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")


def test_the_form_shows_a_refusal_and_keeps_the_input(client, contact, village):
    login(client, contact)
    response = client.post(
        RECORD,
        {"village": village.pk, "date": "2099-01-01", "half_days": "1", "work_done": "走访"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not PresenceVisit.objects.exists()


def test_the_photo_is_not_shown_outside_the_scope(client, outsider, contact, village, tmp_path):
    from django.test import override_settings

    with override_settings(PRIVATE_MEDIA_ROOT=str(tmp_path)):
        v = visit(contact, village, photo=SimpleUploadedFile("p.png", png_bytes()))
        login(client, outsider)
        assert client.get(reverse("supervision:presence-photo", args=[v.pk])).status_code == 404


def test_the_township_page_shows_the_villages_short_of_the_norm(client, insider, contact, township):
    villages = [VillageFactory(township=township, code=f"37083010230{n}") for n in range(1, 4)]
    for v in villages:
        ContactAssignmentFactory(cadre=contact, village=v)
    forget_scope(contact)
    visit(contact, villages[0], date=LAST_MONDAY)
    visit(contact, villages[1], date=LAST_MONDAY + days(1))
    login(client, insider)
    response = client.get(reverse("supervision:presence-township", args=[township.code]))
    last = next(w for w in response.context["weeks"] if w["key"] == "last")
    # The fixture's village and the third are short; the two visited meet the norm.
    assert {row.village.code for row in last["short"]} == {"370830102201", villages[2].code}
    assert last["summary"]["villages_short"] == 2
    assert str(last["summary"]["rate"]) == "0.500"


def test_the_person_page_shows_the_weeks_and_the_shortfalls(client, contact, village):
    from supervision import services

    services.presence_evaluate_week(week=LAST_MONDAY)
    login(client, contact)
    response = client.get(reverse("supervision:presence-home"))
    assert response.url == reverse("supervision:presence-person", args=[contact.pk])
    page = client.get(response.url)
    assert [s.village for s in page.context["shortfalls"]] == [village]
    last = next(w for w in page.context["weeks"] if w["key"] == "last")
    assert [(d.village_code, d.short) for d in last["dues"]] == [(village.code, True)]


def test_the_export_writes_text_cells_never_formulas(client, insider, contact, village):
    visit(contact, village, work_done='=HYPERLINK("http://x")')
    login(client, insider)
    response = client.get(reverse("supervision:presence-export"))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = [c for c in ws[3]]
    assert row[0].value == village.code and row[0].data_type == "s"
    cell = row[6]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def _township_with_visits(county, code, n):
    """A township of `n` villages, one contact cadre for them all, every other one visited."""
    from villages.tests.factories import TownshipFactory

    township = TownshipFactory(parent=county, code=code)
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    villages = [VillageFactory(township=township, code=f"{code}{200 + i:03d}") for i in range(n)]
    for v in villages:
        ContactAssignmentFactory(cadre=cadre, village=v)
    for i, v in enumerate(villages[1::2]):
        visit(cadre, v, date=LAST_MONDAY + days(6) - days(i // 2))  # two half days a day
    return township


@pytest.mark.parametrize("page", ["list", "township", "api"])
def test_queries_do_not_grow_with_the_villages(client, api, supervisor, county, page):
    def count(code, n):
        township = _township_with_visits(county, code, n)
        url = {
            "list": f"{LIST}?township={code}",
            "township": reverse("supervision:presence-township", args=[code]),
            "api": f"{API}?township={code}",
        }[page]
        c = api if page == "api" else client
        (api_login if page == "api" else login)(c, supervisor)
        c.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(url)
        assert response.status_code == 200
        if page == "township":
            assert len(response.context["weeks"][1]["rows"]) == n
        del township
        return len(ctx.captured_queries)

    assert count("370830110", 2) == count("370830111", 50)
