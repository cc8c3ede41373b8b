"""Notifications of inbox items: who is told, once, after the commit; by e-mail and by the
township's robot when set."""

import pytest
from django.core import mail

from ledgers import services as ledger_services
from supervision.models import Notification
from work import notify, services, tasks
from work.choices import ChannelKind, DeliveryState
from work.models import TownshipChannel, WebhookDelivery

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    """Celery tasks run in this process as they are sent."""
    from config import celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def published(village):
    return h.statement(village, "published")


def ask(statement, django_capture_on_commit_callbacks, text="修路的钱花到哪里去了?"):
    with django_capture_on_commit_callbacks(execute=True):
        return ledger_services.question_ask(disclosure=statement, question=text, name="王大妈")


def test_a_villagers_question_notifies_who_may_answer_it_after_the_commit(
    published, insider, outsider, supervisor, contact, clerk, django_capture_on_commit_callbacks
):
    question = ask(published, django_capture_on_commit_callbacks)
    key = f"inbox:questions_to_answer:{question.pk}"
    told = set(Notification.objects.filter(key=key).values_list("user__username", flat=True))
    assert told == {"insider", "supervisor", "contact"}  # not the outsider, not the clerk
    note = Notification.objects.get(key=key, user=insider)
    assert note.read_at is None and note.area_code == published.area_code
    assert note.url.endswith(f"#answer-{question.pk}")
    assert "南旺村" in note.message


def test_an_item_done_by_a_colleague_leaves_the_others_bells(
    published, insider, supervisor, contact, django_capture_on_commit_callbacks
):
    question = ask(published, django_capture_on_commit_callbacks)
    assert Notification.objects.unread().count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        ledger_services.question_answer(actor=contact, question=question, answer="已用于修路。")
    assert not Notification.objects.unread().exists()  # answered: nothing waits any more


def test_an_item_still_waiting_stays_unread(published, insider):
    h.question(published.village, number=2)
    notify.notify_areas([published.area_code])
    assert notify.settle_user(insider) == 0
    assert Notification.objects.unread().count() == 1


def test_nothing_is_told_of_a_change_rolled_back(published, insider):
    # No commit (the test's transaction never commits): the listeners wait for it.
    ledger_services.question_ask(disclosure=published, question="?", name="")
    assert not Notification.objects.exists()


def test_notifying_again_tells_nobody_twice(published, insider, contact):
    h.question(published.village, number=2)
    assert notify.notify_areas([published.area_code]).made == 2
    assert notify.notify_areas([published.area_code]).made == 0
    assert notify.notify_everyone().made == 0
    assert Notification.objects.count() == 2


def test_the_periodic_run_catches_what_no_signal_saw(village, insider, clerk):
    # Written in bulk: no post_save.
    from ledgers.models import Voucher

    Voucher.objects.bulk_create([h.voucher(village, clerk, 1)], ignore_conflicts=True)
    assert notify.notify_everyone().made == 1
    assert Notification.objects.get(user=insider).key.startswith("inbox:vouchers_to_post:")


def test_each_user_is_told_of_their_own_inbox(village, other_village, insider, outsider, clerk):
    h.voucher(village, clerk)
    h.voucher(other_village, outsider)  # their own: someone else must post it
    notify.notify_everyone()
    assert Notification.objects.filter(user=insider).count() == 1
    assert not Notification.objects.filter(user=outsider).exists()


def test_duties_are_left_to_the_cycles_reminders(village, insider, contact):
    from supervision.choices import TaskKind

    h.duty(village, TaskKind.HEARING, days=-1)
    assert notify.notify_everyone().made == 0


def test_an_email_lists_the_new_items_once(
    published, insider, eager, django_capture_on_commit_callbacks
):
    insider.email = "insider@example.cn"
    insider.save()
    ask(published, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["insider@example.cn"]
    assert "南旺村" in message.body
    assert Notification.objects.get(user=insider).emailed
    notify.email_send(
        user_id=insider.pk, notification_ids=list(Notification.objects.values_list("pk", flat=True))
    )
    assert len(mail.outbox) == 1  # already e-mailed


def test_a_user_who_opted_out_gets_no_email(
    published, insider, eager, django_capture_on_commit_callbacks
):
    insider.email = "insider@example.cn"
    insider.save()
    services.preference_set(actor=insider, email=False)
    ask(published, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notification.objects.filter(user=insider, emailed=False).exists()


def test_the_townships_robot_gets_each_new_item_once(
    published,
    insider,
    supervisor,
    contact,
    other_township,
    eager,
    robot_server,
    django_capture_on_commit_callbacks,
):
    mine = TownshipChannel.objects.create(
        township=published.village.township,
        area_code=published.village.township.code,
        kind=ChannelKind.WECOM,
        name="南旺镇群",
        webhook_url=robot_server.url + "/send?key=k",
    )
    TownshipChannel.objects.create(  # another township's: not told
        township=other_township,
        area_code=other_township.code,
        kind=ChannelKind.WECOM,
        name="郭楼镇群",
        webhook_url=robot_server.url + "/other?key=k",
    )
    question = ask(published, django_capture_on_commit_callbacks)
    (delivery,) = WebhookDelivery.objects.all()  # three users told, one robot message
    assert delivery.channel == mine and delivery.state == DeliveryState.SENT
    assert delivery.key == f"inbox:questions_to_answer:{question.pk}"
    (got,) = robot_server.received
    assert got.path == "/send" and "南旺村" in got.body["text"]["content"]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notify_everyone()
    assert len(robot_server.received) == 1


def test_a_robot_switched_off_is_not_posted_to(
    published,
    insider,
    robot_server,
    django_capture_on_commit_callbacks,
):
    TownshipChannel.objects.create(
        township=published.village.township,
        area_code=published.village.township.code,
        kind=ChannelKind.DINGTALK,
        name="南旺镇群",
        webhook_url=robot_server.url + "/send",
        enabled=False,
    )
    ask(published, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.exists()


def test_a_finished_report_notifies_its_area_by_name(county, township, insider, supervisor):
    h.report(county.code)  # the schedule's county report
    h.report(township.code, requested_by=insider)
    notify.notify_everyone()
    mine = Notification.objects.get(user=insider)  # theirs, not the county's
    assert mine.area_code == township.code and "南旺镇" in mine.message
    theirs = Notification.objects.get(user=supervisor)  # the schedule's, not the insider's
    assert theirs.area_code == county.code and county.name in theirs.message
