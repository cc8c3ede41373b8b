"""Pages of the village ledger (一账): the ledger tab, vouchers, the verification, journals,
the income statement and closing a month. Every write goes through ledgers.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

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
from ..choices import VerificationState, VoucherState
from ..filtersets import VoucherFilterSet
from ..forms import (
    OpeningBalanceFormSet,
    PeriodCloseForm,
    PeriodForm,
    ReverseForm,
    VerificationStartForm,
    VoucherForm,
    VoucherLineFormSet,
    padded,
    usable_accounts,
)
from ..models import SignedVoucher, Verification, Voucher


def _ledger_url(village) -> str:
    return reverse("ledgers:village-ledger", args=[village.code])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


#: what closing a month does and cannot undo (asked before: core.views.ConfirmMixin)
CLOSE_MESSAGE = gettext_lazy(
    "Closing the month confirms the village's books for it: nothing can be posted into it "
    "afterwards, and it cannot be reopened."
)
#: what posting does and cannot undo (asked before: core.views.ConfirmMixin)
POST_MESSAGE = gettext_lazy(
    "Posting enters the voucher in the village's books for good: it can no longer be changed or "
    "deleted, only reversed by a new voucher."
)


class RightsMixin:
    """`can_keep_books` (the clerk and the township) and `can_manage` (the township) flags."""

    def rights(self, code: str) -> dict:
        scope = scope_for(self.request.user)
        return {
            "can_keep_books": scope.allows(Right.KEEP_BOOKS, code),
            "can_manage": scope.allows(Right.EDIT, code),
        }


class VillageMixin(RightsMixin, ScopedObjectMixin):
    """A page about one village's books, found by its code: 404 outside the scope, 403 without
    `required_right` (None: read; KEEP_BOOKS: the bookkeepers; EDIT: the township)."""

    model = Village
    required_right = None

    def base_queryset(self):
        return Village.objects.with_township()

    def get_context_data(self, **kwargs):
        village = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "village": village,
            "tab": "ledger",
            **self.rights(village.code),
        }


class VoucherMixin(RightsMixin, ScopedObjectMixin):
    """A page about one voucher by pk; `required_right` as in VillageMixin."""

    model = Voucher
    required_right = None
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return Voucher.objects.select_related("village__township__parent", "made_by")


# ------------------------------------------------------------------ the ledger tab


class VillageLedgerView(RightsMixin, ScopedDetailView):
    """账目 tab: the verification, the chain's verdict and the trial balance of a period."""

    model = Village
    template_name = "ledgers/village_ledger.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        village = self.object
        period = PeriodForm(self.request.GET)
        start, end = period.period()
        rows = selectors.trial_balance(village, start, end)
        ctx.update(
            tab="ledger",
            period_form=period,
            start=start,
            end=end,
            verification=Verification.objects.visible_to(self.request.user)
            .filter(village=village)
            .first(),
            chain=selectors.verify_chain(village),
            rows=rows,
            totals={
                "debit": sum(r.debit for r in rows),
                "credit": sum(r.credit for r in rows),
            },
            **self.rights(village.code),
        )
        return ctx


# ------------------------------------------------------------------ vouchers


