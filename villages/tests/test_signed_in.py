"""The signed-in user's account and scope kept in the cache (core/signed_in.py, connected to the
roles and assignments in villages/apps.py): what a signed-in page costs, and every change that
must renew them so that no permission is ever served stale."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import signed_in
from core.rights import Right, scope_for
from villages.choices import RoleKind
from villages.models import ContactAssignment, StaffAccount, StaffRole, Village
from villages.services import contact_assignment_end
from villages.signals import bulk_written
from villages.tests.factories import ContactAssignmentFactory, StaffRoleFactory, UserFactory
from villages.tests.helpers import login

FLOOR = "/bench/signed-in/"  # config/bench_urls.py: the signed-in empty page


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "config.bench_urls"


def queries(client, url, reads_only=False) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    sql = [q["sql"] for q in ctx.captured_queries]
    return status, len([q for q in sql if q.startswith("SELECT")] if reads_only else sql)


def stamp(user) -> str | None:
    return cache.get(signed_in.STAMP_KEY.format(user.pk))


def village_page(village) -> str:
    return reverse("villages:village-detail", args=[village.code])


# ------------------------------------------------------------------ the floor


@pytest.mark.usefixtures("bench_urls")
def test_a_signed_in_empty_page_reads_no_database_once_cached(client, insider):
    login(client, insider)
    # the first request reads the account and its roles (the session comes from the cache; the
    # idle timeout's first touch writes it)
    assert queries(client, FLOOR, reads_only=True) == (200, 2)
    # then nothing: the session, the account and the scope all come from the cache
    assert queries(client, FLOOR) == (200, 0)
    assert queries(client, FLOOR) == (200, 0)


@pytest.mark.usefixtures("bench_urls")
def test_without_the_caches_the_floor_is_three_queries(client, insider, settings):
    """What every signed-in page paid before: the session, the account, the roles."""
    settings.SIGNED_IN_CACHE_SECONDS = 0
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    login(client, insider)
    assert queries(client, FLOOR, reads_only=True) == (200, 3)
    assert queries(client, FLOOR) == (200, 3)


def test_the_cached_account_carries_its_scope(client, insider, village):
    login(client, insider)
    client.get(village_page(village))
    request = client.get(village_page(village)).wsgi_request
    assert request.user.pk == insider.pk
    assert request.user._cunjian_scope == scope_for(insider)  # computed once, kept with it


# ------------------------------------------------------------------ never stale


def test_a_revoked_role_refuses_the_very_next_request(client, insider, village):
    login(client, insider)
    assert client.get(village_page(village)).status_code == 200
    assert client.get(village_page(village)).status_code == 200  # from the cache
    StaffRole.objects.filter(user=insider).get().delete()
    assert client.get(village_page(village)).status_code == 404


def test_a_granted_role_opens_the_very_next_request(client, outsider, village, township):
    login(client, outsider)
    assert client.get(village_page(village)).status_code == 404
    assert client.get(village_page(village)).status_code == 404
    StaffRoleFactory(user=outsider, kind=RoleKind.TOWNSHIP_STAFF, region=township)
    assert client.get(village_page(village)).status_code == 200


def test_a_role_moved_to_another_area_moves_the_scope(client, insider, village, other_township):
    login(client, insider)
    assert client.get(village_page(village)).status_code == 200
    role = StaffRole.objects.get(user=insider)
    role.region = other_township
    role.save()
    assert client.get(village_page(village)).status_code == 404


def test_an_ended_assignment_refuses_the_contact_cadre(client, contact, village, insider):
    login(client, contact)
    assert client.get(village_page(village)).status_code == 200
    assert client.get(village_page(village)).status_code == 200
    assignment = ContactAssignment.objects.get(cadre=contact)
    contact_assignment_end(
        actor=insider, assignment=assignment, end_date=dt.date.today() - dt.timedelta(days=1)
    )
    assert client.get(village_page(village)).status_code == 404


def test_a_deleted_assignment_refuses_the_contact_cadre(client, contact, village):
    login(client, contact)
    assert client.get(village_page(village)).status_code == 200
    ContactAssignment.objects.filter(cadre=contact).get().delete()
    assert client.get(village_page(village)).status_code == 404


def test_a_new_assignment_opens_the_village(client, township, village):
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    login(client, cadre)
    assert client.get(village_page(village)).status_code == 404
    ContactAssignmentFactory(cadre=cadre, village=village)
    assert client.get(village_page(village)).status_code == 200


def test_an_assignment_ending_yesterday_is_dropped_the_next_day(
    client, township, village, monkeypatch
):
    """An assignment ends on a date without any write: the cached scope is the day's."""
    cadre = UserFactory()
    StaffRoleFactory(user=cadre, kind=RoleKind.CONTACT_CADRE, region=township)
    ContactAssignmentFactory(cadre=cadre, village=village, end_date=signed_in.today())
    login(client, cadre)
    assert client.get(village_page(village)).status_code == 200
    assert client.get(village_page(village)).status_code == 200
    tomorrow = signed_in.today() + dt.timedelta(days=1)
    localdate = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, *a, **k: localdate(value, *a, **k) if value is not None else tomorrow,
    )
    assert client.get(village_page(village)).status_code == 404


