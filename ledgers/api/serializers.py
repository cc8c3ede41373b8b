"""Serializers of /api/v1/ for the ledgers app.

Output serializers describe a row; input serializers describe the body of one service call and
are never saved: the viewsets pass `validated_data` to a service. An account in a body is given
by `account` (id) or `account_code` (code of the chart the user sees); unknown ones are a 400.
"""

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import CleanModelSerializer, CleanSerializer, ScopedPrimaryKeyRelatedField
from villages.api.serializers import ScopedVillageField
from villages.templatetags.cunjian import person_name

from ..models import Account, Decision, OpeningBalance, Verification, Voucher, VoucherLine

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


# ------------------------------------------------------------------ chart of accounts


class AccountSerializer(CleanModelSerializer):
    """An account of the chart; `area_code` is "" for the official chart, else the county's."""

    account_class_display = serializers.CharField(
        source="get_account_class_display", read_only=True
    )
    normal_side_display = serializers.CharField(source="get_normal_side_display", read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "code",
            "name",
            "account_class",
            "account_class_display",
            "normal_side",
            "normal_side_display",
            "parent",
            "is_official",
            "to_be_confirmed",
            "is_active",
            "area_code",
        ]
        read_only_fields = fields


class AccountRefSerializer(CleanSerializer):
    """An account given by `account` (id) or by `account_code`; `validate` gives the Account."""

    account = serializers.IntegerField(required=False)
    account_code = serializers.CharField(required=False, max_length=12)

    def validate(self, attrs):
        if not attrs.get("account") and not attrs.get("account_code"):
            raise serializers.ValidationError(_("Give the account's id or its code."))
        return attrs


def resolve_accounts(rows, user, county_code: str):
    """Replace each row's `account`/`account_code` with the Account, in two queries at most;
    an account the user cannot see, or outside the village's county chart, is unknown."""
    charts = Account.objects.visible_to(user).filter(Q(area_code="") | Q(area_code=county_code))
    ids = {r["account"] for r in rows if r.get("account")}
    codes = {r["account_code"] for r in rows if not r.get("account") and r.get("account_code")}
    by_id = {a.pk: a for a in charts.filter(pk__in=ids)} if ids else {}
    by_code = {a.code: a for a in charts.filter(code__in=codes)} if codes else {}
    resolved = []
    for n, row in enumerate(rows, start=1):
        row = dict(row)
        key = row.pop("account", None)
        code = row.pop("account_code", None)
        account = by_id.get(key) if key else by_code.get(code)
        if account is None:
            raise serializers.ValidationError(
                _("Line %(n)d: there is no account %(a)s in this chart.")
                % {"n": n, "a": key or code}
            )
        resolved.append({"account": account, **row})
    return resolved


# ------------------------------------------------------------------ vouchers


class VoucherLineSerializer(CleanModelSerializer):
    """One line of a voucher, with its account's code and name."""

    account_code = serializers.CharField(source="account.code", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)

    class Meta:
        model = VoucherLine
        fields = [
            "position",
            "account",
            "account_code",
            "account_name",
            "debit",
            "credit",
            "counterparty",
        ]
        read_only_fields = fields


class VoucherSerializer(CleanModelSerializer):
    """记账凭证 with its lines and totals; a posted voucher shows its place in the hash chain."""

    village_name = serializers.CharField(source="village.name", read_only=True)
    display_number = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    made_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    lines = VoucherLineSerializer(many=True, read_only=True)
    total_debit = serializers.SerializerMethodField()
    total_credit = serializers.SerializerMethodField()

    class Meta:
        model = Voucher
        fields = [
            "id",
            "village",
            "village_name",
            "year",
            "number",
            "display_number",
            "date",
            "summary",
            "attachments",
            "state",
            "state_display",
            "reverses",
            "decision",
            "made_by",
            "approved_by",
            "posted_at",
            "chain_seq",
            "prev_hash",
            "hash",
            "lines",
            "total_debit",
            "total_credit",
            "created_at",
        ]
        read_only_fields = fields

    def get_made_by(self, voucher) -> str:
        return person_name(voucher.made_by)

    def get_approved_by(self, voucher) -> str:
        return person_name(voucher.approved_by) if voucher.approved_by_id else ""

    # Summed in Python over the prefetched lines: no query per voucher.
    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_total_debit(self, voucher):
        return f"{sum((x.debit for x in voucher.lines.all()), ZERO):.2f}"

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_total_credit(self, voucher):
        return f"{sum((x.credit for x in voucher.lines.all()), ZERO):.2f}"


class VoucherLineInputSerializer(AccountRefSerializer):
    """One line of a voucher in a request: an account, a debit or a credit, a counterparty."""

    debit = serializers.DecimalField(required=False, default=ZERO, **MONEY)
    credit = serializers.DecimalField(required=False, default=ZERO, **MONEY)
    counterparty = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )


