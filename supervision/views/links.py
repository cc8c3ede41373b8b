"""Pages of 双联一带 / 四包 and of the work teams: the leaders' links in scope with their visits
this quarter and year (a whole quarter without one is flagged), one link with its visits and its
matters (一事一记账), assigning and ending a link; the work team roster. Rows through the scope
(a leader also sees their own links)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.dates import today
from core.excel import xlsx_response
from core.rights import Right, scope_for
from core.views import ScopedDetailView, ScopedListView, apply_validation_error
from villages.changelog import history_context
from villages.models import Region, Village

from .. import selectors, services
from ..choices import LeaderLevel, LinkKind, WorkTeamRole
from ..exports_links import links_workbook, work_team_workbook
from ..forms_links import (
    LeaderLinkEndForm,
    LeaderLinkFilterSet,
    LeaderLinkForm,
    LeaderMatterForm,
    WorkTeamEndForm,
    WorkTeamFilterSet,
    WorkTeamMemberForm,
)
from ..models import LeaderLink, WorkTeamMember
from ..services import links as link_services

TEMPLATES = "supervision/links/"


def _flag(links, on):
    for link in links:
        link.idle = selectors.idle_last_quarter(link, on)
    return links


class LeaderLinkListView(ScopedListView):
    """The links in scope (a leader: their own), with the visits this quarter and year."""

    model = LeaderLink
    filterset_class = LeaderLinkFilterSet
    template_name = TEMPLATES + "link_list.html"
    default_ordering = ("area_code", "kind", "-start_date")

    def base_queryset(self):
        return selectors.leader_links(today())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        _flag(ctx["object_list"], today())
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            levels=LeaderLevel.choices,
            kinds=LinkKind.choices,
            may_assign=scope_for(self.request.user).anywhere(Right.EDIT),
        )
        return ctx


class LeaderLinkExportView(LoginRequiredMixin, View):
    """The filtered links as an Excel workbook."""

    def get(self, request):
        on = today()
        links = selectors.leader_links(on).visible_to(request.user).order_by("area_code", "pk")
        filterset = LeaderLinkFilterSet(request.GET or None, queryset=links, request=request)
        if filterset.is_bound:
            links = filterset.qs
        return xlsx_response(links_workbook(_flag(list(links), on)), f"links-{on:%Y%m%d}.xlsx")


class _VillageFormView(LoginRequiredMixin, TemplateView):
    """A form about a village the user manages (EDIT)."""

    template_name = TEMPLATES + "form.html"
    form_class: type = LeaderLinkForm
    title = ""

    def villages(self):
        return Village.objects.editable_by(self.request.user).order_by("code")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.villages().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self):
        data = self.request.POST if self.request.method == "POST" else None
        initial = {"start_date": today()}
        code = self.request.GET.get("village", "")
        if code.isdigit() and (village := self.villages().filter(code=code).first()):
            initial["village"] = village.pk
        return self.form_class(data, villages=self.villages(), initial=initial)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(form=kwargs.get("form") or self.form(), title=self.title, back=self.back)
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            try:
                row = self.save(form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(row))
        return self.render_to_response(self.get_context_data(form=form))


class LeaderLinkCreateView(_VillageFormView):
    """Link a leader to a village for three years (the county; the township its own leaders)."""

    form_class = LeaderLinkForm

    @property
    def title(self):
        return _("Link a leader to a village")

    @property
    def back(self):
        return reverse("supervision:link-list")

    def save(self, data):
        return services.leader_link_assign(actor=self.request.user, **data)

    def success_url(self, link):
        return reverse("supervision:link-detail", args=[link.pk])


class LeaderLinkDetailView(ScopedDetailView):
    """One link: the leader, the term, the visits, the matters, the forms, the history."""

    model = LeaderLink
    template_name = TEMPLATES + "link_detail.html"
    slug_field = slug_url_kwarg = None

    def base_queryset(self):
        return selectors.leader_links(today())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        link, user, on = self.object, self.request.user, today()
        link.idle = selectors.idle_last_quarter(link, on)
        bound = kwargs.get("bound") or {}
        visits = selectors.link_visits(link)
        may_matter = (
            link_services.may_step(user, link, "matter") and link.start_date <= on < link.end
        )
        may_end = not link.ended_on and link_services.may_step(user, link, "end")
        problems = selectors.link_problems(user, link)
        ctx.update(
            link=link,
            village=link.village,
            visits=list(visits[:30]),
            matters=list(selectors.link_matters(link)),
            matter_form=(
                bound.get("matter") or LeaderMatterForm(initial={"date": on}, problems=problems)
            )
            if may_matter
            else None,
            end_form=(bound.get("end") or LeaderLinkEndForm(initial={"on": on}))
            if may_end
            else None,
            may_visit=link.leader_id == user.pk and link.start_date <= on < link.end,
            **history_context(self.request, link),
        )
        return ctx


class LeaderLinkStepView(LoginRequiredMixin, View):
    """POST a matter or an early end; a refusal shows on the link's page."""

    def post(self, request, pk, step):
        link = get_object_or_404(LeaderLink.objects.visible_to(request.user), pk=pk)
        if step == "matter":
            form = LeaderMatterForm(
                request.POST, problems=selectors.link_problems(request.user, link)
            )
            service = services.leader_matter_record
        elif step == "end":
            form = LeaderLinkEndForm(request.POST)
            service = services.leader_link_end
        else:
            raise PermissionDenied
        if form.is_valid():
            try:
                service(actor=request.user, link=link, **form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect(reverse("supervision:link-detail", args=[link.pk]))
        detail = LeaderLinkDetailView()
        detail.setup(request, pk=pk)
        detail.object = detail.get_object()
        ctx = detail.get_context_data(object=detail.object, bound={step: form})
        return TemplateResponse(request, detail.template_name, ctx)


# ------------------------------------------------------------------ work teams


class WorkTeamListView(ScopedListView):
    """Work team members in scope (驻村工作队, 包村工作组)."""

    model = WorkTeamMember
    filterset_class = WorkTeamFilterSet
    template_name = TEMPLATES + "team_list.html"
    default_ordering = ("area_code", "role", "start_date", "pk")

    def base_queryset(self):
        return selectors.work_team_members()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            townships=Region.objects.visible_to(self.request.user).townships(),
            roles=WorkTeamRole.choices,
            may_add=scope_for(self.request.user).anywhere(Right.EDIT),
            on=today(),
        )
        return ctx


