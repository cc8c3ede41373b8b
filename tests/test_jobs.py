"""Maintenance tasks, their beat schedules, and the /healthz/ check, against the real services."""

import socket
import time
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django.utils.module_loading import import_string
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config import health
from core.testing import through_nginx
from villages.management.commands.setup_periodic_tasks import SCHEDULES
from villages.tasks import purge_expired_sessions, purge_old_login_attempts
from villages.tests.factories import UserFactory


def make_sessions(*, expired: int, live: int) -> None:
    """Store sessions that ended a minute ago and sessions that are still valid."""
    now = timezone.now()
    for count, expire_date in (
        (expired, now - timedelta(minutes=1)),
        (live, now + timedelta(hours=1)),
    ):
        for _ in range(count):
            Session.objects.create(
                session_key=uuid.uuid4().hex, session_data="e30:", expire_date=expire_date
            )


def make_login_record(model, *, days_ago: int, username: str):
    """Store an axes record as if it had been written `days_ago` days ago."""
    extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
    record = model.objects.create(
        username=username,
        ip_address="10.0.0.1",
        user_agent=f"test-{uuid.uuid4().hex}",  # AccessAttempt is unique per (user, ip, agent)
        http_accept="text/html",
        path_info="/accounts/login/",
        **(extra if model is AccessAttempt else {}),
    )
    # attempt_time is auto_now_add: back-date it afterwards.
    model.objects.filter(pk=record.pk).update(
        attempt_time=timezone.now() - timedelta(days=days_ago)
    )
    return record


# ---------------------------------------------------------------- tasks


@pytest.mark.django_db
def test_purge_expired_sessions_keeps_live_ones():
    make_sessions(expired=3, live=2)

    assert purge_expired_sessions() == {"sessions": 3}
    assert Session.objects.count() == 2
    assert not Session.objects.filter(expire_date__lt=timezone.now()).exists()
    # Safe to run twice: nothing left to do.
    assert purge_expired_sessions() == {"sessions": 0}
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_purge_old_login_attempts_uses_the_retention_setting(settings):
    settings.AXES_RETENTION_DAYS = 30
    old_attempt = make_login_record(AccessAttempt, days_ago=40, username="old")
    new_attempt = make_login_record(AccessAttempt, days_ago=1, username="new")
    old_failure = make_login_record(AccessFailureLog, days_ago=40, username="old")
    new_failure = make_login_record(AccessFailureLog, days_ago=1, username="new")
    old_login = make_login_record(AccessLog, days_ago=400, username="old")

    assert purge_old_login_attempts() == {"access_attempts": 1, "access_failure_logs": 1}
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [new_attempt.pk]
    assert list(AccessFailureLog.objects.values_list("pk", flat=True)) == [new_failure.pk]
    assert not AccessAttempt.objects.filter(pk=old_attempt.pk).exists()
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    # Successful logins are the audit trail: this task never touches them.
    assert AccessLog.objects.filter(pk=old_login.pk).exists()
    assert purge_old_login_attempts() == {"access_attempts": 0, "access_failure_logs": 0}


@pytest.mark.django_db
def test_purge_old_login_attempts_keeps_six_months_by_default(settings):
    if hasattr(settings, "AXES_RETENTION_DAYS"):
        del settings.AXES_RETENTION_DAYS
    make_login_record(AccessFailureLog, days_ago=179, username="kept")
    make_login_record(AccessFailureLog, days_ago=181, username="purged")

    assert purge_old_login_attempts()["access_failure_logs"] == 1
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["kept"]


# ---------------------------------------------------------------- schedules


def run_setup(*args) -> str:
    out = StringIO()
    call_command("setup_periodic_tasks", *args, stdout=out)
    return out.getvalue()


def test_every_scheduled_task_exists():
    for job in SCHEDULES:
        assert import_string(job.task).name == job.task


@pytest.mark.django_db
def test_setup_periodic_tasks_is_idempotent():
    first = run_setup()
    crontabs = CrontabSchedule.objects.count()
    second = run_setup()

    assert first.count("created: ") == len(SCHEDULES)
    assert second.count("unchanged: ") == len(SCHEDULES)
    assert PeriodicTask.objects.filter(name__in=[j.name for j in SCHEDULES]).count() == len(
        SCHEDULES
    )
    assert CrontabSchedule.objects.count() == crontabs


