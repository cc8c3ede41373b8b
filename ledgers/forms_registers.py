"""Forms of the register pages: assets and their movements, resources, contracts, payments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm, CleanModelForm

from .choices import AssetMovementKind, DecisionKind, ResourceStatus
from .forms import DATE
from .forms_decisions import decision_field, limit_decisions
from .models import Asset, Resource, ResourceContract, Voucher
from .services import ASSET_TRANSITIONS

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class AssetForm(CleanModelForm):
    """Register an asset (the service records its acquisition)."""

    class Meta:
        model = Asset
        fields = [
            "category",
            "name",
            "quantity",
            "unit",
            "original_value",
            "acquired_on",
            "funding_source",
            "location",
            "custodian",
            "notes",
        ]
        widgets = {"acquired_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class AssetMoveForm(CleanForm):
    """One movement of an asset: lease, return, transfer, idle, disposal, write-off."""

    kind = forms.ChoiceField(
        label=_("Movement"),
        choices=[(k, v) for k, v in AssetMovementKind.choices if k in ASSET_TRANSITIONS],
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    counterparty = forms.CharField(label=_("Counterparty"), max_length=100, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, initial=0, **AMOUNT)
    decision = decision_field()
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_decisions(self, village, DecisionKind.DISPOSAL)


class ResourceForm(CleanModelForm):
    """The facts of a resource; its status is set only when registering (idle or self-run)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ResourceStatus.IDLE, ResourceStatus.IDLE.label),
            (ResourceStatus.SELF_OPERATED, ResourceStatus.SELF_OPERATED.label),
        ],
    )

    class Meta:
        model = Resource
        fields = [
            "land_kind",
            "name",
            "area_mu",
            "status",
            "location",
            "east",
            "south",
            "west",
            "north",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_mu"].min_value = None  # the service explains a non-positive area
        if editing:
            del self.fields["status"]


class ContractForm(CleanModelForm):
    """Sign a contract for a resource: contracted out (发包) or leased."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ResourceStatus.CONTRACTED, ResourceStatus.CONTRACTED.label),
            (ResourceStatus.LEASED, ResourceStatus.LEASED.label),
        ],
    )

    decision = decision_field()

    class Meta:
        model = ResourceContract
        fields = ["kind", "party", "start_date", "end_date", "annual_fee", "schedule", "notes"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_decisions(self, village, DecisionKind.CONTRACT)

    def _post_clean(self):
        # The service validates the contract (overlap, dates); skip the model's own checks.
        pass


class PaymentForm(CleanForm):
    """A fee received; a negative amount corrects an earlier payment."""

    amount = forms.DecimalField(label=_("Amount (yuan)"), **AMOUNT)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    voucher = forms.ModelChoiceField(
        label=_("Voucher"), queryset=Voucher.objects.none(), required=False
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, vouchers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vouchers is not None:
            self.fields["voucher"].queryset = vouchers


class TerminateForm(CleanForm):
    date = forms.DateField(label=_("Terminated on"), widget=DATE)
    notes = forms.CharField(label=_("Reason"), max_length=200, required=False)
