"""Forms of the ledger pages: vouchers with their lines, the verification, closing a month."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm

from .forms_decisions import decision_field, limit_decisions
from .models import Account

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0, "required": False}
MIN_ROWS = 4


def usable_accounts(village):
    """The accounts a village posts to: the official chart and its county's sub-accounts."""
    return Account.objects.usable_in(village.code[:6]).order_by("code")


class PeriodForm(CleanForm):
    """`?start=&end=` of a report; the current year when not given."""

    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
        if self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        return start, end


class VoucherForm(CleanForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    attachments = forms.IntegerField(label=_("Attachments"), min_value=0, initial=0)

    def __init__(self, *args, village=None, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker of 四议两公开: the village's decisions with something left (and the one
        # a draft already cites, even if it has nothing left: posting will say so).
        self.fields["decision"] = decision_field()
        limit_decisions(self, village, include=current)


class AmountRowForm(CleanForm):
    """One account with a debit or a credit; a row left empty is ignored."""

    account = forms.ModelChoiceField(
        label=_("Ledger account"), queryset=Account.objects.none(), required=False
    )
    debit = forms.DecimalField(label=_("Debit"), **MONEY)
    credit = forms.DecimalField(label=_("Credit"), **MONEY)

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        if accounts is not None:
            self.fields["account"].queryset = accounts

    def clean(self):
        data = super().clean()
        filled = any(v not in (None, "") for k, v in data.items() if k != "account")
        if filled and not data.get("account"):
            self.add_error("account", _("Choose the account of this row."))
        return data

    def row(self) -> dict | None:
        data = getattr(self, "cleaned_data", None)
        if not data or not data.get("account"):
            return None
        return {k: v for k, v in data.items() if v not in (None, "")}


class VoucherLineForm(AmountRowForm):
    counterparty = forms.CharField(label=_("Counterparty"), max_length=100, required=False)


class BaseRowFormSet(forms.BaseFormSet):
    """The rows filled in, in order; blank rows are dropped."""

    def rows(self) -> list[dict]:
        return [row for f in self.forms if (row := f.row()) is not None]


VoucherLineFormSet = forms.formset_factory(VoucherLineForm, formset=BaseRowFormSet, extra=0)
OpeningBalanceFormSet = forms.formset_factory(AmountRowForm, formset=BaseRowFormSet, extra=0)


def padded(rows: list[dict], blank: int = 2) -> list[dict]:
    """Initial rows plus blank ones: at least MIN_ROWS rows on the form."""
    return rows + [{}] * max(blank, MIN_ROWS - len(rows))


class ReverseForm(CleanForm):
    date = forms.DateField(label=_("Date of the reversal"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=150)


class VerificationStartForm(CleanForm):
    as_of = forms.DateField(label=_("As of"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))


class PeriodCloseForm(CleanForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
