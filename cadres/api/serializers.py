"""Serializers of /api/v1/ for the cadres app.

Output serializers describe a row; input serializers describe the body of one service call.
Serializers only validate: the viewsets pass `validated_data` to one service, never `save()`.

Personal data: a cadre's `id_number` and `phone` are write-only inputs. Every response carries
them masked, as `id_number_masked` and `phone_masked`; the full values come only from
`POST cadres/{id}/reveal/`, which is logged.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import CleanModelSerializer, CleanSerializer, ScopedPrimaryKeyRelatedField
from villages.api.serializers import ScopedVillageField
from villages.templatetags.cunjian import person_name

from ..choices import AdviceOutcome, EndReason, PostKind
from ..identity import validate_id_number
from ..models import (
    Cadre,
    Pledge,
    Post,
    Promise,
    QualificationCertificate,
    ReserveCadre,
    ResignationAdvice,
    SecretaryAppraisal,
    TermChange,
    Training,
    YellowCard,
)
from ..services import COUNTERSIGNING_BODIES

# ------------------------------------------------------------------ people


class CurrentPostSerializer(CleanModelSerializer):
    """A sitting post, as listed on its holder."""

    class Meta:
        model = Post
        fields = ["id", "kind", "start_date", "term_ends"]


class CadreSerializer(CleanModelSerializer):
    """A cadre. `id_number` and `phone` are accepted as input but never returned: responses
    carry `id_number_masked` and `phone_masked` (3708**********0511, 138****1234)."""

    village = ScopedVillageField(help_text=_("12-digit area code; set when the cadre is created."))
    village_name = serializers.CharField(source="village.name", read_only=True)
    id_number = serializers.CharField(
        write_only=True,
        validators=[validate_id_number],
        help_text=_("The full 18-character resident ID number (input only)."),
    )
    id_number_masked = serializers.CharField(source="masked_id_number", read_only=True)
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=20)
    phone_masked = serializers.CharField(source="masked_phone", read_only=True)
    current_posts = serializers.SerializerMethodField()
    # The year only: with the full birth date, the masked ID number would leave two digits.
    birth_year = serializers.SerializerMethodField()

    class Meta:
        model = Cadre
        fields = [
            "id",
            "village",
            "village_name",
            "name",
            "gender",
            "birth_year",
            "id_number",
            "id_number_masked",
            "phone",
            "phone_masked",
            "is_party_member",
            "party_joined_on",
            "education",
            "notes",
            "current_posts",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_birth_year(self, cadre) -> int | None:
        return cadre.birth_date.year if cadre.birth_date else None

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # A correction: the person changes village only by taking a post elsewhere.
            fields["village"].read_only = True
            fields["id_number"].required = False
        return fields

    @extend_schema_field(CurrentPostSerializer(many=True))
    def get_current_posts(self, cadre):
        # Filtered in Python so that the list's prefetch of `posts` is used as it is.
        sitting = [p for p in cadre.posts.all() if p.end_date is None]
        return CurrentPostSerializer(sitting, many=True).data


class PersonalDataSerializer(CleanSerializer):
    """The full ID number and phone of one cadre (the response of `reveal`)."""

    id_number = serializers.CharField()
    phone = serializers.CharField()


# ------------------------------------------------------------------ posts and term changes


class PostSerializer(CleanModelSerializer):
    """A post; created by `post_open`, ended by the `end` action."""

    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all())
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    village = ScopedVillageField()
    village_name = serializers.CharField(source="village.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    # A sitting post has no end reason: "" (a read-only model field would lose allow_blank).
    end_reason = serializers.ChoiceField(
        choices=EndReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Post
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "village",
            "village_name",
            "kind",
            "kind_display",
            "start_date",
            "term_ends",
            "end_date",
            "end_reason",
            "notes",
            "opened_by_change",
            "closed_by_change",
        ]
        read_only_fields = [
            "end_date",
            "end_reason",
            "opened_by_change",
            "closed_by_change",
        ]
        extra_kwargs = {"term_ends": {"required": False}}
        validators = []  # the services check seats and holders


class PostEndSerializer(CleanSerializer):
    """Body of `POST posts/{id}/end/`."""

    end_date = serializers.DateField()
    end_reason = serializers.ChoiceField(choices=EndReason.choices)


class TermChangePostSerializer(CleanModelSerializer):
    """A post opened or closed by a term change."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "cadre", "cadre_name", "kind", "start_date", "term_ends", "end_date"]


