import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from cadres import services
from cadres.choices import (
    AdviceOutcome,
    CertificateState,
    EndReason,
    PledgeState,
    PostKind,
)
from cadres.identity import id_number_hash, mask_id_number, mask_phone
from cadres.models import Cadre, Pledge, Post, Promise
from cadres.tests.factories import CadreFactory, PostFactory, make_id_number, promise_data
from villages.models import ChangeEvent

pytestmark = pytest.mark.django_db
D = dt.date


# ------------------------------------------------------------------ people


def test_cadre_create_derives_birth_date_and_gender_and_encrypts(insider, village):
    number = make_id_number(D(1980, 2, 29), serial=7, male=False)
    cadre = services.cadre_create(actor=insider, village=village, name="李红", id_number=number)
    assert (cadre.birth_date, cadre.gender) == (D(1980, 2, 29), "female")
    assert cadre.id_number_hash == id_number_hash(number)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM cadres_cadre WHERE id = %s", [cadre.pk])
        stored = cursor.fetchone()[0]
    assert number not in stored  # encrypted at rest
    assert Cadre.objects.get(id_number_hash=id_number_hash(number.lower())).pk == cadre.pk


@pytest.mark.parametrize(
    "number,message",
    [
        ("37083019750601051", "应为 18 位"),
        ("3708301975060105A1", "17 位数字"),
        ("370830197502300511", "不存在"),
        ("370830197506010512", "校验码"),
    ],
)
def test_invalid_id_numbers_are_refused_with_a_clear_chinese_message(
    insider, village, number, message
):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as e:
        services.cadre_create(actor=insider, village=village, name="王", id_number=number)
    assert message in " ".join(e.value.messages)
    assert not Cadre.objects.exists()


def test_a_person_is_registered_once(insider, village):
    number = make_id_number(serial=3)
    services.cadre_create(actor=insider, village=village, name="王", id_number=number)
    with pytest.raises(ValidationError):
        services.cadre_create(actor=insider, village=village, name="王", id_number=number)


@pytest.mark.usefixtures("chinese")
def test_a_duplicate_outside_the_users_scope_says_neither_whether_nor_where(
    insider, outsider, village, other_village, caplog
):
    number = make_id_number(serial=3)
    registered = services.cadre_create(
        actor=insider, village=village, name="王新", id_number=number
    )
    with pytest.raises(ValidationError) as refusal:
        services.cadre_create(actor=outsider, village=other_village, name="王", id_number=number)
    [message] = refusal.value.message_dict["id_number"]
    assert message == "该身份证号码无法在此登记，请联系县委组织部。"
    assert "已登记" not in message and village.name not in message and "王新" not in message
    assert Cadre.objects.count() == 1
    # Logged where the registered person's county sees it, and in the server's log.
    event = ChangeEvent.objects.tracks(registered).get(pgh_label="duplicate_id_number")
    assert event.pgh_context["user"] == outsider.pk
    assert event.pgh_context["attempted_in"] == other_village.code
    [record] = [r for r in caplog.records if r.name == "cadres.services"]
    assert other_village.code in record.getMessage() and number not in record.getMessage()


@pytest.mark.usefixtures("chinese")
def test_a_duplicate_inside_the_users_scope_points_to_the_record(insider, village):
    number = make_id_number(serial=3)
    registered = services.cadre_create(
        actor=insider, village=village, name="王新", id_number=number
    )
    other = services.cadre_create(
        actor=insider, village=village, name="李", id_number=make_id_number(serial=4)
    )
    with pytest.raises(ValidationError) as refusal:
        # A corrected ID number that is someone else's: the same answer as a new registration.
        services.cadre_update(actor=insider, cadre=other, id_number=number)
    [message] = refusal.value.message_dict["id_number"]
    assert message == f"该身份证号码的村干部已登记：王新（{village.name}）。"
    assert (
        ChangeEvent.objects.tracks(registered).filter(pgh_label="duplicate_id_number").count() == 1
    )
    other.refresh_from_db()
    assert other.id_number_hash == id_number_hash(make_id_number(serial=4))


