"""Forms of 在岗/驻村 (recording a visit from the phone), and the list filter of the visits."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.forms import CleanForm
from villages.filtersets import SearchFilter

from .choices import HALF_DAYS_A_DAY, PHOTO_TYPES
from .models import PresenceVisit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PresenceVisitFilterSet(AreaFilterMixin):
    """Visits by township or village, by person, by date range, by village name."""

    q = SearchFilter(fields=("village__name", "area_code", "work_done"), label=_("Village"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    ordering = django_filters.OrderingFilter(
        fields=(("date", "date"), ("area_code", "village"), ("half_days", "half_days")),
        label=_("Sort by"),
    )

    class Meta:
        model = PresenceVisit
        fields = ["q", "township", "village", "person", "date_from", "date_to"]


class PresenceVisitForm(CleanForm):
    """A visit as the phone sends it; the location comes from the browser's geolocation (the
    page fills the two hidden fields when the person allows it)."""

    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    date = forms.DateField(label=_("Day in the village"), widget=DATE)
    half_days = forms.TypedChoiceField(
        label=_("Half days"),
        choices=[(n, n) for n in range(1, HALF_DAYS_A_DAY + 1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    work_done = forms.CharField(
        label=_("Work done in the village"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(PHOTO_TYPES.values()), "capture": "environment"}
        ),
    )
    latitude = forms.DecimalField(
        required=False, min_value=-90, max_value=90, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, min_value=-180, max_value=180, decimal_places=6, widget=forms.HiddenInput
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: v.name
        self.fields["half_days"].label_suffix = ""

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(None, _("Give both coordinates of the location, or neither."))
        return data
