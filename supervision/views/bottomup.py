"""Pages of bottom-up supervision (hearings, public reports with votes, pledge redemption),
written by the village's contact cadre or the staff who manage it (`Right.ORGANIZE`), and of the
township's annual certificate inspection (`Right.EDIT`). Every write is one service call; a
refusal is shown on the form it came from."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from cadres.choices import CERTIFIED_POSTS
from cadres.models import Cadre, Post, QualificationCertificate
from core.dates import today
from core.rates import format_percent, fulfilment_rate, satisfaction_expression
from core.rights import Right
from core.views import (
    ConfirmMixin,
    ScopedListView,
    ScopedMixin,
    ScopedObjectMixin,
    apply_validation_error,
)
from villages.changelog import history_context
from villages.models import Region

from .. import selectors, services
from ..choices import FieldFormKind, Grade, RecordState, TaskKind, Verdict, is_due
from ..filtersets_bottomup import (
    CertificateInspectionFilterSet,
    HearingFilterSet,
    PublicReportFilterSet,
    RedemptionFilterSet,
)
from ..forms_bottomup import (
    CertificateInspectionCorrectForm,
    CertificateInspectionDecideForm,
    HearingForm,
    HearingUpdateForm,
    PublicReportForm,
    QuestionForm,
    QuestionRowForm,
    QuestionRowFormSet,
    RedemptionForm,
    ResultFormSet,
    VoteFormSet,
)
from ..models import (
    CertificateInspection,
    Hearing,
    HearingQuestion,
    PromiseRedemption,
    PublicReport,
    PublicReportVote,
    Redemption,
    SupervisionTask,
)
from ..periods import Period
from ..services import REOPENABLE
from ..services.common import RowErrors
from .corrections import reopen_context
from .field import Conflict, FieldFormMixin, FieldRecordFormMixin
from .meetings import MeetingFormMixin

# ------------------------------------------------------------------ shared pieces

#: what completing a record does and cannot undo (asked before: core.views.ConfirmMixin; the
#: page shows the same text)
HEARING_COMPLETE_MESSAGE = gettext_lazy(
    "Completing the hearing freezes it; each unsatisfied question and each follow-up goes to "
    "the problem ledger with a deadline of 30 days."
)
REPORT_COMPLETE_MESSAGE = gettext_lazy(
    "Each cadre's three counts must add up to the ballots returned. Recording the votes "
    "freezes the report."
)
REDEMPTION_COMPLETE_MESSAGE = gettext_lazy(
    "Completing the redemption freezes every promise's result: it can no longer be changed. "
    "The duty is marked done."
)
DECIDE_MESSAGE = gettext_lazy(
    "The verdict completes the inspection and cannot be changed afterwards, except by a "
    "county supervisor's correction. A fail suspends the certificate at once and opens an "
    "advised resignation (劝辞) for the post."
)
CORRECT_MESSAGE = gettext_lazy(
    "The corrected verdict replaces the decided one; the correction is recorded with your name "
    "and reason and the original stays in the history. Correcting a fail reinstates the "
    "certificate and withdraws the advised resignation it opened; correcting to a fail "
    "suspends the certificate and opens one."
)


class RecordMixin(ConfirmMixin, MeetingFormMixin, ScopedObjectMixin):
    """One record by pk: 404 outside the scope; a POST needs `post_right`, else 403. Bottom-up
    records are organized (ORGANIZE); the annual certificate inspection is the township's (EDIT).
    An action in `confirm_message` is asked once its form is valid."""

    ask_before_validating = False

    required_right = None
    post_right = Right.ORGANIZE
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    url_name = ""
    failed_form = None

    def detail_url(self):
        return reverse(f"supervision:{self.url_name}", args=[self.get_object().pk])

    def common_context(self, record, village, period_label) -> dict:
        return {
            "record": record,
            "village": village,
            "period_label": period_label,
            "is_draft": record.state == RecordState.DRAFT,
            "can_write": self.allows(self.post_right, record.area_code),
            # a refusal of a completed record shows at the top: its forms are hidden
            "failed_form": None if record.state == RecordState.DRAFT else self.failed_form,
            **self.reopen_context(record),
            **history_context(self.request, record),
        }

    def reopen_context(self, record) -> dict:
        """The record's corrections (a meeting's record: its kind is its page's URL name)."""
        kind = self.url_name.removesuffix("-detail")
        return reopen_context(self.request, kind, record) if kind in REOPENABLE else {}

    def post(self, request, *args, **kwargs):
        handler = getattr(self, f"do_{kwargs.get('action', '')}", None)
        if handler is None:
            raise Http404
        return handler()

    def run(self, form, name: str, service, success: str, **arguments):
        """Call `service` with the form's data; on a refusal show the form again with it."""
        if form.is_valid():
            if (question := self.unconfirmed()) is not None:
                return self.ask_confirmation(question)
            try:
                service(actor=self.request.user, **arguments, **form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(self.request, success)
                return redirect(self.detail_url())
        self.failed_form = form
        return self.render_to_response(self.get_context_data(**{name: form}))


class SupervisionTaskPageMixin(ScopedMixin):
    """A page about one duty of `kind`: 404 outside the scope, 403 without `required_right`."""

    model = SupervisionTask
    kind = ""
    required_right = Right.ORGANIZE

    def base_queryset(self):
        return SupervisionTask.objects.select_related("village__township__parent")

    def get_task(self):
        if not hasattr(self, "_task"):
            self._task = get_object_or_404(
                self.get_queryset(), pk=self.kwargs["task_pk"], kind=self.kind
            )
        return self._task

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.check_rights(self.get_task().area_code)
        return super().dispatch(request, *args, **kwargs)


class StartView(FieldFormMixin, SupervisionTaskPageMixin, TemplateView):
    """Start the record of a duty; a duty that has one goes to it (a field form: a duty
    recorded meanwhile by someone else is the sync's `completed` conflict)."""

    form_class = forms.Form
    record_attr = ""
    url_name = ""
    service = None
    success = ""
    title = ""

    def existing(self):
        return getattr(self.get_task(), self.record_attr, None)

    def field_area_code(self) -> str:
        return self.get_task().area_code

    def field_conflict(self):
        if self.existing() is not None:
            raise Conflict(
                "completed",
                _("This duty was recorded meanwhile by someone else; nothing was saved."),
            )

    def get(self, request, *args, **kwargs):
        record = self.existing()
        if record is not None:
            return redirect(reverse(f"supervision:{self.url_name}", args=[record.pk]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        task = self.get_task()
        return {
            **super().get_context_data(**kwargs),
            "task": task,
            "title": self.title,
            "village": task.village,
            "period_label": Period.parse(task.period).label(),
            "form": kwargs.get("form") or self.form_class(initial={"date": today()}),
            "field_kind": self.field_kind,
        }

    def extra_formset(self):
        """Rows sent with the start (a phone that started the record offline fills it in the
        same submit), or None: the page itself sends none."""
        return None

    def after_start(self, record, formset) -> None:
        """Save `formset`'s rows into the new record (one service call)."""

    def start(self, form, formset):
        record = type(self).service(
            actor=self.request.user, task=self.get_task(), **form.cleaned_data
        )
        if formset is not None:
            self.after_start(record, formset)
        return record

    def post(self, request, *args, **kwargs):
        form, formset = self.form_class(request.POST), self.extra_formset()
        if form.is_valid() and (formset is None or formset.is_valid()):
            try:
                record = self.once(
                    lambda: self.start(form, formset),
                    url=lambda r: reverse(f"supervision:{self.url_name}", args=[r.pk]),
                )
            except RowErrors as e:
                formset.add_row_errors(e.rows)
                form.add_error(None, _("Some rows need correcting; nothing was saved."))
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, self.success)
                return redirect(reverse(f"supervision:{self.url_name}", args=[record.pk]))
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class RecordListView(ScopedListView):
    """A list of one kind of record with the shared filters."""

    default_ordering = ("-period", "area_code")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["townships"] = Region.objects.visible_to(self.request.user).townships()
        ctx["states"] = RecordState.choices
        return ctx


def _village_cadres(user, village):
    return Cadre.objects.visible_to(user).filter(village=village).order_by("name")


# ------------------------------------------------------------------ hearings


class HearingCreateView(StartView):
    """Record the quarter's village-affairs hearing of a duty."""

    title = gettext_lazy("Village-affairs hearing")
    kind = TaskKind.HEARING
    form_class = HearingForm
    field_kind = FieldFormKind.HEARING_START
    record_attr = "hearing"
    url_name = "hearing-detail"
    template_name = "supervision/bottomup/hearing_form.html"
    service = services.hearing_start
    success = gettext_lazy("Hearing recorded; now add the questions.")

    def extra_formset(self):
        # a phone's hearing recorded offline: the questions (and `complete=1`) come along
        if "questions-TOTAL_FORMS" not in self.request.POST:
            return None
        return QuestionRowFormSet(
            self.request.POST,
            questions={},
            cadres=_village_cadres(self.request.user, self.get_task().village),
            prefix="questions",
        )

    def after_start(self, record, formset) -> None:
        services.hearing_set_questions(
            actor=self.request.user,
            hearing=record,
            rows=formset.filled(),
            complete=self.request.POST.get("complete") == "1",
        )


class HearingDetailView(FieldRecordFormMixin, RecordMixin, TemplateView):
    """A hearing: attendance, agenda, the questions and the problems they raised. In a draft
    every question, its answer and whether the asker was satisfied are typed on one form (blank
    rows for new ones), saved as a draft or completed in the same submit."""

    confirm_message = {"complete": HEARING_COMPLETE_MESSAGE}

    model = Hearing
    url_name = "hearing-detail"
    field_kind = FieldFormKind.HEARING
    template_name = "supervision/bottomup/hearing_detail.html"

    def base_queryset(self):
        return Hearing.objects.select_related("village__township__parent", "task")

    def questions(self) -> list[HearingQuestion]:
        if not hasattr(self, "_questions"):
            h = self.get_object()
            self._questions = list(
                h.questions.select_related("answered_by", "problem").order_by("pk")
            )
        return self._questions

    def question_formset(self, data=None):
        fields = [n for n in QuestionRowForm.base_fields if n not in ("key", "remove")]
        questions = self.questions()
        initial = [
            {
                "key": q.pk,
                **{n: getattr(q, n) for n in fields},
                "satisfied": "yes" if q.satisfied else "no",
            }
            for q in questions
        ]
        return QuestionRowFormSet(
            data,
            initial=initial,
            questions={q.pk: q for q in questions},
            cadres=_village_cadres(self.request.user, self.get_object().village),
            prefix="questions",
        )

    def get_context_data(self, **kwargs):
        h = self.get_object()
        questions = self.questions()
        formset = kwargs.get("formset")
        if formset is None and h.state == RecordState.DRAFT:
            formset = self.question_formset()
        update_initial = {
            name: getattr(h, name) for name in HearingUpdateForm.base_fields if hasattr(h, name)
        }
        return {
            **super().get_context_data(**kwargs),
            **self.common_context(h, h.village, Period.parse(h.period).label()),
            "hearing": h,
            "questions": questions,
            "update_form": kwargs.get("update_form") or HearingUpdateForm(initial=update_initial),
            "question_form": kwargs.get("question_form")
            or QuestionForm(cadres=_village_cadres(self.request.user, h.village)),
            "formset": formset,
            "complete_form": kwargs.get("complete_form") or forms.Form(),
        }

    def save_questions(self, complete: bool):
        return self.save_rows(
            self.question_formset(self.request.POST),
            lambda rows: self.once(
                lambda: services.hearing_set_questions(
                    actor=self.request.user, hearing=self.get_object(), rows=rows, complete=complete
                ),
                url=self.detail_url(),
            ),
            _("Hearing completed; the unsatisfied questions are in the problem ledger.")
            if complete
            else _("Questions saved as a draft."),
        )

    def do_questions(self):
        return self.save_questions(complete=False)

    def do_update(self):
        return self.run(
            HearingUpdateForm(self.request.POST),
            "update_form",
            services.hearing_update,
            _("Hearing saved."),
            hearing=self.get_object(),
        )

    def do_question(self):
        h = self.get_object()
        form = QuestionForm(self.request.POST, cadres=_village_cadres(self.request.user, h.village))
        return self.run(
            form, "question_form", services.hearing_add_question, _("Question added."), hearing=h
        )

    def do_remove(self):
        question = get_object_or_404(self.get_object().questions, pk=self.kwargs["question_pk"])
        return self.run(
            forms.Form(self.request.POST),
            "complete_form",
            services.hearing_remove_question,
            _("Question removed."),
            question=question,
        )

    def do_complete(self):
        return self.save_questions(complete=True)


class HearingListView(RecordListView):
    """Hearings of the villages in scope."""

    model = Hearing
    filterset_class = HearingFilterSet
    template_name = "supervision/bottomup/hearing_list.html"

    def base_queryset(self):
        return Hearing.objects.select_related("village").annotate(
            n_questions=Count("questions"),
            n_unsatisfied=Count("questions", filter=Q(questions__satisfied=False)),
        )


# ------------------------------------------------------------------ public reports


class PublicReportCreateView(StartView):
    """Record the half-year's public report meeting and its ballots."""

    title = gettext_lazy("Public report and vote")
    kind = TaskKind.PUBLIC_REPORT
    form_class = PublicReportForm
    field_kind = FieldFormKind.PUBLIC_REPORT_START
    record_attr = "public_report"
    url_name = "public-report-detail"
    template_name = "supervision/bottomup/public_report_form.html"
    service = services.public_report_start
    success = gettext_lazy("Public report recorded; now enter the votes on each cadre.")


class PublicReportDetailView(FieldRecordFormMixin, RecordMixin, TemplateView):
    """A public report: one row per sitting cadre with the vote and the satisfaction rate; in a
    draft, the votes on every cadre are typed on one form, saved as a draft or recorded."""

    confirm_message = {"complete": REPORT_COMPLETE_MESSAGE}

    model = PublicReport
    url_name = "public-report-detail"
    field_kind = FieldFormKind.PUBLIC_REPORT
    template_name = "supervision/bottomup/public_report_detail.html"

    def base_queryset(self):
        return PublicReport.objects.select_related("village__township__parent", "task")

    def posts_and_votes(self) -> tuple[list[Post], dict[int, PublicReportVote]]:
        if not hasattr(self, "_posts_and_votes"):
            r = self.get_object()
            posts = services.sitting_posts(r.village, r.date).filter(
                pk__in=Post.objects.visible_to(self.request.user)
            )
            self._posts_and_votes = list(posts), {v.post_id: v for v in r.votes.all()}
        return self._posts_and_votes

    def vote_formset(self, data=None):
        posts, votes = self.posts_and_votes()
        fields = ("satisfied", "basically_satisfied", "dissatisfied", "summary")
        initial = [
            {"key": p.pk, **({f: getattr(votes[p.pk], f) for f in fields} if p.pk in votes else {})}
            for p in posts
        ]
        return VoteFormSet(data, initial=initial, keys=[p.pk for p in posts], prefix="votes")

    def get_context_data(self, **kwargs):
        r = self.get_object()
        posts, votes = self.posts_and_votes()
        formset = kwargs.get("formset") or self.vote_formset()
        rows = []
        for post, form in zip(posts, formset.forms, strict=True):
            vote = votes.get(post.pk)
            rate = format_percent(vote.satisfaction_rate) if vote else ""
            rows.append({"post": post, "vote": vote, "form": form, "rate": rate})
        return {
            **super().get_context_data(**kwargs),
            **self.common_context(r, r.village, Period.parse(r.period).label()),
            "report": r,
            "rows": rows,
            "formset": formset,
            "update_form": kwargs.get("update_form")
            or PublicReportForm(
                initial={
                    "date": r.date,
                    "ballots_issued": r.ballots_issued,
                    "ballots_returned": r.ballots_returned,
                    "notes": r.notes,
                }
            ),
            "complete_form": kwargs.get("complete_form") or forms.Form(),
        }

    def do_update(self):
        return self.run(
            PublicReportForm(self.request.POST),
            "update_form",
            services.public_report_update,
            _("Public report saved."),
            report=self.get_object(),
        )

    def save_votes(self, complete: bool):
        posts = {p.pk: p for p in self.posts_and_votes()[0]}
        return self.save_rows(
            self.vote_formset(self.request.POST),
            lambda rows: self.once(
                lambda: services.public_report_set_votes(
                    actor=self.request.user,
                    report=self.get_object(),
                    votes={posts[key]: row for key, row in rows},
                    complete=complete,
                ),
                url=self.detail_url(),
            ),
            _("Votes recorded; the public report is final.")
            if complete
            else _("Votes saved as a draft."),
        )

    def do_votes(self):
        return self.save_votes(complete=False)

    def do_complete(self):
        return self.save_votes(complete=True)


class PublicReportListView(RecordListView):
    """Public reports of the villages in scope with their overall satisfaction rate."""

    model = PublicReport
    filterset_class = PublicReportFilterSet
    template_name = "supervision/bottomup/public_report_list.html"

    def base_queryset(self):
        satisfied, basic = Sum("votes__satisfied"), Sum("votes__basically_satisfied")
        return PublicReport.objects.select_related("village").annotate(
            n_votes=Count("votes"),
            satisfaction=satisfaction_expression(
                satisfied=satisfied,
                basic=basic,
                returned=satisfied + basic + Sum("votes__dissatisfied"),
            ),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for r in ctx["object_list"]:
            r.rate = format_percent(r.satisfaction)
        return ctx


# ------------------------------------------------------------------ pledge redemption


class RedemptionCreateView(StartView):
    """Record the year's pledge redemption meeting; every promise in force is listed."""

    title = gettext_lazy("Pledge redemption")
    kind = TaskKind.REDEMPTION
    form_class = RedemptionForm
    field_kind = FieldFormKind.REDEMPTION_START
    record_attr = "redemption"
    url_name = "redemption-detail"
    template_name = "supervision/bottomup/redemption_form.html"
    service = services.redemption_start
    success = gettext_lazy("Redemption recorded; now mark each promise.")


class RedemptionDetailView(FieldRecordFormMixin, RecordMixin, TemplateView):
    """A redemption: one row per promise with its result, and the fulfilment rates; in a draft,
    every promise's outcome is typed on one form, saved as a draft or completed."""

    confirm_message = {"complete": REDEMPTION_COMPLETE_MESSAGE}

    model = Redemption
    url_name = "redemption-detail"
    field_kind = FieldFormKind.REDEMPTION
    template_name = "supervision/bottomup/redemption_detail.html"

    def base_queryset(self):
        return Redemption.objects.select_related("village__township__parent", "task")

    def results(self) -> list[PromiseRedemption]:
        if not hasattr(self, "_results"):
            self._results = list(
                self.get_object()
                .results.select_related("promise__pledge__post__cadre")
                .order_by("promise__pledge_id", "promise__position")
            )
        return self._results

    def result_formset(self, data=None):
        results, year = self.results(), Period.parse(self.get_object().period).year
        return ResultFormSet(
            data,
            initial=[
                {
                    "key": row.promise_id,
                    "result": row.result,
                    "appraisal": row.appraisal,
                    "evidence": row.evidence,
                }
                for row in results
            ],
            keys=[row.promise_id for row in results],
            # each promise offers the outcomes its due date allows (choices.outcomes_for)
            row_kwargs=[{"due_date": row.promise.due_date, "year": year} for row in results],
            prefix="results",
        )

    def get_context_data(self, **kwargs):
        r = self.get_object()
        results = self.results()
        year = Period.parse(r.period).year
        formset = kwargs.get("formset") or self.result_formset()
        pledges: dict[int, dict] = {}
        for row, form in zip(results, formset.forms, strict=True):
            row.is_due = is_due(row.promise.due_date, year)
            row.form = form
            p = pledges.setdefault(
                row.promise.pledge_id,
                {"pledge": row.promise.pledge, "rows": []},
            )
            p["rows"].append(row)
        for p in pledges.values():
            p["rate"] = format_percent(selectors.results_fulfilment_rate(p["rows"], year))
        return {
            **super().get_context_data(**kwargs),
            **self.common_context(r, r.village, Period.parse(r.period).label()),
            "redemption": r,
            "pledges": list(pledges.values()),
            "formset": formset,
            "village_rate": format_percent(selectors.results_fulfilment_rate(results, year)),
            "pending": sum(1 for row in results if not row.result or not row.appraisal),
            "update_form": kwargs.get("update_form"),
            "complete_form": kwargs.get("complete_form") or forms.Form(),
        }

    def save_results(self, complete: bool):
        promises = {row.promise_id: row.promise for row in self.results()}
        return self.save_rows(
            self.result_formset(self.request.POST),
            lambda rows: self.once(
                lambda: services.redemption_set_results(
                    actor=self.request.user,
                    redemption=self.get_object(),
                    results={promises[key]: row for key, row in rows},
                    complete=complete,
                ),
                url=self.detail_url(),
            ),
            _("Redemption completed.") if complete else _("Results saved as a draft."),
        )

    def do_results(self):
        return self.save_results(complete=False)

    def do_complete(self):
        return self.save_results(complete=True)


class RedemptionListView(RecordListView):
    """Redemptions of the villages in scope with their fulfilment rate."""

    model = Redemption
    filterset_class = RedemptionFilterSet
    template_name = "supervision/bottomup/redemption_list.html"

    def base_queryset(self):
        # As on the redemption's page: a promise of a draft not marked yet counts as not
        # fulfilled if it is due by the redemption's year (choices.is_due; the period is the
        # year).
        unmarked_due = Q(results__result="") & Q(
            results__promise__due_date__year__lte=Cast("period", IntegerField())
        )
        return Redemption.objects.select_related("village").annotate(
            n_promises=Count("results"),
            n_unmarked_due=Count("results", filter=unmarked_due),
            **selectors.outcome_counts("results__"),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for r in ctx["object_list"]:
            r.rate = format_percent(
                fulfilment_rate(
                    fulfilled=r.fulfilled,
                    partly=r.partly,
                    not_fulfilled=r.not_fulfilled + r.n_unmarked_due,
                )
            )
        return ctx


# ------------------------------------------------------------------ annual certificate inspection


def evidence_rows(ev: dict) -> list[tuple[str, str]]:
    """The stored evidence of an annual inspection as (what, value) rows of a table."""
    if not ev:
        return []
    sep = "；"
    promises = ev.get("promises") or {}
    return [
        (
            _("Quarterly inspections (score)"),
            sep.join(f"{i['period']}: {i['score'] or '—'}" for i in ev.get("inspections", []))
            or "—",
        ),
        (_("Average inspection score"), ev.get("inspection_average") or "—"),
        (
            _("Semi-annual reviews (average, grade)"),
            sep.join(
                f"{r['period']}: {r['average']} {Grade(r['grade']).label}"
                for r in ev.get("reviews", [])
            )
            or "—",
        ),
        (
            _("Votes at the public reports (satisfaction rate)"),
            sep.join(f"{v['period']}: {format_percent(v['rate'])}" for v in ev.get("votes", []))
            or "—",
        ),
        (
            _("Promises redeemed"),
            _(
                "%(total)d promises: %(f)d fulfilled, %(p)d partly, %(n)d not fulfilled; "
                "%(o)d on schedule, %(d)d not yet due"
            )
            % {
                "total": promises.get("total", 0),
                "f": promises.get("fulfilled", 0),
                "p": promises.get("partly", 0),
                "n": promises.get("not_fulfilled", 0),
                # evidence stored before these outcomes existed has no such keys
                "o": promises.get("on_track", 0),
                "d": promises.get("not_due", 0),
            },
        ),
        (_("Pledge fulfilment rate"), format_percent(ev.get("fulfilment_rate"))),
        (
            _("Unresolved problems of the village"),
            _("%(n)d (%(o)d overdue)")
            % {"n": ev.get("open_problems", 0), "o": ev.get("overdue_problems", 0)},
        ),
    ]


class CertificateInspectionCreateView(SupervisionTaskPageMixin, TemplateView):
    """The village's certificates for the year's inspection; `?certificate=` previews one's
    evidence, and POST starts its inspection."""

    kind = TaskKind.ANNUAL_INSPECTION
    required_right = Right.EDIT
    template_name = "supervision/bottomup/certificate_inspection_form.html"

    def certificates(self):
        task = self.get_task()
        return (
            QualificationCertificate.objects.visible_to(self.request.user)
            .filter(area_code=task.area_code, post__kind__in=CERTIFIED_POSTS)
            .select_related("post__cadre")
            .order_by("number")
        )

    def get_context_data(self, **kwargs):
        task = self.get_task()
        year = Period.parse(task.period).year
        records = {
            r.certificate_id: r
            for r in CertificateInspection.objects.visible_to(self.request.user).filter(task=task)
        }
        certificates = list(self.certificates())
        for c in certificates:
            c.record = records.get(c.pk)
        chosen = None
        pk = self.request.GET.get("certificate", "")
        if pk.isdigit():
            chosen = next((c for c in certificates if c.pk == int(pk)), None)
            if chosen is None:
                raise Http404
        return {
            **super().get_context_data(**kwargs),
            "task": task,
            "village": task.village,
            "year": year,
            "period_label": Period(year).label(),
            "certificates": certificates,
            "chosen": chosen,
            "evidence": evidence_rows(selectors.annual_evidence(chosen, year)) if chosen else [],
            "error": kwargs.get("error"),
        }

    def post(self, request, *args, **kwargs):
        certificate = get_object_or_404(self.certificates(), pk=request.POST.get("certificate"))
        try:
            record = services.annual_inspection_start(
                actor=request.user, task=self.get_task(), certificate=certificate
            )
        except ValidationError as e:
            return self.render_to_response(self.get_context_data(error=" ".join(e.messages)))
        messages.success(request, _("Annual inspection started with the year's evidence."))
        return redirect(reverse("supervision:certificate-inspection-detail", args=[record.pk]))


class CertificateInspectionDetailView(RecordMixin, TemplateView):
    """One certificate's annual inspection: the evidence table and the verdict."""

    confirm_message = {"decide": DECIDE_MESSAGE}

    model = CertificateInspection
    post_right = Right.EDIT
    url_name = "certificate-inspection-detail"
    template_name = "supervision/bottomup/certificate_inspection_detail.html"

    def base_queryset(self):
        return CertificateInspection.objects.select_related(
            "certificate__post__cadre", "certificate__post__village__township__parent", "advice"
        )

    def get_context_data(self, **kwargs):
        rec = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            **self.common_context(rec, rec.certificate.post.village, Period(rec.year).label()),
            "inspection": rec,
            "corrections": rec.corrections.select_related("corrected_by"),
            "may_correct": rec.state == RecordState.COMPLETED
            and self.allows(Right.SUPERVISE, rec.area_code),
            "evidence": evidence_rows(rec.evidence),
            "decide_form": kwargs.get("decide_form")
            or CertificateInspectionDecideForm(initial={"verdict": Verdict.PASS}),
        }

    def do_decide(self):
        return self.run(
            CertificateInspectionDecideForm(self.request.POST),
            "decide_form",
            services.annual_inspection_decide,
            _("Verdict recorded."),
            record=self.get_object(),
        )


class CertificateInspectionCorrectView(ConfirmMixin, ScopedObjectMixin, TemplateView):
    """A county supervisor corrects a decided verdict (reason recorded; consequences followed
    or undone by the service, which refuses when something happened since)."""

    model = CertificateInspection
    required_right = Right.SUPERVISE
    lookup_field = lookup_url_kwarg = "pk"
    template_name = "supervision/bottomup/certificate_inspection_correct.html"
    confirm_message = CORRECT_MESSAGE
    ask_before_validating = False

    def base_queryset(self):
        return CertificateInspection.objects.select_related(
            "certificate__post__cadre", "certificate__post__village__township__parent", "advice"
        )

    def get_context_data(self, **kwargs):
        rec = self.get_object()
        if rec.state != RecordState.COMPLETED:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "inspection": rec,
            "village": rec.certificate.post.village,
            "form": kwargs.get("form") or CertificateInspectionCorrectForm(),
        }

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        form = CertificateInspectionCorrectForm(request.POST)
        if form.is_valid():
            if (question := self.unconfirmed()) is not None:
                return self.ask_confirmation(question)
            try:
                services.annual_inspection_correct(
                    actor=request.user, record=record, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Verdict corrected; the correction is recorded."))
                return redirect(
                    reverse("supervision:certificate-inspection-detail", args=[record.pk])
                )
        return self.render_to_response(self.get_context_data(form=form))


class CertificateInspectionListView(RecordListView):
    """Annual certificate inspections in scope, with their verdicts."""

    model = CertificateInspection
    filterset_class = CertificateInspectionFilterSet
    template_name = "supervision/bottomup/certificate_inspection_list.html"
    default_ordering = ("-year", "area_code")

    def base_queryset(self):
        return CertificateInspection.objects.select_related(
            "certificate__post__cadre", "certificate__post__village"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["verdicts"] = Verdict.choices
        return ctx


def _actions(prefix: str, view, name: str, actions: list[tuple[str, str, str]]):
    """The POST routes of a detail page: each calls the view's `do_<action>`."""
    return [
        path(
            f"{prefix}/<int:pk>/{route}/", view.as_view(), {"action": action}, name=f"{name}-{url}"
        )
        for route, action, url in actions
    ]


urlpatterns = [
    path("hearings/", HearingListView.as_view(), name="hearing-list"),
    path("hearings/start/<int:task_pk>/", HearingCreateView.as_view(), name="hearing-create"),
    path("hearings/<int:pk>/", HearingDetailView.as_view(), name="hearing-detail"),
    *_actions(
        "hearings",
        HearingDetailView,
        "hearing",
        [
            ("edit", "update", "update"),
            ("questions", "question", "question-add"),
            ("all-questions", "questions", "questions"),
            ("complete", "complete", "complete"),
        ],
    ),
    path(
        "hearings/<int:pk>/questions/<int:question_pk>/remove/",
        HearingDetailView.as_view(),
        {"action": "remove"},
        name="hearing-question-remove",
    ),
    path("public-reports/", PublicReportListView.as_view(), name="public-report-list"),
    path(
        "public-reports/start/<int:task_pk>/",
        PublicReportCreateView.as_view(),
        name="public-report-create",
    ),
    path("public-reports/<int:pk>/", PublicReportDetailView.as_view(), name="public-report-detail"),
    *_actions(
        "public-reports",
        PublicReportDetailView,
        "public-report",
        [
            ("edit", "update", "update"),
            ("votes", "votes", "votes"),
            ("complete", "complete", "complete"),
        ],
    ),
    path("redemptions/", RedemptionListView.as_view(), name="redemption-list"),
    path(
        "redemptions/start/<int:task_pk>/",
        RedemptionCreateView.as_view(),
        name="redemption-create",
    ),
    path("redemptions/<int:pk>/", RedemptionDetailView.as_view(), name="redemption-detail"),
    *_actions(
        "redemptions",
        RedemptionDetailView,
        "redemption",
        [("results", "results", "results"), ("complete", "complete", "complete")],
    ),
    path(
        "annual-inspections/",
        CertificateInspectionListView.as_view(),
        name="certificate-inspection-list",
    ),
    path(
        "annual-inspections/start/<int:task_pk>/",
        CertificateInspectionCreateView.as_view(),
        name="certificate-inspection-create",
    ),
    path(
        "annual-inspections/<int:pk>/",
        CertificateInspectionDetailView.as_view(),
        name="certificate-inspection-detail",
    ),
    *_actions(
        "annual-inspections",
        CertificateInspectionDetailView,
        "certificate-inspection",
        [("decide", "decide", "decide")],
    ),
    path(
        "annual-inspections/<int:pk>/correct/",
        CertificateInspectionCorrectView.as_view(),
        name="certificate-inspection-correct",
    ),
]
