"""Writes of the notification settings: a township's group robots, a user's choices."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rights import Right, require
from core.types import Actor
from villages.choices import RegionLevel
from villages.models import Region

from . import robots
from .models import NotificationPreference, TownshipChannel, WebhookDelivery

#: a robot's fields a user sets
CHANNEL_FIELDS = ("kind", "name", "webhook_url", "secret", "enabled")


@transaction.atomic
def channel_save(
    *,
    actor: Actor,
    township: Region,
    kind: str,
    name: str,
    webhook_url: str,
    secret: str,
    enabled: bool,
    channel: TownshipChannel | None = None,
) -> TownshipChannel:
    """Create or change a township's group robot (the township's staff and the county's).
    An empty address or secret on a change keeps the stored one: pages never show them back."""
    require(actor, Right.EDIT, township.code)
    if township.level != RegionLevel.TOWNSHIP:
        raise ValidationError({"township": _("Choose a township.")})
    if channel is None:
        channel = TownshipChannel(created_by=actor)
    elif channel.area_code != township.code:
        require(actor, Right.EDIT, channel.area_code)
    webhook_url = webhook_url.strip() or channel.webhook_url
    if not webhook_url:
        raise ValidationError(
            {"webhook_url": _("Enter the robot's webhook address (https://...).")}
        )
    try:
        robots.validate_webhook_url(webhook_url)
    except ValidationError as error:
        raise ValidationError({"webhook_url": error.messages}) from error
    channel.township, channel.area_code = township, township.code
    channel.kind, channel.name, channel.enabled = kind, name.strip(), enabled
    channel.webhook_url = webhook_url
    channel.secret = secret.strip() or channel.secret or None
    channel.full_clean(exclude=["created_by"])
    channel.save()
    return channel


def channel_test(*, actor: Actor, channel: TownshipChannel) -> WebhookDelivery:
    """Send a test message to the robot now, once, and return how it went."""
    require(actor, Right.EDIT, channel.area_code)
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        channel=channel,
        key=f"test:{now.isoformat()}"[:80],
        text=_("Cunjian: a test message to %(name)s.") % {"name": channel.name},
        area_code=channel.area_code,
    )
    try:
        return robots.delivery_send(delivery_id=delivery.pk)
    except robots.RetryableError:
        robots.delivery_give_up(delivery_id=delivery.pk)  # a test is not retried
        delivery.refresh_from_db()
        return delivery


def preference_of(user: Actor) -> NotificationPreference:
    """The user's choices (the defaults, unsaved, when they made none)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def preference_set(*, actor: Actor, email: bool) -> NotificationPreference:
    """The user's own choice: notifications by e-mail or not."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"email": email}
    )
    return preference
