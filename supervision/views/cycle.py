"""Pages of the cycle: the village's 督查 tab (the year's calendar of duties), one duty (which
leads to its record or offers to start it), the list of duties, and the county's
policy of the cycle."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, RedirectView, TemplateView

from cadres.models import QualificationCertificate
from core.dates import today
from core.rights import Right, scope_for
from core.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    apply_validation_error,
)
from villages.changelog import history_context
from villages.models import Region, Village

from .. import selectors, services
from ..choices import TOP_DOWN, Grade, TaskKind, TaskState, WarningLevel, WarningRule
from ..filtersets_cycle import SupervisionTaskFilterSet
from ..forms_cycle import PolicyForm
from ..models import CertificateInspection, Notification, SupervisionPolicy, SupervisionTask
from ..periods import Period

#: the record that fulfils each duty: (attribute on the task, name of its detail page)
RECORDS = {
    TaskKind.INSPECTION: ("inspection", "inspection-detail"),
    TaskKind.HEARING: ("hearing", "hearing-detail"),
    TaskKind.REVIEW: ("review", "review-detail"),
    TaskKind.PUBLIC_REPORT: ("public_report", "public-report-detail"),
    TaskKind.REDEMPTION: ("redemption", "redemption-detail"),
}


def link(name: str, *args) -> str:
    return reverse(f"supervision:{name}", args=args)


#: the page that starts each duty's record (URL names follow the record's model, not the kind)
CREATE_PAGES = {
    TaskKind.INSPECTION: "inspection-create",
    TaskKind.HEARING: "hearing-create",
    TaskKind.REVIEW: "review-create",
    TaskKind.PUBLIC_REPORT: "public-report-create",
    TaskKind.REDEMPTION: "redemption-create",
    TaskKind.ANNUAL_INSPECTION: "certificate-inspection-create",
}


def may_do(user, task: SupervisionTask) -> bool:
    """Top-down duties are the township's (EDIT), bottom-up ones the contact cadre's."""
    right = Right.EDIT if task.kind in TOP_DOWN else Right.ORGANIZE
    return scope_for(user).allows(right, task.area_code)


# ------------------------------------------------------------------ the village tab


class VillageSupervisionView(ScopedDetailView):
    """督查 tab: the year's duties of the village by kind and period, each done on time, done
    late, due, overdue or not planned."""

    model = Village
    template_name = "supervision/cycle/village_supervision.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        on = today()
        years = selectors.calendar_years(on)
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() and int(year) in years else on.year
        rows = selectors.village_calendar(self.request.user, self.object, year, on)
        quarters = Period(year).quarters()
        scope = scope_for(self.request.user)
        ctx.update(
            tab="supervision",
            year=year,
            years=years,
            rows=rows,
            quarters=quarters,
            can_edit=scope.allows(Right.EDIT, self.object.code),
            warning=selectors.village_warning(self.request.user, self.object),
            leader_links=list(selectors.village_leader_links(self.object, on)),
            work_team=list(selectors.work_team_members().active_on(on).filter(village=self.object)),
        )
        return ctx


# ------------------------------------------------------------------ one duty


class SupervisionTaskDetailView(ScopedMixin, DetailView):
    """One duty: its record if there is one, else the duty and a button to start the record
    for those who may; an annual inspection lists the village's certificates instead."""

    model = SupervisionTask
    template_name = "supervision/cycle/supervision_task_detail.html"
    context_object_name = "task"

    def base_queryset(self):
        return SupervisionTask.objects.select_related(
            "village__township__parent", *(attr for attr, _ in RECORDS.values())
        )

    def get(self, request, *args, **kwargs):
        self.object = task = self.get_object()
        if task.kind in RECORDS:
            attr, detail = RECORDS[task.kind]
            record = getattr(task, attr, None)
            if record is not None:
                return redirect(link(detail, record.pk))
        return self.render_to_response(self.get_context_data(object=task))

    def certificates(self, task: SupervisionTask, may: bool) -> list:
        """The certificates of posts held during the year, each with its annual inspection."""
        year = Period.parse(task.period).year
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        user = self.request.user
        certs = list(
            QualificationCertificate.objects.visible_to(user)
            .filter(post__village_id=task.village_id, issued_on__lte=end)
            .filter(Q(post__end_date__isnull=True) | Q(post__end_date__gte=start))
            .select_related("post__cadre")
            .prefetch_related(
                Prefetch(
                    "annual_inspections",
                    queryset=CertificateInspection.objects.visible_to(user).filter(year=year),
                    to_attr="this_year",
                )
            )
            .order_by("post__kind", "number")
        )
        create = link(CREATE_PAGES[task.kind], task.pk)
        for cert in certs:
            cert.inspection = cert.this_year[0] if cert.this_year else None
            if cert.inspection:
                cert.url = link("certificate-inspection-detail", cert.inspection.pk)
            else:
                cert.url = f"{create}?certificate={cert.pk}" if may else ""
        return certs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        task = self.object
        may = may_do(self.request.user, task)
        ctx.update(
            village=task.village,
            period=Period.parse(task.period),
            status=selectors.task_status(task, today()),
            may_do=may,
            create_url=link(CREATE_PAGES[task.kind], task.pk) if may else "",
            top_down=task.kind in TOP_DOWN,
            certificates=self.certificates(task, may)
            if task.kind == TaskKind.ANNUAL_INSPECTION
            else None,
            **history_context(self.request, task),
        )
        return ctx


