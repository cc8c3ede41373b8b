"""Forms of the cadre pipeline: reserve candidates and trainings; they validate input, services
write."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import CleanForm

from .choices import RESERVE_POSTS, Education
from .forms import DATE, PHONE_RE, cadre_label
from .identity import normalize_id_number, validate_id_number

RESERVE_POST_CHOICES = [(k.value, k.label) for k in RESERVE_POSTS]


class ReserveCreateForm(CleanForm):
    """Name a reserve candidate: a person of the village, or a new person typed in here."""

    post = forms.ChoiceField(label=_("reserve for the post of"), choices=RESERVE_POST_CHOICES)
    cadre = forms.ModelChoiceField(
        label=_("person already registered"),
        queryset=None,
        required=False,
        empty_label=_("— a new person —"),
    )
    name = forms.CharField(label=_("Full name"), max_length=30, required=False)
    id_number = forms.CharField(label=_("resident ID number"), max_length=25, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    education = forms.ChoiceField(
        label=_("education"), choices=[("", "—"), *Education.choices], required=False
    )
    is_party_member = forms.BooleanField(label=_("party member"), required=False)
    since = forms.DateField(label=_("reserve since"), widget=DATE, initial=today)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, village, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.village = village
        self.fields["cadre"].queryset = people
        self.fields["cadre"].label_from_instance = lambda c: cadre_label(c, village)
        self.fields["id_number"].widget.attrs.update(autocomplete="off")
        self.fields["phone"].widget.attrs.update(autocomplete="off", inputmode="tel")

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number", ""))
        if value:
            validate_id_number(value)
        return value

    def clean_phone(self):
        value = re.sub(r"[\s()（）]", "", self.cleaned_data.get("phone", ""))
        if value and not PHONE_RE.match(value):
            raise ValidationError(
                _("Enter a mobile number (11 digits) or a landline such as 0537-7212345.")
            )
        return value

    def clean(self):
        data = super().clean()
        if not data.get("cadre"):
            for name in ("name", "id_number"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for a new person."))
        return data

    def service_fields(self) -> dict:
        """The cleaned data as reserve_add takes it."""
        data = self.cleaned_data
        fields = {
            "post": data["post"],
            "since": data["since"],
            "notes": data["notes"],
            "cadre": data["cadre"],
        }
        if data["cadre"] is None:
            fields["person"] = {
                "name": data["name"],
                "id_number": data["id_number"],
                "phone": data["phone"],
                "education": data["education"],
                "is_party_member": data["is_party_member"],
            }
        return fields


class ReserveUpdateForm(CleanForm):
    since = forms.DateField(label=_("reserve since"), widget=DATE)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea({"rows": 2}))


class ReserveWithdrawForm(CleanForm):
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=DATE, initial=today)
    reason = forms.CharField(
        label=_("reason for withdrawal"), widget=forms.Textarea({"rows": 2}), max_length=500
    )


class TrainingForm(CleanForm):
    course = forms.CharField(label=_("course"), max_length=100)
    organizer = forms.CharField(label=_("organized by"), max_length=100, required=False)
    start_date = forms.DateField(label=_("start date"), widget=DATE)
    end_date = forms.DateField(label=_("end date"), widget=DATE)
    hours = forms.DecimalField(
        label=_("hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.5")
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea({"rows": 2}))


__all__ = [
    "RESERVE_POST_CHOICES",
    "ReserveCreateForm",
    "ReserveUpdateForm",
    "ReserveWithdrawForm",
    "TrainingForm",
]
