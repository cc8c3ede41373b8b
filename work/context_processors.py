"""The navigation's 待办 badge and the bell: the number of items waiting for the user and of
their unread notifications, a query each per page."""

from django.utils.functional import SimpleLazyObject

from supervision.models import Notification

from . import inbox


def _unread(request) -> int:
    user = request.user
    return Notification.objects.visible_to(user).for_user(user).unread().count()


def inbox_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that renders no navigation (a PDF, an htmx fragment) asks nothing.
    return {
        "inbox_counts": SimpleLazyObject(lambda: inbox.counts_for_request(request)),
        "notifications_unread": SimpleLazyObject(lambda: _unread(request)),
    }
