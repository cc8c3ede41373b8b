"""Excel import of a village's opening balances and historical vouchers (all or nothing), and
the template to fill in. Bookkeepers only: the clerk and the township (403 for other readers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.excel import xlsx_response
from core.rights import Right

from .. import imports
from ..choices import VerificationState
from ..forms_imports import LedgerImportForm
from ..models import Verification
from .books import VillageMixin

KINDS = ("balances", "vouchers", "assets", "resources")


class LedgerImportView(VillageMixin, TemplateView):
    """Four upload forms, one per kind (`kind` = balances, vouchers, assets or resources); every
    row is checked before anything is written, and a refused file shows its errors by sheet, row
    and column."""

    template_name = "ledgers/imports/ledger_import.html"
    required_right = Right.KEEP_BOOKS

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["verification"] = (
            Verification.objects.visible_to(self.request.user)
            .filter(village=self.get_object())
            .first()
        )
        ctx["balances_open"] = (
            ctx["verification"] is not None and ctx["verification"].state == VerificationState.DRAFT
        )
        for kind in KINDS:
            ctx.setdefault(f"{kind}_form", LedgerImportForm(prefix=kind))
        return ctx

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind")
        if kind not in KINDS:
            raise PermissionDenied
        village = self.get_object()
        form = LedgerImportForm(request.POST, request.FILES, prefix=kind)
        context = {f"{kind}_form": form, "active_kind": kind}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**context))
        run = {
            "balances": imports.import_opening_balances,
            "vouchers": imports.import_vouchers,
            "assets": imports.import_assets,
            "resources": imports.import_resources,
        }[kind]
        try:
            result = run(actor=request.user, village=village, file=form.cleaned_data["file"])
        except imports.LedgerImportError as e:
            return self.render_to_response(self.get_context_data(import_errors=e.errors, **context))
        if kind == "balances":
            messages.success(
                request,
                _("Opening balances imported: %(n)d accounts, totals %(d)s.")
                % {"n": result.balances, "d": result.debit},
            )
            return redirect("ledgers:verification", village.code)
        if kind == "assets":
            messages.success(
                request, _("Assets entered in the register: %(n)d.") % {"n": result.count}
            )
            return redirect("ledgers:asset-list", village.code)
        if kind == "resources":
            messages.success(
                request, _("Resources entered in the register: %(n)d.") % {"n": result.count}
            )
            return redirect("ledgers:resource-list", village.code)
        messages.success(
            request,
            _("Vouchers imported as drafts: %(n)d vouchers, %(l)d lines; the township posts them.")
            % {"n": result.vouchers, "l": result.lines},
        )
        return redirect(f"{reverse('ledgers:voucher-list')}?village={village.code}")


class LedgerImportTemplateView(LedgerImportView):
    """Download the Excel template with the county's usable accounts."""

    def get(self, request, *args, **kwargs):
        village = self.get_object()
        content = imports.build_ledger_import_template(village=village)
        return xlsx_response(content, f"ledger-import-{village.code}.xlsx")

    post = None


urlpatterns = [
    path(
        "villages/<str:code>/import/",
        LedgerImportView.as_view(),
        name="ledger-import",
    ),
    path(
        "villages/<str:code>/import/template/",
        LedgerImportTemplateView.as_view(),
        name="ledger-import-template",
    ),
]
