"""Pages of the top-down part of 双监督: the county's inspection checklists (versions), the
township's quarterly inspections and semi-annual reviews.

Checklists are written by the county's supervisors (`Right.EDIT` on the county code) and read by
everyone in the county; inspections and reviews are written by township and county staff
(`Right.EDIT` on the village) and read by everyone who sees the village, the contact cadre too.
Every write is one service call; a refusal is shown on the form or as a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View

from core.dates import today
from core.rights import Right, scope_for
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
from ..choices import FieldFormKind, RecordState, TaskKind, TemplateState
from ..filtersets_topdown import InspectionFilterSet, ReviewFilterSet
from ..forms_topdown import (
    FindingForm,
    InspectionStartForm,
    InspectionUpdateForm,
    ParticipantFormSet,
    ReviewFormSet,
    ReviewStartForm,
    ScoreSheetForm,
    TemplateForm,
    TemplateItemFormSet,
)
from ..models import (
    Inspection,
    InspectionFinding,
    InspectionTemplate,
    Review,
    SupervisionTask,
)
from ..periods import Period
from .corrections import reopen_context
from .field import Conflict, FieldFormMixin, FieldRecordFormMixin
from .meetings import MeetingFormMixin

T = "supervision/topdown/"


def optional_url(name: str, *args) -> str:
    """The URL of another part's page, or "" while that part is not mounted yet."""
    try:
        return reverse(f"supervision:{name}", args=args)
    except NoReverseMatch:
        return ""


def _counties(user) -> list[str]:
    """The counties whose checklists the user reads."""
    scope = scope_for(user)
    return sorted(scope.counties())


#: what completing does and cannot undo (asked before: core.views.ConfirmMixin; the pages show
#: the same text)
INSPECTION_COMPLETE_MESSAGE = gettext_lazy(
    "Completing computes the score, registers each finding in the problem ledger and marks the "
    "duty done. The inspection cannot be changed afterwards."
)
REVIEW_COMPLETE_MESSAGE = gettext_lazy(
    "Completing marks the duty done; the review cannot be changed afterwards."
)


class ObjectMixin(ScopedObjectMixin):
    """One row by pk: 404 outside the scope; 403 without `required_right` over its area code."""

    lookup_field = "pk"
    lookup_url_kwarg = "pk"
    required_right = None
    #: a record's page a refused change of a completed record returns to
    draft_only_detail = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.required_right:
            obj = self.get_object()  # 404 or 403 before anything else
            if self.draft_only_detail and obj.state != RecordState.DRAFT:
                messages.error(request, _("This record is completed: it can no longer change."))
                return redirect(f"supervision:{self.draft_only_detail}", obj.pk)
        return super().dispatch(request, *args, **kwargs)

    def scope_code(self, obj) -> str:
        return obj.area_code


class PostOnly:
    http_method_names = ["post"]


# ------------------------------------------------------------------ checklists


class TemplateListView(ScopedMixin, ListView):
    """The checklists of the user's county, newest version first, with a way to start one."""

    model = InspectionTemplate
    template_name = T + "template_list.html"
    paginate_by = 25

    def base_queryset(self):
        return InspectionTemplate.objects.annotate(
            n_items=Count("items"), points=Sum("items__weight")
        ).order_by("area_code", "-version")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        ctx["writable_counties"] = [
            c for c in _counties(self.request.user) if scope.allows(Right.EDIT, c)
        ]
        return ctx


