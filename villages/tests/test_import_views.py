"""The Excel import pages: template download and upload, for the four personas."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.excel import XLSX
from villages.models import Village
from villages.tests.helpers import login
from villages.tests.test_imports import vrow, workbook

pytestmark = pytest.mark.django_db


def upload(data: bytes):
    return SimpleUploadedFile("tree.xlsx", data, content_type=XLSX)


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 200), ("insider", 200), ("supervisor", 200)],
)
def test_import_page_access(client, personas, village, persona, status):
    login(client, personas[persona])
    assert client.get(reverse("villages:tree-import")).status_code == status


def test_import_page_is_forbidden_to_a_contact_cadre(client, township, village):
    from villages.choices import RoleKind
    from villages.tests.factories import ContactAssignmentFactory, StaffRoleFactory, UserFactory

    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=cadre, village=village)
    login(client, cadre)
    assert client.get(reverse("villages:tree-import")).status_code == 403
    assert client.get(reverse("villages:tree-import-template")).status_code == 403


@pytest.mark.parametrize("persona", ["insider", "outsider", "supervisor"])
def test_template_holds_only_what_the_user_may_edit(
    client, personas, village, other_village, persona
):
    login(client, personas[persona])
    response = client.get(reverse("villages:tree-import-template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = {row[0] for row in wb["村"].iter_rows(min_row=2, values_only=True) if row[0]}
    expected = {
        "insider": {village.code},
        "outsider": {other_village.code},
        "supervisor": {village.code, other_village.code},
    }[persona]
    assert codes == expected


def test_template_of_another_county_is_404(client, insider, village):
    login(client, insider)
    response = client.get(reverse("villages:tree-import-template"), {"county": "370831"})
    assert response.status_code == 404


def test_upload_with_errors_lists_them_in_chinese_and_saves_nothing(client, insider, village):
    login(client, insider)
    before = list(Village.objects.values_list("code", "name", "households"))
    data = workbook(
        villages=[
            vrow("370830102202", "好村"),
            vrow("37083010220X", "坏码村"),
            vrow("370830102202", "重复村"),
            vrow("370830109201", "无乡镇村"),
            vrow("370830102204", ""),
        ]
    )
    response = client.post(
        reverse("villages:tree-import"), {"county": "370830", "file": upload(data)}
    )
    assert response.status_code == 400
    errors = response.context["import_errors"]
    assert {e.row for e in errors} >= {3, 4, 5, 6}
    html = response.content.decode()
    assert "未保存任何数据" in html
    assert list(Village.objects.values_list("code", "name", "households")) == before


def test_upload_of_a_valid_file_imports_and_reports_counts(client, insider, village):
    login(client, insider)
    data = workbook(
        villages=[
            vrow("370830102202", "东赵村", households=210),
            vrow(village.code, "南旺村", households=999),
        ]
    )
    response = client.post(
        reverse("villages:tree-import"),
        {"county": "370830", "file": upload(data), "update": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("villages:village-list")
    assert "新增村 1 个、更新 1 个" in response.content.decode()
    assert Village.objects.get(code="370830102202").households == 210
    village.refresh_from_db()
    assert village.households == 999


def test_upload_of_a_non_excel_file_is_refused(client, insider, village):
    login(client, insider)
    response = client.post(
        reverse("villages:tree-import"),
        {
            "county": "370830",
            "file": SimpleUploadedFile("x.xlsx", b"not a workbook"),
        },
    )
    assert response.status_code == 400
    assert response.context["import_errors"]
    assert Village.objects.count() == 1


def test_outsider_cannot_import_into_this_township(client, outsider, village):
    login(client, outsider)
    data = workbook(villages=[vrow("370830102202", "越界村")])
    response = client.post(
        reverse("villages:tree-import"), {"county": "370830", "file": upload(data)}
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Village.objects.filter(code="370830102202").exists()
