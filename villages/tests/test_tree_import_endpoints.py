"""The tree import's page and API (#17): dry run, explicit updates, 400 with every error, and
who may import (anonymous, outsider, insider, county supervisor)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.excel import XLSX
from villages.models import Region, Village
from villages.tests.helpers import api_login, login
from villages.tests.test_imports import vrow, workbook
from villages.tests.test_tree_import_rules import with_upper

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    """Checked files go to a directory of the test's own."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


URL = "/api/v1/tree-imports/"


def upload(data: bytes, name="tree.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def changed_file(village):
    return workbook(
        villages=[vrow("370830102209", "新村"), vrow(village.code, "南旺村", households=7)]
    )


# ---------------------------------------------------------------------------- the page


def test_the_page_checks_first_and_writes_nothing(client, insider, village):
    login(client, insider)
    response = client.post(
        reverse("villages:tree-import"),
        {"county": "370830", "file": upload(changed_file(village)), "update": "on", "dry_run": "1"},
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.villages_created, preview.villages_updated) == (1, 1)
    html = response.content.decode()
    assert 'data-testid="import-preview"' in html and "尚未写入任何数据" in html
    assert not Village.objects.filter(code="370830102209").exists()

    # 导入已检查的文件: the same file, with the option it was checked with, once.
    ticket = response.context["checked"]
    done = client.post(reverse("villages:tree-import"), {"checked": ticket})
    assert done.status_code == 302
    village.refresh_from_db()
    assert village.households == 7
    assert Village.objects.filter(code="370830102209").exists()
    again = client.post(reverse("villages:tree-import"), {"checked": ticket})
    assert again.status_code == 400
    assert "已检查的文件已过期" in again.content.decode()


def test_a_checked_file_is_only_its_checkers(client, insider, supervisor, village):
    login(client, supervisor)
    response = client.post(
        reverse("villages:tree-import"),
        {"county": "370830", "file": upload(changed_file(village)), "update": "on", "dry_run": "1"},
    )
    ticket = response.context["checked"]
    login(client, insider)
    assert client.post(reverse("villages:tree-import"), {"checked": ticket}).status_code == 400
    assert client.post(reverse("villages:tree-import"), {"checked": "forged"}).status_code == 400
    assert not Village.objects.filter(code="370830102209").exists()


def test_the_page_refuses_an_existing_code_without_update(client, insider, village):
    login(client, insider)
    response = client.post(
        reverse("villages:tree-import"), {"county": "370830", "file": upload(changed_file(village))}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "未保存任何数据" in html and "更新已有的乡镇和村" in html
    assert not Village.objects.filter(code="370830102209").exists()


def test_the_page_asks_for_xlsx_instead_of_xls(client, insider, village):
    login(client, insider)
    response = client.post(
        reverse("villages:tree-import"),
        {
            "county": "370830",
            "file": upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "村.xls"),
        },
    )
    assert response.status_code == 400
    assert "另存为 .xlsx" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 400), ("insider", 302), ("supervisor", 302)],
)
def test_only_who_may_edit_the_tree_imports(client, personas, village, persona, status):
    """The outsider manages another township: the row in this one is refused."""
    login(client, personas[persona])
    data = workbook(villages=[vrow("370830102209", "新村")])
    response = client.post(
        reverse("villages:tree-import"), {"county": "370830", "file": upload(data)}
    )
    assert response.status_code == status
    created = Village.objects.filter(code="370830102209").exists()
    assert created == (persona in ("insider", "supervisor"))


def test_a_superuser_imports_the_first_county_through_the_page(client, db):
    root = get_user_model().objects.create_superuser("root-page", password="x")
    login(client, root)
    assert client.get(reverse("villages:tree-import")).status_code == 200
    assert client.get(reverse("villages:tree-import-template")).status_code == 200
    data = with_upper(
        [["省", "370000", "山东省"], ["市", "370800", "济宁市"], ["县", "370830", "汶上县"]],
        townships=[["370830102", "南旺镇"]],
        villages=[vrow("370830102201", "南旺村")],
    )
    response = client.post(reverse("villages:tree-import"), {"file": upload(data)})
    assert response.status_code == 302
    assert Region.objects.get(code="370830").parent.code == "3708"


# ---------------------------------------------------------------------------- the API


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 403), ("outsider", 400), ("insider", 201), ("supervisor", 201)],
)
def test_the_api_imports_for_who_may_edit(api, personas, village, persona, status):
    api_login(api, personas[persona])
    data = workbook(villages=[vrow("370830102209", "新村")])
    response = api.post(URL, {"county": "370830", "file": upload(data)}, format="multipart")
    assert response.status_code == status
    if status == 201:
        assert response.json()["villages_created"] == 1


def test_the_api_answers_400_with_every_error(api, supervisor, village):
    api_login(api, supervisor)
    data = workbook(
        villages=[
            vrow("37083010220X"),
            vrow(village.code, "南旺村", households=7),
            vrow("370830102205", name=""),
        ]
    )
    response = api.post(URL, {"county": "370830", "file": upload(data)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["written"] == 0
    assert [(e["sheet"], e["row"], e["column"]) for e in body["errors"]] == [
        ("村", 2, "村代码"),
        ("村", 3, "村代码"),
        ("村", 4, "村名称"),
    ]
    assert body["errors"][0]["message"] == "代码只能由数字 0-9 组成。"


def test_the_api_dry_run_then_update(api, supervisor, village):
    api_login(api, supervisor)
    data = changed_file(village)
    dry = api.post(
        URL,
        {"county": "370830", "file": upload(data), "update": True, "dry_run": True},
        format="multipart",
    )
    assert dry.status_code == 200
    body = dry.json()
    assert body["dry_run"] and (body["villages_created"], body["villages_updated"]) == (1, 1)
    assert {c["action"] for c in body["changes"]} == {"create", "update"}
    assert not Village.objects.filter(code="370830102209").exists()
    done = api.post(
        URL, {"county": "370830", "file": upload(data), "update": True}, format="multipart"
    )
    assert done.status_code == 201
    village.refresh_from_db()
    assert village.households == 7


def test_the_api_hides_a_county_outside_the_scope(api, supervisor, village):
    api_login(api, supervisor)
    data = workbook(villages=[vrow("370831102209")])
    response = api.post(URL, {"county": "370831", "file": upload(data)}, format="multipart")
    assert response.status_code == 404


def test_a_superuser_adds_a_second_county_through_the_page(client, county, township):
    root = get_user_model().objects.create_superuser("root-second", password="x")
    login(client, root)
    page = client.get(reverse("villages:tree-import")).content.decode()
    assert '<option value="">' in page
    data = with_upper(
        [["省", "370000", "山东省"], ["市", "370800", "济宁市"], ["县", "370831", "泗水县"]],
        townships=[["370831102", "泉林镇"]],
    )
    response = client.post(reverse("villages:tree-import"), {"county": "", "file": upload(data)})
    assert response.status_code == 302
    assert Region.objects.get(code="370831102").parent.code == "370831"


def test_the_api_refuses_a_county_named_on_the_sheet_outside_the_scope(api, supervisor, village):
    api_login(api, supervisor)
    data = with_upper([["县", "370831", "泗水县"]], villages=[vrow("370831102209")])
    response = api.post(URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 403
    assert not Region.objects.filter(code="370831").exists()