class NewPostSerializer(CleanSerializer):
    """One elected post of a term change."""

    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all())
    kind = serializers.ChoiceField(choices=PostKind.choices)
    term_ends = serializers.DateField(required=False)


class TermChangeSerializer(CleanModelSerializer):
    """换届: created with the elected `new_posts`; shows the posts it opened and closed."""

    village = ScopedVillageField()
    village_name = serializers.CharField(source="village.name", read_only=True)
    recorded_by = serializers.SerializerMethodField()
    new_posts = NewPostSerializer(many=True, write_only=True)
    opened_posts = TermChangePostSerializer(many=True, read_only=True)
    closed_posts = TermChangePostSerializer(many=True, read_only=True)

    class Meta:
        model = TermChange
        fields = [
            "id",
            "village",
            "village_name",
            "held_on",
            "notes",
            "recorded_by",
            "new_posts",
            "opened_posts",
            "closed_posts",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_recorded_by(self, change) -> str:
        return person_name(change.recorded_by)


# ------------------------------------------------------------------ certificates


class PostSummaryMixin(CleanSerializer):
    """The holder, village and kind of the post a record belongs to (read only)."""

    cadre_id = serializers.IntegerField(source="post.cadre_id", read_only=True)
    cadre_name = serializers.CharField(source="post.cadre.name", read_only=True)
    village = serializers.CharField(source="area_code", read_only=True)
    village_name = serializers.CharField(source="post.village.name", read_only=True)
    post_kind = serializers.CharField(source="post.kind", read_only=True)

    SUMMARY = ["cadre_id", "cadre_name", "village", "village_name", "post_kind"]


class QualificationCertificateSerializer(PostSummaryMixin, CleanModelSerializer):
    """任职资格证书; created with `post` and `issued_on`, numbered by the service."""

    post = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    expires = serializers.DateField(source="post.term_ends", read_only=True)

    class Meta:
        model = QualificationCertificate
        fields = [
            "id",
            "number",
            "post",
            *PostSummaryMixin.SUMMARY,
            "year",
            "issued_on",
            "expires",
            "state",
            "state_display",
            "state_changed_on",
            "state_reason",
        ]
        read_only_fields = ["number", "year", "state", "state_changed_on", "state_reason"]
        validators = []  # one certificate per post: the service answers in words


class QualificationCertificateChangeSerializer(CleanSerializer):
    """Body of `suspend`, `reinstate` and `revoke`."""

    on = serializers.DateField()
    reason = serializers.CharField()


# ------------------------------------------------------------------ pledges


class PromiseSerializer(CleanModelSerializer):
    """One promise of a pledge; `position` follows the order of the list."""

    class Meta:
        model = Promise
        fields = ["position", "audience", "category", "text", "target", "due_date"]
        read_only_fields = ["position"]


class PledgeSerializer(PostSummaryMixin, CleanModelSerializer):
    """任职保证书 with its promises; created with `post`, `drafted_on` and `promises`."""

    post = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    promises = PromiseSerializer(many=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "post",
            *PostSummaryMixin.SUMMARY,
            "version",
            "amends",
            "amendment_reason",
            "state",
            "state_display",
            "clauses",
            "drafted_on",
            "cadre_signed_on",
            "party_countersigner",
            "party_countersigned_on",
            "government_countersigner",
            "government_countersigned_on",
            "in_force_on",
            "closed_on",
            "promises",
            "created_at",
        ]
        read_only_fields = [
            "version",
            "amends",
            "amendment_reason",
            "state",
            "clauses",
            "cadre_signed_on",
            "party_countersigner",
            "party_countersigned_on",
            "government_countersigner",
            "government_countersigned_on",
            "in_force_on",
            "closed_on",
            "created_at",
        ]
        validators = []


class PledgePromisesSerializer(CleanSerializer):
    """Body of `PUT/PATCH pledges/{id}/`: the draft's promises, replaced as a whole."""

    promises = PromiseSerializer(many=True)


class PledgeSignSerializer(CleanSerializer):
    """Body of `sign`: the day the cadre signed."""

    signed_on = serializers.DateField()


class PledgeCountersignSerializer(CleanSerializer):
    """Body of `countersign`: which township body, who signed for it, and when."""

    body = serializers.ChoiceField(
        choices=[
            (COUNTERSIGNING_BODIES[0], _("Township party committee")),
            (COUNTERSIGNING_BODIES[1], _("Township government")),
        ]
    )
    signer = serializers.CharField(max_length=30)
    signed_on = serializers.DateField()


class PledgeAmendSerializer(CleanSerializer):
    """Body of `amend`; without `promises` the amendment starts from the current ones."""

    reason = serializers.CharField()
    drafted_on = serializers.DateField()
    promises = PromiseSerializer(many=True, required=False)


# ------------------------------------------------------------------ advised resignations


class ResignationAdviceSerializer(PostSummaryMixin, CleanModelSerializer):
    """劝辞; opened with `post`, `grounds` and `opened_on`, then `talk` and `decide`."""

    post = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    opened_by = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ResignationAdvice
        fields = [
            "id",
            "post",
            *PostSummaryMixin.SUMMARY,
            "grounds",
            "opened_on",
            "opened_by",
            "state",
            "state_display",
            "talk_on",
            "talk_by",
            "talk_notes",
            "outcome",
            "decided_on",
            "decision_notes",
        ]
        read_only_fields = [
            "state",
            "talk_on",
            "talk_by",
            "talk_notes",
            "outcome",
            "decided_on",
            "decision_notes",
        ]
        validators = []

    def get_opened_by(self, advice) -> str:
        return person_name(advice.opened_by)


class ResignationAdviceTalkSerializer(CleanSerializer):
    """Body of `talk`."""

    talk_on = serializers.DateField()
    talk_by = serializers.CharField(max_length=100)
    talk_notes = serializers.CharField()


class ResignationAdviceDecideSerializer(CleanSerializer):
    """Body of `decide`."""

    outcome = serializers.ChoiceField(choices=AdviceOutcome.choices)
    decided_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


# ------------------------------------------------------------------ the cadre pipeline


class ReserveCadreSerializer(CleanModelSerializer):
    """A reserve candidate (后备干部) for a village's secretary or chair; created for a person
    registered first through `cadres/`. The person's ID number and phone only masked."""

    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all())
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    id_number_masked = serializers.CharField(source="cadre.masked_id_number", read_only=True)
    phone_masked = serializers.CharField(source="cadre.masked_phone", read_only=True)
    village = ScopedVillageField()
    village_name = serializers.CharField(source="village.name", read_only=True)
    post_display = serializers.CharField(source="get_post_display", read_only=True)

    class Meta:
        model = ReserveCadre
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "id_number_masked",
            "phone_masked",
            "village",
            "village_name",
            "post",
            "post_display",
            "since",
            "notes",
            "withdrawn_on",
            "withdrawal_reason",
        ]
        read_only_fields = ["withdrawn_on", "withdrawal_reason"]


