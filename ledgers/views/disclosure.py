"""Pages of 定期公开: the staff's statements and questions, and the public pages villagers
open without an account (`public_urlpatterns`, mounted by supervision.public_urls): a
village's published statements, one statement with its answered questions and a question
form, the statement's canonical JSON, and each question's page by its receipt number."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from cadres.identity import mask_phone
from core.clients import client_address
from core.public_cache import PublicCacheMixin
from core.rights import Right, scope_for
from core.views import (
    ConfirmMixin,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    apply_validation_error,
)
from villages.models import Region, Village

from .. import selectors, services
from ..choices import DisclosureState
from ..filtersets_disclosure import DisclosureFilterSet, DisclosureQuestionFilterSet
from ..forms_disclosure import (
    AnswerForm,
    DisclosureGenerateForm,
    HideQuestionForm,
    PublicQuestionForm,
    ReceiptForm,
    ReviewForm,
)
from ..models import Disclosure, DisclosureQuestion
from .books import RightsMixin, VillageMixin

#: questions one client address may ask in QUESTION_WINDOW seconds
QUESTION_LIMIT = 5
QUESTION_WINDOW = 3600


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def with_masked_phones(questions):
    """The questions with `masked_phone` (138****1234): staff never see a villager's full number
    in a list."""
    questions = list(questions)
    for q in questions:
        q.masked_phone = mask_phone(q.phone)
    return questions


# ------------------------------------------------------------------ staff pages


#: what the township's acts on a statement do (asked before: core.views.ConfirmMixin)
APPROVE_MESSAGE = gettext_lazy(
    "Approving fixes the statement's figures: it can no longer be generated again, only published."
)
PUBLISH_MESSAGE = gettext_lazy(
    "Publishing shows the statement to the villagers on its public page, sealed by its "
    "fingerprint: it can never be changed or withdrawn."
)


class DisclosureListView(ScopedListView):
    """定期公开 statements of the villages in scope (one village with `?village=`)."""

    model = Disclosure
    filterset_class = DisclosureFilterSet
    template_name = "ledgers/disclosure/disclosure_list.html"
    default_ordering = ("area_code", "-year", "-start")

    def base_queryset(self):
        return Disclosure.objects.select_related("village").annotate(
            question_count=Count("questions"),
            open_count=Count("questions", filter=Q(questions__answer="")),
        )

    def get_queryset(self):
        # The content (a whole statement) is not needed for a list row.
        return super().get_queryset().defer("content")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["townships"] = Region.objects.visible_to(user).townships()
        ctx["states"] = DisclosureState.choices
        code = self.request.GET.get("village", "")
        village = Village.objects.visible_to(user).filter(code=code).first() if code else None
        ctx["village"] = village
        ctx["can_generate"] = bool(village) and scope_for(user).allows(
            Right.KEEP_BOOKS, village.code
        )
        return ctx


class DisclosureGenerateView(VillageMixin, TemplateView):
    """Generate (or re-generate) the village's draft statement of a month or a quarter."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/disclosure/disclosure_generate.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", kwargs.get("form") or DisclosureGenerateForm())
        return ctx

    def post(self, request, *args, **kwargs):
        village = self.get_object()
        form = DisclosureGenerateForm(request.POST)
        if form.is_valid():
            try:
                disclosure = services.disclosure_generate(
                    actor=request.user, village=village, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Statement %(t)s generated.") % {"t": disclosure.title})
                return redirect(disclosure)
        return self.render_to_response(self.get_context_data(form=form))


class DisclosureDetailView(RightsMixin, ScopedDetailView):
    """One statement as villagers will read it, its state, the township's buttons and the
    questions with their answer forms."""

    model = Disclosure
    template_name = "ledgers/disclosure/disclosure_detail.html"

    def base_queryset(self):
        return Disclosure.objects.select_related("village__township__parent", "approved_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        disclosure = self.object
        user = self.request.user
        ctx.update(
            approve_message=APPROVE_MESSAGE,
            publish_message=PUBLISH_MESSAGE,
            village=disclosure.village,
            tab="ledger",
            s=selectors.statement_display(disclosure.content),
            questions=with_masked_phones(
                DisclosureQuestion.objects.visible_to(user)
                .filter(disclosure=disclosure)
                .select_related("answered_by", "problem")
            ),
            can_answer=scope_for(user).allows(Right.ANSWER, disclosure.area_code),
            may_register=scope_for(user).allows(Right.ORGANIZE, disclosure.area_code),
            answer_form=AnswerForm(),
            is_draft=disclosure.state == DisclosureState.DRAFT,
            is_approved=disclosure.state == DisclosureState.APPROVED,
            is_published=disclosure.state == DisclosureState.PUBLISHED,
            review=selectors.statement_review(disclosure),
            **self.rights(disclosure.area_code),
        )
        return ctx


class ByPkMixin(ScopedObjectMixin):
    """A POST-only page about one row by pk: 404 outside the scope; rights checked by each."""

    required_right = None
    lookup_field = "pk"
    lookup_url_kwarg = "pk"


class DisclosureActionView(ConfirmMixin, RightsMixin, ByPkMixin, View):
    """A township act on a statement (POST), asked first; a refusal comes back as an error
    message."""

    ask_before_validating = False  # asked once the rights are checked

    model = Disclosure
    done = ""

    def service(self, **kwargs):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        disclosure = self.get_object()
        if not self.rights(disclosure.area_code)["can_manage"]:
            raise PermissionDenied
        if (question := self.unconfirmed()) is not None:
            return self.ask_confirmation(question)
        try:
            self.service(actor=request.user, disclosure=disclosure)
        except ValidationError as e:
            messages.error(request, _error_text(e))
        else:
            messages.success(request, str(self.done) % {"t": disclosure.title})
        return redirect(disclosure)


class DisclosureApproveView(DisclosureActionView):
    confirm_message = APPROVE_MESSAGE
    service = staticmethod(services.disclosure_approve)
    done = gettext_lazy("Statement %(t)s approved.")


class DisclosurePublishView(DisclosureActionView):
    confirm_message = PUBLISH_MESSAGE
    service = staticmethod(services.disclosure_publish)
    done = gettext_lazy("Statement %(t)s published.")


class QuestionListView(ScopedListView):
    """The questions of villagers in scope, unanswered first."""

    model = DisclosureQuestion
    filterset_class = DisclosureQuestionFilterSet
    template_name = "ledgers/disclosure/question_list.html"

    def base_queryset(self):
        return (
            DisclosureQuestion.objects.select_related("disclosure__village", "answered_by")
            .defer("disclosure__content")
            .annotate(is_answered=ExpressionWrapper(~Q(answer=""), output_field=BooleanField()))
            .order_by("is_answered", "-asked_at")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["townships"] = Region.objects.visible_to(user).townships()
        scope = scope_for(user)
        ctx["object_list"] = with_masked_phones(ctx["object_list"])
        for q in ctx["object_list"]:
            q.can_answer = (
                not q.answer and not q.hidden_at and scope.allows(Right.ANSWER, q.area_code)
            )
            q.can_hide = not q.hidden_at and scope.allows(Right.EDIT, q.area_code)
        ctx["answer_form"] = AnswerForm()
        return ctx


class QuestionAnswerView(ByPkMixin, View):
    """Answer a question (township staff of the village or its contact cadre)."""

    model = DisclosureQuestion

    def post(self, request, *args, **kwargs):
        question = self.get_object()  # 404 outside the scope
        if not scope_for(request.user).allows(Right.ANSWER, question.area_code):
            raise PermissionDenied
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the answer."))
        else:
            try:
                services.question_answer(
                    actor=request.user, question=question, answer=form.cleaned_data["answer"]
                )
            except ValidationError as e:
                messages.error(request, _error_text(e))
            else:
                messages.success(request, _("Answer published."))
        back = request.POST.get("next", "")
        if back.startswith("/ledgers/"):
            return redirect(back)
        return redirect(question.disclosure)


class QuestionHideView(ByPkMixin, View):
    """Hide an abusive question from the public pages, with the reason (the township)."""

    model = DisclosureQuestion

    def post(self, request, *args, **kwargs):
        question = self.get_object()  # 404 outside the scope
        if not scope_for(request.user).allows(Right.EDIT, question.area_code):
            raise PermissionDenied
        form = HideQuestionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for hiding the question."))
        else:
            try:
                services.question_hide(
                    actor=request.user,
                    question=question,
                    reason=form.cleaned_data["hidden_reason"],
                )
            except ValidationError as e:
                messages.error(request, _error_text(e))
            else:
                messages.success(request, _("The question is hidden from the public pages."))
        back = request.POST.get("next", "")
        if back.startswith("/ledgers/"):
            return redirect(back)
        return redirect(question.disclosure)


# ------------------------------------------------------------------ public pages (no login)


class DisclosureReviewView(RightsMixin, ScopedObjectMixin, TemplateView):
    """Record the supervision committee's opinion and signatures on a statement not yet
    published (the township enters what the committee signed on paper)."""

    model = Disclosure
    template_name = "ledgers/disclosure/disclosure_review.html"
    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    required_right = Right.EDIT

    def base_queryset(self):
        return Disclosure.objects.select_related("village__township__parent")

    @property
    def object(self) -> Disclosure:
        return cast(Disclosure, self.get_object())

    def form(self, data=None) -> ReviewForm:
        disclosure = self.object
        initial = {}
        if disclosure.reviewed_on:
            initial = {
                "opinion": disclosure.review_opinion,
                "reviewed_on": disclosure.reviewed_on,
                "posts": list(disclosure.signatures.values_list("post_id", flat=True)),
            }
        return ReviewForm(data, initial=initial, posts=selectors.review_candidates(disclosure))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "object": self.object,
            "village": self.object.village,
            "tab": "ledger",
            "form": kwargs.get("form") or self.form(),
        }

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.disclosure_record_review(
                    actor=request.user, disclosure=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("The supervision committee's review is recorded."))
                return redirect(self.object)
        return self.render_to_response(self.get_context_data(form=form))


class PublicVillageView(TemplateView):
    """A village's published statements, for anyone (an unknown code is a 404)."""

    template_name = "ledgers/disclosure/public_village.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def statements(self, village):
        return village.disclosures.published().defer("content").order_by("-start", "kind")

    def get_context_data(self, **kwargs):
        village = get_object_or_404(self.base_queryset(), code=self.kwargs["code"])
        return {
            **super().get_context_data(**kwargs),
            "village": village,
            "statements": list(self.statements(village)),
            # 两公开: the decisions made public, with the result once it is (四议两公开).
            "decisions": list(
                village.decisions.filter(resolution_published_on__isnull=False).order_by(
                    "-resolution_published_on", "-pk"
                )
            ),
        }


class PublicStatementMixin:
    """A published statement by pk; drafts and approved ones do not exist here (404)."""

    def base_queryset(self):
        return Disclosure.objects.published().select_related("village__township")

    def statement(self) -> Disclosure:
        if not hasattr(self, "_statement"):
            self._statement = get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])
        return self._statement