def test_birth_date_contradicting_the_id_number_is_refused(insider, village):
    with pytest.raises(ValidationError):
        services.cadre_create(
            actor=insider,
            village=village,
            name="王",
            id_number=make_id_number(serial=3),
            birth_date=D(1990, 1, 1),
        )


def test_outsider_cannot_register_a_cadre_here(outsider, village):
    with pytest.raises(PermissionDenied):
        services.cadre_create(
            actor=outsider, village=village, name="王", id_number=make_id_number(serial=3)
        )


def test_masks():
    assert mask_id_number("370830197506010511") == "3708**********0511"
    assert mask_phone("13805371234") == "138****1234"
    assert mask_phone("05377212345") == "053****2345"


def test_reveal_is_logged_and_limited_to_managers(insider, supervisor, township, village):
    from villages.choices import RoleKind
    from villages.tests.factories import ContactAssignmentFactory, StaffRoleFactory, UserFactory

    cadre = CadreFactory(village=village)
    data = services.cadre_reveal_personal_data(actor=insider, cadre=cadre)
    assert data["id_number"] == cadre.id_number
    events = ChangeEvent.objects.tracks(cadre).filter(pgh_label="personal_data_viewed")
    assert events.count() == 1 and events.get().pgh_context["user"] == insider.pk
    contact = UserFactory()
    StaffRoleFactory(user=contact, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=contact, village=village)
    with pytest.raises(PermissionDenied):
        services.cadre_reveal_personal_data(actor=contact, cadre=cadre)


# ------------------------------------------------------------------ posts


def test_a_seat_has_one_holder(insider, village):
    a, b = CadreFactory(village=village), CadreFactory(village=village)
    services.post_open(
        actor=insider,
        village=village,
        cadre=a,
        kind=PostKind.SECRETARY_AND_CHAIR,
        start_date=D(2024, 1, 1),
    )
    for kind in (PostKind.SECRETARY, PostKind.CHAIR, PostKind.SECRETARY_AND_CHAIR):
        with pytest.raises(ValidationError):
            services.post_open(
                actor=insider, village=village, cadre=b, kind=kind, start_date=D(2024, 2, 1)
            )
    post = services.post_open(
        actor=insider,
        village=village,
        cadre=b,
        kind=PostKind.COMMITTEE_MEMBER,
        start_date=D(2024, 2, 1),
    )
    assert post.term_ends == D(2029, 2, 1)


def test_the_database_also_refuses_a_second_sitting_secretary(village):
    PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)


def test_a_person_serves_one_village_at_a_time(insider, village, township):
    from villages.tests.factories import VillageFactory

    second = VillageFactory(township=township, code="370830102299")
    cadre = CadreFactory(village=village)
    services.post_open(
        actor=insider,
        village=village,
        cadre=cadre,
        kind=PostKind.BRANCH_MEMBER,
        start_date=D(2024, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.post_open(
            actor=insider,
            village=second,
            cadre=cadre,
            kind=PostKind.CHAIR,
            start_date=D(2024, 3, 1),
        )
    post = cadre.posts.get()
    services.post_close(
        actor=insider, post=post, end_date=D(2024, 2, 1), end_reason=EndReason.TRANSFERRED
    )
    services.post_open(
        actor=insider, village=second, cadre=cadre, kind=PostKind.CHAIR, start_date=D(2024, 3, 1)
    )
    cadre.refresh_from_db()
    assert cadre.village == second and cadre.area_code == second.code


def test_term_change_closes_old_posts_and_opens_new_ones_in_one_step(insider, village):
    old_secretary = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)
    old_chair = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.CHAIR)
    certificate = services.certificate_issue(actor=insider, post=old_chair, issued_on=D(2024, 2, 1))
    newcomer = CadreFactory(village=village)
    change = services.term_change_record(
        actor=insider,
        village=village,
        held_on=D(2026, 11, 20),
        new_posts=[
            {"cadre": newcomer, "kind": PostKind.SECRETARY_AND_CHAIR},
            {"cadre": old_secretary.cadre, "kind": PostKind.DEPUTY_SECRETARY},
        ],
    )
    for post in (old_secretary, old_chair):
        post.refresh_from_db()
        assert (post.end_date, post.end_reason) == (D(2026, 11, 20), EndReason.TERM_ENDED)
        assert post.closed_by_change == change
    current = Post.objects.filter(village=village, end_date__isnull=True)
    assert {(p.cadre_id, p.kind) for p in current} == {
        (newcomer.pk, PostKind.SECRETARY_AND_CHAIR),
        (old_secretary.cadre_id, PostKind.DEPUTY_SECRETARY),
    }
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.EXPIRED


