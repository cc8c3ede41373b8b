"""Forms of 四议两公开: a decision, the meeting of its next step, its two publications, the
county's policy, and the decision picker the voucher, contract and asset forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm

from .choices import ENFORCED_KINDS, Assembly, DecisionKind
from .models import Decision
from .selectors.decisions import decisions_with_remaining, usable_decisions
from .services.decisions import money

COUNT = {"min_value": 0, "max_value": 100000}
# The voucher form (ledgers.forms) uses the picker below: the date widget is its own here.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecisionChoiceField(forms.ModelChoiceField):
    """A decision of the village with what it has left: 议-2026-001 道路硬化（余 15,000.00 元）."""

    def label_from_instance(self, obj):
        left = getattr(obj, "remaining", None)
        if left is None:
            return str(obj)
        return _("%(d)s (%(left)s yuan left)") % {"d": obj, "left": money(left)}


def decision_field(**extra) -> DecisionChoiceField:
    return DecisionChoiceField(
        label=_("Decision (四议两公开)"),
        queryset=Decision.objects.none(),
        required=False,
        help_text=_(
            "Above the county's threshold, cite the decision passed and made public that this "
            "spends under."
        ),
        **extra,
    )


def limit_decisions(
    form: forms.BaseForm, village, kind: str | None = None, include: Decision | None = None
) -> None:
    """Offer only the village's usable decisions (a decision outside them is not valid), and
    `include` (the one a draft cites already)."""
    if village is None:
        return
    field = form.fields["decision"]
    assert isinstance(field, forms.ModelChoiceField)
    qs = usable_decisions(village, kind)
    if include is not None:
        ids = [*qs.values_list("pk", flat=True), include.pk]
        qs = decisions_with_remaining(Decision.objects.filter(pk__in=ids)).order_by("-pk")
    field.queryset = qs


class DecisionForm(CleanForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of matter"), choices=DecisionKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_digits=16, decimal_places=2
    )
    attachments = forms.IntegerField(label=_("Attachments"), min_value=0, initial=0)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionStepForm(CleanForm):
    """The meeting of the decision's next step; `assembly` only for the fourth."""

    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    assembly = forms.ChoiceField(
        label=_("Meeting that resolves"), choices=Assembly.choices, required=False
    )
    entitled = forms.IntegerField(label=_("Entitled to attend"), **COUNT)
    present = forms.IntegerField(label=_("Present"), **COUNT)
    votes_for = forms.IntegerField(label=_("Votes for"), **COUNT)
    votes_against = forms.IntegerField(label=_("Votes against"), initial=0, **COUNT)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), initial=0, **COUNT)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, resolution=False, **kwargs):
        super().__init__(*args, **kwargs)
        if resolution:
            self.fields["assembly"].required = True
        else:
            del self.fields["assembly"]


class PublicationForm(CleanForm):
    """A publication; the result's, while the implementation's end is not recorded, asks for
    it (empty: the day of the publication)."""

    published_on = forms.DateField(label=_("Made public on"), widget=DATE)
    text = forms.CharField(label=_("Text made public"), widget=forms.Textarea(attrs={"rows": 3}))
    implemented_on = forms.DateField(
        label=_("Implementation completed on"), widget=DATE, required=False
    )

    def __init__(self, *args, implementation=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not implementation:
            del self.fields["implemented_on"]


class ImplementationForm(CleanForm):
    implemented_on = forms.DateField(label=_("Implementation completed on"), widget=DATE)


class DecisionPolicyForm(CleanForm):
    enabled = forms.BooleanField(label=_("In force"), required=False)
    threshold = forms.DecimalField(
        label=_("A decision is needed above (yuan)"), min_value=0, max_digits=16, decimal_places=2
    )
    kinds = forms.MultipleChoiceField(
        label=_("Records that need a decision"),
        choices=[(str(k), k.label) for k in ENFORCED_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Use of funds: vouchers; contract: resource contracts; disposal or lease: the "
            "asset register."
        ),
    )
    result_due_days = forms.IntegerField(
        label=_("Result made public within (days after the implementation)"),
        min_value=1,
        max_value=365,
        initial=30,
        required=False,  # empty: unchanged
        help_text=_(
            "A decision implemented whose result is not made public within these days raises "
            "the village's warning."
        ),
    )
    statements_need_review = forms.BooleanField(
        label=_("Statements need the supervision committee's review"),
        required=False,
        help_text=_(
            "On: a disclosure statement is published only with the village affairs "
            "supervision committee's opinion, signed by more than half of its members."
        ),
    )
    signing_day = forms.IntegerField(
        label=_("Signing day of the month"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_(
            "联签: the day each month the two committees sign the vouchers together (a "
            "village may set its own). In a shorter month, its last day."
        ),
    )
    posting_needs_signing = forms.BooleanField(
        label=_("Posting waits for the signing day (联签)"),
        required=False,
        help_text=_(
            "On: the township posts a voucher only once more than half of the two committees "
            "signed it and the supervision committee reviewed it."
        ),
    )
