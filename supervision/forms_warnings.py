"""The form of the warning board: acknowledging a warning (who and when are recorded)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm


class WarningAcknowledgeForm(CleanForm):
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_(
            "What has been done or asked for, e.g. the township has talked to the secretary."
        ),
    )
