"""Group robots: the POST each robot receives (a real HTTP server on this machine), DingTalk's
signature, the retries while the robot's server fails, and the hosts a webhook may point to."""

import base64
import hashlib
import hmac
import time

import pytest
from django.core.exceptions import ValidationError

from work import robots, services
from work.choices import ChannelKind, DeliveryState
from work.models import TownshipChannel, WebhookDelivery
from work.tasks import ROBOT_RETRIES, deliver_webhook

pytestmark = pytest.mark.django_db


def channel(township, url, kind=ChannelKind.WECOM, secret="", **kw):
    return TownshipChannel.objects.create(
        township=township,
        area_code=township.code,
        kind=kind,
        name="南旺镇党政办群",
        webhook_url=url,
        secret=secret,
        **kw,
    )


@pytest.fixture
def eager_retries():
    """Run a task and its retries in this process, one after the other (Celery's eager mode
    re-raises the retry instead when it propagates errors)."""
    from config import celery_app

    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = saved


def delivery(ch, text="村民提问待答复: 南旺村", key="inbox:questions_to_answer:1"):
    return WebhookDelivery.objects.create(channel=ch, key=key, text=text, area_code=ch.area_code)


def test_a_wecom_robot_receives_the_text_as_json(township, robot_server):
    ch = channel(township, robot_server.url + "/cgi-bin/webhook/send?key=abc")
    d = robots.delivery_send(delivery_id=delivery(ch).pk)
    assert (d.state, d.attempts, d.response_code, d.last_error) == (DeliveryState.SENT, 1, 200, "")
    assert d.sent_at is not None
    (got,) = robot_server.received
    assert got.path == "/cgi-bin/webhook/send" and got.query == {"key": "abc"}
    assert got.body == {"msgtype": "text", "text": {"content": "村民提问待答复: 南旺村"}}


def test_a_dingtalk_robot_gets_a_timestamp_and_its_hmac_sha256_signature(
    township,
    robot_server,
):
    secret = "SECabc123"
    ch = channel(
        township, robot_server.url + "/robot/send?access_token=t", ChannelKind.DINGTALK, secret
    )
    before = int(time.time() * 1000)
    robots.delivery_send(delivery_id=delivery(ch).pk)
    (got,) = robot_server.received
    ts = int(got.query["timestamp"])
    assert before <= ts <= int(time.time() * 1000)
    expected = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    assert got.query["sign"] == base64.b64encode(expected).decode()
    assert got.query["access_token"] == "t"


def test_dingtalks_published_example_signature():
    # The shape DingTalk documents: base64 of HMAC-SHA256 over "timestamp\nsecret".
    sign = robots.dingtalk_sign("SEC000", 1700000000000)
    raw = hmac.new(b"SEC000", b"1700000000000\nSEC000", hashlib.sha256).digest()
    assert sign == base64.b64encode(raw).decode()


def test_the_task_retries_while_the_server_answers_500(township, robot_server, eager_retries):
    robot_server.statuses = [500, 500]
    ch = channel(township, robot_server.url + "/send")
    d = delivery(ch)
    deliver_webhook.apply(args=[d.pk])  # eager: the retries run at once, without the backoff
    d.refresh_from_db()
    assert (d.state, d.attempts, d.response_code) == (DeliveryState.SENT, 3, 200)
    assert len(robot_server.received) == 3


def test_after_the_last_retry_the_message_failed(township, robot_server, eager_retries):
    robot_server.statuses = [500] * 20
    ch = channel(township, robot_server.url + "/send")
    d = delivery(ch)
    deliver_webhook.apply(args=[d.pk])
    d.refresh_from_db()
    assert (d.state, d.attempts, d.last_error) == (
        DeliveryState.FAILED,
        ROBOT_RETRIES + 1,
        "HTTP 500",
    )


def test_a_refusal_by_the_robot_is_not_retried(township, robot_server, eager_retries):
    robot_server.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    ch = channel(township, robot_server.url + "/send")
    d = delivery(ch)
    deliver_webhook.apply(args=[d.pk])
    d.refresh_from_db()
    assert d.state == DeliveryState.FAILED and d.attempts == 1
    assert "93000" in d.last_error


def test_a_sent_message_is_not_sent_twice(township, robot_server):
    ch = channel(township, robot_server.url + "/send")
    d = delivery(ch)
    robots.delivery_send(delivery_id=d.pk)
    robots.delivery_send(delivery_id=d.pk)
    assert len(robot_server.received) == 1


def test_a_redirect_to_another_host_is_not_followed(township, robot_server):
    robot_server.statuses = [302]
    ch = channel(township, robot_server.url + "/send")
    d = robots.delivery_send(delivery_id=delivery(ch).pk)
    assert d.state == DeliveryState.FAILED and d.response_code == 302
    assert len(robot_server.received) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/send",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:6379/",
        "file:///etc/passwd",
        "https://qyapi.weixin.qq.com.evil.example/send",
        "https://user:pw@127.0.0.1/send",
        "not a url",
    ],
)
def test_only_the_allowed_hosts_are_reached(url):
    with pytest.raises(ValidationError):
        robots.validate_webhook_url(url)


def test_the_robots_own_hosts_are_allowed():
    robots.validate_webhook_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    robots.validate_webhook_url("https://oapi.dingtalk.com/robot/send?access_token=t")


def test_a_stored_address_to_another_host_is_refused_at_sending(township, robot_server):
    ch = channel(township, "http://10.0.0.1/send")  # written past the service
    d = robots.delivery_send(delivery_id=delivery(ch).pk)
    assert d.state == DeliveryState.FAILED and robot_server.received == []


def test_the_service_refuses_an_address_outside_the_allowed_hosts(township, insider):
    with pytest.raises(ValidationError) as error:
        services.channel_save(
            actor=insider,
            township=township,
            kind=ChannelKind.WECOM,
            name="群",
            webhook_url="http://192.168.1.1/hook",
            secret="",
            enabled=True,
        )
    assert "webhook_url" in error.value.message_dict


def test_credentials_are_stored_encrypted(township):
    channel(township, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY", secret="S1")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_url, secret FROM work_townshipchannel")
        url, secret = cursor.fetchone()
    assert "SECRETKEY" not in url and secret != "S1"


def test_a_test_message_reports_how_it_went(township, insider, robot_server):
    robot_server.statuses = [500]
    ch = channel(township, robot_server.url + "/send")
    d = services.channel_test(actor=insider, channel=ch)
    assert d.state == DeliveryState.FAILED and d.response_code == 500  # a test is not retried
    d = services.channel_test(actor=insider, channel=ch)
    assert d.state == DeliveryState.SENT


def test_the_masked_credential_shows_neither_key_nor_token():
    masked = robots.mask("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx")
    assert "693a91f6" not in masked and masked.startswith("https://")


def test_a_robot_saying_too_many_messages_is_tried_again(township, robot_server, eager_retries):
    robot_server.answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
    ch = channel(township, robot_server.url + "/send")
    d = delivery(ch)
    deliver_webhook.apply(args=[d.pk])
    d.refresh_from_db()
    assert d.state == DeliveryState.FAILED and d.attempts == ROBOT_RETRIES + 1