class TemplateCreateView(ScopedMixin, TemplateView):
    """Start a county's checklist (a draft; its items are entered next)."""

    template_name = T + "template_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope_for(request.user).allows(
            Right.EDIT, kwargs["county"]
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "form": kwargs.get("form") or TemplateForm(),
            "county": Region.objects.visible_to(self.request.user)
            .filter(code=self.kwargs["county"])
            .first(),
        }

    def post(self, request, *args, county, **kwargs):
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.template_create(
                    actor=request.user, county_code=county, name=form.cleaned_data["name"]
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Checklist created: enter its items."))
                return redirect("supervision:template-items", template.pk)
        return self.render_to_response(self.get_context_data(form=form))


class TemplateDetailView(ObjectMixin, TemplateView):
    """A checklist version: its items, total weight, and the inspections that used it."""

    model = InspectionTemplate
    template_name = T + "template_detail.html"

    def get_context_data(self, **kwargs):
        template = self.get_object()
        items = list(template.items.order_by("position"))
        user = self.request.user
        county = InspectionTemplate.objects.visible_to(user).filter(area_code=template.area_code)
        return {
            **super().get_context_data(**kwargs),
            "template": template,
            "items": items,
            "total_weight": sum(i.weight for i in items),
            "inspections": Inspection.objects.visible_to(user)
            .filter(template=template)
            .select_related("village")
            .order_by("-period", "area_code")[:200],
            "can_edit": scope_for(user).allows(Right.EDIT, template.area_code),
            "has_draft": county.filter(state=TemplateState.DRAFT).exists(),
            "versions": county.order_by("-version"),
            **history_context(self.request, template),
        }


class TemplateItemsView(ObjectMixin, TemplateView):
    """Edit the items of a draft checklist (a formset, one row per item)."""

    model = InspectionTemplate
    required_right = Right.EDIT
    template_name = T + "template_items.html"

    def formset(self, data=None):
        template = self.get_object()
        initial = [
            {"section": i.section, "text": i.text, "weight": i.weight}
            for i in template.items.order_by("position")
        ]
        return TemplateItemFormSet(data, initial=initial, prefix="items")

    def get(self, request, *args, **kwargs):
        if self.get_object().state != TemplateState.DRAFT:
            messages.error(request, _("Only a draft checklist can be edited: make a new version."))
            return redirect("supervision:template-detail", self.get_object().pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "template": self.get_object(),
            "formset": kwargs.get("formset") or self.formset(),
            "errors": kwargs.get("errors", []),
        }

    def post(self, request, *args, **kwargs):
        formset = self.formset(request.POST)
        errors = []
        if formset.is_valid():
            try:
                services.template_set_items(
                    actor=request.user, template=self.get_object(), items=formset.items()
                )
            except ValidationError as e:
                errors = e.messages
            else:
                messages.success(request, _("Checklist items saved."))
                return redirect("supervision:template-detail", self.get_object().pk)
        return self.render_to_response(self.get_context_data(formset=formset, errors=errors))


class TemplateActivateView(PostOnly, ObjectMixin, View):
    """Put a draft checklist in use; the version in use until now is retired."""

    model = InspectionTemplate
    required_right = Right.EDIT

    def post(self, request, *args, **kwargs):
        template = self.get_object()
        try:
            services.template_activate(actor=request.user, template=template)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The checklist is in use from now on."))
        return redirect("supervision:template-detail", template.pk)


class TemplateNewVersionView(PostOnly, ObjectMixin, View):
    """A new draft version copying the county's checklist in use."""

    model = InspectionTemplate
    required_right = Right.EDIT

    def post(self, request, *args, **kwargs):
        template = self.get_object()
        try:
            draft = services.template_new_version(
                actor=request.user, county_code=template.area_code
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("supervision:template-detail", template.pk)
        messages.success(request, _("New version drafted: change its items, then put it in use."))
        return redirect("supervision:template-items", draft.pk)


# ------------------------------------------------------------------ inspections


class SupervisionTaskRecordMixin(ObjectMixin):
    """The duty a new record fulfils (`task_pk`); township and county staff only."""

    model = SupervisionTask
    lookup_url_kwarg = "task_pk"
    required_right = Right.EDIT
    kind = ""
    record_attr = ""
    detail_name = ""

    def base_queryset(self):
        return SupervisionTask.objects.select_related("village__township__parent")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            task = self.get_object()
            if task.kind != self.kind:
                raise Http404
            record = getattr(task, self.record_attr, None)
            if record is not None:
                return redirect(f"supervision:{self.detail_name}", record.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        task = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "task": task,
            "village": task.village,
            "period_label": Period.parse(task.period).label(),
        }


class InspectionCreateView(FieldFormMixin, SupervisionTaskRecordMixin, TemplateView):
    """Start the quarterly inspection of a planned duty on the county's checklist in use (a
    field form: the page carries the checklist's version)."""

    kind = TaskKind.INSPECTION
    record_attr = "inspection"
    detail_name = "inspection-detail"
    template_name = T + "inspection_create.html"
    field_kind = FieldFormKind.INSPECTION_START

    def checklist(self):
        if not hasattr(self, "_checklist"):
            self._checklist = (
                InspectionTemplate.objects.visible_to(self.request.user)
                .filter(area_code=self.get_object().area_code[:6], state=TemplateState.ACTIVE)
                .first()
            )
        return self._checklist

    def field_area_code(self) -> str:
        return self.get_object().area_code

    def field_conflict(self):
        if getattr(self.get_object(), self.record_attr, None) is not None:
            raise Conflict(
                "completed",
                _(
                    "This quarter's inspection was recorded meanwhile by someone else; nothing "
                    "was saved."
                ),
            )
        checklist = self.checklist()
        self.check_checklist_version(checklist.version if checklist else None)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or InspectionStartForm(initial={"date": today()})
        ctx["checklist"] = self.checklist()
        return ctx

    def score_form(self):
        """The checklist's scores sent with the start (a phone that started the inspection
        offline scores it in the same submit), or None: the page itself sends none."""
        checklist = self.checklist()
        if checklist is None or not any(k.startswith("score_") for k in self.request.POST):
            return None
        return ScoreSheetForm(self.request.POST, rows=selectors.blank_sheet(checklist))

    def start(self, form, score_form):
        inspection = services.inspection_start(
            actor=self.request.user, task=self.get_object(), **form.cleaned_data
        )
        if score_form is not None:
            services.inspection_set_scores(
                actor=self.request.user, inspection=inspection, scores=score_form.scores()
            )
        return inspection

    def post(self, request, *args, **kwargs):
        form, score_form = InspectionStartForm(request.POST), self.score_form()
        if form.is_valid() and (score_form is None or score_form.is_valid()):
            try:
                inspection = self.once(
                    lambda: self.start(form, score_form),
                    url=lambda i: reverse("supervision:inspection-detail", args=[i.pk]),
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Inspection started: score the checklist."))
                return redirect("supervision:inspection-detail", inspection.pk)
        return self.render_to_response(self.get_context_data(form=form, score_form=score_form))


class InspectionDetailView(ObjectMixin, TemplateView):
    """One inspection as a document: the scored checklist, participants and findings, with
    the forms of a draft for those who may change it; print-friendly."""

    model = Inspection
    template_name = T + "inspection_detail.html"

    def base_queryset(self):
        return Inspection.objects.select_related(
            "village__township__parent", "template", "task", "created_by", "completed_by"
        )

    def get_context_data(self, **kwargs):
        inspection = self.get_object()
        rows = selectors.inspection_sheet(inspection)
        participants = list(inspection.participants.all())
        findings = list(inspection.findings.select_related("problem"))
        for finding in findings:
            problem = getattr(finding, "problem", None)
            finding.problem_url = optional_url("problem-detail", problem.pk) if problem else ""
        is_draft = inspection.state == RecordState.DRAFT
        can_edit = is_draft and scope_for(self.request.user).allows(
            Right.EDIT, inspection.area_code
        )
        ctx = {
            **reopen_context(self.request, "inspection", inspection),
            "complete_message": INSPECTION_COMPLETE_MESSAGE,
            **super().get_context_data(**kwargs),
            "inspection": inspection,
            "village": inspection.village,
            "period_label": Period.parse(inspection.period).label(),
            "rows": rows,
            "scored": sum(1 for r in rows if r.score is not None),
            "points": sum(r.score for r in rows if r.score is not None),
            "total_weight": sum(r.item.weight for r in rows),
            "participants": participants,
            "findings": findings,
            "is_draft": is_draft,
            "can_edit": can_edit,
            "village_tab": optional_url("village-supervision", inspection.village.code),
            **history_context(self.request, inspection),
        }
        if can_edit:
            ctx.update(
                update_form=kwargs.get("update_form")
                or InspectionUpdateForm(
                    initial={"date": inspection.date, "summary": inspection.summary}
                ),
                score_form=kwargs.get("score_form") or ScoreSheetForm(rows=rows),
                participant_formset=kwargs.get("participant_formset")
                or ParticipantFormSet(
                    initial=[
                        {"name": p.name, "kind": p.kind, "organization": p.organization}
                        for p in participants
                    ],
                    prefix="participants",
                ),
                finding_form=kwargs.get("finding_form") or FindingForm(),
            )
        return ctx


class InspectionWriteView(PostOnly, InspectionDetailView):
    """A POST changing a draft inspection: township and county staff only."""

    required_right = Right.EDIT
    draft_only_detail = "inspection-detail"

    def done(self, message):
        messages.success(self.request, message)
        return redirect("supervision:inspection-detail", self.get_object().pk)


class InspectionUpdateView(InspectionWriteView):
    def post(self, request, *args, **kwargs):
        form = InspectionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.inspection_update(
                    actor=request.user, inspection=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(_("Inspection saved."))
        return self.render_to_response(self.get_context_data(update_form=form))


class InspectionScoresView(FieldRecordFormMixin, InspectionWriteView):
    """The scored checklist (a field form: the page carries the checklist's version)."""

    field_kind = FieldFormKind.INSPECTION

    def field_conflict(self):
        super().field_conflict()
        self.check_checklist_version(self.get_object().template.version)

    def conflict_url(self) -> str:
        return reverse("supervision:inspection-detail", args=[self.get_object().pk])

    def post(self, request, *args, **kwargs):
        inspection = self.get_object()
        form = ScoreSheetForm(request.POST, rows=selectors.inspection_sheet(inspection))
        if form.is_valid():
            try:
                self.once(
                    lambda: services.inspection_set_scores(
                        actor=request.user, inspection=inspection, scores=form.scores()
                    ),
                    url=self.conflict_url(),
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(_("Scores saved."))
        return self.render_to_response(self.get_context_data(score_form=form))


class InspectionParticipantsView(InspectionWriteView):
    def post(self, request, *args, **kwargs):
        formset = ParticipantFormSet(request.POST, prefix="participants")
        if formset.is_valid():
            try:
                services.inspection_set_participants(
                    actor=request.user, inspection=self.get_object(), participants=formset.rows()
                )
            except ValidationError as e:
                formset._non_form_errors = formset.error_class(e.messages)
            else:
                return self.done(_("Participants saved."))
        return self.render_to_response(self.get_context_data(participant_formset=formset))


class InspectionFindingAddView(InspectionWriteView):
    def post(self, request, *args, **kwargs):
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                services.inspection_add_finding(
                    actor=request.user, inspection=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(_("The problem found was added."))
        return self.render_to_response(self.get_context_data(finding_form=form))


class InspectionFindingRemoveView(InspectionWriteView):
    def post(self, request, *args, finding_pk, **kwargs):
        inspection = self.get_object()
        finding = get_object_or_404(
            InspectionFinding.objects.visible_to(request.user).filter(inspection=inspection),
            pk=finding_pk,
        )
        try:
            services.inspection_remove_finding(actor=request.user, finding=finding)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("supervision:inspection-detail", inspection.pk)
        return self.done(_("The problem found was removed."))


class InspectionCompleteView(ConfirmMixin, InspectionWriteView):
    """Complete: the score is computed, findings enter the problem ledger, the duty is done."""

    confirm_message = INSPECTION_COMPLETE_MESSAGE

    def post(self, request, *args, **kwargs):
        try:
            services.inspection_complete(actor=request.user, inspection=self.get_object())
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("supervision:inspection-detail", self.get_object().pk)
        return self.done(_("Inspection completed: its findings are in the problem ledger."))


class InspectionListView(ScopedListView):
    """Inspections of the villages in scope: period, state, township, village, score range."""

    model = Inspection
    filterset_class = InspectionFilterSet
    template_name = T + "inspection_list.html"
    default_ordering = ("-period", "area_code")

    def base_queryset(self):
        return Inspection.objects.select_related("village", "template")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["townships"] = Region.objects.visible_to(self.request.user).townships()
        ctx["states"] = RecordState.choices
        return ctx


# ------------------------------------------------------------------ reviews


class ReviewCreateView(SupervisionTaskRecordMixin, TemplateView):
    """Start the semi-annual review of a planned duty."""

    kind = TaskKind.REVIEW
    record_attr = "review"
    detail_name = "review-detail"
    template_name = T + "review_create.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or ReviewStartForm(initial={"date": today()})
        ctx["dimensions"] = services.policy_for(ctx["task"].area_code).review_dimensions
        return ctx

    def post(self, request, *args, **kwargs):
        form = ReviewStartForm(request.POST)
        if form.is_valid():
            try:
                review = services.review_start(
                    actor=request.user, task=self.get_object(), **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Review started: score each sitting cadre."))
                return redirect("supervision:review-detail", review.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ReviewDetailView(MeetingFormMixin, ObjectMixin, TemplateView):
    """One review: a row per sitting cadre with a score per dimension and the grade."""

    model = Review
    template_name = T + "review_detail.html"

    def base_queryset(self):
        return Review.objects.select_related(
            "village__township__parent", "task", "created_by", "completed_by"
        )

    def sheet(self):
        if not hasattr(self, "_sheet"):
            self._sheet = selectors.review_sheet(self.get_object())
        return self._sheet

    def review_formset(self, data=None):
        """The one-page form: a row per sitting cadre, a score on each dimension."""
        review = self.get_object()
        rows = [row for row in self.sheet() if row.sitting]
        initial = []
        for row in rows:
            values = {f"d{n}": value for n, value in enumerate(row.values)}
            comment = row.score.comment if row.score else ""
            initial.append({"key": row.post.pk, "comment": comment, **values})
        return ReviewFormSet(
            data,
            initial=initial,
            keys=[row.post.pk for row in rows],
            row_kwargs=[{"dimensions": review.dimensions} for _row in rows],
            prefix="scores",
        )

    def detail_url(self):
        return reverse("supervision:review-detail", args=[self.get_object().pk])

    def get_context_data(self, **kwargs):
        review = self.get_object()
        rows = self.sheet()
        is_draft = review.state == RecordState.DRAFT
        can_edit = is_draft and scope_for(self.request.user).allows(Right.EDIT, review.area_code)
        formset = None
        if can_edit:
            formset = kwargs.get("formset") or self.review_formset()
            forms_by_post = dict(zip(formset.keys, formset.forms, strict=True))
            for row in rows:
                row.form = forms_by_post.get(row.post.pk)
        return {
            **reopen_context(self.request, "review", review),
            "complete_message": REVIEW_COMPLETE_MESSAGE,
            **super().get_context_data(**kwargs),
            "review": review,
            "village": review.village,
            "period_label": Period.parse(review.period).label(),
            "rows": rows,
            "is_draft": is_draft,
            "can_edit": can_edit,
            "formset": formset,
            "complete_form": kwargs.get("complete_form") or forms.Form(),
            "village_tab": optional_url("village-supervision", review.village.code),
            **history_context(self.request, review),
        }


class ReviewWriteView(PostOnly, ReviewDetailView):
    """A POST changing a draft review: township and county staff only."""

    required_right = Right.EDIT
    draft_only_detail = "review-detail"


class ReviewScoresView(ReviewWriteView):
    """POST the one-page form as a draft: the scores typed are kept, nothing is completed."""

    complete = False

    def post(self, request, *args, **kwargs):
        sheet = {row.post.pk: row.post for row in self.sheet()}
        return self.save_rows(
            self.review_formset(request.POST),
            lambda rows: services.review_set_scores(
                actor=request.user,
                review=self.get_object(),
                scores={sheet[key]: row for key, row in rows},
                complete=self.complete,
            ),
            _("Review completed.") if self.complete else _("Scores saved as a draft."),
        )


class ReviewCompleteView(ConfirmMixin, ReviewScoresView):
    """POST the one-page form and complete the review in the same transaction, asked first
    once the rows are valid."""

    confirm_message = REVIEW_COMPLETE_MESSAGE
    ask_before_validating = False
    complete = True


class ReviewListView(ScopedListView):
    """Reviews of the villages in scope, with how many cadres were scored."""

    model = Review
    filterset_class = ReviewFilterSet
    template_name = T + "review_list.html"
    default_ordering = ("-period", "area_code")

    def base_queryset(self):
        return Review.objects.select_related("village").annotate(n_scored=Count("scores"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["townships"] = Region.objects.visible_to(self.request.user).townships()
        ctx["states"] = RecordState.choices
        return ctx


urlpatterns = [
    path("checklists/", TemplateListView.as_view(), name="template-list"),
    path("checklists/add/<str:county>/", TemplateCreateView.as_view(), name="template-create"),
    path("checklists/<int:pk>/", TemplateDetailView.as_view(), name="template-detail"),
    path("checklists/<int:pk>/items/", TemplateItemsView.as_view(), name="template-items"),
    path("checklists/<int:pk>/activate/", TemplateActivateView.as_view(), name="template-activate"),
    path(
        "checklists/<int:pk>/new-version/",
        TemplateNewVersionView.as_view(),
        name="template-new-version",
    ),
    path("inspections/", InspectionListView.as_view(), name="inspection-list"),
    path(
        "duties/<int:task_pk>/inspection/",
        InspectionCreateView.as_view(),
        name="inspection-create",
    ),
    path("inspections/<int:pk>/", InspectionDetailView.as_view(), name="inspection-detail"),
    path("inspections/<int:pk>/edit/", InspectionUpdateView.as_view(), name="inspection-update"),
    path("inspections/<int:pk>/scores/", InspectionScoresView.as_view(), name="inspection-scores"),
    path(
        "inspections/<int:pk>/participants/",
        InspectionParticipantsView.as_view(),
        name="inspection-participants",
    ),
    path(
        "inspections/<int:pk>/findings/add/",
        InspectionFindingAddView.as_view(),
        name="inspection-finding-add",
    ),
    path(
        "inspections/<int:pk>/findings/<int:finding_pk>/remove/",
        InspectionFindingRemoveView.as_view(),
        name="inspection-finding-remove",
    ),
    path(
        "inspections/<int:pk>/complete/",
        InspectionCompleteView.as_view(),
        name="inspection-complete",
    ),
    path("reviews/", ReviewListView.as_view(), name="review-list"),
    path("duties/<int:task_pk>/review/", ReviewCreateView.as_view(), name="review-create"),
    path("reviews/<int:pk>/", ReviewDetailView.as_view(), name="review-detail"),
    path("reviews/<int:pk>/scores/", ReviewScoresView.as_view(), name="review-scores"),
    path("reviews/<int:pk>/complete/", ReviewCompleteView.as_view(), name="review-complete"),
]