@pytest.mark.django_db
def test_schedules_run_at_night_beijing_time():
    run_setup()
    expected = {
        "villages.tasks.purge_expired_sessions": ("2", "30"),
        "villages.tasks.purge_old_login_attempts": ("3", "0"),
    }
    for task, (hour, minute) in expected.items():
        crontab = PeriodicTask.objects.get(task=task).crontab
        assert (crontab.hour, crontab.minute) == (hour, minute)
        assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*",) * 3
        assert str(crontab.timezone) == "Asia/Shanghai"


@pytest.mark.django_db
def test_setup_keeps_an_administrators_edit_unless_reset():
    run_setup()
    job = SCHEDULES[0]
    task = PeriodicTask.objects.get(name=job.name)
    task.enabled = False
    task.crontab = CrontabSchedule.objects.create(minute="0", hour="12", timezone="UTC")
    task.save()

    assert f"kept: {job.name}" in run_setup()  # a deploy does not undo the admin's edit
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute) == ("12", "0")

    assert f"updated: {job.name}" in run_setup("--reset")
    task.refresh_from_db()
    assert task.enabled is False  # an administrator's pause survives a deploy
    assert (task.crontab.hour, task.crontab.minute) == (job.crontab["hour"], job.crontab["minute"])


# ---------------------------------------------------------------- /healthz/


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker(settings):
    """Health checks run against a real broker, not the eager mode of `make run`."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_ok_with_real_database_and_redis(client, broker):
    response = client.get("/healthz/")  # anonymous: no login needed

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_503_when_broker_is_down(client, broker):
    port = closed_port()
    broker.CELERY_BROKER_URL = f"redis://:secretpw@127.0.0.1:{port}/0"

    response = client.get("/healthz/")

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "OperationalError"
    assert body["status"] == "degraded"
    # Public endpoint: no address, port or password in the answer.
    assert str(port) not in response.content.decode()
    assert "secretpw" not in response.content.decode()


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_does_not_hang_on_a_silent_broker(client, broker):
    # A server that accepts connections and never answers: only timeouts save the check.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        broker.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        response = client.get("/healthz/")
        elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert elapsed < health.BROKER_TIMEOUT * 2 + 1


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_503_when_database_is_down(client, broker, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("could not connect to server at 10.1.2.3")

    monkeypatch.setattr(health, "connection", Unreachable())

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json() == {
        "database": "OperationalError",
        "broker": "ok",
        "status": "degraded",
    }


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_eager_mode_needs_no_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "status": "ok"}


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_is_read_only(client):
    assert client.post("/healthz/").status_code == 405
    assert client.head("/healthz/").status_code in (200, 503)


# ---------------------------------------------------------------- a real worker (conftest.py)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_real_worker_purges_expired_sessions(worker_queue):
    make_sessions(expired=2, live=1)

    result = purge_expired_sessions.apply_async(queue=worker_queue)

    assert result.get(timeout=20) == {"sessions": 2}
    assert Session.objects.count() == 1
    assert not Session.objects.filter(expire_date__lt=timezone.now()).exists()


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_detail_only_for_staff_and_local_probes(client, broker, settings):
    settings.CLIENT_PROXY_COUNT = 1
    # a visitor through nginx, even one who claims to be local: the code and the status only
    for meta in (through_nginx("203.0.113.9"), through_nginx("203.0.113.9", "127.0.0.1")):
        response = client.get("/healthz/", **meta)
        assert response.status_code == 200 and response.json() == {"status": "ok"}
    # nginx on the same machine: the peer is local, but the request came through the proxy
    proxied = client.get("/healthz/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.json() == {"status": "ok"}
    # the compose healthcheck on the container itself, and a staff member from anywhere
    assert client.get("/healthz/", REMOTE_ADDR="::1").json()["database"] == "ok"
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/healthz/", **through_nginx("203.0.113.9")).json()["broker"] == "ok"


@pytest.mark.urls("tests.health_urls")
@pytest.mark.django_db
def test_healthz_keeps_its_503_without_the_detail(client, broker, settings):
    broker.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz/", **through_nginx("203.0.113.9"))
    assert response.status_code == 503 and response.json() == {"status": "degraded"}
