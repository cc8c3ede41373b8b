"""The Excel import of a township's cadres: every row checked, then all rows or none."""

import datetime as dt
import io

import openpyxl
import pghistory.models
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from cadres import imports
from cadres.choices import Education, PostKind
from cadres.identity import birth_date_of, id_number_hash, is_male
from cadres.imports import (
    CadreImportError,
    CadreImportResult,
    build_cadre_import_template,
    import_cadres,
)
from cadres.models import Cadre, Post
from cadres.tests.factories import CadreFactory, PostFactory, make_id_number
from core.excel import ImportRowError
from core.rights import GRANTS, RoleKind, Scope
from villages.tests.factories import VillageFactory
from villages.tests.test_imports import rewrite_xml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
S = "村干部"
HEADERS = [
    "村代码",
    "村名称",
    "姓名",
    "身份证号码",
    "联系电话",
    "是否党员",
    "入党时间",
    "文化程度",
    "职务",
    "任职开始日期",
    "任期届满日期",
    "备注",
]
WANG = make_id_number(D(1970, 3, 8), serial=21)
LI = make_id_number(D(1982, 11, 2), serial=32, male=False)
ZHAO = make_id_number(D(1978, 5, 20), serial=43)


# ---------------------------------------------------------------------------- helpers


def crow(
    id_number=WANG,
    name="王建国",
    code="370830102201",
    kind="书记、主任一肩挑",
    start="2021-01-15",
    phone="13805371234",
    party="是",
    joined="2001-07-01",
    education="高中（中专）",
    term_ends=None,
    notes="",
    village_name="南旺村",
):
    """A row of the 村干部 sheet in the order of HEADERS."""
    return [
        code,
        village_name,
        name,
        id_number,
        phone,
        party,
        joined,
        education,
        kind,
        start,
        term_ends,
        notes,
    ]


