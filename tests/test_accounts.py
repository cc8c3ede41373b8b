"""Login, lockout, idle expiry, password change and the language switch."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.testing import through_nginx
from villages.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-9"


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html and "用户名" in html


def test_login_and_logout(client, insider):
    response = client.post(reverse("login"), {"username": "insider", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_message_is_chinese(client, insider):
    response = client.post(reverse("login"), {"username": "insider", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_five_failures_lock_the_account_whatever_the_ip(client, insider):
    for i in range(5):
        client.post(
            reverse("login"),
            {"username": "insider", "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{i + 1}",
        )
    locked = client.post(
        reverse("login"), {"username": "insider", "password": PASSWORD}, REMOTE_ADDR="10.0.0.99"
    )
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_account_spares_colleagues_behind_the_same_ip(client, insider, outsider):
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "insider", "password": "wrong"}, REMOTE_ADDR="10.1.1.1"
        )
    response = client.post(
        reverse("login"), {"username": "outsider", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302


def test_lockout_rows_record_the_address_the_shipped_nginx_saw(client, insider, settings):
    settings.CLIENT_PROXY_COUNT = 1  # production
    url = reverse("login")
    wrong = {"username": "insider", "password": "wrong"}
    client.post(url, wrong, **through_nginx("203.0.113.9"))
    client.post(url, wrong, **through_nginx("198.51.100.20", "127.0.0.1"))  # forged header
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.9",
        "198.51.100.20",
    }
    client.post(url, {"username": "insider", "password": PASSWORD}, **through_nginx("192.0.2.5"))
    assert AccessLog.objects.get().ip_address == "192.0.2.5"


def test_idle_session_expires_after_the_configured_minutes(client, insider, settings):
    client.force_login(insider)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(minutes=30)
    # the user walks away: 31 minutes later the session is gone, from the database and from the
    # cache in front of it (its entry is kept exactly as long as the session: cached_db)
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )
    assert cache.delete(KEY_PREFIX + session.pk)
    assert client.get(reverse("home")).status_code == 302


def test_activity_pushes_the_expiry_forward(client, insider):
    client.force_login(insider)
    key = client.session.session_key
    session = client.session
    session["_last_touch"] = 0  # the last touch was long ago: 28 idle minutes
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=2))
    client.get(reverse("home"))
    remaining = Session.objects.get(pk=key).expire_date - timezone.now()
    assert remaining > dt.timedelta(minutes=29)


def test_password_change_applies_the_validators_in_chinese(client, insider):
    client.force_login(insider)
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    html = weak.content.decode()
    assert "密码太短" in html or "过于常见" in html
    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Wenshang-county-77",
            "new_password2": "Wenshang-county-77",
        },
    )
    assert ok.status_code == 302
    insider.refresh_from_db()
    assert insider.check_password("Wenshang-county-77")


def test_wrong_old_passwords_lock_the_account_like_failed_logins(client, insider, settings):
    settings.CLIENT_PROXY_COUNT = 1
    client.force_login(insider)
    url = reverse("password_change")
    guess = {"new_password1": "Wenshang-county-77", "new_password2": "Wenshang-county-77"}
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(url, {**guess, "old_password": f"guess-{i}"})
        assert wrong.status_code == 200 and "旧密码不正确" in wrong.content.decode()
    last = client.post(url, {**guess, "old_password": "guess-last"})
    assert last.status_code == 429 and "账号已锁定" in last.content.decode()
    assert "修改密码时" in last.content.decode()
    # now even the right old password changes nothing, and the login is locked too
    right = client.post(url, {**guess, "old_password": PASSWORD}, **through_nginx("203.0.113.9"))
    assert right.status_code == 429 and "账号已锁定" in right.content.decode()
    insider.refresh_from_db()
    assert insider.check_password(PASSWORD)
    client.logout()
    login = client.post(reverse("login"), {"username": "insider", "password": PASSWORD})
    assert login.status_code == 429
    # the failures are on record, without the passwords tried
    attempt = AccessAttempt.objects.get(username="insider")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    assert "guess-" not in attempt.post_data and "Wenshang" not in attempt.post_data


def test_language_switch_to_english_and_back(client, insider):
    client.force_login(insider)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "To do" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "待办" in client.get(reverse("home")).content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("villages:village-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_inactive_account_cannot_log_in(client):
    UserFactory(username="gone", is_active=False)
    response = client.post(reverse("login"), {"username": "gone", "password": PASSWORD})
    assert response.status_code == 200


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'lang="en"' in response.content.decode()


def test_person_names_are_written_family_name_first():
    from villages.templatetags.cunjian import person_name

    assert person_name(UserFactory.build(last_name="周", first_name="建国")) == "周建国"
    assert person_name(UserFactory.build(last_name="Smith", first_name="Ann")) == "Ann Smith"
    assert person_name(UserFactory.build(username="c1", last_name="", first_name="")) == "c1"


def test_a_busy_session_is_written_at_most_once_a_minute(client, insider, count_queries):
    client.force_login(insider)
    client.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("home"))
    assert not any('UPDATE "django_session"' in q["sql"] for q in ctx.captured_queries)
