"""Forms of 定期公开: generating a statement, answering a question, a villager's question."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Post
from core.forms import CleanForm

from .choices import DisclosureKind


class DisclosureGenerateForm(CleanForm):
    """The period of a statement: a month (1–12) or a quarter (1–4) of a year."""

    kind = forms.ChoiceField(
        label=_("Period"), choices=DisclosureKind.choices, initial=DisclosureKind.QUARTER
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Month or quarter"), min_value=1, max_value=12)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["number"].initial = (today.month - 1) // 3 + 1


class AnswerForm(CleanForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class HideQuestionForm(CleanForm):
    hidden_reason = forms.CharField(
        label=_("Reason for hiding"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReceiptForm(CleanForm):
    """A receipt number as a villager types it: the case does not matter."""

    receipt = forms.RegexField(
        label=_("Receipt number"),
        regex=r"^[2-9A-HJKMNP-Za-hjkmnp-z]{10}$",
        strip=True,
        max_length=20,
        error_messages={"invalid": _("A receipt number has 10 letters and digits.")},
    )

    def clean_receipt(self):
        return self.cleaned_data["receipt"].upper()


class PublicQuestionForm(CleanForm):
    """A villager's question; `website` is a honeypot that people never see nor fill."""

    name = forms.CharField(
        label=_("Your name (optional, seen by the township only)"), max_length=30, required=False
    )
    phone = forms.CharField(
        label=_("Phone (optional, never published)"), max_length=20, required=False
    )
    question = forms.CharField(
        label=_("Your question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class ReviewForm(CleanForm):
    """The village affairs supervision committee's opinion on a statement and who signed it;
    `posts` offers the committee's members who sat during or after the period (the service
    checks each sat on the review's date)."""

    opinion = forms.CharField(
        label=_("The committee's opinion"), widget=forms.Textarea(attrs={"rows": 3})
    )
    reviewed_on = forms.DateField(
        label=_("Reviewed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("Members who signed"),
        queryset=Post.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()
        if posts is not None:
            self.fields["posts"].queryset = posts
        self.fields["posts"].label_from_instance = lambda p: (
            f"{p.cadre.name}（{p.get_kind_display()}）"
        )