def test_a_deactivated_account_is_signed_out_at_once(client, insider, village):
    login(client, insider)
    assert client.get(village_page(village)).status_code == 200
    insider.is_active = False
    insider.save()
    response = client.get(village_page(village))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_changed_password_signs_out_the_other_sessions(client, insider, village):
    login(client, insider)
    assert client.get(village_page(village)).status_code == 200
    insider.set_password("Another-password-77")
    insider.save()
    response = client.get(village_page(village))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_session_of_an_older_password_is_refused_even_from_the_cache(client, insider, village):
    login(client, insider)
    assert client.get(village_page(village)).status_code == 200
    session = client.session
    session["_auth_user_hash"] = "0" * 64  # what a session of another password carries
    session.save()
    response = client.get(village_page(village))
    assert response.status_code == 302


def test_a_new_administrator_sees_everything_at_once(client, outsider, village):
    login(client, outsider)
    assert client.get(village_page(village)).status_code == 404
    outsider.is_superuser = True
    outsider.save()
    assert client.get(village_page(village)).status_code == 200


def test_a_changed_name_shows_on_the_next_page(client, insider, village):
    login(client, insider)
    client.get(village_page(village))
    insider.last_name, insider.first_name = "欧阳", "修"
    insider.save()
    assert "欧阳修" in client.get(village_page(village)).content.decode()


# ------------------------------------------------------------------ every dependency renews


def renews(user, change) -> bool:
    """True if `change` renews the user's stamp (or everyone's)."""
    signed_in.user_changed([user.pk, signed_in.ALL])  # stamps to compare with
    before = stamp(user), cache.get(signed_in.STAMP_KEY.format(signed_in.ALL))
    change()
    return (stamp(user), cache.get(signed_in.STAMP_KEY.format(signed_in.ALL))) != before


def test_every_dependency_renews_the_users_stamp(insider, township, village, other_township):
    user = UserFactory()
    assert renews(user, lambda: StaffRoleFactory(user=user, region=township))
    role = StaffRole.objects.get(user=user)
    role.region = other_township
    assert renews(user, role.save)
    assert renews(user, role.delete)
    assignment = ContactAssignmentFactory(cadre=user, village=village)
    assignment.end_date = dt.date.today()
    assert renews(user, assignment.save)
    assert renews(user, assignment.delete)
    assert renews(user, lambda: ContactAssignmentFactory(cadre=user, village=village))
    # the account: saved through the user model or the staff accounts' proxy, deleted
    assert renews(user, user.save)
    assert renews(user, StaffAccount.objects.get(pk=user.pk).save)
    group = Group.objects.create(name="审计")
    assert renews(user, lambda: user.groups.add(group))
    assert renews(user, lambda: group.user_set.remove(user))
    assert renews(user, lambda: group.user_set.add(user))
    assert renews(user, lambda: group.user_set.clear())  # everyone's
    # the roles or accounts written in bulk, or anything written in bulk anywhere
    assert renews(user, lambda: bulk_written.send(StaffRole, area_codes=[township.code]))
    assert renews(user, lambda: bulk_written.send(ContactAssignment, area_codes=[village.code]))
    assert renews(user, lambda: bulk_written.send(get_user_model(), area_codes=None))
    assert renews(user, lambda: bulk_written.send(Village, area_codes=None))
    assert renews(user, lambda: ContactAssignment.objects.filter(cadre=user).delete())
    assert renews(user, user.delete)


