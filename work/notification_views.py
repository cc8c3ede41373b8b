"""Notification pages: the user's notifications (the bell), their choices, and the township's
group robots."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.querysets import prefix_q
from core.rights import Right, scope_for
from core.views import apply_validation_error, paginate
from supervision import services as supervision_services
from supervision.models import Notification
from villages.models import Region

from . import robots, services
from .choices import DeliveryState
from .forms import ChannelForm, PreferenceForm
from .models import TownshipChannel, WebhookDelivery

PER_PAGE = 20


def _mine(request: HttpRequest) -> Any:
    user = request.user
    return Notification.objects.visible_to(user).for_user(user)


def _safe(request: HttpRequest, target: str, default: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


class NotificationListView(LoginRequiredMixin, TemplateView):
    """The user's notifications, newest first (`?unread=1`: the unread only)."""

    template_name = "work/notifications.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        unread_only = self.request.GET.get("unread") == "1"
        notes = _mine(self.request)
        if unread_only:
            notes = notes.unread()
        page = paginate(self.request, notes, PER_PAGE)
        preference = services.preference_of(self.request.user)
        ctx.update(
            page_obj=page,
            notifications=page.object_list,
            unread_only=unread_only,
            query_string="unread=1" if unread_only else "",
            preference_form=PreferenceForm(initial={"email": preference.email}),
            has_email=bool(self.request.user.email),
        )
        return ctx


class NotificationOpenView(LoginRequiredMixin, View):
    """POST: mark the notification read and go to its page (`read_only`: stay on the list)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = get_object_or_404(_mine(request), pk=pk)
        supervision_services.notification_read(actor=request.user, notification=notification)
        back = reverse("work:notifications")
        if request.POST.get("read_only"):
            return redirect(_safe(request, request.POST.get("next", ""), back))
        return redirect(_safe(request, notification.url, back))


class NotificationsReadAllView(LoginRequiredMixin, View):
    """POST: mark all the user's notifications read, then back to `next` (the list)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        n = supervision_services.notifications_read_all(actor=request.user)
        messages.success(request, _("%(n)d notifications marked read.") % {"n": n})
        return redirect(_safe(request, request.POST.get("next", ""), reverse("work:notifications")))


class PreferenceView(LoginRequiredMixin, View):
    """POST: the user's own choice of e-mail."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PreferenceForm(request.POST)
        form.is_valid()
        services.preference_set(actor=request.user, email=form.cleaned_data.get("email", False))
        messages.success(request, _("Your choice is saved."))
        return redirect("work:notifications")


# ------------------------------------------------------------------ group robots


def _townships(request: HttpRequest) -> Any:
    """The townships whose robots the user sets: where they may change records."""
    scope = scope_for(request.user)
    regions = Region.objects.visible_to(request.user).townships()
    if not scope.everything:
        regions = regions.filter(prefix_q("code", scope.areas(Right.EDIT)))
    return regions.order_by("code")


def _require_staff(request: HttpRequest) -> None:
    if not scope_for(request.user).anywhere(Right.EDIT):
        raise PermissionDenied(_("Only the township's staff set its group robots."))


def _channels(request: HttpRequest) -> Any:
    return TownshipChannel.objects.editable_by(request.user).select_related("township")


class ChannelListView(LoginRequiredMixin, View):
    """The group robots of the user's townships, a form to add one, the latest messages."""

    template_name = "work/robots.html"

    def get(self, request: HttpRequest, form: ChannelForm | None = None) -> HttpResponse:
        _require_staff(request)
        townships = _townships(request)
        if form is None:
            initial = {"township": townships[0]} if len(townships) == 1 else {}
            form = ChannelForm(townships=townships, initial=initial)
        channels = list(_channels(request))
        for channel in channels:
            channel.masked_url = robots.mask(channel.webhook_url)
        deliveries = WebhookDelivery.objects.editable_by(request.user).select_related("channel")
        return render(
            request,
            self.template_name,
            {
                "channels": channels,
                "form": form,
                "deliveries": deliveries[:PER_PAGE],
                "sent": DeliveryState.SENT,
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        _require_staff(request)
        form = ChannelForm(request.POST, townships=_townships(request))
        if form.is_valid():
            try:
                services.channel_save(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The group robot is saved."))
                return redirect("work:robots")
        return self.get(request, form=form)


class ChannelEditView(LoginRequiredMixin, View):
    """Change a robot (the address and secret are kept unless typed again)."""

    template_name = "work/robot_form.html"

    def _form(self, request: HttpRequest, channel: TownshipChannel, data: Any = None) -> Any:
        initial = {
            "township": channel.township,
            "kind": channel.kind,
            "name": channel.name,
            "enabled": channel.enabled,
        }
        return ChannelForm(data, townships=_townships(request), initial=initial, editing=True)

    def _page(self, request: HttpRequest, channel: TownshipChannel, form: Any) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "channel": channel,
                "form": form,
                "masked_url": robots.mask(channel.webhook_url),
                "has_secret": bool(channel.secret),
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        channel = get_object_or_404(_channels(request), pk=pk)
        return self._page(request, channel, self._form(request, channel))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        channel = get_object_or_404(_channels(request), pk=pk)
        form = self._form(request, channel, request.POST)
        if form.is_valid():
            try:
                services.channel_save(actor=request.user, channel=channel, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The group robot is saved."))
                return redirect("work:robots")
        return self._page(request, channel, form)


class ChannelTestView(LoginRequiredMixin, View):
    """POST: send a test message now and say how it went."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        channel = get_object_or_404(_channels(request), pk=pk)
        delivery = services.channel_test(actor=request.user, channel=channel)
        if delivery.state == DeliveryState.SENT:
            messages.success(request, _("The robot received the test message."))
        else:
            messages.error(
                request,
                _("The test message was not delivered: %(error)s")
                % {"error": delivery.last_error or delivery.response_code},
            )
        return redirect("work:robots")
