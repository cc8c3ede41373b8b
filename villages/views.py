"""Pages of the administrative tree: home, villages, regions, contact cadres, history, import."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from core.excel import xlsx_response
from core.rights import Right, scope_for
from core.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    apply_validation_error,
    paginate,
)
from villages.changelog import history_context

from . import changelog, selectors, services
from .choices import RegionLevel
from .filtersets import RegionFilterSet, VillageFilterSet
from .forms import (
    ChangeLogFilterForm,
    ContactAssignmentEndForm,
    ContactAssignmentForm,
    RegionSetupForm,
    StaffImportForm,
    TreeImportForm,
    VillageCreateForm,
    VillageForm,
)
from .models import ContactAssignment, Region, Village


class HomeView(LoginRequiredMixin, TemplateView):
    """'My work': the user's roles, the areas they cover and their villages."""

    template_name = "villages/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["roles"] = selectors.roles_of(user)
        ctx["townships"] = selectors.township_totals(user)
        ctx["my_villages"] = selectors.contact_villages_of(user)
        ctx["recent_changes"] = changelog.recent_changes_by(user, user)
        return ctx


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, where a wrong old password counts as a failed login of the
    account: a stolen session gets no more guesses than the login form (AXES_FAILURE_LIMIT per
    AXES_COOLOFF_TIME), and a locked account can change nothing until it is unlocked."""

    def credentials(self) -> dict[str, str]:
        return {"username": self.request.user.get_username()}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not AxesProxyHandler.is_allowed(
            request, self.credentials()
        ):
            return get_lockout_response(request, None, self.credentials())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        from .staff import password_changed

        response = super().form_valid(form)
        password_changed(user=form.user, request=self.request)
        return response

    def form_invalid(self, form):
        if form.has_error("old_password", "password_incorrect"):
            # axes records the failure (with the client's address) and, at the limit, locks the
            # account and answers with its lockout page.
            user_login_failed.send(
                sender=__name__, credentials=self.credentials(), request=self.request
            )
        return super().form_invalid(form)


class VillageListView(ScopedListView):
    model = Village
    filterset_class = VillageFilterSet
    template_name = "villages/village_list.html"
    default_ordering = ("code",)

    def base_queryset(self):
        return Village.objects.with_township()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["townships"] = Region.objects.visible_to(self.request.user).townships()
        ctx["can_manage"] = scope_for(self.request.user).anywhere(Right.EDIT)
        return ctx


class VillageDetailView(ScopedDetailView):
    model = Village
    template_name = "villages/village_detail.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        village = self.object
        ctx["tab"] = "overview"
        ctx["can_edit"] = scope_for(self.request.user).allows(Right.EDIT, village.code)
        ctx["assignments"] = (
            ContactAssignment.objects.visible_to(self.request.user)
            .filter(village=village)
            .select_related("cadre")
            .order_by("end_date", "-start_date")
        )
        return ctx


class VillageHistoryView(ScopedDetailView):
    """历史记录: every change of the village and of the records attached to it."""

    model = Village
    template_name = "villages/village_history.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tab"] = "history"
        ctx.update(history_context(self.request, self.object))
        return ctx


class VillageCreateView(LoginRequiredMixin, FormView):
    form_class = VillageCreateForm
    template_name = "villages/village_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.townships().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def townships(self):
        return Region.objects.editable_by(self.request.user).townships()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "townships": self.townships()}

    def form_valid(self, form):
        try:
            village = services.village_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        except PermissionDenied:
            form.add_error("code", _("This code lies outside the areas you manage."))
            return self.form_invalid(form)
        messages.success(self.request, _("Village %(name)s added.") % {"name": village.name})
        return redirect(village)


class VillageUpdateView(ScopedObjectMixin, FormView):
    model = Village
    form_class = VillageForm
    template_name = "villages/village_form.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form must not mutate the object the service compares against.
        kwargs["instance"] = self.get_queryset().get(pk=self.get_object().pk)
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "village": self.get_object()}

    def form_valid(self, form):
        village = self.get_object()
        try:
            services.village_update(actor=self.request.user, village=village, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(village)


class ContactAssignmentCreateView(ScopedObjectMixin, FormView):
    """Assign a contact cadre (包村干部) to a village."""

    model = Village
    form_class = ContactAssignmentForm
    template_name = "villages/contact_form.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "candidates": services.contact_cadre_candidates(self.get_object()),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "village": self.get_object()}

    def form_valid(self, form):
        village = self.get_object()
        try:
            services.contact_assignment_create(
                actor=self.request.user, village=village, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Contact cadre assigned."))
        return redirect(village)


class ContactAssignmentEndView(ScopedObjectMixin, FormView):
    model = ContactAssignment
    form_class = ContactAssignmentEndForm
    template_name = "villages/contact_end_form.html"
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return ContactAssignment.objects.select_related("village__township__parent", "cadre")

    def scope_code(self, obj) -> str:
        return obj.area_code

    def get_context_data(self, **kwargs):
        assignment = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "assignment": assignment,
            "village": assignment.village,
        }

    def form_valid(self, form):
        assignment = self.get_object()
        try:
            services.contact_assignment_end(
                actor=self.request.user, assignment=assignment, **form.cleaned_data
            )
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Assignment ended."))
        return redirect(assignment.village)


class RegionListView(ScopedListView):
    model = Region
    filterset_class = RegionFilterSet
    template_name = "villages/region_list.html"
    default_ordering = ("code",)

    def base_queryset(self):
        return Region.objects.all()

    def get_queryset(self):
        qs = selectors.regions_with_counts(self.request.user).exclude(
            level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]
        )
        qs = qs.order_by(*self.default_ordering)
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=qs, request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound else qs


class RegionDetailView(ScopedDetailView):
    model = Region
    template_name = "villages/region_detail.html"

    def get_queryset(self):
        return selectors.regions_with_counts(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = self.object
        user = self.request.user
        if region.level == RegionLevel.TOWNSHIP:
            ctx["villages"] = paginate(
                self.request,
                Village.objects.visible_to(user).filter(township=region).order_by("code"),
            )
        ctx["children"] = selectors.regions_with_counts(user).filter(parent=region)
        ctx["totals"] = selectors.township_totals(user).filter(
            township__code__startswith=region.code
        )
        return ctx


class TreeImportView(LoginRequiredMixin, FormView):
    """Upload the filled-in Excel template: check it (a dry run that lists what would change) or
    import it; all rows are checked before anything is written."""

    form_class = TreeImportForm
    template_name = "villages/tree_import.html"

    def counties(self):
        return selectors.importable_counties(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        # With no county yet, whoever may write everywhere imports the first one, named on the
        # template's upper-levels sheet.
        if (
            request.user.is_authenticated
            and not self.counties().exists()
            and not scope_for(request.user).everything
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_county(self):
        """The county chosen; None for a new one, named on the workbook's upper-levels sheet
        (offered to whoever may write everywhere)."""
        code = self.request.POST.get("county", self.request.GET.get("county"))
        qs = self.counties()
        if code:
            return get_object_or_404(qs, code=code)
        if code == "" and scope_for(self.request.user).everything:
            return None
        return qs.first()

    def get_context_data(self, **kwargs):
        from .imports import LIST_LIMIT

        return {
            **super().get_context_data(**kwargs),
            "counties": self.counties(),
            "county": self.get_county(),
            "may_add_county": scope_for(self.request.user).everything,
            "list_limit": LIST_LIMIT,
        }

    def post(self, request, *args, **kwargs):
        if "checked" in request.POST:
            return self.import_checked(request.POST["checked"])
        return super().post(request, *args, **kwargs)

    def import_checked(self, ticket: str):
        """Import the file a dry run checked (kept on the server), with the options it had."""
        from .imports import ImportRowError, take_checked_file

        form = self.get_form_class()()
        checked = take_checked_file(actor=self.request.user, ticket=ticket)
        if checked is None:
            gone = ImportRowError(
                "", None, "", _("The checked file is no longer kept; choose it again.")
            )
            return self.render_to_response(
                self.get_context_data(form=form, import_errors=[gone]), status=400
            )
        content, county_code, update = checked
        county = get_object_or_404(self.counties(), code=county_code) if county_code else None
        return self.run(form, file=content, county=county, update=update, dry_run=False)

    def form_valid(self, form):
        return self.run(
            form,
            file=form.cleaned_data["file"],
            county=self.get_county(),
            update=form.cleaned_data["update"],
            dry_run="dry_run" in self.request.POST,
        )

    def run(self, form, *, file, county, update: bool, dry_run: bool):
        from .imports import TreeImportError, import_tree, keep_checked_file

        try:
            result = import_tree(
                actor=self.request.user, county=county, file=file, update=update, dry_run=dry_run
            )
        except TreeImportError as e:
            # 400: the upload was refused and nothing was written (the page says so).
            return self.render_to_response(
                self.get_context_data(form=form, import_errors=e.errors), status=400
            )
        if dry_run:
            ticket = keep_checked_file(
                actor=self.request.user,
                file=file,
                county_code=county.code if county else "",
                update=update,
            )
            return self.render_to_response(
                self.get_context_data(form=form, preview=result, checked=ticket)
            )
        messages.success(
            self.request,
            _(
                "Import finished: %(tc)d townships added, %(tu)d updated; "
                "%(vc)d villages added, %(vu)d updated."
            )
            % {
                "tc": result.townships_created,
                "tu": result.townships_updated,
                "vc": result.villages_created,
                "vu": result.villages_updated,
            },
        )
        return redirect("villages:village-list")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TreeImportTemplateView(TreeImportView):
    """Download the Excel template, prefilled with the county's townships."""

    def get(self, request, *args, **kwargs):
        from .imports import build_import_template

        county = self.get_county()
        content = build_import_template(county=county, actor=request.user)
        return xlsx_response(content, f"tree-import-{county.code if county else 'new'}.xlsx")

    post = None


