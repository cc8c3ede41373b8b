"""Township group robots (企业微信 / 钉钉): the message, the signature, the one POST.

Both robots take a JSON POST to their webhook and answer `{"errcode": 0, ...}` when they
accepted it. DingTalk robots set to "加签" also want `timestamp` and `sign` in the query string:
base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), the timestamp in milliseconds and
at most an hour old.

The server posts only to the hosts in WEBHOOK_ALLOWED_HOSTS: a webhook address typed by a user
is otherwise a way to make the server call any machine of the intranet (SSRF). Redirects are
not followed for the same reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ChannelKind, DeliveryState
from .models import TownshipChannel, WebhookDelivery

#: seconds to wait for a robot's answer
TIMEOUT = 10
#: characters of a robot message (WeCom refuses text over 2,048 bytes)
TEXT_MAX = 600


#: the robots' "too many messages" answers: worth another attempt later
RATE_LIMITED = {45009, 130101}


class RetryableError(Exception):
    """The robot's server failed (5xx, timeout, connection): the next attempt may succeed."""


def validate_webhook_url(url: str) -> None:
    """Refuse an address that is not http(s) on an allowed host."""
    parts = urllib.parse.urlsplit(url)
    allowed = {h.lower() for h in settings.WEBHOOK_ALLOWED_HOSTS}
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(_("Enter the robot's webhook address (https://...)."))
    if parts.hostname.lower() not in allowed:
        raise ValidationError(
            _("Robots may only be reached at %(hosts)s.") % {"hosts": ", ".join(sorted(allowed))}
        )
    if parts.username or parts.password:
        raise ValidationError(_("Enter the robot's webhook address (https://...)."))


def mask(value: str) -> str:
    """A webhook address as pages show it: its host, to recognise it, and none of its key."""
    if not value:
        return ""
    parts = urllib.parse.urlsplit(value)
    if parts.hostname:
        return f"{parts.scheme}://{parts.hostname}/…{value[-4:] if len(value) > 40 else ''}"
    return "••••"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of a message sent at `timestamp_ms`."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def payload(text: str) -> dict[str, Any]:
    """The JSON body: WeCom's and DingTalk's plain text messages have the same shape."""
    return {"msgtype": "text", "text": {"content": text[:TEXT_MAX]}}


def signed_url(channel: TownshipChannel, now_ms: int | None = None) -> str:
    """The address to post to: DingTalk's with timestamp and sign when the robot has a secret."""
    url = str(channel.webhook_url)
    if channel.kind == ChannelKind.DINGTALK and channel.secret:
        ts = now_ms if now_ms is not None else int(time.time() * 1000)
        query = urllib.parse.urlencode({"timestamp": ts, "sign": dingtalk_sign(channel.secret, ts)})
        url += ("&" if "?" in url else "?") + query
    return url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # an allowed host must not send us to another one


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Outcome:
    """How one POST went."""

    ok: bool
    status: int | None
    error: str = ""
    retryable: bool = False


def post(channel: TownshipChannel, text: str) -> Outcome:
    """POST `text` to the channel's robot once; never raises."""
    try:
        validate_webhook_url(channel.webhook_url)
    except ValidationError as error:
        return Outcome(False, None, " ".join(error.messages))
    body = json.dumps(payload(text), ensure_ascii=False).encode()
    request = urllib.request.Request(
        signed_url(channel),
        data=body,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            status, raw = response.status, response.read(4096)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, f"HTTP {error.code}", retryable=error.code >= 500)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(False, None, str(reason)[:300], retryable=True)
    if status != 200:
        return Outcome(False, status, f"HTTP {status}", retryable=status >= 500)
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return Outcome(False, status, _("The robot's answer is not JSON."))
    code = answer.get("errcode", 0)
    if code != 0:
        refusal = f"{code}: {answer.get('errmsg', '')}"[:300]
        return Outcome(False, status, refusal, retryable=code in RATE_LIMITED)
    return Outcome(True, status)


def delivery_send(*, delivery_id: int) -> WebhookDelivery:
    """Attempt one pending delivery (a sent one stays sent: safe to run twice). Raises
    RetryableError when the robot's server failed, after recording the attempt, so the Celery
    task retries it."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=delivery_id)
        )
        if delivery.state == DeliveryState.SENT:
            return delivery
        if not delivery.channel.enabled:
            delivery.state, delivery.last_error = DeliveryState.FAILED, _("The robot is off.")
            delivery.save(update_fields=["state", "last_error"])
            return delivery
        # The row stays locked during the POST (at most TIMEOUT seconds): a second worker
        # given the same delivery waits and then finds it sent, rather than posting it twice.
        outcome = post(delivery.channel, delivery.text)
        delivery.attempts += 1
        delivery.response_code = outcome.status
        delivery.last_error = outcome.error
        if outcome.ok:
            delivery.state, delivery.sent_at = DeliveryState.SENT, timezone.now()
        elif not outcome.retryable:
            delivery.state = DeliveryState.FAILED
        delivery.save(update_fields=["state", "attempts", "response_code", "last_error", "sent_at"])
    if outcome.retryable:
        raise RetryableError(outcome.error)
    return delivery


def delivery_give_up(*, delivery_id: int) -> None:
    """After the last retry: the delivery failed."""
    WebhookDelivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED
    )