def test_a_failed_term_change_changes_nothing(insider, village):
    sitting = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)
    a, b = CadreFactory(village=village), CadreFactory(village=village)
    with pytest.raises(ValidationError):
        services.term_change_record(
            actor=insider,
            village=village,
            held_on=D(2026, 11, 20),
            new_posts=[
                {"cadre": a, "kind": PostKind.SECRETARY},
                {"cadre": b, "kind": PostKind.SECRETARY_AND_CHAIR},
            ],
        )
    sitting.refresh_from_db()
    assert sitting.end_date is None
    assert Post.objects.count() == 1


# ------------------------------------------------------------------ certificates


def test_certificates_are_numbered_per_county_and_year_and_issued_once(insider, village):
    first = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)
    second = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.CHAIR)
    c1 = services.certificate_issue(actor=insider, post=first, issued_on=D(2026, 3, 1))
    c2 = services.certificate_issue(actor=insider, post=second, issued_on=D(2026, 3, 2))
    assert (c1.number, c2.number) == ("370830-2026-0001", "370830-2026-0002")
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=insider, post=first, issued_on=D(2026, 4, 1))


def test_members_get_no_certificate(insider, village):
    member = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.COMMITTEE_MEMBER)
    with pytest.raises(ValidationError):
        services.certificate_issue(actor=insider, post=member, issued_on=D(2026, 3, 1))


