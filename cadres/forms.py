"""Forms of the cadres app (people, posts, term changes); they validate input, services write.

The forms of certificates, pledges and advised resignations live in `forms_pledges.py`.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm, CleanModelForm

from .choices import EndReason, PostKind
from .identity import normalize_id_number, validate_id_number
from .models import Cadre

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PHONE_RE = re.compile(r"^\+?[0-9][0-9\-]{5,18}[0-9]$")


def cadre_label(cadre: Cadre, village=None) -> str:
    """How a person is named in a select: name, birth year, and the village if it is another
    one (two people of the same name in one village are common)."""
    year = cadre.birth_date.year if cadre.birth_date else "?"
    if village is not None and cadre.village_id != village.pk:
        return _("%(name)s (%(village)s, born %(year)s)") % {
            "name": cadre.name,
            "village": cadre.village.name,
            "year": year,
        }
    return _("%(name)s (born %(year)s)") % {"name": cadre.name, "year": year}


class CadreForm(CleanModelForm):
    """Correct a person's data. The ID number and phone are never shown in full here: they are
    changed by typing new values, and left as they are when the fields stay empty."""

    id_number = forms.CharField(
        label=_("resident ID number"),
        required=False,
        max_length=25,
        help_text=_("Leave empty to keep the current number."),
    )
    phone = forms.CharField(
        label=_("phone"),
        required=False,
        max_length=20,
        help_text=_("Leave empty to keep the current number."),
    )

    field_order = [
        "village",
        "name",
        "id_number",
        "phone",
        "is_party_member",
        "party_joined_on",
        "education",
        "notes",
    ]

    class Meta:
        model = Cadre
        fields = ["name", "is_party_member", "party_joined_on", "education", "notes"]
        labels = {"name": _("Full name")}
        widgets = {"party_joined_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")
        self.fields["phone"].widget.attrs.update(autocomplete="off", inputmode="tel")
        if self.instance.pk:
            self.fields["id_number"].widget.attrs["placeholder"] = self.instance.masked_id_number
            self.fields["phone"].widget.attrs["placeholder"] = self.instance.masked_phone

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

    def service_fields(self) -> dict:
        """The cleaned data as the service takes it; empty ID number and phone mean 'keep'."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "village"}
        for name in ("id_number", "phone"):
            if not data.get(name):
                data.pop(name, None)
        if "id_number" in data and data["id_number"] != self.instance.id_number:
            # Birth date and gender follow a corrected ID number.
            data.update(birth_date=None, gender="")
        return data


class CadreCreateForm(CadreForm):
    """Register a person in one of the villages the user manages."""

    village = forms.ModelChoiceField(
        label=_("village"), queryset=None, to_field_name="code", empty_label=None
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.township.name} · {v.name}"
        self.fields["id_number"].required = True
        self.fields["id_number"].help_text = _(
            "18 characters; the birth date and gender are taken from it."
        )
        self.fields["phone"].help_text = ""

    def service_fields(self) -> dict:
        data = super().service_fields()
        data["village"] = self.cleaned_data["village"]
        return data


class PostForm(CleanForm):
    """Appoint a person to a post outside a term change."""

    cadre = forms.ModelChoiceField(label=_("cadre"), queryset=None)
    kind = forms.ChoiceField(label=_("post"), choices=PostKind.choices)
    start_date = forms.DateField(label=_("start date"), widget=DATE, initial=timezone.localdate)
    term_ends = forms.DateField(
        label=_("term ends"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty for five years from the start date."),
    )
    notes = forms.CharField(label=_("notes"), max_length=200, required=False)

    def __init__(self, *args, candidates, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = candidates
        self.fields["cadre"].label_from_instance = lambda c: cadre_label(c, village)

    def clean(self):
        data = super().clean()
        start, ends = data.get("start_date"), data.get("term_ends")
        if start and ends and ends <= start:
            self.add_error("term_ends", _("The term ends after it starts."))
        return data


class PostEndForm(CleanForm):
    """End a post; an advised resignation (劝辞) ends it through its own procedure instead."""

    end_date = forms.DateField(label=_("end date"), widget=DATE, initial=timezone.localdate)
    end_reason = forms.ChoiceField(
        label=_("end reason"),
        choices=[("", "---------")]
        + [(v, label) for v, label in EndReason.choices if v != EndReason.ADVISED],
    )


class TermChangeForm(CleanForm):
    """换届: the day of the election and its notes; the elected posts come in a formset."""

    held_on = forms.DateField(label=_("held on"), widget=DATE)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ElectedPostForm(CleanForm):
    """One elected post of a term change; a row left empty is ignored."""

    cadre = forms.ModelChoiceField(label=_("cadre"), queryset=None, required=False)
    kind = forms.ChoiceField(
        label=_("post"), choices=[("", "---------"), *PostKind.choices], required=False
    )
    term_ends = forms.DateField(label=_("term ends"), widget=DATE, required=False)

    def __init__(self, *args, candidates, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = candidates
        self.fields["cadre"].label_from_instance = lambda c: cadre_label(c, village)

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("cadre") or data.get("kind") or data.get("term_ends"))

    def clean(self):
        data = super().clean()
        if not (data.get("cadre") or data.get("kind") or data.get("term_ends")):
            return data
        if not data.get("cadre"):
            self.add_error("cadre", _("Choose the person."))
        if not data.get("kind"):
            self.add_error("kind", _("Choose the post."))
        return data


class BaseElectedPostFormSet(forms.BaseFormSet):
    """The rows of a term change: at least one filled in."""

    def clean(self):
        if any(self.errors):
            return
        if all(f.is_blank for f in self.forms):
            raise ValidationError(_("List at least one elected post."))

    def new_posts(self) -> list[dict]:
        """The filled rows as the service takes them."""
        return [
            {
                "cadre": f.cleaned_data["cadre"],
                "kind": f.cleaned_data["kind"],
                "term_ends": f.cleaned_data.get("term_ends"),
            }
            for f in self.forms
            if not f.is_blank
        ]


ElectedPostFormSet = forms.formset_factory(
    ElectedPostForm, formset=BaseElectedPostFormSet, extra=0, max_num=30, absolute_max=30
)
