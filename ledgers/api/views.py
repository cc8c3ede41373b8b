"""/api/v1/ viewsets of the ledgers app: every write is one service call.

Rows outside the user's scope are 404. Drafts, the verification and reversals are written by
those who keep the village's books (`Right.KEEP_BOOKS`: its clerk, township staff, the county
supervisor); posting and confirming also need `Right.EDIT`, which the services check (403).
A service's ValidationError is a 400 with its (translated) message: a posted voucher cannot be
changed or deleted, and nothing in the database moves.

Reports: `GET ledger-reports/trial-balance/?village=CODE&start=YYYY-MM-DD&end=YYYY-MM-DD`
(start and end optional) and `GET ledger-reports/chain/?village=CODE`.
"""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api import CleanSerializer, ScopedServiceViewSet, service_errors
from core.rights import Right
from villages.models import Village

from .. import selectors, services
from ..choices import AccountClass
from ..filtersets import VoucherFilterSet
from ..models import Account, OpeningBalance, Verification, Voucher, VoucherLine
from . import serializers as s


class AccountFilterSet(django_filters.FilterSet):
    """Accounts by class and by code prefix (`code=1` gives the assets 101, 102, ...)."""

    account_class = django_filters.ChoiceFilter(
        choices=AccountClass.choices, label=gettext_lazy("Class")
    )
    code = django_filters.CharFilter(
        field_name="code", lookup_expr="startswith", label=gettext_lazy("Code starts with")
    )
    is_active = django_filters.BooleanFilter(label=gettext_lazy("In use"))

    class Meta:
        model = Account
        fields = ["account_class", "code", "is_active"]


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """The chart of accounts the user sees: the official one and their county's sub-accounts."""

    serializer_class = s.AccountSerializer
    filterset_class = AccountFilterSet
    queryset = Account.objects.all()

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)


class BookkeepingViewSet(ScopedServiceViewSet):
    """Scoped list and detail; writes need KEEP_BOOKS over the row's village (the services
    ask EDIT where the township acts: posting, confirming)."""

    required_right = Right.KEEP_BOOKS


# ------------------------------------------------------------------ vouchers


