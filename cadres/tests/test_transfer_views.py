"""The cadre import and post export pages for the personas."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.models import Cadre, Post
from cadres.tests.factories import CadreFactory, PostFactory
from cadres.tests.test_imports import WANG, crow, workbook
from core.excel import XLSX
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db


def cells(content: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 200), ("insider", 200), ("supervisor", 200)],
)
@pytest.mark.parametrize("name", ["cadre-import", "cadre-import-template"])
def test_import_pages_access(client, personas, village, persona, status, name):
    login(client, personas[persona])
    assert client.get(reverse(f"cadres:{name}")).status_code == status


def test_import_pages_are_forbidden_to_a_contact_cadre(client, contact):
    login(client, contact)
    assert client.get(reverse("cadres:cadre-import")).status_code == 403
    assert client.get(reverse("cadres:cadre-import-template")).status_code == 403


def test_the_template_of_another_township_is_404(client, insider, other_township):
    login(client, insider)
    url = reverse("cadres:cadre-import-template")
    assert client.get(url, {"township": other_township.code}).status_code == 404


def test_a_bad_upload_lists_errors_in_chinese_and_saves_nothing(client, insider, village):
    login(client, insider)
    data = workbook(crow(), crow(id_number="370830197506010512", name="错号"))
    response = client.post(
        reverse("cadres:cadre-import"),
        {
            "township": "370830102",
            "file": SimpleUploadedFile("c.xlsx", data, content_type=XLSX),
        },
    )
    assert response.status_code == 200
    assert "未保存任何数据" in response.content.decode()
    assert "校验码" in response.content.decode()
    assert not Cadre.objects.exists() and not Post.objects.exists()


def test_a_good_upload_registers_and_appoints(client, insider, village):
    login(client, insider)
    data = workbook(crow())
    response = client.post(
        reverse("cadres:cadre-import"),
        {
            "township": "370830102",
            "file": SimpleUploadedFile("c.xlsx", data, content_type=XLSX),
        },
        follow=True,
    )
    assert "导入完成" in response.content.decode()
    cadre = Cadre.objects.get()
    assert cadre.id_number == WANG and cadre.posts.get().kind == "secretary_chair"


@pytest.mark.parametrize("persona", ["outsider", "insider", "supervisor"])
def test_export_is_scoped_and_masked(client, personas, village, other_village, persona):
    here = PostFactory(cadre=CadreFactory(village=village, name="本村书记"))
    there = PostFactory(cadre=CadreFactory(village=other_village, name="外村书记"))
    login(client, personas[persona])
    response = client.get(reverse("cadres:post-export"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    text = " ".join(cells(response.content))
    for post in (here, there):
        assert post.cadre.id_number not in text and post.cadre.phone not in text
    expected = {
        "outsider": {"外村书记"},
        "insider": {"本村书记"},
        "supervisor": {"本村书记", "外村书记"},
    }[persona]
    assert {n for n in ("本村书记", "外村书记") if n in text} == expected


def test_export_follows_the_list_filters(client, supervisor, village, other_village):
    PostFactory(cadre=CadreFactory(village=village, name="本村书记"))
    PostFactory(cadre=CadreFactory(village=other_village, name="外村书记"))
    login(client, supervisor)
    text = " ".join(
        cells(client.get(reverse("cadres:post-export"), {"township": "370830105"}).content)
    )
    assert "外村书记" in text and "本村书记" not in text


def test_export_needs_a_login(client):
    assert client.get(reverse("cadres:post-export")).status_code == 302
