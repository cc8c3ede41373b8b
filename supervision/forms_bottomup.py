"""Forms of the hearing, public report, redemption and annual inspection pages; one column,
so a contact cadre can fill them on a phone."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm
from core.views import apply_validation_error

from .choices import (
    AskerKind,
    Fulfilment,
    QuestionCategory,
    Satisfaction,
    Verdict,
    outcomes_for,
)
from .models import HearingQuestion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = {"min_value": 0, "widget": forms.NumberInput(attrs={"inputmode": "numeric"})}


class HearingForm(CleanForm):
    date = forms.DateField(label=_("Date of the hearing"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    party_members_present = forms.IntegerField(label=_("Party members present"), **COUNT)
    representatives_present = forms.IntegerField(
        label=_("Villager representatives present"), **COUNT
    )
    others_present = forms.IntegerField(label=_("Others present"), initial=0, **COUNT)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}))


class HearingUpdateForm(HearingForm):
    follow_ups = forms.CharField(
        label=_("Follow-ups agreed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class QuestionForm(CleanForm):
    asker_name = forms.CharField(label=_("Asked by (optional)"), max_length=50, required=False)
    asker_kind = forms.ChoiceField(label=_("Asker is a"), choices=AskerKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=QuestionCategory.choices)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    answered_by = CadreChoiceField(label=_("Answered by"), queryset=None, required=False)
    answer = forms.CharField(
        label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfied = forms.TypedChoiceField(
        label=_("Was the asker satisfied?"),
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda v: v == "yes",
        initial="yes",
    )
    follow_up = forms.CharField(label=_("Follow-up"), max_length=300, required=False)

    def __init__(self, *args, cadres, **kwargs):
        kwargs.setdefault("prefix", "q")
        super().__init__(*args, **kwargs)
        self.fields["answered_by"].queryset = cadres


#: the text a question's row may carry: a new row with none of it is left empty
QUESTION_TEXTS = ("asker_name", "question", "answer", "follow_up")
#: blank rows offered for new questions (more come after saving the draft, or by the page's
#: 增加一行 button)
NEW_QUESTION_ROWS = 3


class QuestionRowForm(QuestionForm):
    """One question's row of the one-page hearing: `key` is the question's id (empty for a new
    one); `remove` removes it; a new row left empty is ignored."""

    key = forms.IntegerField(widget=forms.HiddenInput, required=False)
    remove = forms.BooleanField(label=_("Remove this question"), required=False)

    def __init__(self, *args, cadre_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].required = False
        if cadre_choices is not None:  # the menu as read once for every row
            self.fields["answered_by"].widget.choices = cadre_choices

    def clean(self):
        data = super().clean()
        if not self.is_blank() and not data.get("remove") and not data.get("question"):
            if "question" not in self.errors:
                self.add_error("question", _("Enter the question, or remove the row."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        if data.get("key") is not None:
            return False
        return not (any(data.get(n) for n in QUESTION_TEXTS) or data.get("answered_by"))

    def row(self) -> dict | None:
        """What the service takes for this row: the question's fields, or None to remove it."""
        if self.cleaned_data.get("remove"):
            return None
        return {n: v for n, v in self.cleaned_data.items() if n not in ("key", "remove")}


class QuestionFormSet(forms.BaseFormSet):
    """The one-page hearing: a row per question of the hearing, then blank rows for new ones.
    A row names its question by id; an id that is not one of the hearing's (a page opened
    before a question was removed) is refused rather than applied to another question."""

    def __init__(self, *args, questions: dict[int, HearingQuestion], cadres, **kwargs):
        self.questions = questions
        self.cadres = cadres
        # every row offers the same cadres: read them once, not once per row
        self.cadre_choices = [("", "---------")] + [(c.pk, c.name) for c in cadres]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "cadres": self.cadres,
            "cadre_choices": self.cadre_choices,
        }

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            cadres=self.cadres,
            cadre_choices=self.cadre_choices,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        seen: set[int] = set()
        for form in self.forms:
            key = form.cleaned_data.get("key")
            if key is None:
                continue
            if key not in self.questions or key in seen:
                raise forms.ValidationError(
                    _("The list changed since the page was opened: reload it and enter again.")
                )
            seen.add(key)

    def typed(self) -> list[tuple[QuestionRowForm, HearingQuestion | None, dict | None]]:
        """(row form, question or None, what the service takes) of each row not left empty."""
        return [
            (form, self.questions.get(form.cleaned_data.get("key") or 0), form.row())
            for form in self.forms
            if not form.is_blank()
            and not (form.cleaned_data.get("key") is None and form.cleaned_data.get("remove"))
        ]

    def filled(self) -> list[tuple[HearingQuestion | None, dict | None]]:
        """The rows for hearing_set_questions (MeetingFormMixin.save_rows)."""
        self._typed = self.typed()
        return [(question, row) for _form, question, row in self._typed]

    def add_row_errors(self, rows: dict[int, forms.ValidationError]) -> None:
        """Show each row's refusal (RowErrors, keyed by the index in `filled()`) on its row."""
        for i, (form, _question, _row) in enumerate(self._typed):
            if i in rows:
                apply_validation_error(form, rows[i])


QuestionRowFormSet = forms.formset_factory(
    QuestionRowForm,
    formset=QuestionFormSet,
    extra=NEW_QUESTION_ROWS,
    max_num=100,
    validate_max=True,
)


