"""The Excel export of the sitting cadres: the right rows, masked personal data, few queries."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadres import services
from cadres.choices import CertificateState, PostKind
from cadres.exports import export_cadres
from cadres.filtersets import PostFilterSet
from cadres.identity import id_number_hash
from cadres.imports import build_cadre_import_template
from cadres.models import Post
from cadres.tests.factories import CadreFactory, PostFactory, make_id_number, promise_data
from cadres.tests.test_imports import HEADERS as IMPORT_HEADERS
from core.tests.test_excel import FORMULA_PAYLOADS, assert_no_formula
from villages.choices import RoleKind
from villages.models import Village
from villages.tests.factories import (
    ContactAssignmentFactory,
    StaffRoleFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese")]
D = dt.date
# The import template's columns, then the certificate and the pledge.
HEADERS = [*IMPORT_HEADERS, "任职资格证书编号", "任职保证书状态"]


def cadre(village, serial, name, phone="13805371234", **kwargs):
    number = make_id_number(D(1975, 6, 1), serial=serial)
    return CadreFactory(
        village=village,
        name=name,
        id_number=number,
        id_number_hash=id_number_hash(number),
        phone=phone,
        **kwargs,
    )


def rows(data: bytes) -> list[list]:
    """The data rows below the title and the header."""
    ws = openpyxl.load_workbook(io.BytesIO(data))["村干部"]
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def every_cell(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value) for ws in wb for row in ws.iter_rows(values_only=True) for value in row
    )


@pytest.fixture
def committee(township, village, other_village, supervisor):
    """南旺村: a secretary-and-chair with a certificate and a pledge in force, a member, and a
    member whose post ended; 郭楼村 (another township): a secretary."""
    head = cadre(village, 1, "王建国", phone="13805371234", education="senior")
    head_post = PostFactory(
        cadre=head,
        kind=PostKind.SECRETARY_AND_CHAIR,
        start_date=D(2021, 1, 15),
        term_ends=D(2026, 1, 15),
        notes="换届当选",
    )
    services.certificate_issue(actor=supervisor, post=head_post, issued_on=D(2021, 2, 1))
    pledge = services.pledge_draft(
        actor=supervisor, post=head_post, drafted_on=D(2021, 2, 1), promises=promise_data(3)
    )
    services.pledge_sign(actor=supervisor, pledge=pledge, signed_on=D(2021, 2, 2))
    for body in ("party", "government"):
        services.pledge_countersign(
            actor=supervisor, pledge=pledge, body=body, signer="刘洋", signed_on=D(2021, 2, 3)
        )
    member = cadre(
        village, 2, "李红梅", phone="0537-7212345", is_party_member=False, party_joined_on=None
    )
    PostFactory(cadre=member, kind=PostKind.COMMITTEE_MEMBER, start_date=D(2021, 1, 15))
    gone = cadre(village, 3, "赵磊")
    PostFactory(
        cadre=gone,
        kind=PostKind.VICE_CHAIR,
        start_date=D(2016, 1, 1),
        end_date=D(2020, 12, 31),
        end_reason="term_ended",
    )
    elsewhere = cadre(other_village, 4, "孙强")
    PostFactory(cadre=elsewhere, kind=PostKind.SECRETARY)
    return [head, member, gone, elsewhere]


def test_it_exports_one_row_per_sitting_post_of_the_township(township, committee, insider):
    data = export_cadres(actor=insider, township=township, on=D(2026, 3, 5))
    ws = openpyxl.load_workbook(io.BytesIO(data))["村干部"]

    assert ws["A1"].value == "南旺镇村干部名册（导出日期：2026年3月5日）"
    assert [c.value for c in ws[2]] == HEADERS
    head, member = rows(data)
    assert head == [
        "370830102201",
        "南旺村",
        "王建国",
        committee[0].masked_id_number,
        "138****1234",
        "是",
        dt.datetime(2001, 7, 1),
        "高中（中专）",
        "书记、主任一肩挑",
        dt.datetime(2021, 1, 15),
        dt.datetime(2026, 1, 15),
        "换届当选",
        "370830-2021-0001",
        "生效",
    ]
    assert member[2:6] == ["李红梅", committee[1].masked_id_number, "********2345", "否"]
    assert member[8] == "村委会委员"
    assert member[12:] == [None, None]  # a member has no certificate and no pledge


def test_it_masks_every_id_number_and_phone(township, committee, supervisor):
    text = every_cell(export_cadres(actor=supervisor, township=township))
    assert "3708**********" in text and "138****1234" in text
    for person in committee:
        assert person.id_number not in text
        assert person.id_number[4:14] not in text  # not even the hidden middle
        assert person.phone not in text
        assert person.phone.replace("-", "")[3:7] not in text


def test_it_shows_a_suspended_certificate_and_a_pledge_not_yet_signed(
    township, village, supervisor
):
    post = PostFactory(cadre=cadre(village, 1, "王建国"), kind=PostKind.SECRETARY)
    certificate = services.certificate_issue(actor=supervisor, post=post, issued_on=D(2024, 2, 1))
    services.certificate_suspend(
        actor=supervisor, certificate=certificate, on=D(2025, 1, 5), reason="年检不合格"
    )
    services.pledge_draft(
        actor=supervisor, post=post, drafted_on=D(2024, 2, 1), promises=promise_data(2)
    )
    chair = PostFactory(cadre=cadre(village, 2, "李四"), kind=PostKind.CHAIR)
    [secretary_row, chair_row] = rows(export_cadres(actor=supervisor, township=township))
    assert secretary_row[12:] == ["370830-2024-0001（暂停）", "草稿"]
    assert chair_row[12:] == [None, "尚未签订"]
    assert certificate.state == CertificateState.SUSPENDED
    assert chair.is_certified


def test_a_contact_cadre_exports_the_assigned_villages_only(township, village, committee):
    second = VillageFactory(township=township, code="370830102202", name="后营村")
    PostFactory(cadre=cadre(second, 9, "周勇"), kind=PostKind.SECRETARY)
    contact = UserFactory()
    StaffRoleFactory(user=contact, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=contact, village=second)
    assert [r[2] for r in rows(export_cadres(actor=contact, township=township))] == ["周勇"]


def test_an_outsider_may_not_export_the_township(township, committee, outsider):
    with pytest.raises(PermissionDenied):
        export_cadres(actor=outsider, township=township)


def test_it_exports_a_filtered_list(township, committee, supervisor):
    filtered = PostFilterSet({"kind": PostKind.COMMITTEE_MEMBER}, queryset=Post.objects.all()).qs
    assert [r[2] for r in rows(export_cadres(actor=supervisor, queryset=filtered))] == ["李红梅"]
    # Without a township, everything visible: 孙强 of 郭楼村 is there too.
    data = export_cadres(actor=supervisor, queryset=Post.objects.all(), on=D(2026, 3, 5))
    assert [r[2] for r in rows(data)] == ["王建国", "李红梅", "孙强"]
    title = openpyxl.load_workbook(io.BytesIO(data))["村干部"]["A1"].value
    assert title == "村干部名册（导出日期：2026年3月5日）"


def test_it_needs_a_township_or_a_queryset(supervisor):
    with pytest.raises(ValueError):
        export_cadres(actor=supervisor)


def _committees(township, n: int, start: int):
    """`n` villages, each with a secretary-and-chair (certificate, pledge) and a member."""
    actor = UserFactory(is_superuser=True)
    for i in range(n):
        v = VillageFactory(township=township, code=f"370830102{start + i:03d}", name=f"村{i}")
        head = PostFactory(
            cadre=cadre(v, 2 * (start + i), f"王{i}"), kind=PostKind.SECRETARY_AND_CHAIR
        )
        services.certificate_issue(actor=actor, post=head, issued_on=D(2024, 2, 1))
        services.pledge_draft(
            actor=actor, post=head, drafted_on=D(2024, 2, 1), promises=promise_data(1)
        )
        PostFactory(cadre=cadre(v, 2 * (start + i) + 1, f"李{i}"), kind=PostKind.BRANCH_MEMBER)


def test_the_number_of_queries_does_not_grow_with_the_rows(township, insider):
    counts = []
    for villages, start in ((1, 300), (24, 400)):  # 2 cadres, then 50
        _committees(township, villages, start)
        actor = get_user_model().objects.get(pk=insider.pk)  # as a new request would see it
        with CaptureQueriesContext(connection) as ctx:
            data = export_cadres(actor=actor, township=township)
        counts.append((len(ctx), len(rows(data))))
    # The account's roles, the posts with their people, villages and certificates, the pledges.
    assert counts == [(counts[0][0], 2), (counts[0][0], 50)]
    assert counts[0][0] <= 4


def test_text_is_never_a_formula_in_the_export_or_the_template(township, village, supervisor):
    link, cmd, sums, at = FORMULA_PAYLOADS
    PostFactory(cadre=cadre(village, 5, sums), kind=PostKind.SECRETARY, notes=link)
    PostFactory(cadre=cadre(village, 6, at), kind=PostKind.COMMITTEE_MEMBER, notes=cmd)
    assert_no_formula(export_cadres(actor=supervisor, township=township), *FORMULA_PAYLOADS)
    # The template lists the township's villages on its 说明 sheet.
    Village.objects.filter(pk=village.pk).update(name=link)
    template = build_cadre_import_template(township=township, actor=supervisor)
    assert_no_formula(template, link)
