"""Pages of 在岗/驻村: recording a visit from the phone, the list of visits (and its Excel
export), one visit with its photo and history, a township's villages against the norm this week
and last week, and one person's weeks. Every row is read through the user's scope."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.dates import today
from core.excel import xlsx_response
from core.rights import Right, scope_for
from core.views import ScopedDetailView, ScopedListView, apply_validation_error, paginate
from villages.changelog import history_context
from villages.models import ContactAssignment, Region, Village

from .. import selectors, services
from ..choices import FieldFormKind
from ..exports_presence import presence_workbook
from ..forms_presence import PresenceVisitFilterSet, PresenceVisitForm
from ..models import PresenceShortfall, PresenceVisit
from ..periods import week_end, week_label, week_start
from .field import FieldFormMixin

TEMPLATES = "supervision/presence/"


def _weeks(on: dt.date) -> list[tuple[str, dt.date]]:
    this = week_start(on)
    return [("this", this), ("last", this - dt.timedelta(days=7))]


class PresenceVisitListView(ScopedListView):
    """The visits in scope, newest first, with filters, sorting and the export."""

    model = PresenceVisit
    filterset_class = PresenceVisitFilterSet
    template_name = TEMPLATES + "visit_list.html"
    default_ordering = ("-date", "area_code", "-pk")

    def base_queryset(self):
        return selectors.presence_visits()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        scope = scope_for(user)
        ctx.update(
            townships=Region.objects.visible_to(user).townships(),
            may_record=scope.anywhere(Right.ORGANIZE),
        )
        return ctx


class PresenceExportView(LoginRequiredMixin, View):
    """The filtered visits as an Excel workbook (the list's filters)."""

    def get(self, request):
        visits = selectors.presence_visits().visible_to(request.user).order_by("-date", "pk")
        filterset = PresenceVisitFilterSet(request.GET or None, queryset=visits, request=request)
        if filterset.is_bound:
            visits = filterset.qs
        return xlsx_response(presence_workbook(visits), f"presence-{today():%Y%m%d}.xlsx")


class PresenceVisitCreateView(FieldFormMixin, LoginRequiredMixin, FormView):
    """Record one's own visit to a village one organizes (the phone's page, a field form)."""

    template_name = TEMPLATES + "visit_form.html"
    field_kind = FieldFormKind.PRESENCE

    def field_conflict(self):
        village = self.request.POST.get("village", "")
        if village.isdigit() and not self.villages().filter(pk=village).exists():
            raise PermissionDenied  # the user lost the village since the form was filled

    def villages(self):
        return selectors.presence_villages(self.request.user)

    def get_form(self, form_class=None):
        # a user who organizes no village may not record (a sync's `out_of_scope`)
        if not self.villages().exists():
            raise PermissionDenied
        initial = {"date": today(), "half_days": 1}
        villages = self.villages()
        code = self.request.GET.get("village", "")
        if code.isdigit() and (village := villages.filter(code=code).first()):
            initial["village"] = village.pk
        elif len(only := list(villages[:2])) == 1:
            initial["village"] = only[0].pk  # a contact cadre of one village: no choice to make
        data = files = None
        if self.request.method == "POST":
            data, files = self.request.POST, self.request.FILES
        return PresenceVisitForm(data, files, villages=villages, initial=initial)

    def form_valid(self, form):
        try:
            visit = self.once(
                lambda: services.presence_visit_record(
                    actor=self.request.user, **form.cleaned_data
                ),
                url=lambda v: reverse("supervision:presence-detail", args=[v.pk]),
                area_code=form.cleaned_data["village"].code,
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Visit recorded."))
        # A linked leader goes back to the link's page (they may hold no role to see the rest).
        link = selectors.leader_link_of(visit.person_id, visit.village_id, visit.date)
        if link is not None:
            return redirect(reverse("supervision:link-detail", args=[link.pk]))
        return redirect(reverse("supervision:presence-person", args=[visit.person_id]))


class PresenceVisitDetailView(ScopedDetailView):
    """One visit: what was done, the photo, the location, the history."""

    model = PresenceVisit
    template_name = TEMPLATES + "visit_detail.html"

    def base_queryset(self):
        return selectors.presence_visits()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(visit=self.object, **history_context(self.request, self.object))
        return ctx


class PresencePhotoView(LoginRequiredMixin, View):
    """A visit's photo, to those who see the visit (the file has no public URL)."""

    def get(self, request, pk):
        visit = get_object_or_404(PresenceVisit.objects.visible_to(request.user), pk=pk)
        if not visit.photo:
            raise Http404
        return FileResponse(visit.photo.open("rb"))


class PresenceTownshipView(LoginRequiredMixin, TemplateView):
    """A township's villages this week (so far) and last week: each contact cadre's half days
    against the norm, the villages short first. A fixed number of queries."""

    template_name = TEMPLATES + "township.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        township = get_object_or_404(
            Region.objects.visible_to(user).townships(), code=self.kwargs["code"]
        )
        villages = Village.objects.visible_to(user).filter(township=township)
        weeks = []
        for key, monday in _weeks(today()):
            rows = selectors.village_presence(villages, monday)
            dues = [d for row in rows for d in row.dues]
            weeks.append(
                {
                    "key": key,
                    "monday": monday,
                    "sunday": week_end(monday),
                    "label": week_label(monday),
                    "short": [r for r in rows if r.short],
                    "rows": rows,
                    "summary": selectors.presence_summary(dues),
                }
            )
        ctx.update(township=township, weeks=weeks)
        return ctx


class PresencePersonView(LoginRequiredMixin, TemplateView):
    """One person's presence: their duties this week and last, their recent shortfalls and
    visits, in the villages the reader sees."""

    template_name = TEMPLATES + "person.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        villages = Village.objects.visible_to(user)
        person_id = self.kwargs["pk"]
        # The person is shown only through what the reader sees of them: their assignments or
        # visits in scope (or the reader themselves).
        seen = (
            person_id == user.pk
            or ContactAssignment.objects.visible_to(user).filter(cadre_id=person_id).exists()
            or PresenceVisit.objects.visible_to(user).filter(person_id=person_id).exists()
        )
        if not seen:
            raise Http404
        person = get_object_or_404(get_user_model(), pk=person_id)
        weeks = [
            {"key": key, "monday": monday, "label": week_label(monday), "dues": dues}
            for (key, monday), (_m, dues) in zip(
                _weeks(today()),
                selectors.person_presence_weeks(person, villages, [m for _k, m in _weeks(today())]),
                strict=True,
            )
        ]
        visits = (
            selectors.presence_visits()
            .visible_to(user)
            .filter(person_id=person_id)
            .order_by("-date", "-pk")
        )
        shortfalls = (
            PresenceShortfall.objects.visible_to(user)
            .filter(person_id=person_id)
            .select_related("village")
            .order_by("-week", "area_code")[:20]
        )
        ctx.update(
            person=person,
            weeks=weeks,
            visits=paginate(self.request, visits),
            shortfalls=list(shortfalls),
            is_self=person_id == user.pk,
            may_record=person_id == user.pk and scope_for(user).anywhere(Right.ORGANIZE),
        )
        return ctx


class PresenceHomeView(LoginRequiredMixin, View):
    """The menu's entry: one's own page for a contact cadre, one's links for a linked leader,
    the list for the others."""

    def get(self, request):
        if selectors.is_contact_cadre(request.user):
            return redirect(reverse("supervision:presence-person", args=[request.user.pk]))
        user = request.user
        if not scope_for(user).anywhere(Right.SEE) and selectors.leader_link_of(
            user.pk, None, today()
        ):
            # A linked leader without an area role: their links, each with its record button.
            return redirect(reverse("supervision:link-list"))
        return redirect(reverse("supervision:presence-list"))


urlpatterns = [
    path("presence/", PresenceHomeView.as_view(), name="presence-home"),
    path("presence/visits/", PresenceVisitListView.as_view(), name="presence-list"),
    path("presence/visits/export/", PresenceExportView.as_view(), name="presence-export"),
    path("presence/visits/record/", PresenceVisitCreateView.as_view(), name="presence-record"),
    path("presence/visits/<int:pk>/", PresenceVisitDetailView.as_view(), name="presence-detail"),
    path("presence/visits/<int:pk>/photo/", PresencePhotoView.as_view(), name="presence-photo"),
    path(
        "presence/townships/<str:code>/", PresenceTownshipView.as_view(), name="presence-township"
    ),
    path("presence/people/<int:pk>/", PresencePersonView.as_view(), name="presence-person"),
]