class VoucherListView(ScopedListView):
    """记账凭证 of the villages in scope; the total is summed in the same query."""

    model = Voucher
    filterset_class = VoucherFilterSet
    template_name = "ledgers/voucher_list.html"
    default_ordering = ("area_code", "-year", "-number")

    def base_queryset(self):
        return Voucher.objects.select_related("village", "made_by").annotate(
            total=Sum("lines__debit")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        villages = Village.objects.visible_to(user).order_by("code")
        township = self.request.GET.get("township", "")
        if township:
            villages = villages.filter(code__startswith=township)
        ctx["townships"] = Region.objects.visible_to(user).townships()
        ctx["villages"] = villages.only("code", "name")
        ctx["states"] = VoucherState.choices
        return ctx


class VoucherDetailView(RightsMixin, ScopedDetailView):
    """One voucher: its lines, its place in the chain, its reversal, and what may be done."""

    model = Voucher
    template_name = "ledgers/voucher_detail.html"

    def base_queryset(self):
        return Voucher.objects.select_related(
            "village__township__parent", "made_by", "approved_by", "reverses", "decision"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        voucher = self.object
        lines = list(voucher.lines.select_related("account").order_by("position"))
        ctx.update(
            post_message=POST_MESSAGE,
            village=voucher.village,
            lines=lines,
            total_debit=sum(x.debit for x in lines),
            total_credit=sum(x.credit for x in lines),
            reversal=Voucher.objects.visible_to(self.request.user).filter(reverses=voucher).first(),
            is_draft=voucher.state == VoucherState.DRAFT,
            reverse_form=ReverseForm(),
            # 联签: the signing day the voucher was signed on, if it was.
            signing=SignedVoucher.objects.visible_to(self.request.user)
            .filter(voucher=voucher)
            .select_related("session__reviewer__cadre")
            .first(),
            **self.rights(voucher.area_code),
        )
        return ctx


class VoucherFormMixin:
    """The voucher form and its line formset, accounts limited to the village's chart."""

    template_name = "ledgers/voucher_form.html"

    def forms(self, village, initial=None, lines=None, current=None):
        data = self.request.POST if self.request.method == "POST" else None
        formset_kwargs = {"prefix": "lines", "form_kwargs": {"accounts": usable_accounts(village)}}
        if data is None:
            formset_kwargs["initial"] = padded(lines or [])
        form = VoucherForm(data, initial=initial, village=village, current=current)
        return form, VoucherLineFormSet(data, **formset_kwargs)

    def save(self, form, formset):
        raise NotImplementedError

    def handle(self, village, current=None):
        form, formset = self.forms(village, current=current)
        if form.is_valid() and formset.is_valid():
            try:
                voucher = self.save(form, formset)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(
                    self.request, _("Voucher %(n)s saved.") % {"n": voucher.display_number}
                )
                return redirect(voucher)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class VoucherCreateView(VoucherFormMixin, VillageMixin, TemplateView):
    """A new draft voucher of the village."""

    required_right = Right.KEEP_BOOKS

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            ctx["form"], ctx["formset"] = self.forms(self.get_object())
        return ctx

    def save(self, form, formset):
        return services.voucher_create(
            actor=self.request.user,
            village=self.get_object(),
            lines=formset.rows(),
            **form.cleaned_data,
        )

    def post(self, request, *args, **kwargs):
        return self.handle(self.get_object())


class VoucherUpdateView(VoucherFormMixin, VoucherMixin, TemplateView):
    """Change a draft voucher; a posted one is refused and stays as it is."""

    required_right = Right.KEEP_BOOKS

    def refuse_if_posted(self):
        voucher = self.get_object()
        if voucher.state != VoucherState.DRAFT:
            messages.error(
                self.request,
                _("Voucher %(n)s is posted: it cannot change. Correct it with a reversing voucher.")
                % {"n": voucher.display_number},
            )
            return redirect(voucher)
        return None

    def get(self, request, *args, **kwargs):
        return self.refuse_if_posted() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        voucher = self.get_object()
        return self.refuse_if_posted() or self.handle(voucher.village, current=voucher.decision)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        voucher = self.get_object()
        if "form" not in kwargs:
            lines = [
                {
                    "account": x.account_id,
                    "debit": x.debit or None,
                    "credit": x.credit or None,
                    "counterparty": x.counterparty,
                }
                for x in voucher.lines.order_by("position")
            ]
            initial = {
                "date": voucher.date,
                "summary": voucher.summary,
                "attachments": voucher.attachments,
                "decision": voucher.decision_id,
            }
            ctx["form"], ctx["formset"] = self.forms(
                voucher.village, initial, lines, current=voucher.decision
            )
        ctx.update(voucher=voucher, village=voucher.village, **self.rights(voucher.area_code))
        return ctx

    def save(self, form, formset):
        return services.voucher_update_draft(
            actor=self.request.user,
            voucher=self.get_object(),
            lines=formset.rows(),
            **form.cleaned_data,
        )


class VoucherActionView(VoucherMixin, View):
    """A POST-only action on a voucher; a service's refusal comes back as an error message."""

    def action(self, voucher):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        voucher = self.get_object()
        try:
            return self.action(voucher)
        except ValidationError as e:
            messages.error(request, _error_text(e))
            return redirect(voucher)


class VoucherDiscardView(VoucherActionView):
    required_right = Right.KEEP_BOOKS

    def action(self, voucher):
        services.voucher_discard_draft(actor=self.request.user, voucher=voucher)
        messages.success(self.request, _("Draft %(n)s discarded.") % {"n": voucher.display_number})
        return redirect(_ledger_url(voucher.village))


class VoucherPostView(ConfirmMixin, VoucherActionView):
    confirm_message = POST_MESSAGE
    required_right = Right.EDIT

    def action(self, voucher):
        services.voucher_post(actor=self.request.user, voucher=voucher)
        messages.success(self.request, _("Voucher %(n)s posted.") % {"n": voucher.display_number})
        return redirect(voucher)


class VoucherReverseView(VoucherMixin, TemplateView):
    """Draft the reversing voucher of a posted one (a date and the reason)."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/voucher_reverse.html"

    def get_context_data(self, **kwargs):
        voucher = self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "voucher": voucher,
            "village": voucher.village,
            "form": kwargs.get("form") or ReverseForm(),
        }

    def post(self, request, *args, **kwargs):
        voucher = self.get_object()
        form = ReverseForm(request.POST)
        if form.is_valid():
            try:
                reversal = services.voucher_reverse(
                    actor=request.user, voucher=voucher, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(
                    request, _("Reversing voucher %(n)s drafted.") % {"n": reversal.display_number}
                )
                return redirect(reversal)
        return self.render_to_response(self.get_context_data(form=form))


# ------------------------------------------------------------------ verification (清理认定)


class VerificationView(VillageMixin, TemplateView):
    """清理认定: start it, edit the opening balances while it is prepared, confirm it."""

    template_name = "ledgers/verification.html"

    def verification(self):
        return (
            Verification.objects.visible_to(self.request.user)
            .filter(village=self.get_object())
            .select_related("prepared_by", "confirmed_by")
            .first()
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        verification = kwargs.get("verification", self.verification())
        ctx["verification"] = verification
        ctx["is_draft"] = verification and verification.state == VerificationState.DRAFT
        if verification is None:
            ctx.setdefault("start_form", VerificationStartForm())
        else:
            balances = list(verification.balances.select_related("account"))
            ctx["balances"] = balances
            ctx["totals"] = {
                "debit": sum(b.debit for b in balances),
                "credit": sum(b.credit for b in balances),
            }
            if ctx["is_draft"] and ctx["can_keep_books"] and "formset" not in kwargs:
                initial = [
                    {"account": b.account_id, "debit": b.debit or None, "credit": b.credit or None}
                    for b in balances
                ]
                ctx["formset"] = self.balance_formset(None, padded(initial))
        return ctx

    def balance_formset(self, data, initial=None):
        return OpeningBalanceFormSet(
            data,
            initial=initial,
            prefix="balances",
            form_kwargs={"accounts": usable_accounts(self.get_object())},
        )

    def post(self, request, *args, **kwargs):
        village = self.get_object()
        action = request.POST.get("action")
        if not self.allows(Right.EDIT if action == "confirm" else Right.KEEP_BOOKS, village.code):
            raise PermissionDenied
        verification = self.verification()
        ctx = {}
        try:
            if verification is None:
                form = VerificationStartForm(request.POST)
                ctx["start_form"] = form
                if form.is_valid():
                    services.verification_start(
                        actor=request.user, village=village, **form.cleaned_data
                    )
                    messages.success(request, _("Verification started."))
                    return redirect(request.path)
            elif action == "confirm":
                services.verification_confirm(actor=request.user, verification=verification)
                messages.success(request, _("Verification confirmed: the books are open."))
                return redirect(request.path)
            else:
                formset = self.balance_formset(request.POST)
                ctx["formset"] = formset
                if formset.is_valid():
                    services.verification_set_balances(
                        actor=request.user, verification=verification, balances=formset.rows()
                    )
                    messages.success(request, _("Opening balances saved."))
                    return redirect(request.path)
        except ValidationError as e:
            if "start_form" in ctx:
                apply_validation_error(ctx["start_form"], e)
            else:
                messages.error(request, _error_text(e))
                if action == "confirm":
                    return redirect(request.path)
                ctx["balance_errors"] = e.messages
        return self.render_to_response(self.get_context_data(**ctx))


# ------------------------------------------------------------------ reports and closing


class JournalView(VillageMixin, TemplateView):
    """现金/银行存款日记账: one account's posted lines with the running balance."""

    template_name = "ledgers/journal.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        village = self.get_object()
        account = get_object_or_404(usable_accounts(village), code=self.kwargs["account_code"])
        period = PeriodForm(self.request.GET)
        start, end = period.period()
        opening, rows = selectors.journal(village, account, start, end)
        ctx.update(
            account=account,
            period_form=period,
            start=start,
            end=end,
            opening=opening,
            rows=rows,
            closing=rows[-1].balance if rows else opening,
            total_debit=sum(r.line.debit for r in rows),
            total_credit=sum(r.line.credit for r in rows),
        )
        return ctx


class IncomeStatementView(VillageMixin, TemplateView):
    """收支明细: income and expense accounts of a period."""

    template_name = "ledgers/income_statement.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        period = PeriodForm(self.request.GET)
        start, end = period.period()
        rows, income, expense = selectors.income_statement(self.get_object(), start, end)
        ctx.update(
            period_form=period,
            start=start,
            end=end,
            income_rows=[
                (r.account, r.credit - r.debit) for r in rows if r.account.normal_side == "credit"
            ],
            expense_rows=[
                (r.account, r.debit - r.credit) for r in rows if r.account.normal_side == "debit"
            ],
            income=income,
            expense=expense,
            net=income - expense,
        )
        return ctx


class PeriodCloseView(ConfirmMixin, VillageMixin, TemplateView):
    """The township confirms (closes) a month of the village's books, asked first."""

    required_right = Right.EDIT
    confirm_message = CLOSE_MESSAGE
    ask_before_validating = False
    template_name = "ledgers/period_close.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", kwargs.get("form") or PeriodCloseForm())
        ctx["closed"] = self.get_object().closed_periods.select_related("closed_by")[:24]
        return ctx

    def post(self, request, *args, **kwargs):
        village = self.get_object()
        form = PeriodCloseForm(request.POST)
        if form.is_valid():
            if (question := self.unconfirmed()) is not None:
                return self.ask_confirmation(question)
            try:
                services.period_close(actor=request.user, village=village, **form.cleaned_data)
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(
                    request,
                    _("%(y)d-%(m)02d closed.")
                    % {"y": form.cleaned_data["year"], "m": form.cleaned_data["month"]},
                )
                return redirect(_ledger_url(village))
        return self.render_to_response(self.get_context_data(form=form))