def workbook(*rows, sheet=S, headers=HEADERS):
    """An .xlsx in memory, the way a user would fill it in."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def snapshot():
    """Everything an import could touch, to prove a refused import wrote nothing."""
    return (
        sorted(Cadre.objects.values_list("id_number_hash", "name", "phone", "village_id")),
        sorted(Post.objects.values_list("cadre_id", "village_id", "kind", "end_date")),
    )


def refused(actor, township, data) -> list[tuple]:
    """Import `data`, expect a refusal that changed nothing, and return its errors."""
    before = snapshot()
    with pytest.raises(CadreImportError) as info:
        import_cadres(actor=actor, township=township, file=data)
    assert snapshot() == before
    return [(e.sheet, e.row, e.column, e.message) for e in info.value.errors]


def only_error(actor, township, *rows):
    """The single (row, column, message) that a file with `rows` is refused for."""
    [(sheet, row, column, message)] = refused(actor, township, workbook(*rows))
    assert sheet == S
    return row, column, message


def registered(id_number, village, **fields):
    """A person already in the database, with the birth date and gender of the ID number."""
    return CadreFactory(
        village=village,
        id_number=id_number,
        id_number_hash=id_number_hash(id_number),
        birth_date=birth_date_of(id_number),
        gender="male" if is_male(id_number) else "female",
        **fields,
    )


# ---------------------------------------------------------------------------- writes


def test_it_registers_people_and_opens_their_posts(township, village, insider):
    data = workbook(
        crow(notes="2021年换届当选"),
        crow(
            LI,
            "李红梅",
            kind="村委会副主任",
            phone="0537-7212345",
            party="否",
            joined=None,
            education="大专",
            term_ends="2026/1/15",
        ),
        crow(ZHAO, "赵磊", kind="村委会委员", phone=None, party=None, joined=None, education=None),
    )
    result = import_cadres(actor=insider, township=township, file=data)

    assert result == CadreImportResult(cadres_created=3, posts_opened=3)
    wang = Cadre.objects.get(id_number_hash=id_number_hash(WANG))
    assert (wang.name, wang.village, wang.area_code) == ("王建国", village, village.code)
    assert (wang.birth_date, wang.gender) == (D(1970, 3, 8), "male")
    assert wang.id_number == WANG
    assert (wang.phone, wang.is_party_member, wang.party_joined_on) == (
        "13805371234",
        True,
        D(2001, 7, 1),
    )
    assert wang.education == Education.SENIOR
    post = wang.posts.get()
    assert (post.kind, post.start_date, post.term_ends, post.end_date) == (
        PostKind.SECRETARY_AND_CHAIR,
        D(2021, 1, 15),
        D(2026, 1, 15),
        None,
    )
    assert post.notes == "2021年换届当选"
    li = Cadre.objects.get(id_number_hash=id_number_hash(LI))
    assert (li.gender, li.phone, li.is_party_member, li.education) == (
        "female",
        "0537-7212345",
        False,
        Education.COLLEGE,
    )
    assert li.posts.get().kind == PostKind.VICE_CHAIR
    zhao = Cadre.objects.get(id_number_hash=id_number_hash(ZHAO))
    assert (zhao.phone, zhao.is_party_member, zhao.education) == ("", False, "")
    # The audit trail knows the rows came from an import of this township.
    assert pghistory.models.Context.objects.filter(metadata__import_cadres=township.code).exists()


def test_it_updates_registered_people_and_keeps_held_posts(township, village, insider):
    same = registered(
        WANG,
        village,
        name="王建国",
        phone="13805371234",
        party_joined_on=D(2001, 7, 1),
        education=Education.SENIOR,
    )
    PostFactory(cadre=same, kind=PostKind.SECRETARY_AND_CHAIR, start_date=D(2021, 1, 15))
    changed = registered(
        LI,
        village,
        name="李红",
        phone="13900000000",
    )
    PostFactory(cadre=changed, kind=PostKind.COMMITTEE_MEMBER)
    idle = registered(ZHAO, village, name="赵磊")
    data = workbook(
        crow(),  # identical to the database
        crow(LI, "李红梅", kind="村委会委员", phone="13911112222", education="本科"),
        crow(
            ZHAO, "赵磊", kind="党支部副书记", phone=None, party=None, joined=None, education=None
        ),
    )
    result = import_cadres(actor=insider, township=township, file=data)

    assert result == CadreImportResult(
        cadres_updated=1, cadres_unchanged=2, posts_opened=1, posts_unchanged=2
    )
    changed.refresh_from_db()
    assert (changed.name, changed.phone, changed.education) == (
        "李红梅",
        "13911112222",
        Education.BACHELOR,
    )
    assert changed.posts.count() == 1
    # Empty optional cells keep what is registered.
    idle.refresh_from_db()
    assert (idle.phone, idle.is_party_member, idle.party_joined_on) == (
        "13805371234",
        True,
        D(2001, 7, 1),
    )
    assert idle.posts.get().kind == PostKind.DEPUTY_SECRETARY


def test_a_registered_non_member_clears_the_joining_date(township, village, insider):
    cadre = registered(WANG, village)
    PostFactory(cadre=cadre, kind=PostKind.COMMITTEE_MEMBER)
    data = workbook(crow(kind="村委会委员", party="否", joined=None, education=None))
    assert import_cadres(actor=insider, township=township, file=data).cadres_updated == 1
    cadre.refresh_from_db()
    assert (cadre.is_party_member, cadre.party_joined_on) == (False, None)


def test_a_person_without_a_post_moves_to_the_village_of_the_new_post(
    township, village, other_village, insider
):
    # Registered elsewhere (outside the actor's area) with no sitting post: the new post brings
    # the record here, then the update runs in the village the actor manages.
    cadre = registered(WANG, other_village, name="王")
    PostFactory(
        cadre=cadre,
        kind=PostKind.COMMITTEE_MEMBER,
        end_date=D(2020, 12, 31),
        end_reason="term_ended",
        start_date=D(2016, 1, 1),
    )
    result = import_cadres(actor=insider, township=township, file=workbook(crow()))

    assert result == CadreImportResult(cadres_updated=1, posts_opened=1)
    cadre.refresh_from_db()
    assert (cadre.village, cadre.area_code, cadre.name) == (village, village.code, "王建国")


def test_it_accepts_a_django_upload_and_english_names(township, village, insider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with override("en"):
        sheet = str(imports.CADRE_SHEET)
        headers = [str(c.label) for c in imports.CADRE_COLUMNS]
    assert sheet == "Village cadres"
    upload = SimpleUploadedFile(
        "c.xlsx", workbook(crow(kind="党支部书记"), sheet=sheet, headers=headers)
    )
    upload.read()  # a view may have peeked at it already
    assert import_cadres(actor=insider, township=township, file=upload).posts_opened == 1


def test_it_finds_columns_in_any_order_and_without_the_village_name(township, village, insider):
    headers = [h for h in reversed(HEADERS) if h != "村名称"]
    row = [v for h, v in zip(HEADERS, crow(), strict=True) if h != "村名称"][::-1]
    result = import_cadres(actor=insider, township=township, file=workbook(row, headers=headers))
    assert result.cadres_created == 1


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2024, 1, 5),
        D(2024, 1, 5),
        "2024-01-05",
        "2024/1/5",
        "2024年1月5日",
        " 2024 年 1 月 5 日 ",
        "２０２４－０１－０５",
        "2024.1.5",
        "20240105",
        20240105,
        45296,  # the day number of a cell that lost its date format
        "2024-01-05 00:00:00",
    ],
)
def test_it_reads_dates_the_way_people_write_them(township, village, insider, value):
    import_cadres(actor=insider, township=township, file=workbook(crow(start=value)))
    assert Post.objects.get().start_date == D(2024, 1, 5)


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("党支部书记", PostKind.SECRETARY),
        ("书记", PostKind.SECRETARY),
        ("村主任", PostKind.CHAIR),
        ("一肩挑", PostKind.SECRETARY_AND_CHAIR),
        ("书记主任一肩挑", PostKind.SECRETARY_AND_CHAIR),
        ("党支部书记、村委会主任", PostKind.SECRETARY_AND_CHAIR),
        ("Deputy party secretary", PostKind.DEPUTY_SECRETARY),
        ("支部委员", PostKind.BRANCH_MEMBER),
        ("村委委员", PostKind.COMMITTEE_MEMBER),
    ],
)
def test_it_reads_the_names_people_give_posts(township, village, insider, written, kind):
    import_cadres(actor=insider, township=township, file=workbook(crow(kind=written)))
    assert Post.objects.get().kind == kind


@pytest.mark.parametrize(
    ("written", "phone"),
    [
        (13805371234, "13805371234"),  # a mobile number survives being a number
        ("138 0537 1234", "13805371234"),
        ("+8613805371234", "13805371234"),
        ("(0537)7212345", "0537-7212345"),
        ("05377212345", "05377212345"),
        ("010-62345678-802", "010-62345678-802"),
    ],
)
def test_it_reads_phone_numbers(township, village, insider, written, phone):
    import_cadres(actor=insider, township=township, file=workbook(crow(phone=written)))
    assert Cadre.objects.get().phone == phone


def test_a_lower_case_or_full_width_id_number_is_normalized(township, village, insider):
    number = next(
        make_id_number(D(1975, 1, 1), serial=n)
        for n in range(1000)
        if make_id_number(D(1975, 1, 1), serial=n).endswith("X")
    )
    full_width = number[:-1].translate({ord("0") + i: 0xFF10 + i for i in range(10)}) + "x"
    import_cadres(actor=insider, township=township, file=workbook(crow(full_width)))
    assert Cadre.objects.get().id_number == number


# ---------------------------------------------------------------------------- bad rows

LOST_ID = "Excel 把身份证号码存成了数字，最后几位已经丢失，请将该列设为文本格式后重新填写。"
PHONE = "请填写 11 位手机号码，或带区号的固定电话，如 0537-7212345。"
DATE = "请填写日期，如 2024-01-05（也可写 2024/1/5 或 2024年1月5日）。"


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"code": ""}, "村代码", "请填写村代码。"),
        ({"code": "37083010220X"}, "村代码", "代码只能由数字 0-9 组成。"),
        ({"code": "37083010220"}, "村代码", "村代码应为 12 位，此处为 11 位。"),
        ({"code": "370830102299"}, "村代码", "370830102299 不是南旺镇的村。"),
        (
            {"code": "3.708301E+11"},
            "村代码",
            "Excel 把此代码存成了数字并丢失了部分位数，请将该列设为文本格式后重新填写代码。",
        ),
        ({"name": "  "}, "姓名", "请填写姓名。"),
        ({"id_number": None}, "身份证号码", "请填写身份证号码。"),
        (
            {"id_number": "37083019700308021"},
            "身份证号码",
            "居民身份证号码应为 18 位，这个号码是 17 位。",
        ),
        (
            {"id_number": WANG[:-1] + "0" if WANG[-1] != "0" else WANG[:-1] + "1"},
            "身份证号码",
            "身份证号码校验码不正确，请逐位核对。",
        ),
        (
            {"id_number": "370830197002300211"},
            "身份证号码",
            "身份证号码中的出生日期（19700230）不存在。",
        ),
        ({"id_number": "3.70830197003082E+17"}, "身份证号码", LOST_ID),
        ({"phone": "1380537123"}, "联系电话", PHONE),
        ({"phone": "7212345"}, "联系电话", PHONE),
        ({"phone": "电话"}, "联系电话", PHONE),
        (
            {"phone": 5377212345},
            "联系电话",
            "Excel 把电话号码存成了数字，可能丢失了开头的 0，请将该列设为文本格式后重新填写。",
        ),
        ({"party": "也许"}, "是否党员", "请填写“是”或“否”（也可填 Y/N 或 1/0）。"),
        ({"party": "否"}, "入党时间", "只有党员才有入党时间。"),
        ({"joined": "去年"}, "入党时间", DATE),
        ({"joined": "1985-01-01"}, "入党时间", "该日期早于此人年满 18 周岁之日（1988-03-08）。"),
        ({"joined": "2099-01-01"}, "入党时间", "日期不能晚于今天。"),
        (
            {"education": "文盲"},
            "文化程度",
            "请从以下选项中选择：小学、初中、高中（中专）、大专、本科、研究生。",
        ),
        ({"kind": None}, "职务", "请填写职务。"),
        (
            {"kind": "会计"},
            "职务",
            "请从以下选项中选择：党支部书记、村委会主任、书记、主任一肩挑、党支部副书记、"
            "村委会副主任、支部委员、村委会委员、村务监督委员会主任、村务监督委员会委员。",
        ),
        ({"start": None}, "任职开始日期", "请填写任职开始日期。"),
        ({"start": "2021-02-30"}, "任职开始日期", "日期 2021-02-30 不存在。"),
        ({"start": "2021-13-01"}, "任职开始日期", "日期 2021-13-01 不存在。"),
        ({"start": "下个月"}, "任职开始日期", DATE),
        ({"start": True}, "任职开始日期", DATE),
        ({"start": "1850-01-01"}, "任职开始日期", DATE),
        ({"start": "2099-01-01"}, "任职开始日期", "日期不能晚于今天。"),
        ({"term_ends": "2020-01-01"}, "任期届满日期", "任期届满日期必须晚于任职开始日期。"),
        ({"term_ends": "2026-02-30"}, "任期届满日期", "日期 2026-02-30 不存在。"),
    ],
)
def test_it_refuses_a_bad_cell(township, village, insider, changes, column, message):
    good = crow(LI, "李红梅", kind="村委会委员")
    assert only_error(insider, township, good, crow(**changes)) == (3, column, message)


def test_it_applies_the_models_own_validators(township, village, insider):
    errors = refused(insider, township, workbook(crow(name="王" * 31, notes="注" * 201)))
    assert [e[:3] for e in errors] == [(S, 2, "姓名"), (S, 2, "备注")]
    assert "30" in errors[0][3] and "200" in errors[1][3]


def test_a_start_before_the_18th_birthday_is_refused(township, village, insider):
    row, column, message = only_error(
        insider, township, crow(ZHAO, joined=None, start="1995-01-01")
    )
    assert (row, column) == (2, "任职开始日期")
    assert "1996-05-20" in message


# ---------------------------------------------------------------------------- Excel's numbers


@pytest.mark.parametrize(
    "stored", ["3.70830197003082E+17", "370830197003080000", "3.7083019700308E+17"]
)
def test_it_refuses_id_numbers_that_excel_turned_into_numbers(township, village, insider, stored):
    # Excel keeps an ID number typed into a General cell as a double: 15 digits, then zeros.
    data = rewrite_xml(workbook(crow(id_number=1)), {"<v>1</v>": f"<v>{stored}</v>"})
    assert refused(insider, township, data) == [(S, 2, "身份证号码", LOST_ID)]


def test_it_refuses_an_id_number_written_as_a_python_number(township, village, insider):
    assert only_error(insider, township, crow(id_number=int(WANG))) == (2, "身份证号码", LOST_ID)


# ---------------------------------------------------------------- across rows, the database


def test_it_refuses_a_person_listed_twice(township, village, insider):
    data = workbook(
        crow(), crow(LI, "李红梅", kind="村委会委员"), crow(WANG.lower(), kind="支部委员")
    )
    message = "该身份证号码在本表中重复出现（第 2、4 行），每人只能填写一行。"
    assert refused(insider, township, data) == [
        (S, 2, "身份证号码", message),
        (S, 4, "身份证号码", message),
    ]


def test_it_refuses_two_holders_of_a_seat_in_the_file(township, village, insider):
    second = VillageFactory(township=township, code="370830102202", name="后营村")
    data = workbook(
        crow(kind="党支部书记"),
        crow(LI, "李红梅", kind="书记、主任一肩挑"),
        crow(ZHAO, "赵磊", kind="村委会主任"),
        # Another village's seats are its own.
        crow(make_id_number(serial=55), "孙强", code=second.code, kind="党支部书记"),
        crow(make_id_number(serial=56), "周勇", code=second.code, kind="村委会主任"),
    )
    secretary = "南旺村的党支部书记填写了多人（第 2、3 行），该职位只能有一人。"
    chair = "南旺村的村委会主任填写了多人（第 4 行），该职位只能有一人。"
    errors = refused(insider, township, data)
    assert errors[:2] == [(S, 2, "职务", secretary), (S, 3, "职务", secretary)]
    # Row 3 (一肩挑) is reported once, for the secretary's seat; the chair's seat then has row 4
    # only, which is fine on its own.
    assert (S, 4, "职务", chair) not in errors
    assert len(errors) == 2


def test_it_refuses_a_chair_and_a_secretary_and_chair_in_the_file(township, village, insider):
    data = workbook(crow(kind="村委会主任"), crow(LI, "李红梅", kind="一肩挑"))
    chair = "南旺村的村委会主任填写了多人（第 2、3 行），该职位只能有一人。"
    assert refused(insider, township, data) == [(S, 2, "职务", chair), (S, 3, "职务", chair)]


def test_it_refuses_a_seat_held_by_someone_else(township, village, insider):
    holder = CadreFactory(village=village, name="孙书记")
    PostFactory(cadre=holder, kind=PostKind.SECRETARY)
    assert only_error(insider, township, crow(kind="一肩挑")) == (
        2,
        "职务",
        "南旺村已有在任的党支部书记（孙书记）：请先结束其任职或办理换届。",
    )
    # A seat of another kind is free, and a member's post is no seat.
    import_cadres(
        actor=insider,
        township=township,
        file=workbook(crow(kind="村委会主任"), crow(LI, "李红梅", kind="党支部副书记")),
    )
    assert Post.objects.current().count() == 3


def test_a_sitting_secretary_cannot_become_secretary_and_chair_by_import(
    township, village, insider
):
    cadre = registered(WANG, village, name="王建国")
    PostFactory(cadre=cadre, kind=PostKind.SECRETARY)
    row, column, message = only_error(insider, township, crow(kind="一肩挑"))
    assert (row, column) == (2, "职务")
    assert "王建国" in message


def test_it_refuses_a_person_serving_in_another_village(township, village, other_village, insider):
    cadre = registered(WANG, other_village)
    PostFactory(cadre=cadre, kind=PostKind.COMMITTEE_MEMBER)
    assert only_error(insider, township, crow(kind="村委会委员")) == (
        2,
        "身份证号码",
        "此人仍在其他村任职，一人同一时间只能在一个村任职。",
    )


def test_it_collects_every_error_and_writes_none_of_the_good_rows(township, village, insider):
    data = workbook(
        crow(),  # valid
        crow(LI, "", kind="村委会委员", phone="123", start="昨天"),
        crow(ZHAO, "赵磊", kind="会计", party="?"),
    )
    errors = refused(insider, township, data)
    assert [e[1:3] for e in errors] == [
        (3, "姓名"),
        (3, "联系电话"),
        (3, "任职开始日期"),
        (4, "是否党员"),
        (4, "职务"),
    ]
    assert not Cadre.objects.exists()


def test_the_error_reads_as_a_chinese_sentence(township, village, insider):
    with pytest.raises(CadreImportError) as info:
        import_cadres(actor=insider, township=township, file=workbook(crow(phone="1")))
    assert str(info.value) == "导入未执行：发现 1 处错误。"
    assert str(info.value.errors[0]) == f"村干部 · 第 2 行 · 联系电话: {PHONE}"
    assert isinstance(info.value.errors[0], ImportRowError)


def test_a_concurrent_change_is_reported_on_its_row(township, village, insider, monkeypatch):
    validate = imports._Validator.validate

    def validate_then_someone_else_takes_the_seat(self, sheet):
        plan = validate(self, sheet)
        PostFactory(cadre=CadreFactory(village=village), kind=PostKind.CHAIR)
        return plan

    monkeypatch.setattr(imports._Validator, "validate", validate_then_someone_else_takes_the_seat)
    with pytest.raises(CadreImportError) as info:
        import_cadres(
            actor=insider, township=township, file=workbook(crow(LI, kind="支部委员"), crow())
        )
    [error] = info.value.errors
    assert (error.row, error.message) == (3, "本村已有在任的村委会主任，请先结束其任职。")
    # The first row was rolled back too.
    assert not Cadre.objects.filter(id_number_hash=id_number_hash(LI)).exists()


# ---------------------------------------------------------------------------- bad files


@pytest.mark.parametrize("data", [b"", b"not a spreadsheet", b"PK\x03\x04 truncated"])
def test_it_refuses_a_file_that_is_not_a_workbook(township, insider, data):
    assert refused(insider, township, data) == [
        ("", None, "", "该文件不是 Excel 工作簿（.xlsx），或文件已损坏。"),
    ]


def test_it_refuses_a_workbook_without_the_sheet(township, insider):
    assert refused(insider, township, workbook(crow(), sheet="Sheet1")) == [
        (S, None, "", "工作簿中缺少名为“村干部”的工作表。"),
    ]


def test_it_refuses_a_sheet_without_its_columns(township, insider):
    headers = [h for h in HEADERS if h not in ("联系电话", "职务")]
    assert refused(insider, township, workbook(headers=headers)) == [
        (S, 1, "联系电话", "标题行中缺少“联系电话”列。"),
        (S, 1, "职务", "标题行中缺少“职务”列。"),
    ]


def test_it_refuses_a_workbook_with_headers_only(township, insider):
    assert refused(insider, township, workbook([None] * 12)) == [
        ("", None, "", "工作簿中没有可导入的数据行。"),
    ]


def test_it_skips_blank_rows_and_keeps_excel_row_numbers(township, village, insider):
    data = workbook(
        crow(), [None] * 12, ["", " "], crow(LI, "李红梅", kind="村委会委员", phone="1")
    )
    assert refused(insider, township, data) == [(S, 5, "联系电话", PHONE)]


def test_it_imports_only_into_a_township(county, supervisor):
    with pytest.raises(ValueError):
        import_cadres(actor=supervisor, township=county, file=workbook(crow()))


# ---------------------------------------------------------------------------- who may import


@pytest.mark.parametrize("who", ["anonymous", "outsider", "contact", "clerk"])
def test_it_refuses_an_actor_who_manages_no_village_of_the_township(
    request, township, village, who
):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        import_cadres(actor=actor, township=township, file=workbook(crow()))
    with pytest.raises(PermissionDenied):
        build_cadre_import_template(township=township, actor=actor)
    assert snapshot() == before


def test_the_county_supervisor_imports_any_township(township, village, supervisor):
    assert (
        import_cadres(actor=supervisor, township=township, file=workbook(crow())).posts_opened == 1
    )


def test_rows_outside_the_actors_villages_are_refused_one_by_one(
    township, village, other_village, insider
):
    mine = VillageFactory(township=township, code="370830102202", name="后营村")
    # An account that manages one village of the township only (the scope allows it).
    insider._cunjian_scope = Scope(grants=((mine.code, GRANTS[RoleKind.TOWNSHIP_STAFF]),))
    data = workbook(
        crow(code=mine.code),  # their own: fine on its own
        crow(
            LI, "李红梅", code=village.code, kind="村委会委员", phone="1"
        ),  # only the scope is said
        crow(ZHAO, "赵磊", code=other_village.code, kind="村委会委员"),
    )
    assert refused(insider, township, data) == [
        (S, 3, "村代码", "不在您的管辖范围内。"),
        (S, 4, "村代码", "370830105201 不是南旺镇的村。"),
    ]


# ---------------------------------------------------------------------------- queries


def _rows(n: int, start: int, code: str) -> list[list]:
    return [
        crow(
            make_id_number(D(1980, 1, 1), serial=start + i), f"张{i}", code=code, kind="村委会委员"
        )
        for i in range(n)
    ]


def test_validation_queries_do_not_grow_with_the_rows(township, village, insider):
    # A refused file does the whole validation; its queries are the same for 2 and 50 rows.
    counts = []
    for n in (2, 50):
        data = workbook(*_rows(n, 100, village.code), crow(kind="会计"))
        actor = get_user_model().objects.get(pk=insider.pk)  # as a new request would see it
        with CaptureQueriesContext(connection) as ctx, pytest.raises(CadreImportError):
            import_cadres(actor=actor, township=township, file=data)
        counts.append(len(ctx))
    # The account's roles, the villages, the people, the open posts.
    assert counts[0] == counts[1] <= 5


def test_it_imports_a_township_of_many_villages(township, insider):
    villages = [
        VillageFactory(township=township, code=f"370830102{201 + i:03d}", name=f"村{i}")
        for i in range(10)
    ]
    rows = [r for i, v in enumerate(villages) for r in _rows(5, 100 + 10 * i, v.code)]
    result = import_cadres(actor=insider, township=township, file=workbook(*rows))
    assert result == CadreImportResult(cadres_created=50, posts_opened=50)
    again = import_cadres(actor=insider, township=township, file=workbook(*rows))
    assert again == CadreImportResult(cadres_unchanged=50, posts_unchanged=50)


# ---------------------------------------------------------------------------- the template


def _load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_template_has_the_sheet_headers_dropdowns_and_instructions(
    township, village, other_village, insider
):
    wb = _load(build_cadre_import_template(township=township, actor=insider))

    assert wb.sheetnames == ["村干部", "说明"]
    ws, notes = wb["村干部"], wb["说明"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.max_row == 1  # no personal data in a template
    assert all(c.font.bold for c in ws[1])
    for letter in "ADE":  # village code, ID number, phone
        assert ws.column_dimensions[letter].number_format == "@"
    for letter in "GJK":
        assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["I2"] == '"' + ",".join(str(k.label) for k in PostKind) + '"'
    assert "书记、主任一肩挑" in lists["I2"]
    assert lists["F2"] == '"是,否"'
    assert lists["H2"] == '"小学,初中,高中（中专）,大专,本科,研究生"'
    assert lists["A2"].startswith("'说明'!$A$")
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "南旺镇（370830102）" in text
    assert "换届" in text and "不会结束任何任职" in text
    assert "一人同一时间只能在一个村任职" in text
    # The village list: the actor's villages only, codes as text.
    listed = [r for r in notes.iter_rows(values_only=True) if r[0] == village.code]
    assert listed == [(village.code, "南旺村")]
    assert other_village.code not in text


def test_the_filled_template_imports(township, village, insider):
    wb = _load(build_cadre_import_template(township=township, actor=insider))
    ws = wb["村干部"]
    ws.append(crow(start=D(2021, 1, 15)))
    ws.append(crow(LI, "李红梅", kind="村委会委员", joined=D(2010, 7, 1)))
    out = io.BytesIO()
    wb.save(out)

    result = import_cadres(actor=insider, township=township, file=out.getvalue())
    assert result == CadreImportResult(cadres_created=2, posts_opened=2)
    again = import_cadres(actor=insider, township=township, file=out.getvalue())
    assert again == CadreImportResult(cadres_unchanged=2, posts_unchanged=2)


def test_the_template_has_no_stray_english(township, village, insider):
    import re

    wb = _load(build_cadre_import_template(township=township, actor=insider))
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not re.search(r"[A-Za-z]{4,}", value.replace("Excel", "")), value