def test_a_queryset_delete_of_roles_refuses_at_once(client, insider, village):
    login(client, insider)
    assert client.get(village_page(village)).status_code == 200
    StaffRole.objects.filter(user=insider).delete()  # sends post_delete for each row
    assert client.get(village_page(village)).status_code == 404


def test_other_rows_written_in_bulk_renew_no_one(insider, village):
    signed_in.user_changed([insider.pk])
    before = stamp(insider)
    bulk_written.send(Village, area_codes=[village.code])
    assert stamp(insider) == before


def test_the_stamp_is_renewed_again_when_the_change_commits(
    insider, township, django_capture_on_commit_callbacks
):
    """A request that read the roles before the commit stored them under the first renewal's
    stamp: the second renewal makes that entry obsolete."""
    with django_capture_on_commit_callbacks(execute=True):
        StaffRoleFactory(user=insider, kind=RoleKind.CONTACT_CADRE, region=township)
        during = stamp(insider)
    assert during is not None and stamp(insider) != during


def test_the_cache_can_be_turned_off(client, insider, village, settings):
    settings.SIGNED_IN_CACHE_SECONDS = 0
    login(client, insider)
    client.get(village_page(village))
    assert cache.get(signed_in.ENTRY_KEY.format(insider.pk)) is None


# ------------------------------------------------------------------ sessions


def test_logging_out_ends_the_cached_session(client, insider, village):
    login(client, insider)
    key = client.session.session_key
    assert client.get(village_page(village)).status_code == 200
    client.post(reverse("logout"))
    client.cookies["sessionid"] = key  # a copy of the old cookie
    assert client.get(village_page(village)).status_code == 302


def test_a_session_outlives_an_emptied_cache(client, insider, village):
    """The database behind the cache keeps every session (a Redis restart signs no one out)."""
    login(client, insider)
    assert client.get(village_page(village)).status_code == 200
    cache.clear()
    assert client.get(village_page(village)).status_code == 200


# ------------------------------------------------------------------ for real: Redis and commits


@pytest.mark.django_db(transaction=True)
def test_on_redis_a_committed_revocation_refuses_the_next_request(client, settings):
    """As deployed: the cache in Redis, shared by every web process, and real commits."""
    from villages.tests.factories import CountyFactory, TownshipFactory, VillageFactory

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",  # the tests' Redis database
            "KEY_PREFIX": prefix,
        }
    }
    try:
        township = TownshipFactory(parent=CountyFactory(), code="370830102", name="南旺镇")
        village = VillageFactory(township=township, code="370830102201", name="南旺村")
        user = UserFactory()
        role = StaffRoleFactory(user=user, kind=RoleKind.TOWNSHIP_STAFF, region=township)
        login(client, user)
        assert client.get(village_page(village)).status_code == 200
        redis = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        # the session's entry lives as long as the session (the idle timeout), no longer
        ttl = redis.ttl(f"{prefix}:1:{KEY_PREFIX}{client.session.session_key}")
        assert settings.SESSION_COOKIE_AGE - 60 < ttl <= settings.SESSION_COOKIE_AGE
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(village_page(village)).status_code == 200
        assert not any("villages_staffrole" in q["sql"] for q in ctx.captured_queries)
        role.delete()  # commits at once: autocommit
        assert client.get(village_page(village)).status_code == 404
        assert scope_for(user).allows(Right.SEE, village.code) is False
    finally:
        redis = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in redis.scan_iter(f"{prefix}:*"):
            redis.delete(key)
