"""Forms of the administrative tree; they validate input, services do the writing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm, CleanModelForm

from .models import ContactAssignment, Village
from .templatetags.cunjian import person_name


class VillageForm(CleanModelForm):
    class Meta:
        model = Village
        fields = [
            "name",
            "households",
            "population",
            "party_members",
            "collective_income",
            "is_backward",
            "supervision_phone",
            "signing_day",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class VillageCreateForm(VillageForm):
    class Meta(VillageForm.Meta):
        fields = ["township", "code", *VillageForm.Meta.fields]

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships


class ContactAssignmentForm(CleanModelForm):
    class Meta:
        model = ContactAssignment
        fields = ["cadre", "start_date", "notes"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = candidates
        self.fields["cadre"].label_from_instance = lambda u: f"{person_name(u)}（{u.username}）"
        self.fields["start_date"].initial = timezone.localdate()


class ContactAssignmentEndForm(CleanForm):
    end_date = forms.DateField(
        label=_("end date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class TreeImportForm(CleanForm):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    update = forms.BooleanField(
        label=_("Update existing townships and villages"),
        required=False,
        help_text=_(
            "Without it, a row whose code exists already and differs from the database is "
            "refused. Empty cells never change a stored value."
        ),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f


class ChangeLogFilterForm(CleanForm):
    """Filters of the change log: what kind of record, which action, who, when, where."""

    model = forms.ChoiceField(label=_("Record type"), required=False)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[
            ("", _("All")),
            ("insert", _("Created")),
            ("update", _("Changed")),
            ("delete", _("Deleted")),
            ("personal_data_viewed", _("Viewed personal data")),
            ("duplicate_id_number", _("ID number registered again")),
        ],
    )
    user = forms.CharField(label=_("Account"), required=False, max_length=150)
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)
    area = forms.RegexField(
        label=_("Area code"),
        required=False,
        regex=r"^\d{1,12}$",
        error_messages={"invalid": _("An area code consists of digits only.")},
    )

    def __init__(self, *args, **kwargs):
        from .selectors import audited_models

        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All")), *audited_models()]

    def filters(self):
        """The valid filters as the change-log selector takes them."""
        from .changelog import ChangeLogFilters, account_ids_named

        data = self.cleaned_data if self.is_valid() else {}
        return ChangeLogFilters(
            model=data.get("model") or "",
            action=data.get("action") or "",
            account_ids=account_ids_named(data["user"]) if data.get("user") else None,
            since=data.get("since"),
            until=data.get("until"),
            area=data.get("area") or "",
        )


class RegionSetupForm(CleanForm):
    """The county to set up: its official code (6 or 12 digits) or its name."""

    code = forms.CharField(
        label=_("County code or name"),
        max_length=40,
        help_text=_(
            "The official code of the county (e.g. 370830 or 370830000000) or its name as the "
            "official list writes it (e.g. 汶上县). Its city and province are created with it."
        ),
    )
    county_name = forms.CharField(
        label=_("County name"),
        max_length=50,
        required=False,
        help_text=_("Only for a county the bundled official list does not know yet."),
    )


class StaffImportForm(CleanForm):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return f
