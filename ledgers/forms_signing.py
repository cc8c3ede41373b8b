"""Forms of the signing day (联签), the quarter's financial review meeting (财务报审会) and the
village's own signing day; they validate input, the services write."""

from django import forms
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from cadres.models import Post
from core.forms import CleanForm

from .models import Voucher
from .selectors.disclosure import supervisors_on
from .selectors.signing import committee_posts_on, unsigned_drafts
from .services.decisions import money

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = {"min_value": 0, "max_value": 100000}


class PostChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.cadre.name} · {obj.get_kind_display()}"


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.cadre.name} · {obj.get_kind_display()}"


class VoucherChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_number} {obj.date:%Y-%m-%d} {obj.summary} ({money(obj.total or 0)})"


class SigningForm(CleanForm):
    """A signing day: the members who signed and the vouchers, among those of `village` on
    the date (the choices follow the date the form carries)."""

    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    posts = PostChoiceField(
        label=_("Members of the two committees who signed"),
        queryset=Post.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    vouchers = VoucherChoiceField(
        label=_("Vouchers signed"),
        queryset=Voucher.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reviewer = ReviewerField(
        label=_("Reviewed by (supervision committee)"), queryset=Post.objects.none()
    )
    review_opinion = forms.CharField(
        label=_("Supervision committee's opinion"), widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, village, on, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = committee_posts_on(village, on)  # type: ignore[attr-defined]
        drafts = unsigned_drafts(Voucher.objects.filter(village=village, date__lte=on))
        self.fields["vouchers"].queryset = drafts.annotate(  # type: ignore[attr-defined]
            total=Sum("lines__debit")
        ).order_by("date", "number")
        self.fields["reviewer"].queryset = supervisors_on(village, on)  # type: ignore[attr-defined]


class FinancialReviewForm(CleanForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(1, _("First quarter")), (2, _("Second quarter"))]
        + [(3, _("Third quarter")), (4, _("Fourth quarter"))],
    )
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    representatives = forms.IntegerField(label=_("Villager representatives"), **COUNT)
    present = forms.IntegerField(label=_("Present"), **COUNT)
    approved = forms.BooleanField(label=_("Approved"), required=False)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