class ReserveWithdrawSerializer(CleanSerializer):
    """Body of `POST reserve-cadres/{id}/withdraw/`."""

    withdrawn_on = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class TrainingSerializer(CleanModelSerializer):
    """A course a reserve or sitting cadre attended."""

    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all())
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "course",
            "organizer",
            "start_date",
            "end_date",
            "hours",
            "notes",
        ]


class TrainingChangeSerializer(CleanSerializer):
    """Body of `POST trainings/{id}/correct/`: the corrected record and the reason."""

    course = serializers.CharField(max_length=100)
    organizer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("0.5"))
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=500)


class ReasonSerializer(CleanSerializer):
    """A body holding only the reason (deleting a training, correcting an appraisal)."""

    reason = serializers.CharField(max_length=1000)


# ------------------------------------------------------------------ 述职评议 and yellow cards


class SecretaryAppraisalSerializer(CleanModelSerializer):
    """A secretary's yearly report and the township's appraisal (述职评议); `post` is the
    secretary's post. Drafts change through PATCH; `conclude` makes one final, `correct` opens
    a correction (a new draft that references it)."""

    post = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    secretary_name = serializers.CharField(source="post.cadre.name", read_only=True)
    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    score = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = SecretaryAppraisal
        fields = [
            "id",
            "post",
            "secretary_name",
            "village",
            "village_name",
            "year",
            "report_date",
            "report_summary",
            "appraised_on",
            "grade",
            "grade_display",
            "score",
            "appraisers",
            "comment",
            "state",
            "corrects",
            "correction_reason",
            "concluded_at",
        ]
        read_only_fields = ["state", "corrects", "correction_reason", "concluded_at"]


class YellowCardSerializer(CleanModelSerializer):
    """A township's yellow card (黄牌警告) for a year, with the villages that caused it."""

    township = serializers.CharField(source="township.code", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = YellowCard
        fields = [
            "id",
            "township",
            "township_name",
            "year",
            "villages",
            "failing",
            "share",
            "threshold",
            "reasons",
            "issued_at",
        ]
        read_only_fields = fields