# ------------------------------------------------------------------ my work, now the inbox

#: "My work" was a second list of the user's tasks: the inbox (待办, the home page) is their one
#: home now, with the notifications; the user's duties are the duty list's "mine" filter. Old
#: links and bookmarks land there.
MyWorkRedirectView = RedirectView.as_view(pattern_name="home", permanent=False)


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("home")


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one of the user's notifications read, then go on to `next` (its page)."""

    def post(self, request, pk):
        notification = get_object_or_404(
            Notification.objects.visible_to(request.user).for_user(request.user), pk=pk
        )
        services.notification_read(actor=request.user, notification=notification)
        return redirect(_next_url(request))


class NotificationsReadAllView(LoginRequiredMixin, View):
    """POST: mark all the user's notifications read."""

    def post(self, request):
        n = services.notifications_read_all(actor=request.user)
        messages.success(request, _("%(n)d notifications marked read.") % {"n": n})
        return redirect(reverse("home"))


# ------------------------------------------------------------------ the list of duties


class SupervisionTaskListView(ScopedListView):
    """Duties of the villages in scope, for the township and the county: by period, kind,
    state, township, village name, overdue only."""

    model = SupervisionTask
    filterset_class = SupervisionTaskFilterSet
    template_name = "supervision/cycle/supervision_task_list.html"
    default_ordering = ("due_date", "area_code", "kind")

    def base_queryset(self):
        return SupervisionTask.objects.select_related("village")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        on = today()
        for task in ctx["object_list"]:
            task.status = selectors.task_status(task, on)
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            kinds=TaskKind.choices,
            states=TaskState.choices,
        )
        return ctx


# ------------------------------------------------------------------ the county's policy


class PolicyView(LoginRequiredMixin, TemplateView):
    """The county's policy of the cycle (`?county=` when the user sees several): everyone in
    the county reads it, its supervisor changes it."""

    template_name = "supervision/cycle/policy.html"

    def county(self) -> Region:
        counties = Region.objects.visible_to(self.request.user).counties().order_by("code")
        code = self.request.GET.get("county") or self.request.POST.get("county")
        county = counties.filter(code=code).first() if code else counties.first()
        if county is None:
            raise Http404
        return county

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.region = self.county()
            self.may_change = scope_for(request.user).allows(Right.SUPERVISE, self.region.code)
            self.policy = SupervisionPolicy.objects.visible_to(request.user).filter(
                area_code=self.region.code
            ).first() or SupervisionPolicy(area_code=self.region.code)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        policy = self.policy
        form = kwargs.get("form")
        if form is None and self.may_change:
            form = PolicyForm(initial=PolicyForm.initial_from(policy))
        ctx.update(
            county=self.region,
            policy=policy,
            form=form,
            may_change=self.may_change,
            due=[(label, policy.due_months.get(k)) for k, label in TaskKind.choices],
            floors=[(Grade(g).label, v) for g, v in policy.grade_floors.items()],
            levels=[
                (WarningRule(r).label, WarningLevel(v).label) for r, v in policy.rule_levels.items()
            ],
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if not self.may_change:
            raise PermissionDenied
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                services.policy_update(
                    actor=request.user, county_code=self.region.code, **form.policy_fields
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Policy saved."))
                return redirect(f"{reverse('supervision:policy')}?county={self.region.code}")
        return self.render_to_response(self.get_context_data(form=form))


urlpatterns = [
    path("villages/<str:code>/", VillageSupervisionView.as_view(), name="village-supervision"),
    path("tasks/", SupervisionTaskListView.as_view(), name="supervision-task-list"),
    path("tasks/<int:pk>/", SupervisionTaskDetailView.as_view(), name="supervision-task-detail"),
    path("my-work/", MyWorkRedirectView, name="my-work"),
    path(
        "notifications/<int:pk>/read/",
        NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "notifications/read-all/", NotificationsReadAllView.as_view(), name="notifications-read-all"
    ),
    path("policy/", PolicyView.as_view(), name="policy"),
]
