"""A real Celery worker (Redis broker, committed rows) posts a villager's question to the
township's robot, retrying once its server failed."""

import time

import pytest

from ledgers import services as ledger_services
from supervision.models import Notification
from work.choices import ChannelKind, DeliveryState
from work.models import TownshipChannel, WebhookDelivery

from . import helpers as h


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the worker thread must see committed rows
def test_a_real_worker_delivers_to_the_robot_with_a_retry(
    worker_queue, village, insider, robot_server, monkeypatch
):
    from work import tasks

    monkeypatch.setattr(tasks, "backoff", lambda retries: 0.1)  # not 2 s in a test
    robot_server.statuses = [503]
    TownshipChannel.objects.create(
        township=village.township,
        area_code=village.township.code,
        kind=ChannelKind.DINGTALK,
        name="南旺镇群",
        webhook_url=robot_server.url + "/robot/send?access_token=t",
        secret="SECworker",
    )
    statement = h.statement(village, "published")
    question = ledger_services.question_ask(disclosure=statement, question="账目何时公开?")
    # Committed: the listener notified the township at once, in this process.
    assert Notification.objects.filter(user=insider).count() == 1
    delivery = WebhookDelivery.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.state != DeliveryState.PENDING:
            break
        time.sleep(0.2)
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 2)
    assert len(robot_server.received) == 2
    assert all("sign" in r.query for r in robot_server.received)
    assert question.question in robot_server.received[-1].body["text"]["content"]