class VoucherInputSerializer(CleanSerializer):
    """Body of `POST vouchers/` and `PUT/PATCH vouchers/{id}/` (no `village` on a change)."""

    village = ScopedVillageField()
    date = serializers.DateField()
    summary = serializers.CharField(max_length=200)
    attachments = serializers.IntegerField(min_value=0, max_value=32767, default=0)
    lines = VoucherLineInputSerializer(many=True)
    #: the 四议两公开 decision it spends under (needed above the county's threshold)
    decision = ScopedPrimaryKeyRelatedField(
        queryset=Decision.objects.all(), required=False, allow_null=True, default=None
    )

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            del fields["village"]  # a voucher stays in its village
        return fields

    def validate(self, attrs):
        village = self.instance.village if self.instance is not None else attrs.get("village")
        if "lines" in attrs and village is not None:
            attrs["lines"] = resolve_accounts(
                attrs["lines"], self.context["request"].user, village.code[:6]
            )
        return attrs


class VoucherReverseSerializer(CleanSerializer):
    """Body of `POST vouchers/{id}/reverse/`: the reversing voucher's date and the reason."""

    date = serializers.DateField()
    reason = serializers.CharField(max_length=150)


# ------------------------------------------------------------------ verification


class OpeningBalanceSerializer(CleanModelSerializer):
    """The balance of one account on the verification date."""

    account_code = serializers.CharField(source="account.code", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)

    class Meta:
        model = OpeningBalance
        fields = ["account", "account_code", "account_name", "debit", "credit"]
        read_only_fields = fields


class VerificationSerializer(CleanModelSerializer):
    """清理认定: created with `village`, `as_of` and `notes`; balances set by `PUT balances/`,
    confirmed by `POST confirm/`."""

    village = ScopedVillageField()
    village_name = serializers.CharField(source="village.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    prepared_by = serializers.SerializerMethodField()
    confirmed_by = serializers.SerializerMethodField()
    balances = OpeningBalanceSerializer(many=True, read_only=True)
    total_debit = serializers.SerializerMethodField()
    total_credit = serializers.SerializerMethodField()

    class Meta:
        model = Verification
        fields = [
            "id",
            "village",
            "village_name",
            "as_of",
            "notes",
            "state",
            "state_display",
            "prepared_by",
            "confirmed_by",
            "confirmed_at",
            "balances",
            "total_debit",
            "total_credit",
            "opening_registers",
        ]
        read_only_fields = ["state", "confirmed_at", "opening_registers"]
        validators = []  # one verification per village: the service answers in words

    def get_prepared_by(self, verification) -> str:
        return person_name(verification.prepared_by)

    def get_confirmed_by(self, verification) -> str:
        return person_name(verification.confirmed_by) if verification.confirmed_by_id else ""

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_total_debit(self, verification):
        return f"{sum((b.debit for b in verification.balances.all()), ZERO):.2f}"

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_total_credit(self, verification):
        return f"{sum((b.credit for b in verification.balances.all()), ZERO):.2f}"


class OpeningBalanceInputSerializer(AccountRefSerializer):
    """One opening balance in `PUT verifications/{id}/balances/`."""

    debit = serializers.DecimalField(required=False, default=ZERO, **MONEY)
    credit = serializers.DecimalField(required=False, default=ZERO, **MONEY)


# ------------------------------------------------------------------ reports


class TrialBalanceRowSerializer(CleanSerializer):
    """One account of the trial balance (科目余额表), amounts on the account's normal side."""

    account = serializers.IntegerField(source="account.pk")
    account_code = serializers.CharField(source="account.code")
    account_name = serializers.CharField(source="account.name")
    account_class = serializers.CharField(source="account.account_class")
    normal_side = serializers.CharField(source="account.normal_side")
    opening = serializers.DecimalField(**MONEY)
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    closing = serializers.DecimalField(**MONEY)


class ChainStatusSerializer(CleanSerializer):
    """The verdict of a village's hash chain: intact, or the first voucher where it breaks."""

    village = serializers.CharField(source="village.code")
    intact = serializers.BooleanField()
    checked = serializers.IntegerField()
    broken_at = serializers.SerializerMethodField()
    reason = serializers.CharField()
    anchors = serializers.IntegerField(help_text="published chain heads checked")
    statement = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_broken_at(self, report):
        v = report.broken_at
        return None if v is None else {"id": v.pk, "display_number": v.display_number}

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_statement(self, report):
        """The published statement whose chain head the chain no longer matches."""
        d = report.statement
        return None if d is None else {"id": d.pk, "title": d.title}
