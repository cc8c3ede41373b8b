"""Pages of the registers (资产, 资源): a village's asset and resource registers, an asset with
its movements, a resource with its contracts and payments, and the county/township page of
contracts that need attention. Every write goes through ledgers.services.

Reading follows the scope (404 outside it); writing needs `Right.KEEP_BOOKS` on the village: its
clerk, the township staff and the county supervisor (403 for the others, e.g. a contact cadre).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.dates import today
from core.rights import Right
from core.views import ScopedListView, ScopedMixin, apply_validation_error
from villages.models import Region, Village

from .. import selectors, services
from ..choices import LAND_CLASSES, AssetCategory, AssetStatus, VoucherState
from ..filtersets_registers import AssetFilterSet, ResourceFilterSet
from ..forms_registers import (
    AssetForm,
    AssetMoveForm,
    ContractForm,
    PaymentForm,
    ResourceForm,
    TerminateForm,
)
from ..models import Asset, ContractPayment, Resource, ResourceContract, Voucher
from .books import RightsMixin

PER_PAGE = 25


class RegisterPage(RightsMixin, ScopedMixin, TemplateView):
    """A page about one object of the registers (`subject()`): 404 outside the scope, 403
    without `required_right` (None: read; KEEP_BOOKS: the village's bookkeepers)."""

    def subject(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.subject()
        self.check_rights(self.object.area_code)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "object": self.object,
            "tab": "ledger",
            **self.rights(self.object.area_code),
        }

    def done(self, message: str, url: str):
        messages.success(self.request, message)
        return redirect(url)


def _village_url(name: str, village) -> str:
    return reverse(f"ledgers:{name}", args=[village.code])


class VillageLookup:
    """The village of the URL's `code`, through the user's scope (404 outside it)."""

    def village(self) -> Village:
        if not hasattr(self, "_village"):
            self._village = get_object_or_404(
                Village.objects.visible_to(self.request.user).select_related("township__parent"),
                code=self.kwargs["code"],
            )
            # The village's own code is its area code: RegisterPage checks rights on it.
            self._village.area_code = self._village.code
        return self._village


class VillageRegisterList(VillageLookup, RightsMixin, ScopedListView):
    """A register (list) of one village, filtered with the shared FilterSet."""

    def get(self, request, *args, **kwargs):
        self.village()  # 404 before listing anything
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        village = self.village()
        ctx.update(village=village, tab="ledger", **self.rights(village.code))
        return ctx


# ------------------------------------------------------------------ assets


class AssetListView(VillageRegisterList):
    """资产台账 of a village: filters by category and status, totals of the original value."""

    model = Asset
    filterset_class = AssetFilterSet
    template_name = "ledgers/registers/asset_list.html"
    default_ordering = ("category", "name", "pk")

    def base_queryset(self):
        return Asset.objects.filter(area_code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filtered = self.object_list
        ctx["totals"] = filtered.order_by().aggregate(
            count=Count("pk"), value=Sum("original_value")
        )
        ctx["by_category"] = selectors.register_totals(self.village())["assets"]
        ctx["categories"] = AssetCategory.choices
        ctx["statuses"] = AssetStatus.choices
        return ctx


class AssetCreateView(VillageLookup, RegisterPage):
    """Register a new asset of the village."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/registers/form.html"

    def subject(self):
        return self.village()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "village": self.object,
            "title": _("Register an asset"),
            "form": kwargs.get("form") or AssetForm(),
            "cancel_url": _village_url("asset-list", self.object),
        }

    def post(self, request, *args, **kwargs):
        form = AssetForm(request.POST)
        if form.is_valid():
            try:
                asset = services.asset_register(
                    actor=request.user, village=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Asset “%(name)s” registered.") % {"name": asset.name},
                    reverse("ledgers:asset-detail", args=[asset.pk]),
                )
        return self.render_to_response(self.get_context_data(form=form))


class AssetDetailView(RegisterPage):
    """One asset with its movements; bookkeepers see the form of the next movement."""

    template_name = "ledgers/registers/asset_detail.html"

    def subject(self):
        return get_object_or_404(
            Asset.objects.visible_to(self.request.user).select_related("village__township__parent"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        asset = self.object
        ctx.update(
            asset=asset,
            village=asset.village,
            movements=asset.movements.select_related("recorded_by", "decision").order_by(
                "date", "pk"
            ),
            is_disposed=asset.status == AssetStatus.DISPOSED,
        )
        if ctx["can_keep_books"] and not ctx["is_disposed"]:
            ctx["form"] = kwargs.get("form") or AssetMoveForm(
                initial={"date": today()}, village=asset.village
            )
        return ctx


class AssetMoveView(AssetDetailView):
    """Record a movement of the asset (the form of the asset page)."""

    required_right = Right.KEEP_BOOKS

    def post(self, request, *args, **kwargs):
        form = AssetMoveForm(request.POST, village=self.object.village)
        if form.is_valid():
            try:
                services.asset_move(actor=request.user, asset=self.object, **form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Movement recorded."), reverse("ledgers:asset-detail", args=[self.object.pk])
                )
        return self.render_to_response(self.get_context_data(form=form))


# ------------------------------------------------------------------ resources


class ResourceListView(VillageRegisterList):
    """资源台账 of a village, with the area in 亩 per land class."""

    model = Resource
    filterset_class = ResourceFilterSet
    template_name = "ledgers/registers/resource_list.html"
    default_ordering = ("land_kind", "name", "pk")

    def base_queryset(self):
        return Resource.objects.filter(area_code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["totals"] = selectors.register_totals(self.village())
        ctx["filtered_area"] = self.object_list.order_by().aggregate(a=Sum("area_mu"))["a"]
        ctx["land_classes"] = LAND_CLASSES
        return ctx


# ------------------------------------------------------------------ across villages


class RegisterAcrossVillages(ScopedListView):
    """A register across the villages the user sees (the 一账 menu): the village's own list's
    FilterSet, with the township and village selects; a row links to the village's record."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        villages = Village.objects.visible_to(user).order_by("code").only("code", "name")
        township = self.request.GET.get("township", "")
        if township:
            villages = villages.filter(code__startswith=township)
        ctx.update(townships=Region.objects.visible_to(user).townships(), villages=villages)
        return ctx


class AssetRegisterView(RegisterAcrossVillages):
    """资产台账 of every village in scope."""

    model = Asset
    filterset_class = AssetFilterSet
    template_name = "ledgers/registers/asset_register.html"
    default_ordering = ("area_code", "category", "name", "pk")

    def base_queryset(self):
        return Asset.objects.select_related("village")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(categories=AssetCategory.choices, statuses=AssetStatus.choices)
        return ctx


class ResourceRegisterView(RegisterAcrossVillages):
    """资源台账 of every village in scope."""

    model = Resource
    filterset_class = ResourceFilterSet
    template_name = "ledgers/registers/resource_register.html"
    default_ordering = ("area_code", "land_kind", "name", "pk")

    def base_queryset(self):
        return Resource.objects.select_related("village")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["land_classes"] = LAND_CLASSES
        return ctx


class ResourceCreateView(AssetCreateView):
    """Register a new resource of the village."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            title=_("Register a resource"),
            form=kwargs.get("form") or ResourceForm(),
            cancel_url=_village_url("resource-list", self.object),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        form = ResourceForm(request.POST)
        if form.is_valid():
            try:
                resource = services.resource_register(
                    actor=request.user, village=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Resource “%(name)s” registered.") % {"name": resource.name},
                    reverse("ledgers:resource-detail", args=[resource.pk]),
                )
        return self.render_to_response(self.get_context_data(form=form))


class ResourceMixin:
    """The resource of the URL's pk, through the user's scope."""

    def subject(self):
        return get_object_or_404(
            Resource.objects.visible_to(self.request.user).select_related(
                "village__township__parent"
            ),
            pk=self.kwargs["pk"],
        )


class ResourceDetailView(ResourceMixin, RegisterPage):
    """One resource with its contracts, what each has received and still owes."""

    template_name = "ledgers/registers/resource_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        resource = self.object
        payments = ContractPayment.objects.visible_to(self.request.user).select_related(
            "voucher", "recorded_by"
        )
        contracts = list(
            selectors.contracts_with_paid(
                ResourceContract.objects.visible_to(self.request.user).filter(resource=resource)
            )
            .select_related("decision")
            .prefetch_related(Prefetch("payments", queryset=payments.order_by("received_on", "pk")))
            .order_by("-start_date", "-pk")
        )
        for contract in contracts:
            contract.due = selectors.fees_due(contract)
            contract.arrears = contract.due - contract.paid
        ctx.update(resource=resource, village=resource.village, contracts=contracts, today=today())
        return ctx


class ResourceEditView(ResourceMixin, RegisterPage):
    """Correct the facts of a resource."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/registers/form.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "village": self.object.village,
            "title": _("Correct resource “%(name)s”") % {"name": self.object.name},
            "form": kwargs.get("form") or ResourceForm(instance=self.object, editing=True),
            "cancel_url": reverse("ledgers:resource-detail", args=[self.object.pk]),
        }

    def post(self, request, *args, **kwargs):
        # Bind to a copy: a refused correction must not show as saved on the page.
        form = ResourceForm(request.POST, instance=self.subject(), editing=True)
        if form.is_valid():
            try:
                services.resource_update(
                    actor=request.user, resource=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Resource saved."), reverse("ledgers:resource-detail", args=[self.object.pk])
                )
        return self.render_to_response(self.get_context_data(form=form))


class ContractSignView(ResourceMixin, RegisterPage):
    """Sign a contract for the resource."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/registers/form.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "village": self.object.village,
            "title": _("Sign a contract for “%(name)s”") % {"name": self.object.name},
            "form": kwargs.get("form") or ContractForm(village=self.object.village),
            "cancel_url": reverse("ledgers:resource-detail", args=[self.object.pk]),
        }

    def post(self, request, *args, **kwargs):
        form = ContractForm(request.POST, village=self.object.village)
        if form.is_valid():
            try:
                services.contract_sign(
                    actor=request.user, resource=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Contract signed."), reverse("ledgers:resource-detail", args=[self.object.pk])
                )
        return self.render_to_response(self.get_context_data(form=form))


class ContractPage(RegisterPage):
    """A form page about one contract (record a payment, terminate)."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/registers/form.html"
    form_class = None
    title = ""

    def subject(self):
        return get_object_or_404(
            ResourceContract.objects.visible_to(self.request.user).select_related(
                "resource__village__township__parent"
            ),
            pk=self.kwargs["pk"],
        )

    def make_form(self, data=None):
        return self.form_class(data)

    def get_context_data(self, **kwargs):
        contract = self.object
        return {
            **super().get_context_data(**kwargs),
            "village": contract.resource.village,
            "contract": contract,
            "title": self.title % {"contract": contract},
            "form": kwargs.get("form") or self.make_form(),
            "cancel_url": reverse("ledgers:resource-detail", args=[contract.resource_id]),
        }

    def act(self, data):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                message = self.act(form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    message, reverse("ledgers:resource-detail", args=[self.object.resource_id])
                )
        return self.render_to_response(self.get_context_data(form=form))


class PaymentRecordView(ContractPage):
    """Record a fee received (or a negative correction) under the contract."""

    title = _("Record a payment · %(contract)s")

    def make_form(self, data=None):
        vouchers = (
            Voucher.objects.visible_to(self.request.user)
            .filter(area_code=self.object.area_code, state=VoucherState.POSTED)
            .order_by("-year", "-number")
        )
        return PaymentForm(data, vouchers=vouchers, initial={"received_on": today()})

    def act(self, data):
        services.payment_record(actor=self.request.user, contract=self.object, **data)
        return _("Payment recorded.")


class ContractTerminateView(ContractPage):
    """End the contract early."""

    title = _("Terminate the contract · %(contract)s")

    def make_form(self, data=None):
        return TerminateForm(data, initial={"date": today()})

    def act(self, data):
        services.contract_terminate(actor=self.request.user, contract=self.object, **data)
        return _("Contract terminated.")


# ------------------------------------------------------------------ contracts to attend to


class ContractAttentionView(LoginRequiredMixin, TemplateView):
    """Contracts of the villages in scope that expire within 90 days (`?show=expiring`) or
    whose fees due to date are not fully paid (`?show=arrears`); `?township=` narrows it."""

    template_name = "ledgers/registers/contract_attention.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        show = "arrears" if self.request.GET.get("show") == "arrears" else "expiring"
        township = self.request.GET.get("township", "")
        contracts = ResourceContract.objects.visible_to(user)
        if township:
            contracts = contracts.filter(area_code__startswith=township)
        if show == "arrears":
            rows = selectors.contracts_in_arrears(contracts)
        else:
            rows = selectors.contracts_with_paid(selectors.contracts_expiring(contracts))
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("page"))
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            show=show,
            township=township,
            townships=Region.objects.visible_to(user).townships(),
            page_obj=page,
            rows=page.object_list,
            query_string=params.urlencode(),
            days=selectors.EXPIRY_WARNING_DAYS,
        )
        return ctx


