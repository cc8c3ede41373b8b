"""Notifications: every item entering someone's inbox becomes an in-app notification for them,
an e-mail if they have an address and want it, and a message to their township's group robot.

The inbox is computed (work.inbox), not stored; the notifier remembers what it already told each
user by the notification's `key` (`inbox:<kind>:<pk>`, unique per user), so running it again,
or at the same time, tells nobody twice. It runs

- after each commit that saved a record behind an inbox kind (work.signals), for the users whose
  roles cover the record's area: the bell shows the item at once;
- every few minutes for every user (work.tasks.notify_everyone), which catches what the signals
  cannot see: bulk writes, and items that enter an inbox by time or by a role given later.

An item that leaves the inbox (answered, posted, closed, by the user or a colleague) settles
its unread notifications as read at the next run for that user: the bell counts what still
waits.

Duties due and overdue are left to the cycle's reminders (supervision.services.reminders_send),
which notify the same people with their own keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.fields import AREA_CODE_LENGTHS
from supervision.models import Notification

from . import inbox
from .choices import DeliveryState
from .models import NotificationPreference, TownshipChannel, WebhookDelivery

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: kinds a notification is made for (duties: see the module's docstring)
NOTIFIED = tuple(kind for kind in inbox.KINDS if kind.key not in {"duties_overdue", "duties_due"})
#: newest items of a kind looked at per user and run: a first run on a full inbox does not
#: bury the user (the inbox lists them all anyway)
PER_KIND = 50

KEY_PREFIX = "inbox:"


def item_key(kind: inbox.Kind, obj: Any) -> str:
    """The notification key of one inbox item (a second notification of it is refused)."""
    return f"{KEY_PREFIX}{kind.key}:{obj.pk}"


def describe(kind: inbox.Kind, obj: Any, names: dict[str, str] | None = None) -> str:
    """The message of an item: its kind, then the inbox's own title and detail (a report's
    area by its name in `names`)."""
    from .views import DESCRIBE  # the inbox page's wording, kept in one place

    title, detail, _date = DESCRIBE[kind.key](obj)
    if names and detail in names:
        detail = names[detail]
    text = f"{kind.label}: {title}"
    if detail:
        text += f" · {detail}"
    return text[:300]


def recipients(area_codes: Iterable[str]) -> QuerySet[User]:
    """Active users holding a role over one of the areas (a role's area is a prefix of it)."""
    prefixes = {code[:n] for code in area_codes for n in AREA_CODE_LENGTHS if n <= len(code)}
    users: QuerySet[User] = get_user_model().objects.filter(
        is_active=True, staff_roles__area_code__in=prefixes
    )
    return users.distinct().order_by("pk")


def everyone() -> QuerySet[User]:
    """Every active user holding a role."""
    users: QuerySet[User] = get_user_model().objects.filter(
        is_active=True, staff_roles__isnull=False
    )
    return users.distinct().order_by("pk")


def settle_user(user: User) -> int:
    """Mark read the user's unread notifications of items that no longer wait for them (done
    by them or by a colleague): the bell counts what still waits. A query, one per kind that
    has unread notifications, an update; returns how many were settled."""
    unread = Notification.objects.filter(
        user=user, key__startswith=KEY_PREFIX, read_at__isnull=True
    ).values_list("pk", "key")
    by_kind: defaultdict[str, dict[int, int]] = defaultdict(dict)
    for pk, key in unread:
        _prefix, kind_key, obj_pk = key.split(":")
        by_kind[kind_key][int(obj_pk)] = pk
    done: list[int] = []
    for kind_key, items in by_kind.items():
        kind = inbox.KINDS_BY_KEY.get(kind_key)
        if kind is None:
            continue
        still = set(kind.items(user).filter(pk__in=items).values_list("pk", flat=True))
        done += [pk for obj_pk, pk in items.items() if obj_pk not in still]
    if not done:
        return 0
    return Notification.objects.filter(pk__in=done, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notify_user(user: User) -> list[Notification]:
    """Settle the notifications of items done, then make one for each item in the user's inbox
    not notified yet; return the new ones. A query per kind, one for the keys already made,
    one insert."""
    settle_user(user)
    wanted: dict[str, Notification] = {}
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the site's language
        for kind in NOTIFIED:
            objects = list(kind.items(user).order_by("-pk")[:PER_KIND])
            names = None
            if objects and kind.key == "reports_ready":  # a report's area by its name
                from reports.views.runs import area_names

                names = area_names(user, [run.area_code for run in objects])
            for obj in objects:
                key = item_key(kind, obj)
                wanted[key] = Notification(
                    user=user,
                    key=key,
                    message=describe(kind, obj, names),
                    url=kind.action_url(obj),
                    area_code=obj.area_code,
                )
    if not wanted:
        return []
    made = set(Notification.objects.filter(user=user, key__in=wanted).values_list("key", flat=True))
    new = [n for key, n in wanted.items() if key not in made]
    # ignore_conflicts: a run at the same time may have made the same ones meanwhile.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return new


@dataclass(frozen=True)
class Notified:
    """What a run made: the notifications, and what to send once it is committed (e-mails by
    user, robot messages), which work.tasks enqueues."""

    made: int = 0
    mails: dict[int, list[int]] = field(default_factory=dict)
    deliveries: list[int] = field(default_factory=list)


def notify(users: Iterable[User]) -> Notified:
    """Notify `users` of their new inbox items in the app, and prepare the e-mails and the
    robot messages of their townships."""
    made: list[Notification] = []
    with transaction.atomic():
        for user in users:
            made.extend(notify_user(user))
        return Notified(len(made), _to_email(made), _to_robots(made))


def notify_areas(area_codes: Iterable[str]) -> Notified:
    """Notify the users whose roles cover the areas (after a record there was saved)."""
    codes = {c for c in area_codes if c}
    return notify(recipients(codes)) if codes else Notified()


def notify_everyone() -> Notified:
    """Notify every user of what waits for them (the periodic run)."""
    return notify(everyone().iterator(chunk_size=200))


# ------------------------------------------------------------------ e-mail and robots


def _to_email(made: list[Notification]) -> dict[int, list[int]]:
    """The new notifications to e-mail, by user: those with an address who did not opt out.
    Notifications made by `ignore_conflicts` inserts have no id: they are looked up by key."""
    by_user: defaultdict[int, list[str]] = defaultdict(list)
    for n in made:
        if n.user.email:
            by_user[n.user_id].append(n.key)
    if not by_user:
        return {}
    opted_out = set(
        NotificationPreference.objects.filter(user_id__in=by_user, email=False).values_list(
            "user_id", flat=True
        )
    )
    out: dict[int, list[int]] = {}
    for user_id, keys in by_user.items():
        if user_id in opted_out:
            continue
        ids = list(
            Notification.objects.filter(user_id=user_id, key__in=keys, emailed=False).values_list(
                "pk", flat=True
            )
        )
        if ids:
            out[user_id] = ids
    return out


def _to_robots(made: list[Notification]) -> list[int]:
    """One robot message per new item and enabled robot of the item's township (however many
    users were told of it); returns the deliveries to send."""
    items: dict[str, Notification] = {}
    for n in made:
        items.setdefault(n.key, n)
    if not items:
        return []
    townships = {n.area_code[:9] for n in items.values()}
    channels = list(TownshipChannel.objects.enabled().filter(area_code__in=townships))
    if not channels:
        return []
    base = settings.NOTIFY_SITE_URL.rstrip("/")
    wanted = [
        WebhookDelivery(
            channel=channel,
            key=key,
            text=f"{n.message}\n{base}{n.url}" if base else n.message,
            area_code=channel.area_code,
        )
        for channel in channels
        for key, n in items.items()
        if n.area_code.startswith(channel.area_code)
    ]
    WebhookDelivery.objects.bulk_create(wanted, ignore_conflicts=True)
    return list(
        WebhookDelivery.objects.filter(
            channel__in=channels, key__in=items, state=DeliveryState.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )


def email_send(*, user_id: int, notification_ids: list[int]) -> int:
    """E-mail the user the notifications not e-mailed yet, in one message; mark them e-mailed.
    Returns how many were in it (0: nothing left, a second run sends nothing)."""
    from django.core.mail import EmailMessage

    with transaction.atomic():
        notes = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(user_id=user_id, pk__in=notification_ids, emailed=False)
            .order_by("pk")
        )
        if not notes or not notes[0].user.email:
            return 0
        base = settings.NOTIFY_SITE_URL.rstrip("/")
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("New items in your to-do list")
            body = "\n\n".join(f"{n.message}\n{base}{n.url}" for n in notes)
        # Sent inside the transaction: if the server refuses, nothing is marked e-mailed and
        # the task's retry sends them again.
        EmailMessage(subject, body + "\n", to=[notes[0].user.email]).send()
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed=True)
    return len(notes)
