"""Where notifications go besides the app: a township's group robot, and each user's choices.

The in-app notification itself is `supervision.Notification` (duty reminders made it first);
`work.notify` fills it with every item entering someone's inbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField

from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Region, audited

from .choices import ChannelKind, DeliveryState

TOWNSHIP = (9,)


class TownshipChannelQuerySet(ScopedQuerySet):
    scope_field = "area_code"

    def enabled(self) -> TownshipChannelQuerySet:
        return self.filter(enabled=True)


@audited
class TownshipChannel(models.Model):
    """A township office's group robot (企业微信 or 钉钉): a webhook that receives a JSON POST.

    The webhook URL carries the robot's key and the DingTalk secret signs each message: both
    are credentials, so both are stored encrypted and pages show them masked."""

    township = models.ForeignKey(
        Region,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="notification_channels",
    )
    kind = models.CharField(_("robot"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=60)
    webhook_url = EncryptedCharField(_("webhook address"), max_length=500)
    # null: the encrypted field stores an empty secret as NULL
    secret = EncryptedCharField(_("signing secret"), max_length=200, blank=True, null=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    area_code = area_code_field(max_length=9)

    objects = TownshipChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["area_code", "name", "pk"]
        constraints = [area_code_check(TOWNSHIP)]

    def __str__(self):
        return self.name


class WebhookDeliveryQuerySet(ScopedQuerySet):
    scope_field = "area_code"


@audited
class WebhookDelivery(models.Model):
    """One message to a group robot and how its sending went; `key` makes it idempotent (one
    message per inbox item per robot, however often the notifier runs)."""

    channel = models.ForeignKey(
        TownshipChannel,
        verbose_name=_("group robot"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    key = models.CharField(_("key"), max_length=80)
    text = models.TextField(_("message"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    area_code = area_code_field(max_length=9)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            area_code_check(TOWNSHIP),
            models.UniqueConstraint(fields=["channel", "key"], name="one_delivery_per_key"),
        ]

    def __str__(self):
        return self.text[:40]


@audited
class NotificationPreference(models.Model):
    """A user's choice of channels besides the app (no row: the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
