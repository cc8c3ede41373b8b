"""The first run: official codes in every form, `setup_region`, the admin refusing orphans and
the first-run page (设置本县) an administrator is sent to while the tree is empty."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from villages.choices import RegionLevel
from villages.codes import divisions, find_division, full_name, parse_area_code
from villages.models import Region
from villages.setup import region_setup
from villages.tests.factories import UserFactory
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db


def chain():
    return list(Region.objects.order_by("code").values_list("code", "name", "level"))


WENSHANG = [
    ("37", "山东省", RegionLevel.PROVINCE),
    ("3708", "济宁市", RegionLevel.CITY),
    ("370830", "汶上县", RegionLevel.COUNTY),
]


# ---------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    "typed,code,level",
    [
        ("370000", "37", "province"),
        ("370800", "3708", "city"),
        ("370830", "370830", "county"),
        ("370000000000", "37", "province"),
        ("370800000000", "3708", "city"),
        ("370830000000", "370830", "county"),
        ("370830102000", "370830102", "township"),
        ("370830102201", "370830102201", "village"),
        ("37", "37", "province"),
        ("3708", "3708", "city"),
        ("370830102", "370830102", "township"),
        (" ３７０８３０ ", "370830", "county"),  # full-width digits and spaces
        (370830000000, "370830", "county"),  # a number stored by Excel
        (370830000000.0, "370830", "county"),
    ],
)
def test_official_codes_in_every_form(typed, code, level):
    area = parse_area_code(typed)
    assert (area.code, area.level) == (code, level)


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "3708300", "37083", "000000", "370030", "003708", "370830000102", "3.7083E+11"],
)
def test_malformed_codes_are_refused_with_a_reason(typed):
    with pytest.raises(ValidationError) as refused:
        parse_area_code(typed)
    assert refused.value.messages[0]


def test_the_bundled_list_holds_china_by_level():
    listed = divisions()
    assert listed["37"].name == "山东省" and listed["3708"].name == "济宁市"
    assert listed["370830"].name == "汶上县" and listed["370830"].level == RegionLevel.COUNTY
    assert sum(d.level == RegionLevel.PROVINCE for d in listed.values()) == 31
    assert sum(d.code.startswith("37") and d.level == "county" for d in listed.values()) > 100
    assert [d.code for d in find_division("汶上县")] == ["370830"]
    assert [d.code for d in find_division("山东省济宁市汶上县")] == ["370830"]
    assert full_name(listed["370830"]) == "山东省济宁市汶上县"
    assert len(find_division("市辖区")) > 1


# ---------------------------------------------------------------------------- setup_region


def run(*args):
    out = io.StringIO()
    call_command("setup_region", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("typed", ["370830", "370830000000", "汶上县", "山东省济宁市汶上县"])
def test_setup_region_creates_the_chain_from_six_or_twelve_digits_or_the_name(typed):
    out = run(typed)
    assert chain() == WENSHANG
    assert "3 created" in out
    county = Region.objects.get(code="370830")
    assert county.parent.code == "3708" and county.parent.parent.code == "37"


def test_setup_region_is_idempotent_and_completes_a_partial_chain():
    run("370000")
    assert chain() == WENSHANG[:1]
    run("370800")
    assert chain() == WENSHANG[:2]
    out = run("370830")
    assert "1 created, 2 already there" in out
    again = run("370830000000")
    assert "0 created, 3 already there" in again
    assert chain() == WENSHANG


def test_setup_region_keeps_names_already_there_and_takes_names_for_unknown_codes():
    run("370830")
    Region.objects.filter(code="370830").update(name="汶上县（本地写法）")
    run("370830")
    assert Region.objects.get(code="370830").name == "汶上县（本地写法）"
    # A county the bundled list does not know needs its name.
    with pytest.raises(CommandError, match="370899"):
        run("370899")
    run("370899", "--name", "370899=新设县")
    assert Region.objects.get(code="370899").parent.code == "3708"


@pytest.mark.parametrize(
    "typed",
    ["370030", "370830102000", "370830102201", "99", "abc", "某某县", "3708301"],
)
def test_setup_region_refuses_bad_codes_and_writes_nothing(typed):
    with pytest.raises(CommandError):
        run(typed)
    assert not Region.objects.exists()


def test_setup_asks_the_right_to_edit_the_area_of_a_non_administrator(county, supervisor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        region_setup(actor=supervisor, code="370831")
    assert not Region.objects.filter(code="370831").exists()
    # What exists already needs no right.
    assert region_setup(actor=supervisor, code="370830").created == []


# ---------------------------------------------------------------------------- orphans


def test_the_database_refuses_a_region_without_its_parent():
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="370830", name="汶上县", level=RegionLevel.COUNTY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="37", name="山东省", level=RegionLevel.PROVINCE, parent=None)
        Region.objects.create(
            code="38", name="x", level=RegionLevel.PROVINCE, parent=Region.objects.get(code="37")
        )


def test_the_database_refuses_a_parent_of_the_wrong_level_or_another_code():
    run("370900")  # 山东省 › 泰安市
    province, taian = Region.objects.get(code="37"), Region.objects.get(code="3709")
    with pytest.raises(IntegrityError), transaction.atomic():  # a county under a province
        Region.objects.create(code="370830", name="汶上县", level="county", parent=province)
    with pytest.raises(IntegrityError), transaction.atomic():  # 3708.. under 3709
        Region.objects.create(code="370830", name="汶上县", level="county", parent=taian)
    with pytest.raises(IntegrityError), transaction.atomic():  # moved out of its parent
        Region.objects.filter(code="3709").update(code="3808")
    Region.objects.create(code="370921", name="宁阳县", level="county", parent=taian)


@pytest.mark.usefixtures("chinese")
def test_clean_names_the_missing_level():
    county = Region(code="370830", name="汶上县", level=RegionLevel.COUNTY)
    with pytest.raises(ValidationError) as refused:
        county.full_clean()
    assert "370800" in str(refused.value.message_dict["parent"])


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    return login(client, admin)


def admin_add(admin_client, **data):
    return admin_client.post(reverse("admin:villages_region_add"), {"parent": "", **data})


def test_the_admin_takes_official_six_digit_codes_and_finds_the_parent(admin_client):
    assert admin_add(admin_client, code="370000", name="山东省", level="").status_code == 302
    assert admin_add(admin_client, code="370800", name="济宁市", level="").status_code == 302
    assert admin_add(admin_client, code="370830", name="汶上县", level="county").status_code == 302
    assert chain() == WENSHANG
    assert Region.objects.get(code="370830").parent.code == "3708"


def test_the_admin_refuses_an_orphan_and_a_code_outside_its_parent(admin_client):
    response = admin_add(admin_client, code="370830", name="汶上县", level="county")
    assert response.status_code == 200
    assert "370800" in str(response.context["adminform"].form.errors["parent"])
    assert not Region.objects.filter(code="370830").exists()
    run("370900")  # 泰安市 and 山东省
    taian = Region.objects.get(code="3709")
    response = admin_add(
        admin_client, code="370830", name="汶上县", level="county", parent=str(taian.pk)
    )
    assert response.status_code == 200
    assert "3709" in str(response.context["adminform"].form.errors)
    assert not Region.objects.filter(code="370830").exists()


# ---------------------------------------------------------------------------- the first run


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("path", ["/", "/villages/"])
def test_an_administrator_facing_an_empty_tree_is_sent_to_the_setup_page(client, superuser, path):
    login(client, superuser)
    response = client.get(path)
    assert response.status_code == 302 and response.url == reverse("villages:setup")


@pytest.mark.usefixtures("chinese")
def test_the_setup_page_names_the_missing_levels_not_a_role(client, superuser):
    login(client, superuser)
    page = client.get(reverse("villages:setup")).content.decode()
    assert "无权" not in page
    response = client.post(reverse("villages:setup"), {"code": "370830"})
    assert response.status_code == 302
    assert response.url == reverse("villages:tree-import") + "?county=370830"
    assert chain() == WENSHANG
    # Once a county exists the pages answer as usual.
    assert client.get("/villages/").status_code == 200
    assert client.get(response.url).status_code == 200


def test_the_setup_page_shows_refusals_on_the_form(client, superuser):
    login(client, superuser)
    response = client.post(reverse("villages:setup"), {"code": "370030"})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert not Region.objects.exists()


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 403), ("insider", 403), ("supervisor", 403)],
)
def test_only_an_administrator_sets_up_a_county(client, personas, persona, status):
    login(client, personas[persona])
    assert client.get(reverse("villages:setup")).status_code == status
    assert client.post(reverse("villages:setup"), {"code": "370831"}).status_code == status
    assert not Region.objects.filter(code="370831").exists()


def test_staff_pages_are_not_redirected_while_the_tree_is_empty(client):
    user = UserFactory(username="plain")
    login(client, user)
    assert client.get("/villages/").status_code == 200