#: the form is at the foot of a long statement (its action is #ask): the thanks go to the
#: messages at the top, or a villager on a phone would not see them and ask again
THANKS_ANCHOR = "#messages"


class PublicStatementView(PublicStatementMixin, TemplateView):
    """A published statement, its SHA-256, the answered questions and the question form."""

    template_name = "ledgers/disclosure/public_statement.html"

    def answered(self, disclosure):
        return (
            disclosure.questions.shown()
            .exclude(answer="")
            .only("name", "question", "answer", "asked_at", "answered_at")
            .order_by("-answered_at")
        )

    def get_context_data(self, **kwargs):
        disclosure = self.statement()
        return {
            **super().get_context_data(**kwargs),
            "disclosure": disclosure,
            "village": disclosure.village,
            "s": selectors.statement_display(disclosure.content),
            "answered": self.answered(disclosure),
            "form": kwargs.get("form") or PublicQuestionForm(),
        }

    def post(self, request, *args, **kwargs):
        disclosure = self.statement()
        key = f"disclosure-questions:{client_address(request) or 'unknown'}"
        form = PublicQuestionForm(request.POST)
        if (cache.get(key) or 0) >= QUESTION_LIMIT:
            form.is_valid()
            form.add_error(
                None, _("Too many questions from your network in the past hour: try again later.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A robot filled the invisible field: thank it and keep nothing.
                messages.success(request, _("Thank you: your question was received."))
                return redirect(request.path + THANKS_ANCHOR)
            try:
                question = services.question_ask(
                    disclosure=disclosure,
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    question=form.cleaned_data["question"],
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                if not cache.add(key, 1, QUESTION_WINDOW):
                    cache.incr(key)
                # The receipt's own page: at its top, on a phone too, the number to keep.
                messages.success(
                    request,
                    _(
                        "Thank you: your question was received. Keep its receipt number "
                        "%(receipt)s: this page shows the answer when it comes."
                    )
                    % {"receipt": question.receipt},
                )
                return redirect(question.get_public_url())
        return self.render_to_response(self.get_context_data(form=form))


class PublicQuestionView(PublicCacheMixin, TemplateView):
    """A question's page, found by its receipt number: what became of it (received, answered,
    turned into a problem, struck off). A hidden question shows no text; no name or phone ever.
    Cached with its village's public pages (core/public_cache.py)."""

    template_name = "ledgers/disclosure/public_question.html"

    def get_context_data(self, **kwargs):
        question = selectors.public_question(self.kwargs["receipt"].upper())
        if question is None:
            raise Http404
        self.public_village_code = question.disclosure.village.code
        return {
            **super().get_context_data(**kwargs),
            "question": question,
            "disclosure": question.disclosure,
            "village": question.disclosure.village,
            "steps": selectors.question_steps(question),
        }


class PublicQuestionFindView(TemplateView):
    """Find a question by the receipt number typed in (`?receipt=`): a malformed number is a
    400 with the form, a well-formed one goes to its page (a 404 there if no question has it)."""

    template_name = "ledgers/disclosure/public_question_find.html"

    def get(self, request, *args, **kwargs):
        if "receipt" not in request.GET:
            return self.render_to_response(self.get_context_data(form=ReceiptForm()))
        form = ReceiptForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect("public:question", form.cleaned_data["receipt"])


class PublicStatementJsonView(PublicStatementMixin, View):
    """The published statement's canonical JSON: the very bytes its SHA-256 is taken of."""

    def get(self, request, *args, **kwargs):
        disclosure = self.statement()
        body = services.canonical_statement(disclosure.content)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["X-Content-SHA256"] = disclosure.sha256
        return response


urlpatterns = [
    path("disclosures/", DisclosureListView.as_view(), name="disclosure-list"),
    path("disclosures/<int:pk>/", DisclosureDetailView.as_view(), name="disclosure-detail"),
    path(
        "disclosures/<int:pk>/approve/",
        DisclosureApproveView.as_view(),
        name="disclosure-approve",
    ),
    path(
        "disclosures/<int:pk>/publish/",
        DisclosurePublishView.as_view(),
        name="disclosure-publish",
    ),
    path(
        "disclosures/<int:pk>/review/",
        DisclosureReviewView.as_view(),
        name="disclosure-review",
    ),
    path(
        "villages/<str:code>/disclosures/generate/",
        DisclosureGenerateView.as_view(),
        name="disclosure-generate",
    ),
    path("questions/", QuestionListView.as_view(), name="question-list"),
    path("questions/<int:pk>/answer/", QuestionAnswerView.as_view(), name="question-answer"),
    path("questions/<int:pk>/hide/", QuestionHideView.as_view(), name="question-hide"),
]

public_urlpatterns = [
    path("villages/<str:code>/", PublicVillageView.as_view(), name="village"),
    path("statements/<int:pk>/", PublicStatementView.as_view(), name="statement"),
    path("statements/<int:pk>.json", PublicStatementJsonView.as_view(), name="statement-json"),
    path("questions/", PublicQuestionFindView.as_view(), name="question-find"),
    # Receipts are letters and digits: anything else is no receipt (404 without a query).
    re_path(
        r"^questions/(?P<receipt>[0-9A-Za-z]{1,12})/$",
        PublicQuestionView.as_view(),
        name="question",
    ),
]