class WorkTeamExportView(LoginRequiredMixin, View):
    def get(self, request):
        rows = selectors.work_team_members().visible_to(request.user).order_by("area_code", "pk")
        filterset = WorkTeamFilterSet(request.GET or None, queryset=rows, request=request)
        if filterset.is_bound:
            rows = filterset.qs
        return xlsx_response(work_team_workbook(rows), f"work-teams-{today():%Y%m%d}.xlsx")


class WorkTeamMemberCreateView(_VillageFormView):
    """Put a person on a village's work team."""

    form_class = WorkTeamMemberForm

    @property
    def title(self):
        return _("Add a work team member")

    @property
    def back(self):
        return reverse("supervision:team-list")

    def save(self, data):
        return services.work_team_member_add(actor=self.request.user, **data)

    def success_url(self, member):
        return reverse("supervision:team-detail", args=[member.pk])


class WorkTeamMemberDetailView(ScopedDetailView):
    """One member: role, unit, dates, the end form, the history."""

    model = WorkTeamMember
    template_name = TEMPLATES + "team_detail.html"
    slug_field = slug_url_kwarg = None

    def base_queryset(self):
        return selectors.work_team_members()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        may_end = m.end_date is None and scope_for(self.request.user).allows(
            Right.EDIT, m.area_code
        )
        ctx.update(
            member=m,
            village=m.village,
            end_form=(kwargs.get("form") or WorkTeamEndForm(initial={"on": today()}))
            if may_end
            else None,
            **history_context(self.request, m),
        )
        return ctx

    def post(self, request, pk):
        self.object = self.get_object()
        form = WorkTeamEndForm(request.POST)
        if form.is_valid():
            try:
                services.work_team_member_end(
                    actor=request.user, member=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect(reverse("supervision:team-detail", args=[pk]))
        return self.render_to_response(self.get_context_data(object=self.object, form=form))


urlpatterns = [
    path("links/", LeaderLinkListView.as_view(), name="link-list"),
    path("links/export/", LeaderLinkExportView.as_view(), name="link-export"),
    path("links/new/", LeaderLinkCreateView.as_view(), name="link-create"),
    path("links/<int:pk>/", LeaderLinkDetailView.as_view(), name="link-detail"),
    path("links/<int:pk>/<slug:step>/", LeaderLinkStepView.as_view(), name="link-step"),
    path("work-teams/", WorkTeamListView.as_view(), name="team-list"),
    path("work-teams/export/", WorkTeamExportView.as_view(), name="team-export"),
    path("work-teams/new/", WorkTeamMemberCreateView.as_view(), name="team-create"),
    path("work-teams/<int:pk>/", WorkTeamMemberDetailView.as_view(), name="team-detail"),
]
