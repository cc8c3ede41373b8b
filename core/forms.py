"""The base classes of every form: text fields refuse control characters (core.validators)."""

from __future__ import annotations

from django import forms

from .validators import guard_text_fields


class CleanTextFormMixin:
    """Checks every text field for control characters, including fields added in __init__."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        guard_text_fields(self.fields)
        super().full_clean()  # type: ignore[misc]


class CleanForm(CleanTextFormMixin, forms.Form):
    pass


class CleanModelForm(CleanTextFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass
