"""Staff accounts from Excel: all or nothing, duplicates, roles and areas, the importer's rights,
the initial passwords shown once and changed at the first login."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.excel import XLSX
from core.rights import Right, scope_for
from villages.choices import RoleKind
from villages.models import ContactAssignment, StaffProfile, StaffRole
from villages.staff import StaffImportError, generate_password, import_staff
from villages.tests.factories import UserFactory, VillageFactory
from villages.tests.helpers import login

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Phone", "Username", "Role", "Area code", "Contact villages"]


def staff_file(*rows, header=HEADER, sheet="Staff"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def users():
    return set(get_user_model().objects.values_list("username", flat=True))


@pytest.fixture
def second_village(township):
    return VillageFactory(township=township, code="370830102202", name="南旺二村")


@pytest.fixture
def good_rows(village, second_village, township, county):
    return [
        ("周建国", "13805371234", "zhou_jg", "County supervisor", "370830", ""),
        ("李红梅", "0537-7212345", "li_hm", "township_staff", "370830102000", ""),
        ("王志强", "13905370001", "wang_zq", "包村干部", "370830102", "370830102201、370830102202"),
        ("张秀英", "", "zhang_xy", "Village clerk", "370830102201", ""),
    ]


def test_it_creates_every_account_with_its_role_area_and_contact_villages(
    good_rows, village, second_village
):
    before = users()
    accounts = import_staff(actor=None, file=staff_file(*good_rows))

    assert users() - before == {"zhou_jg", "li_hm", "wang_zq", "zhang_xy"}
    roles = dict(StaffRole.objects.values_list("user__username", "kind"))
    assert roles["zhou_jg"] == RoleKind.COUNTY_SUPERVISOR
    assert roles["li_hm"] == RoleKind.TOWNSHIP_STAFF
    assert roles["wang_zq"] == RoleKind.CONTACT_CADRE
    assert roles["zhang_xy"] == RoleKind.VILLAGE_CLERK
    cadre = get_user_model().objects.get(username="wang_zq")
    assert (cadre.last_name, cadre.first_name) == ("王", "志强")
    assert set(
        ContactAssignment.objects.filter(cadre=cadre).values_list("village__code", flat=True)
    ) == {village.code, second_village.code}
    # The rights model sees them like any hand-made account.
    assert scope_for(cadre).allows(Right.ORGANIZE, village.code)
    clerk = get_user_model().objects.get(username="zhang_xy")
    assert scope_for(clerk).areas(Right.SEE) == (village.code,)
    # Each has a profile with the phone and the duty to change the password.
    profiles = {p.user.username: p for p in StaffProfile.objects.select_related("user")}
    assert profiles["zhou_jg"].phone == "13805371234"
    assert all(p.must_change_password for p in profiles.values())
    # The passwords are returned once, work, and are stored only hashed.
    by_name = {a.username: a for a in accounts}
    assert cadre.check_password(by_name["wang_zq"].password)
    assert by_name["wang_zq"].password not in cadre.password
    assert len({a.password for a in accounts}) == 4


def test_all_or_nothing_every_error_by_row_and_column(good_rows, village):
    rows = [
        *good_rows,
        ("", "12345", "bad name!", "secretary", "370830102201", ""),  # row 6
        ("赵六", "", "zhao6", "Township staff", "370830", ""),  # a county for a township role
        ("钱七", "", "qian7", "Township staff", "370830199", ""),  # no such township
        ("孙八", "", "sun8", "Township staff", "370830102", "370830102201"),  # not a contact cadre
        ("吴九", "", "wu9", "包村干部", "370830102", "370830105201"),  # village not in it
    ]
    before = users()
    with pytest.raises(StaffImportError) as refused:
        import_staff(actor=None, file=staff_file(*rows))
    assert users() == before
    assert not StaffProfile.objects.exists() and not StaffRole.objects.exists()
    found = {(e.row, e.column[0]) for e in refused.value.errors}
    assert {(6, "A"), (6, "B"), (6, "C"), (6, "D")} <= found
    assert {(7, "E"), (8, "E"), (9, "F"), (10, "F")} <= found
    assert all(e.message for e in refused.value.errors)


def test_duplicate_usernames_in_the_file_or_the_database_are_refused(good_rows):
    UserFactory(username="li_hm")
    rows = [*good_rows, ("周二", "", "ZHOU_JG", "County supervisor", "370830", "")]
    with pytest.raises(StaffImportError) as refused:
        import_staff(actor=None, file=staff_file(*rows))
    messages = {(e.row, e.message) for e in refused.value.errors}
    assert any(row == 3 and "li_hm" in m for row, m in messages)  # already in the database
    assert any(row == 6 and "2" in m for row, m in messages)  # used on row 2
    assert not StaffRole.objects.exists()


@pytest.mark.parametrize("role", ["secretary", "书记", "admin"])
def test_an_unknown_role_is_refused(county, role):
    with pytest.raises(StaffImportError) as refused:
        import_staff(actor=None, file=staff_file(("周建国", "", "z", role, "370830", "")))
    assert [e.column[0] for e in refused.value.errors] == ["D"]


def test_an_unknown_area_is_refused(county):
    with pytest.raises(StaffImportError) as refused:
        import_staff(
            actor=None, file=staff_file(("周建国", "", "z", "County supervisor", "370831", ""))
        )
    (error,) = refused.value.errors
    assert error.column.startswith("E") and "370831" in error.message


def test_a_missing_column_or_sheet_is_refused(county):
    with pytest.raises(StaffImportError):
        import_staff(actor=None, file=staff_file(header=HEADER[:4]))
    with pytest.raises(StaffImportError):
        import_staff(actor=None, file=staff_file(sheet="Sheet9"))


@pytest.mark.parametrize(
    "persona,allowed",
    [("outsider", False), ("insider", True), ("supervisor", True)],
)
def test_only_who_may_administer_the_area_creates_its_accounts(personas, village, persona, allowed):
    township_row = ("王志强", "", "new_cadre", "包村干部", "370830102", village.code)
    if allowed:
        import_staff(actor=personas[persona], file=staff_file(township_row))
        assert "new_cadre" in users()
    else:
        with pytest.raises(StaffImportError) as refused:
            import_staff(actor=personas[persona], file=staff_file(township_row))
        assert "new_cadre" not in users()
        assert refused.value.errors[0].column.startswith("E")


def test_township_staff_cannot_create_a_county_supervisor(personas, county):
    row = ("周建国", "", "boss", "County supervisor", "370830", "")
    with pytest.raises(StaffImportError):
        import_staff(actor=personas["insider"], file=staff_file(row))
    import_staff(actor=personas["supervisor"], file=staff_file(row))
    assert "boss" in users()


def test_generated_passwords_pass_the_validators():
    from django.contrib.auth import password_validation

    for _ in range(20):
        password = generate_password()
        password_validation.validate_password(password)
        assert len(password) == 12 and not re.search(r"[0O1lI]", password)


# ---------------------------------------------------------------------------- the pages


def upload(data):
    return SimpleUploadedFile("staff.xlsx", data, content_type=XLSX)


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("outsider", 200), ("insider", 200), ("supervisor", 200)],
)
def test_import_page_and_template_access(client, personas, persona, status):
    login(client, personas[persona])
    assert client.get(reverse("villages:staff-import")).status_code == status
    template = client.get(reverse("villages:staff-import-template"))
    assert template.status_code == status
    if status == 200:
        wb = openpyxl.load_workbook(io.BytesIO(template.content))
        assert len(next(wb.worksheets[0].iter_rows(max_row=1, values_only=True))) == 6


def test_a_contact_cadre_may_not_import_staff(client, contact):
    login(client, contact)
    assert client.get(reverse("villages:staff-import")).status_code == 403


def test_the_passwords_are_shown_once_and_downloadable_once(client, personas, village):
    login(client, personas["insider"])
    data = staff_file(("王志强", "13905370001", "wang_zq", "包村干部", "370830102", village.code))
    response = client.post(reverse("villages:staff-import"), {"file": upload(data)})
    assert response.status_code == 200
    ((account, phone),) = response.context["accounts"]
    assert account.password in response.content.decode()
    assert phone == "13905370001"  # township staff may reveal their township's phones

    # The session keeps them for the one download, encrypted: no password in clear in its table.
    assert account.password not in str(dict(client.session))

    download = client.post(reverse("villages:staff-passwords"))
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    wb = openpyxl.load_workbook(io.BytesIO(download.content))
    assert account.password in [c for row in wb.active.iter_rows(values_only=True) for c in row]
    again = client.post(reverse("villages:staff-passwords"))
    assert again.status_code == 302  # gone: downloadable once
    assert client.get(reverse("villages:staff-import")).status_code == 200
    assert account.password not in client.get(reverse("villages:staff-import")).content.decode()


def test_a_refused_file_lists_its_errors_and_creates_nothing(client, personas, village):
    login(client, personas["insider"])
    data = staff_file(("", "", "x y", "nobody", "370830102", ""))
    response = client.post(reverse("villages:staff-import"), {"file": upload(data)})
    assert response.status_code == 200 and response.context["import_errors"]
    assert "x y" not in users()


def test_the_phone_is_masked_for_a_viewer_without_the_reveal_right(village):
    (account,) = import_staff(
        actor=None,
        file=staff_file(("张秀英", "13805371234", "zhang_xy", "Village clerk", village.code, "")),
    )
    clerk = get_user_model().objects.get(username="zhang_xy")
    assert account.shown_phone(clerk) == "138****1234"  # a clerk may not reveal phones
    assert account.shown_phone(None) == "138****1234"


# ---------------------------------------------------------------------------- first login


def test_the_initial_password_must_be_changed_at_the_first_login(client, village):
    (account,) = import_staff(
        actor=None,
        file=staff_file(("张秀英", "", "zhang_xy", "Village clerk", village.code, "")),
    )
    response = client.post(reverse("login"), {"username": "zhang_xy", "password": account.password})
    assert response.status_code == 302
    # Every page sends the account to the password form until it has chosen its own.
    for path in ("/", "/villages/", reverse("villages:village-detail", args=[village.code])):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": account.password,
            "new_password1": "Wenshang-2026-new",
            "new_password2": "Wenshang-2026-new",
        },
    )
    assert changed.status_code == 302
    assert not StaffProfile.objects.get(user__username="zhang_xy").must_change_password
    assert client.get("/villages/").status_code == 200
    # and at the next login too
    client.logout()
    client.post(reverse("login"), {"username": "zhang_xy", "password": "Wenshang-2026-new"})
    assert client.get("/villages/").status_code == 200


def test_import_staff_command(tmp_path, good_rows):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(staff_file(*good_rows))
    out = io.StringIO()
    call_command("import_staff", str(path), stdout=out)
    assert "4 accounts created" in out.getvalue()
    assert "wang_zq\t" in out.getvalue()
    # A second run refuses every row (the accounts exist) and writes nothing.
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert StaffRole.objects.count() == 4
    passwords = tmp_path / "passwords.xlsx"
    bad = tmp_path / "more.xlsx"
    bad.write_bytes(staff_file(("钱七", "", "qian7", "Township staff", "370830102", "")))
    call_command("import_staff", str(bad), "--passwords", str(passwords), stdout=io.StringIO())
    assert passwords.exists()


def test_the_sealed_passwords_expire(good_rows, monkeypatch):
    from villages import staff

    accounts = import_staff(actor=None, file=staff_file(*good_rows))
    sealed = staff.seal_accounts(accounts)
    assert [a.password for a in staff.open_accounts(sealed)] == [a.password for a in accounts]
    monkeypatch.setattr(staff, "HANDOUT_SECONDS", -1)
    assert staff.open_accounts(sealed) is None


@pytest.mark.parametrize(
    "persona,created",
    [("anonymous", False), ("outsider", False), ("insider", True), ("supervisor", True)],
)
def test_the_page_creates_accounts_only_for_who_administers_the_area(
    client, personas, village, persona, created
):
    login(client, personas[persona])
    data = staff_file(("王志强", "", "new_cadre", "包村干部", "370830102", village.code))
    response = client.post(reverse("villages:staff-import"), {"file": upload(data)})
    assert ("new_cadre" in users()) is created
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif not created:
        assert response.status_code == 200 and response.context["import_errors"]
