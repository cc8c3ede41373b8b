"""Forms of the yearly 述职评议, the county's pipeline norms and the training corrections;
they validate input, services write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.forms import CleanForm

from .choices import AppraisalGrade
from .forms import DATE, cadre_label
from .forms_pipeline import TrainingForm

SCORE_FIELD = {"max_digits": 4, "decimal_places": 1, "min_value": 0, "max_value": 100}


class AppraisalFieldsForm(CleanForm):
    """The report, and the township's appraisal of it (may be left for later in a draft)."""

    report_date = forms.DateField(label=_("date of the report"), widget=DATE, initial=today)
    report_summary = forms.CharField(
        label=_("summary of the report"), max_length=4000, widget=forms.Textarea({"rows": 4})
    )
    appraised_on = forms.DateField(label=_("date of the appraisal"), widget=DATE, required=False)
    grade = forms.ChoiceField(
        label=_("grade"), choices=[("", "—"), *AppraisalGrade.choices], required=False
    )
    score = forms.DecimalField(label=_("score"), required=False, **SCORE_FIELD)
    appraisers = forms.CharField(
        label=_("appraised by"),
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("The township party committee's members who appraised, one per line."),
    )
    comment = forms.CharField(
        label=_("the township's comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )


class AppraisalCreateForm(AppraisalFieldsForm):
    """Record a secretary's yearly report: the secretary's post, the year, then the rest."""

    post = forms.ModelChoiceField(label=_("secretary"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2999)

    field_order = ["post", "year"]

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts
        self.fields["post"].label_from_instance = lambda p: (
            f"{cadre_label(p.cadre)} · {p.get_kind_display()}"
        )
        self.fields["year"].initial = today().year


class AppraisalCorrectForm(CleanForm):
    reason = forms.CharField(
        label=_("reason of the correction"), max_length=1000, widget=forms.Textarea({"rows": 3})
    )


class PipelinePolicyForm(CleanForm):
    per_post = forms.IntegerField(
        label=_("reserve candidates per key post in ordinary villages"),
        min_value=0,
        max_value=10,
        help_text=_("Backward villages always keep two (1∶2), or this figure if it is higher."),
    )
    share_threshold = forms.DecimalField(
        label=_("yellow card above this share of villages graded poor (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    count_mediocre = forms.BooleanField(
        label=_("count villages graded mediocre as failing too"), required=False
    )


class TrainingEditForm(TrainingForm):
    reason = forms.CharField(
        label=_("reason for the change"), max_length=500, widget=forms.Textarea({"rows": 2})
    )


class TrainingDeleteForm(CleanForm):
    reason = forms.CharField(
        label=_("reason for deleting"), max_length=500, widget=forms.Textarea({"rows": 2})
    )


__all__ = [
    "AppraisalCorrectForm",
    "AppraisalCreateForm",
    "AppraisalFieldsForm",
    "PipelinePolicyForm",
    "TrainingDeleteForm",
    "TrainingEditForm",
]
