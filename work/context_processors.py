"""The navigation's 待办 badge and the bell: the number of items waiting for the user and of
their unread notifications, one query per page for both."""

from django.utils.functional import SimpleLazyObject

from . import inbox


def inbox_badge(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that renders no navigation (a PDF, an htmx fragment) asks nothing.
    return {
        "inbox_counts": SimpleLazyObject(lambda: inbox.counts_for_request(request)),
        "notifications_unread": SimpleLazyObject(lambda: inbox.counts_for_request(request).unread),
    }