@extend_schema_view(
    create=extend_schema(request=s.VoucherInputSerializer, responses={201: s.VoucherSerializer}),
    update=extend_schema(request=s.VoucherInputSerializer, responses=s.VoucherSerializer),
    partial_update=extend_schema(request=s.VoucherInputSerializer, responses=s.VoucherSerializer),
)
class VoucherViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, BookkeepingViewSet):
    """记账凭证 with lines and totals. A draft is created, changed (PUT/PATCH) and discarded
    (DELETE); `post` puts it into the chain; a posted voucher is corrected by `reverse` only."""

    queryset = Voucher.objects.all()
    serializer_class = s.VoucherSerializer
    filterset_class = VoucherFilterSet
    service_arg = "voucher"

    def base_queryset(self):
        lines = VoucherLine.objects.select_related("account").order_by("position")
        return Voucher.objects.select_related("village", "made_by", "approved_by").prefetch_related(
            Prefetch("lines", queryset=lines)
        )

    def create(self, request, *args, **kwargs):
        body = s.VoucherInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            voucher = services.voucher_create(actor=request.user, **body.validated_data)
        return Response(self.show(voucher), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        voucher = self.get_object()
        body = s.VoucherInputSerializer(
            voucher, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        # PATCH keeps what it does not name.
        data = {
            "date": voucher.date,
            "summary": voucher.summary,
            "attachments": voucher.attachments,
            "decision": voucher.decision,
            **body.validated_data,
        }
        if "lines" not in data:
            data["lines"] = [
                {f: getattr(x, f) for f in services.LINE_FIELDS} for x in voucher.lines.all()
            ]
        with service_errors():
            voucher = services.voucher_update_draft(actor=request.user, voucher=voucher, **data)
        return Response(self.show(voucher))

    def destroy(self, request, *args, **kwargs):
        voucher = self.get_object()
        with service_errors():
            services.voucher_discard_draft(actor=request.user, voucher=voucher)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def show(self, voucher):
        return self.get_serializer(self.base_queryset().get(pk=voucher.pk)).data

    @extend_schema(request=None, responses=s.VoucherSerializer)
    # Not named `post`: a ViewSet's `post` attribute would answer every POST to the detail URL.
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_voucher(self, request, pk=None):
        """The township approves and posts the draft (not its maker)."""
        voucher = self.get_object()
        with service_errors():
            voucher = services.voucher_post(actor=request.user, voucher=voucher)
        return Response(self.show(voucher))

    @extend_schema(request=s.VoucherReverseSerializer, responses={201: s.VoucherSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Draft the reversing voucher of a posted one; it posts like any voucher."""
        voucher = self.get_object()
        body = s.VoucherReverseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            reversal = services.voucher_reverse(
                actor=request.user, voucher=voucher, **body.validated_data
            )
        return Response(self.show(reversal), status=status.HTTP_201_CREATED)


# ------------------------------------------------------------------ verification


class VerificationViewSet(BookkeepingViewSet):
    """清理认定: started by the village's bookkeepers, its opening balances replaced as a whole
    by `PUT balances/`, confirmed by the township (`POST confirm/`)."""

    queryset = Verification.objects.all()
    serializer_class = s.VerificationSerializer
    service_arg = "verification"

    def base_queryset(self):
        balances = OpeningBalance.objects.select_related("account")
        return (
            Verification.objects.select_related("village", "prepared_by", "confirmed_by")
            .prefetch_related(Prefetch("balances", queryset=balances))
            .order_by("area_code")
        )

    def create_with_service(self, **data):
        return services.verification_start(actor=self.request.user, **data)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self.base_queryset().get(pk=response.data["id"])).data
        return response

    @extend_schema(
        request=s.OpeningBalanceInputSerializer(many=True), responses=s.VerificationSerializer
    )
    @action(detail=True, methods=["put"])
    def balances(self, request, pk=None):
        """Replace the opening balances: a list of {account or account_code, debit, credit}."""
        verification = self.get_object()
        body = s.OpeningBalanceInputSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        balances = s.resolve_accounts(body.validated_data, request.user, verification.area_code[:6])
        with service_errors():
            services.verification_set_balances(
                actor=request.user, verification=verification, balances=balances
            )
        return Response(self.get_serializer(self.base_queryset().get(pk=verification.pk)).data)

    @extend_schema(request=None, responses=s.VerificationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The township confirms the opening position; vouchers may post from now on."""
        verification = self.get_object()
        with service_errors():
            services.verification_confirm(actor=request.user, verification=verification)
        return Response(self.get_serializer(self.base_queryset().get(pk=verification.pk)).data)


# ------------------------------------------------------------------ reports


class ReportQuerySerializer(CleanSerializer):
    """Query parameters of the ledger reports."""

    village = serializers.CharField(max_length=12)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class LedgerReportViewSet(viewsets.ViewSet):
    """Reads of one village's books: the trial balance and the state of its hash chain."""

    def village_and_dates(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        village = get_object_or_404(
            Village.objects.visible_to(request.user), code=params["village"]
        )
        start, end = params.get("start"), params.get("end")
        if start and end and start > end:
            raise ValidationError({"end": [_("The end date is before the start date.")]})
        return village, start, end

    @extend_schema(
        parameters=[
            OpenApiParameter("village", str, required=True, description="12-digit village code"),
            OpenApiParameter("start", OpenApiTypes.DATE, required=False),
            OpenApiParameter("end", OpenApiTypes.DATE, required=False),
        ],
        responses=s.TrialBalanceRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="trial-balance")
    def trial_balance(self, request):
        """科目余额表 of a village between `start` and `end` (both optional)."""
        village, start, end = self.village_and_dates(request)
        rows = selectors.trial_balance(village, start=start, end=end)
        return Response(s.TrialBalanceRowSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("village", str, required=True)],
        responses=s.ChainStatusSerializer,
    )
    @action(detail=False, methods=["get"])
    def chain(self, request):
        """Recompute the village's hash chain and check it against the published heads:
        {intact, checked, anchors, broken_at, statement, reason}."""
        village, _start, _end = self.village_and_dates(request)
        return Response(s.ChainStatusSerializer(selectors.verify_chain(village)).data)
