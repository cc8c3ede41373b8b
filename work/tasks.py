"""Celery tasks of the notifications (schedule: `manage.py setup_periodic_tasks`).

Thin and safe to run twice: they take ids and call the services, which skip what is done.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import shared_task
from django.db import transaction

from . import notify, robots

#: attempts of a robot message before it is marked failed (backoff 2, 4, 8, 16, 32 s ...)
ROBOT_RETRIES = 5


def send_after_commit(notified: notify.Notified) -> int:
    """Enqueue the run's e-mails and robot messages once its notifications are committed."""
    for user_id, ids in notified.mails.items():
        transaction.on_commit(partial(send_notification_email.delay, user_id, ids))
    for delivery_id in notified.deliveries:
        transaction.on_commit(partial(deliver_webhook.delay, delivery_id))
    return notified.made


@shared_task
def notify_everyone() -> int:
    """Turn every user's new inbox items into notifications (the periodic run)."""
    return send_after_commit(notify.notify_everyone())


@shared_task
def notify_areas(area_codes: list[str]) -> int:
    """Notify the users whose roles cover the areas."""
    return send_after_commit(notify.notify_areas(area_codes))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(user_id: int, notification_ids: list[int]) -> int:
    """E-mail a user their new notifications (retried while the mail server fails)."""
    return notify.email_send(user_id=user_id, notification_ids=notification_ids)


def backoff(retries: int) -> float:
    """Seconds before the next attempt: 2, 4, 8, 16, 32."""
    return float(2 ** (retries + 1))


# rate_limit: both robots refuse more than 20 messages a minute.
@shared_task(bind=True, max_retries=ROBOT_RETRIES, rate_limit="20/m")
def deliver_webhook(self: Any, delivery_id: int) -> str:
    """POST one message to a township's group robot, retrying with backoff while its server
    fails; the delivery records each attempt."""
    try:
        return robots.delivery_send(delivery_id=delivery_id).state
    except robots.RetryableError as error:
        if self.request.retries >= self.max_retries:
            robots.delivery_give_up(delivery_id=delivery_id)
            return "failed"
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error
