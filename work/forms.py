"""Forms of the notification pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm
from villages.models import Region

from .choices import ChannelKind


class ChannelForm(CleanForm):
    """A township's group robot. The address and the secret are never shown back: left empty
    on a change, the stored ones are kept."""

    township = forms.ModelChoiceField(label=_("township"), queryset=Region.objects.none())
    kind = forms.ChoiceField(label=_("robot"), choices=ChannelKind.choices)
    name = forms.CharField(
        label=_("name"), max_length=60, help_text=_("The group's name, e.g. the office's group.")
    )
    webhook_url = forms.CharField(
        label=_("webhook address"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Copied from the robot's settings in the group."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("DingTalk robots with 加签 only (SEC...)."),
    )
    enabled = forms.BooleanField(label=_("enabled"), required=False, initial=True)

    def __init__(self, *args: Any, townships: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships  # type: ignore[attr-defined]
        if editing:
            keep = _("Leave empty to keep the stored one.")
            self.fields["webhook_url"].help_text = keep
            self.fields["secret"].help_text = keep


class PreferenceForm(CleanForm):
    email = forms.BooleanField(label=_("Also send my notifications by e-mail"), required=False)