def test_certificate_states(insider, village):
    post = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.SECRETARY)
    c = services.certificate_issue(actor=insider, post=post, issued_on=D(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.certificate_reinstate(actor=insider, certificate=c, on=D(2026, 4, 1), reason="x")
    services.certificate_suspend(
        actor=insider, certificate=c, on=D(2026, 4, 1), reason="年检不合格"
    )
    services.certificate_reinstate(
        actor=insider, certificate=c, on=D(2026, 5, 1), reason="整改到位"
    )
    assert c.state == CertificateState.VALID
    services.certificate_revoke(actor=insider, certificate=c, on=D(2026, 6, 1), reason="违纪")
    with pytest.raises(ValidationError):
        services.certificate_suspend(actor=insider, certificate=c, on=D(2026, 7, 1), reason="x")


# ------------------------------------------------------------------ pledges


@pytest.fixture
def chair(village):
    return PostFactory(
        cadre=CadreFactory(village=village), kind=PostKind.CHAIR, start_date=D(2026, 1, 5)
    )


def in_force(actor, post):
    pledge = services.pledge_draft(
        actor=actor, post=post, drafted_on=D(2026, 1, 6), promises=promise_data(3)
    )
    services.pledge_sign(actor=actor, pledge=pledge, signed_on=D(2026, 1, 8))
    services.pledge_countersign(
        actor=actor, pledge=pledge, body="party", signer="刘书记", signed_on=D(2026, 1, 9)
    )
    return services.pledge_countersign(
        actor=actor, pledge=pledge, body="government", signer="赵镇长", signed_on=D(2026, 1, 10)
    )


def test_pledge_goes_through_three_signatures_into_force(insider, chair):
    pledge = in_force(insider, chair)
    assert pledge.state == PledgeState.IN_FORCE and pledge.in_force_on == D(2026, 1, 10)
    assert len(pledge.clauses) == 4 and "辞职" in pledge.clauses[-1]
    assert [p.position for p in pledge.promises.all()] == [1, 2, 3]


def test_pledge_text_is_frozen_from_the_first_signature(insider, chair):
    pledge = services.pledge_draft(
        actor=insider, post=chair, drafted_on=D(2026, 1, 6), promises=promise_data(3)
    )
    services.pledge_update_draft(actor=insider, pledge=pledge, promises=promise_data(4))
    services.pledge_sign(actor=insider, pledge=pledge, signed_on=D(2026, 1, 8))
    with pytest.raises(ValidationError):
        services.pledge_update_draft(actor=insider, pledge=pledge, promises=promise_data(2))
    with pytest.raises(ValidationError):
        services.pledge_discard_draft(actor=insider, pledge=pledge)
    assert pledge.promises.count() == 4


def test_the_database_refuses_to_change_a_signed_pledges_text(insider, chair):
    pledge = in_force(insider, chair)
    promise = pledge.promises.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Promise.objects.filter(pk=promise.pk).update(text="改过的承诺")
    with pytest.raises(DatabaseError), transaction.atomic():
        Promise.objects.filter(pk=promise.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Promise.objects.create(
            pledge=pledge,
            position=9,
            audience="villagers",
            category="other",
            text="x",
            target="x",
            due_date=D(2026, 1, 1),
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(clauses=["随便"])
    with pytest.raises(DatabaseError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).delete()
    promise.refresh_from_db()
    assert promise.text == "硬化村内主干道"


def test_the_frozen_check_finds_the_pledge_by_its_key_however_the_table_grew(insider, chair):
    """The check runs before every promise is written: it must not read the whole pledge table
    (a plan kept from when the table was small made the 2,000-village demo quadratic)."""
    pledge = services.pledge_draft(
        actor=insider, post=chair, drafted_on=D(2026, 1, 6), promises=promise_data(10)
    )
    Pledge.objects.bulk_create(
        Pledge(post=chair, version=v, drafted_on=D(2026, 1, 6), area_code=pledge.area_code)
        for v in range(2, 3002)
    )
    before = pledge_rows_scanned()
    Promise.objects.bulk_create(
        Promise(
            pledge=pledge,
            position=n,
            audience="villagers",
            category="other",
            text="x",
            target="x",
            due_date=D(2026, 12, 31),
            area_code=pledge.area_code,
        )
        for n in range(11, 211)
    )
    # A sequential scan per promise would read 200 × 3,001 rows.
    assert pledge_rows_scanned() - before < 3001


def pledge_rows_scanned():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq_tup_read FROM pg_stat_xact_user_tables WHERE relname = 'cadres_pledge'"
        )
        return cursor.fetchone()[0]


def test_countersigning_needs_the_cadres_signature_first(insider, chair):
    pledge = services.pledge_draft(
        actor=insider, post=chair, drafted_on=D(2026, 1, 6), promises=promise_data(1)
    )
    with pytest.raises(ValidationError):
        services.pledge_countersign(
            actor=insider, pledge=pledge, body="party", signer="刘", signed_on=D(2026, 1, 9)
        )


def test_an_amendment_is_a_new_version_with_its_own_signatures(insider, chair):
    original = in_force(insider, chair)
    amendment = services.pledge_amend(
        actor=insider,
        pledge=original,
        reason="增加饮水工程",
        drafted_on=D(2026, 6, 1),
        promises=promise_data(4),
    )
    assert (amendment.version, amendment.amends, amendment.state) == (
        2,
        original,
        PledgeState.DRAFT,
    )
    assert amendment.cadre_signed_on is None and amendment.party_countersigned_on is None
    with pytest.raises(ValidationError):
        services.pledge_amend(
            actor=insider, pledge=original, reason="again", drafted_on=D(2026, 6, 2)
        )
    services.pledge_sign(actor=insider, pledge=amendment, signed_on=D(2026, 6, 2))
    services.pledge_countersign(
        actor=insider, pledge=amendment, body="party", signer="刘书记", signed_on=D(2026, 6, 3)
    )
    original.refresh_from_db()
    assert original.state == PledgeState.IN_FORCE  # until the amendment is fully signed
    services.pledge_countersign(
        actor=insider, pledge=amendment, body="government", signer="赵镇长", signed_on=D(2026, 6, 4)
    )
    original.refresh_from_db()
    assert original.state == PledgeState.SUPERSEDED
    assert original.promises.count() == 3 and amendment.promises.count() == 4


def test_only_secretaries_and_chairs_pledge(insider, village):
    member = PostFactory(cadre=CadreFactory(village=village), kind=PostKind.COMMITTEE_MEMBER)
    with pytest.raises(ValidationError):
        services.pledge_draft(
            actor=insider, post=member, drafted_on=D(2026, 1, 6), promises=promise_data(1)
        )


def test_the_end_of_a_post_closes_its_pledge(insider, chair):
    pledge = in_force(insider, chair)
    services.post_close(
        actor=insider, post=chair, end_date=D(2026, 9, 1), end_reason=EndReason.RESIGNED
    )
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.CLOSED and pledge.closed_on == D(2026, 9, 1)


def test_standard_clauses_come_from_the_county(insider, chair, county):
    from cadres.models import PledgeClause

    PledgeClause.objects.create(county=county, position=1, text="自觉接受党员群众监督")
    pledge = services.pledge_draft(
        actor=insider, post=chair, drafted_on=D(2026, 1, 6), promises=promise_data(1)
    )
    assert pledge.clauses == ["自觉接受党员群众监督"]


# ------------------------------------------------------------------ advised resignation


def test_advice_resigned_closes_the_post_with_reason_advised(insider, chair):
    advice = services.advice_open(
        actor=insider, post=chair, grounds="未兑现承诺", opened_on=D(2026, 10, 1)
    )
    with pytest.raises(ValidationError):
        services.advice_open(actor=insider, post=chair, grounds="again", opened_on=D(2026, 10, 2))
    with pytest.raises(ValidationError):
        services.advice_decide(
            actor=insider, advice=advice, outcome=AdviceOutcome.RESIGNED, decided_on=D(2026, 10, 3)
        )
    services.advice_record_talk(
        actor=insider,
        advice=advice,
        talk_on=D(2026, 10, 5),
        talk_by="镇党委书记",
        talk_notes="本人同意辞职",
    )
    services.advice_decide(
        actor=insider, advice=advice, outcome=AdviceOutcome.RESIGNED, decided_on=D(2026, 10, 8)
    )
    chair.refresh_from_db()
    assert (chair.end_date, chair.end_reason) == (D(2026, 10, 8), EndReason.ADVISED)


def test_advice_warned_keeps_the_post(insider, chair):
    advice = services.advice_open(
        actor=insider, post=chair, grounds="作风问题", opened_on=D(2026, 10, 1)
    )
    services.advice_record_talk(
        actor=insider,
        advice=advice,
        talk_on=D(2026, 10, 5),
        talk_by="镇党委书记",
        talk_notes="诫勉谈话",
    )
    services.advice_decide(
        actor=insider, advice=advice, outcome=AdviceOutcome.WARNED, decided_on=D(2026, 10, 8)
    )
    chair.refresh_from_db()
    assert chair.end_date is None
    # a new advice may be opened later
    services.advice_open(actor=insider, post=chair, grounds="再次违约", opened_on=D(2026, 11, 1))


def test_post_close_refuses_the_advised_reason_directly(insider, chair):
    with pytest.raises(ValidationError):
        services.post_close(
            actor=insider, post=chair, end_date=D(2026, 9, 1), end_reason=EndReason.ADVISED
        )