urlpatterns = [
    path("assets/", AssetRegisterView.as_view(), name="register-assets"),
    path("resources/", ResourceRegisterView.as_view(), name="register-resources"),
    path("villages/<str:code>/assets/", AssetListView.as_view(), name="asset-list"),
    path("villages/<str:code>/assets/add/", AssetCreateView.as_view(), name="asset-add"),
    path("assets/<int:pk>/", AssetDetailView.as_view(), name="asset-detail"),
    path("assets/<int:pk>/move/", AssetMoveView.as_view(), name="asset-move"),
    path("villages/<str:code>/resources/", ResourceListView.as_view(), name="resource-list"),
    path("villages/<str:code>/resources/add/", ResourceCreateView.as_view(), name="resource-add"),
    path("resources/<int:pk>/", ResourceDetailView.as_view(), name="resource-detail"),
    path("resources/<int:pk>/edit/", ResourceEditView.as_view(), name="resource-edit"),
    path("resources/<int:pk>/contracts/add/", ContractSignView.as_view(), name="contract-add"),
    path("contracts/<int:pk>/pay/", PaymentRecordView.as_view(), name="contract-pay"),
    path(
        "contracts/<int:pk>/terminate/", ContractTerminateView.as_view(), name="contract-terminate"
    ),
    path("contracts/attention/", ContractAttentionView.as_view(), name="contract-attention"),
]
