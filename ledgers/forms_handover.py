"""Forms of the handover (换届交接) and audit (定期审计) pages, and their list filters."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.filters import YearFilter
from core.forms import CleanForm

from .choices import AuditKind, FindingCategory, FindingStatus, HandoverState
from .models import AuditRecord, Handover

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class HandoverFilterSet(AreaFilterMixin):
    """Handovers by township/village code, state and a search over the cadres' names."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    state = django_filters.ChoiceFilter(choices=HandoverState.choices, label=_("State"))
    ordering = django_filters.OrderingFilter(
        fields=(("as_of", "as_of"), ("area_code", "village")), label=_("Sort by")
    )

    class Meta:
        model = Handover
        fields = ["q", "township", "village", "state"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(ended_post__cadre__name__icontains=value)
            | Q(incoming__name__icontains=value)
            | Q(village__name__icontains=value)
        )


class AuditRecordFilterSet(AreaFilterMixin):
    """Audits by township/village code, kind and year of the audited period's end."""

    kind = django_filters.ChoiceFilter(choices=AuditKind.choices, label=_("Kind"))
    year = YearFilter(field_name="period_end", lookup_expr="year", label=_("Year"))
    ordering = django_filters.OrderingFilter(
        fields=(("period_end", "period_end"), ("area_code", "village")), label=_("Sort by")
    )

    class Meta:
        model = AuditRecord
        fields = ["township", "village", "kind", "year"]


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class HandoverStartForm(CleanForm):
    as_of = forms.DateField(
        label=_("As of"),
        widget=DATE,
        required=False,
        help_text=_("The books are frozen as of this date; the post's end date if left empty."),
    )
    incoming = CadreChoiceField(label=_("Incoming cadre"), queryset=None, required=False)

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incoming"].queryset = cadres


class HandoverCountForm(CleanForm):
    cash_counted = forms.DecimalField(label=_("Cash counted (yuan)"), **MONEY)
    bank_counted = forms.DecimalField(label=_("Bank balance confirmed (yuan)"), **MONEY)
    differences = forms.CharField(
        label=_("Differences and their explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    documents = forms.CharField(
        label=_("Documents handed over"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Books, vouchers, contracts, seals ... one per line."),
    )
    incoming = CadreChoiceField(label=_("Incoming cadre"), queryset=None, required=False)

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incoming"].queryset = cadres


class HandoverSignForm(CleanForm):
    on = forms.DateField(label=_("Signed on"), widget=DATE)
    supervisor = forms.CharField(label=_("Supervisor's name"), max_length=30, required=False)


class AuditRecordForm(CleanForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AuditKind.choices)
    auditor = forms.CharField(label=_("Auditor"), max_length=100)
    period_start = forms.DateField(label=_("Audited from"), widget=DATE)
    period_end = forms.DateField(label=_("Audited to"), widget=DATE)
    leaving_post = forms.ModelChoiceField(
        label=_("Post left (for an audit on leaving office)"), queryset=None, required=False
    )

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaving_post"].queryset = posts
        self.fields["leaving_post"].label_from_instance = lambda p: (
            f"{p.cadre.name} · {p.get_kind_display()} · {p.start_date:%Y-%m-%d}"
            + (f"–{p.end_date:%Y-%m-%d}" if p.end_date else "")
        )


class AuditReportForm(CleanForm):
    report_date = forms.DateField(label=_("Report date"), widget=DATE)
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(CleanForm):
    category = forms.ChoiceField(label=_("Category"), choices=FindingCategory.choices)
    description = forms.CharField(
        label=_("What the audit found"), widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.DecimalField(label=_("Amount involved (yuan)"), required=False, **MONEY)


class FindingStatusForm(CleanForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in FindingStatus.choices if c[0] != FindingStatus.OPEN],
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DATE, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)
