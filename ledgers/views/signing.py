"""Pages of the signing day (联签) and the quarter's financial review meeting (财务报审会): the
signing days of the villages in scope, one signing day, a village's new one, and the same for
the financial reviews. Every write goes through ledgers.services.

Reading follows the scope (404 outside it); recording needs `Right.KEEP_BOOKS` on the village.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.dates import today
from core.rights import Right, scope_for
from core.views import ScopedListView, apply_validation_error
from villages.models import Region, Village

from .. import services
from ..filtersets_signing import FinancialReviewFilterSet, SigningSessionFilterSet
from ..forms_signing import FinancialReviewForm, SigningForm
from ..models import FinancialReview, SigningSession, Voucher
from ..selectors.signing import signing_date_in, signing_day_for, unsigned_drafts
from .registers import RegisterPage, VillageLookup


def _chosen_village(view) -> dict:
    """The list's township/village pickers, and the village chosen if the user keeps its
    books (the "new" button)."""
    user = view.request.user
    villages = Village.objects.visible_to(user).order_by("code")
    township = view.request.GET.get("township", "")
    if township:
        villages = villages.filter(code__startswith=township)
    code = view.request.GET.get("village", "")
    return {
        "townships": Region.objects.visible_to(user).townships(),
        "villages": villages.only("code", "name"),
        "add_village": code if code and scope_for(user).allows(Right.KEEP_BOOKS, code) else "",
    }


class SigningListView(ScopedListView):
    """联签 of the villages in scope: the day, how many of the sitting members signed, how
    many vouchers, who reviewed."""

    model = SigningSession
    filterset_class = SigningSessionFilterSet
    template_name = "ledgers/signing/signing_list.html"
    default_ordering = ("-signed_on", "area_code")

    def base_queryset(self):
        return SigningSession.objects.select_related("village", "reviewer__cadre").annotate(
            signers=Count("signatures", distinct=True),
            voucher_count=Count("signed_vouchers", distinct=True),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_chosen_village(self))
        # The drafts waiting for a signing day, in the villages listed.
        waiting = unsigned_drafts(Voucher.objects.visible_to(self.request.user))
        if ctx["add_village"]:
            waiting = waiting.filter(area_code=ctx["add_village"])
        ctx["waiting"] = waiting.count()
        return ctx


class SigningDetailView(RegisterPage):
    """One signing day: who signed out of how many, the vouchers, the review."""

    template_name = "ledgers/signing/signing_detail.html"

    def subject(self):
        return get_object_or_404(
            SigningSession.objects.visible_to(self.request.user).select_related(
                "village__township__parent", "reviewer__cadre", "recorded_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        session = self.object
        signatures = list(session.signatures.select_related("post", "cadre").order_by("pk"))
        ctx.update(
            session=session,
            village=session.village,
            signatures=signatures,
            vouchers=[
                sv.voucher
                for sv in session.signed_vouchers.select_related("voucher").order_by(
                    "voucher__date", "voucher__number"
                )
            ],
        )
        return ctx


class SigningCreateView(VillageLookup, RegisterPage):
    """Record the village's signing day (`?on=` chooses the date whose members are offered;
    by default the village's signing day this month, or today before it)."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/signing/signing_form.html"

    def subject(self):
        return self.village()

    def on(self) -> dt.date:
        raw = self.request.POST.get("signed_on") or self.request.GET.get("on") or ""
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            now = today()
            day = signing_date_in(signing_day_for(self.object), now.year, now.month)
            return day if day is not None and day <= now else now

    def form(self, data=None):
        on = self.on()
        return SigningForm(data, village=self.object, on=on, initial={"signed_on": on})

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "village": self.object,
            "title": _("Record a signing day (联签)"),
            "form": kwargs.get("form") or self.form(),
            "signing_day": signing_day_for(self.object),
            "cancel_url": f"{reverse('ledgers:signing-list')}?village={self.object.code}",
        }

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                session = services.signing_record(
                    actor=request.user, village=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Signing of %(d)s recorded: %(n)d vouchers.")
                    % {"d": session.signed_on.isoformat(), "n": len(form.cleaned_data["vouchers"])},
                    session.get_absolute_url(),
                )
        return self.render_to_response(self.get_context_data(form=form))


class FinancialReviewListView(ScopedListView):
    """财务报审会 of the villages in scope, quarter by quarter."""

    model = FinancialReview
    filterset_class = FinancialReviewFilterSet
    template_name = "ledgers/signing/financial_review_list.html"
    default_ordering = ("-year", "-quarter", "area_code")

    def base_queryset(self):
        return FinancialReview.objects.select_related("village")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_chosen_village(self))
        return ctx


class FinancialReviewCreateView(VillageLookup, RegisterPage):
    """Record the quarter's financial review meeting of the village."""

    required_right = Right.KEEP_BOOKS
    template_name = "ledgers/registers/form.html"

    def subject(self):
        return self.village()

    def get_context_data(self, **kwargs):
        now = today()
        return {
            **super().get_context_data(**kwargs),
            "village": self.object,
            "title": _("Record a financial review meeting (财务报审会)"),
            "form": kwargs.get("form")
            or FinancialReviewForm(
                initial={"year": now.year, "quarter": (now.month - 1) // 3 + 1, "held_on": now}
            ),
            "cancel_url": f"{reverse('ledgers:financial-review-list')}?village={self.object.code}",
        }

    def post(self, request, *args, **kwargs):
        form = FinancialReviewForm(request.POST)
        if form.is_valid():
            try:
                review = services.financial_review_record(
                    actor=request.user, village=self.object, **form.cleaned_data
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                return self.done(
                    _("Financial review of %(y)d Q%(q)d recorded.")
                    % {"y": review.year, "q": review.quarter},
                    f"{reverse('ledgers:financial-review-list')}?village={self.object.code}",
                )
        return self.render_to_response(self.get_context_data(form=form))


urlpatterns = [
    path("signings/", SigningListView.as_view(), name="signing-list"),
    path("signings/<int:pk>/", SigningDetailView.as_view(), name="signing-detail"),
    path("villages/<str:code>/signings/add/", SigningCreateView.as_view(), name="signing-add"),
    path("financial-reviews/", FinancialReviewListView.as_view(), name="financial-review-list"),
    path(
        "villages/<str:code>/financial-reviews/add/",
        FinancialReviewCreateView.as_view(),
        name="financial-review-add",
    ),
]