class ChangeLogView(LoginRequiredMixin, TemplateView):
    """The county's change log (county supervisors and administrators)."""

    template_name = "villages/changelog.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not scope_for(request.user).anywhere(Right.SUPERVISE):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ChangeLogFilterForm(self.request.GET or None)
        log = changelog.change_log(
            self.request.user, form.filters(), page=self.request.GET.get("page", 1)
        )
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            form=form,
            page_obj=log.page_obj,
            query_string=params.urlencode(),
            events=log.events,
        )
        return ctx


class RegionSetupView(LoginRequiredMixin, FormView):
    """设置本县: the first run's page, where an administrator makes the county's chain
    province › city › county from its official code (the tree's first rows)."""

    form_class = RegionSetupForm
    template_name = "villages/setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope_for(request.user).everything:
            raise PermissionDenied(_("Only an administrator sets up a county."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        counties = (
            Region.objects.visible_to(self.request.user).counties().select_related("parent__parent")
        )
        return {**super().get_context_data(**kwargs), "counties": counties}

    def form_valid(self, form):
        from .setup import region_setup, resolve_area

        names = {}
        try:
            if form.cleaned_data["county_name"]:
                names[resolve_area(form.cleaned_data["code"]).code] = form.cleaned_data[
                    "county_name"
                ]
            result = region_setup(
                actor=self.request.user, code=form.cleaned_data["code"], names=names
            )
        except ValidationError as e:
            for message in e.messages:
                form.add_error("code", message)
            return self.form_invalid(form)
        if result.created:
            messages.success(
                self.request,
                _("%(chain)s created. Next: import its townships and villages from Excel.")
                % {"chain": " › ".join(r.name for r in [*result.existing, *result.created])},
            )
        else:
            messages.info(
                self.request, _("%(name)s was already set up.") % {"name": result.region.name}
            )
        return redirect(f"{reverse('villages:tree-import')}?county={result.region.code}")


#: the session key of the last staff import's initial passwords, until they are downloaded
STAFF_PASSWORDS_KEY = "staff_import_accounts"


class StaffImportView(LoginRequiredMixin, FormView):
    """Staff accounts from Excel (all or nothing); the initial passwords are shown on the result
    page and may be downloaded once."""

    form_class = StaffImportForm
    template_name = "villages/staff_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope_for(request.user).anywhere(Right.EDIT):
            raise PermissionDenied(_("Only the staff who manage an area create its accounts."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        from .staff import StaffImportError, import_staff, seal_accounts

        try:
            accounts = import_staff(actor=self.request.user, file=form.cleaned_data["file"])
        except StaffImportError as e:
            return self.render_to_response(self.get_context_data(form=form, import_errors=e.errors))
        # Kept, encrypted, in the session until downloaded once, replaced or an hour old.
        self.request.session[STAFF_PASSWORDS_KEY] = seal_accounts(accounts)
        messages.success(
            self.request,
            _("%(n)d accounts created. Hand each person their initial password now.")
            % {"n": len(accounts)},
        )
        rows = [(a, a.shown_phone(self.request.user)) for a in accounts]
        return self.render_to_response(self.get_context_data(form=form, accounts=rows))


class StaffImportTemplateView(LoginRequiredMixin, View):
    """Download the empty staff template."""

    def get(self, request, *args, **kwargs):
        from .staff import build_staff_template

        if not scope_for(request.user).anywhere(Right.EDIT):
            raise PermissionDenied(_("Only the staff who manage an area create its accounts."))
        return xlsx_response(build_staff_template(), "staff-import.xlsx")


class StaffPasswordsDownloadView(LoginRequiredMixin, View):
    """The last import's accounts with their initial passwords, once: the download empties the
    session's copy, so the passwords exist nowhere in the system afterwards."""

    def post(self, request, *args, **kwargs):
        from .staff import accounts_workbook, open_accounts

        sealed = request.session.pop(STAFF_PASSWORDS_KEY, None)
        accounts = open_accounts(sealed) if sealed else None
        if not accounts:
            messages.warning(
                request, _("The initial passwords were already downloaded or have expired.")
            )
            return redirect("villages:staff-import")
        return xlsx_response(
            accounts_workbook(accounts, viewer=request.user), "initial-passwords.xlsx"
        )