class PublicReportForm(CleanForm):
    date = forms.DateField(label=_("Date of the meeting"), widget=DATE)
    ballots_issued = forms.IntegerField(label=_("Ballots issued"), **COUNT)
    ballots_returned = forms.IntegerField(label=_("Ballots returned"), **COUNT)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VoteForm(CleanForm):
    satisfied = forms.IntegerField(label=_("Satisfied"), **COUNT)
    basically_satisfied = forms.IntegerField(label=_("Basically satisfied"), **COUNT)
    dissatisfied = forms.IntegerField(label=_("Dissatisfied"), **COUNT)
    summary = forms.CharField(
        label=_("What the cadre reported"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RedemptionForm(CleanForm):
    date = forms.DateField(label=_("Date of the meeting"), widget=DATE)
    attendance = forms.IntegerField(label=_("Villagers present"), **COUNT)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResultForm(CleanForm):
    """One promise's outcome; given the promise's due date and the redemption's year, it offers
    only the outcomes that promise may have (the service checks them)."""

    result = forms.ChoiceField(label=_("Result"), choices=Fulfilment.choices)
    appraisal = forms.ChoiceField(label=_("Villagers' appraisal"), choices=Satisfaction.choices)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, due_date: dt.date | None = None, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if due_date is not None and year is not None:
            # Only the menu narrows: a result that does not fit is refused by the service,
            # which says why (the field's "not a valid choice" would not).
            allowed = outcomes_for(due_date, year)
            self.fields["result"].widget.choices = [(o.value, o.label) for o in allowed]


class MeetingRowFormSet(forms.BaseFormSet):
    """A meeting's one-page form: one row per object the server lists (a sitting cadre, a listed
    promise), in its order. Each row carries its object's id in a hidden field; a page opened
    before the list changed is refused rather than applied to the wrong row."""

    def __init__(self, *args, keys: list[int], row_kwargs: list[dict] | None = None, **kwargs):
        self.keys = keys
        self.row_kwargs = row_kwargs or [{} for _key in keys]
        super().__init__(*args, **kwargs)

    # The server, not the management form, says how many rows there are; none is optional.
    def total_form_count(self) -> int:
        return len(self.keys)

    def initial_form_count(self) -> int:
        return len(self.keys)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), **self.row_kwargs[index]}

    def clean(self):
        for form, key in zip(self.forms, self.keys, strict=True):
            if form.cleaned_data.get("key") != key:
                raise forms.ValidationError(
                    _("The list changed since the page was opened: reload it and enter again.")
                )

    def filled(self) -> list[tuple[int, dict]]:
        """(object id, row) of each row that was typed; a blank row is left for later."""
        return [
            (key, form.row())
            for form, key in zip(self.forms, self.keys, strict=True)
            if not form.is_blank()
        ]

    def add_row_errors(self, rows: dict[int, forms.ValidationError]) -> None:
        """Show each row's refusal (a service's RowErrors) on its row."""
        for form, key in zip(self.forms, self.keys, strict=True):
            if key in rows:
                apply_validation_error(form, rows[key])


class MeetingRow:
    """A row form of a MeetingRowFormSet: a hidden `key` field, `is_blank()` and `row()`, the
    arguments of the row's service."""

    cleaned_data: dict

    def row(self) -> dict:
        return {n: v for n, v in self.cleaned_data.items() if n != "key"}


VOTE_COUNTS = ("satisfied", "basically_satisfied", "dissatisfied")


class VoteRowForm(MeetingRow, VoteForm):
    """One cadre's row of the one-page vote: the three counts, or none to leave it for later."""

    key = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in VOTE_COUNTS:
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        given = [data.get(n) for n in VOTE_COUNTS]
        if None in given and any(v is not None for v in given):
            for name in VOTE_COUNTS:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter this count too, or leave all three empty."))
        return data

    def is_blank(self) -> bool:
        return all(self.cleaned_data.get(n) is None for n in VOTE_COUNTS)


VoteFormSet = forms.formset_factory(VoteRowForm, formset=MeetingRowFormSet, extra=0)


class ResultRowForm(MeetingRow, ResultForm):
    """One promise's row of the one-page redemption; a row left without result and appraisal
    waits for later."""

    key = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "---------")]
        for name in ("result", "appraisal"):
            field = self.fields[name]
            field.required = False
            offered = [c for c in field.widget.choices if c[0]]  # as narrowed by ResultForm
            field.choices = blank + [c for c in field.choices if c[0]]
            field.widget.choices = blank + offered

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            if not data.get("result") and "result" not in self.errors:
                self.add_error("result", _("Choose the result."))
            if not data.get("appraisal") and "appraisal" not in self.errors:
                self.add_error("appraisal", _("Choose the villagers' appraisal."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("result") or data.get("appraisal") or data.get("evidence"))


ResultFormSet = forms.formset_factory(ResultRowForm, formset=MeetingRowFormSet, extra=0)


class CertificateInspectionDecideForm(CleanForm):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices)
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required unless the verdict is pass. A fail suspends the certificate and "
            "opens an advised resignation."
        ),
    )


class CertificateInspectionCorrectForm(CleanForm):
    """A county supervisor's correction of a decided verdict."""

    verdict = forms.ChoiceField(label=_("Corrected verdict"), choices=Verdict.choices)
    reasons = forms.CharField(
        label=_("Reasons of the corrected verdict"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless the corrected verdict is pass."),
    )
    reason = forms.CharField(
        label=_("Why the verdict is corrected"), widget=forms.Textarea(attrs={"rows": 3})
    )
