"""/api/v1/ viewsets of bottom-up supervision and the annual certificate inspection; every
write is one service call.

`hearings/`: list, retrieve, create (`task`, date, place, agenda, attendance),
`POST {id}/questions/` (add one), `DELETE {id}/questions/?question=<id>` (remove one),
`POST {id}/all-questions/` ({questions: [{id?, remove?, question fields}], complete}: all at
once, all or none), `POST {id}/complete/`.
`public-reports/`: list, retrieve, create (`task`, date, ballots), `POST {id}/votes/` ({post,
satisfied, basically_satisfied, dissatisfied, summary}), `POST {id}/complete/` (record the votes).
`redemptions/`: list, retrieve, create (`task`, date, attendance), `POST {id}/results/` ({promise,
result, appraisal, evidence}), `POST {id}/complete/`.
`annual-inspections/`: list, retrieve, create (`task`, `certificate`), `POST {id}/decide/`.
Bottom-up writes need `Right.ORGANIZE` (the contact cadre or the township), the annual inspection
`Right.EDIT`; rows outside the scope are 404, a refusal of a service 403 or 400.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cadres.models import Cadre, Post, Promise, QualificationCertificate
from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedServiceViewSet,
    query_id,
    service_errors,
)
from core.rights import Right

from .. import services
from ..choices import AskerKind, Fulfilment, QuestionCategory, Satisfaction, Verdict
from ..filtersets_bottomup import (
    CertificateInspectionFilterSet,
    HearingFilterSet,
    PublicReportFilterSet,
    RedemptionFilterSet,
)
from ..models import (
    CertificateInspection,
    Hearing,
    HearingQuestion,
    PromiseRedemption,
    PublicReport,
    PublicReportVote,
    Redemption,
    SupervisionTask,
)
from ..periods import Period
from ..selectors import results_fulfilment_rate
from ..services.common import RowErrors

RECORD_FIELDS = ["id", "task", "village", "period", "date", "state", "completed_at", "area_code"]

# ------------------------------------------------------------------ serializers


class HearingQuestionSerializer(CleanModelSerializer):
    answered_by_name = serializers.CharField(source="answered_by.name", default="", read_only=True)

    class Meta:
        model = HearingQuestion
        fields = [
            "id",
            "asker_name",
            "asker_kind",
            "category",
            "question",
            "answered_by",
            "answered_by_name",
            "answer",
            "satisfied",
            "follow_up",
        ]
        read_only_fields = fields


class HearingSerializer(CleanModelSerializer):
    """A hearing with its attendance and questions."""

    village = serializers.CharField(source="village.code", read_only=True)
    attendance = serializers.IntegerField(read_only=True)
    questions = HearingQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Hearing
        fields = [
            *RECORD_FIELDS,
            "place",
            "agenda",
            "party_members_present",
            "representatives_present",
            "others_present",
            "attendance",
            "follow_ups",
            "questions",
        ]
        read_only_fields = fields


class ScopedTaskField(ScopedPrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=SupervisionTask.objects.all(), **kwargs)


class HearingStartSerializer(CleanSerializer):
    task = ScopedTaskField()
    date = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    agenda = serializers.CharField()
    party_members_present = serializers.IntegerField(min_value=0, default=0)
    representatives_present = serializers.IntegerField(min_value=0, default=0)
    others_present = serializers.IntegerField(min_value=0, default=0)


class QuestionInputSerializer(CleanSerializer):
    asker_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    asker_kind = serializers.ChoiceField(choices=AskerKind.choices)
    category = serializers.ChoiceField(choices=QuestionCategory.choices)
    question = serializers.CharField()
    answered_by = ScopedPrimaryKeyRelatedField(
        queryset=Cadre.objects.all(), required=False, allow_null=True, default=None
    )
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    satisfied = serializers.BooleanField(default=True)
    follow_up = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class QuestionRowInputSerializer(QuestionInputSerializer):
    """One row of the one-page hearing: a new question (no `id`), a question of the hearing
    typed again in full (`id`), or one to remove (`id` and `remove`)."""

    id = serializers.IntegerField(required=False, allow_null=True, default=None)
    remove = serializers.BooleanField(default=False)
    asker_kind = serializers.ChoiceField(choices=AskerKind.choices, required=False)
    category = serializers.ChoiceField(choices=QuestionCategory.choices, required=False)
    question = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["remove"]:
            if attrs["id"] is None:
                raise serializers.ValidationError({"id": [_("Name the question to remove.")]})
            return attrs
        missing = {
            name: [_("This field is required.")]
            for name in ("asker_kind", "category", "question")
            if not attrs.get(name)
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class QuestionsInputSerializer(CleanSerializer):
    """Every question of a hearing at once (the one-page form); `complete` also completes it."""

    questions = QuestionRowInputSerializer(many=True)
    complete = serializers.BooleanField(default=False)


class VoteSerializer(CleanModelSerializer):
    cadre_name = serializers.CharField(source="post.cadre.name", read_only=True)
    post_kind = serializers.CharField(source="post.kind", read_only=True)
    satisfaction_rate = serializers.DecimalField(max_digits=4, decimal_places=3, read_only=True)

    class Meta:
        model = PublicReportVote
        fields = [
            "id",
            "post",
            "cadre_name",
            "post_kind",
            "summary",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "satisfaction_rate",
        ]
        read_only_fields = fields


class PublicReportSerializer(CleanModelSerializer):
    """A public report with one vote per cadre and its satisfaction rate."""

    village = serializers.CharField(source="village.code", read_only=True)
    votes = VoteSerializer(many=True, read_only=True)

    class Meta:
        model = PublicReport
        fields = [*RECORD_FIELDS, "ballots_issued", "ballots_returned", "notes", "votes"]
        read_only_fields = fields


class PublicReportStartSerializer(CleanSerializer):
    task = ScopedTaskField()
    date = serializers.DateField()
    ballots_issued = serializers.IntegerField(min_value=0)
    ballots_returned = serializers.IntegerField(min_value=0)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class VoteInputSerializer(CleanSerializer):
    post = ScopedPrimaryKeyRelatedField(queryset=Post.objects.all())
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    satisfied = serializers.IntegerField(min_value=0)
    basically_satisfied = serializers.IntegerField(min_value=0)
    dissatisfied = serializers.IntegerField(min_value=0)


class VotesInputSerializer(CleanSerializer):
    """The votes on several cadres at once (the one-page form); `complete` also records them."""

    votes = VoteInputSerializer(many=True)
    complete = serializers.BooleanField(default=False)


class PromiseResultSerializer(CleanModelSerializer):
    """One promise's outcome; `due_date` says which outcomes it may have (a promise due by the
    redemption's year: fulfilled, partly, not; a later one: fulfilled, on_track, not_due)."""

    promise_text = serializers.CharField(source="promise.text", read_only=True)
    pledge = serializers.IntegerField(source="promise.pledge_id", read_only=True)
    due_date = serializers.DateField(source="promise.due_date", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = PromiseRedemption
        fields = [
            "id",
            "promise",
            "pledge",
            "promise_text",
            "due_date",
            "result",
            "result_display",
            "appraisal",
            "evidence",
        ]
        read_only_fields = fields


class RedemptionSerializer(CleanModelSerializer):
    """A redemption with one result per promise and the village's fulfilment rate."""

    village = serializers.CharField(source="village.code", read_only=True)
    results = PromiseResultSerializer(many=True, read_only=True)
    fulfilment_rate = serializers.SerializerMethodField()

    class Meta:
        model = Redemption
        fields = [*RECORD_FIELDS, "attendance", "notes", "fulfilment_rate", "results"]
        read_only_fields = fields

    def get_fulfilment_rate(self, obj) -> str | None:
        rate = results_fulfilment_rate(obj.results.all(), Period.parse(obj.period).year)
        return None if rate is None else str(rate)


class RedemptionStartSerializer(CleanSerializer):
    task = ScopedTaskField()
    date = serializers.DateField()
    attendance = serializers.IntegerField(min_value=0, default=0)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ResultInputSerializer(CleanSerializer):
    promise = ScopedPrimaryKeyRelatedField(queryset=Promise.objects.all())
    result = serializers.ChoiceField(choices=Fulfilment.choices)
    appraisal = serializers.ChoiceField(choices=Satisfaction.choices)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class ResultsInputSerializer(CleanSerializer):
    """The outcomes of several promises at once (the one-page form); `complete` also completes."""

    results = ResultInputSerializer(many=True)
    complete = serializers.BooleanField(default=False)


class CertificateInspectionSerializer(CleanModelSerializer):
    """One certificate's annual inspection with the year's evidence and the verdict."""

    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    cadre_name = serializers.CharField(source="certificate.post.cadre.name", read_only=True)

    class Meta:
        model = CertificateInspection
        fields = [
            "id",
            "task",
            "certificate",
            "certificate_number",
            "cadre_name",
            "year",
            "evidence",
            "verdict",
            "reasons",
            "state",
            "advice",
            "completed_at",
            "area_code",
        ]
        read_only_fields = fields


class CertificateInspectionStartSerializer(CleanSerializer):
    task = ScopedTaskField()
    certificate = ScopedPrimaryKeyRelatedField(queryset=QualificationCertificate.objects.all())


class DecideSerializer(CleanSerializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class NoInput(CleanSerializer):
    pass


# ------------------------------------------------------------------ viewsets


class OrganizingViewSet(ScopedServiceViewSet):
    """Scoped list and detail; writes need ORGANIZE over the record's village."""

    required_right = Right.ORGANIZE
    start_serializer = None
    start_service = None

    def create(self, request, *args, **kwargs):
        body = self.start_serializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            record = type(self).start_service(actor=request.user, **body.validated_data)
        return Response(self.show(record), status=status.HTTP_201_CREATED)

    def show(self, record):
        return self.get_serializer(self.base_queryset().get(pk=record.pk)).data

    def call(self, service, input_class, response_status=status.HTTP_200_OK, **extra):
        """Validate the body, call `service` on this record, answer with the record again."""
        record = self.get_object()
        body = input_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            service(
                actor=self.request.user,
                **{self.service_arg: record},
                **extra,
                **body.validated_data,
            )
        return Response(self.show(record), status=response_status)

    def call_rows(self, service, input_class, rows: str, key: str):
        """Like `call` for a body of many rows (`rows`, each naming its object by `key`), all or
        none: a refusal answers 400 with each refused row's messages under its object's id."""
        record = self.get_object()
        body = input_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        typed = {row.pop(key): row for row in (dict(r) for r in data.pop(rows))}
        with service_errors():
            try:
                service(actor=self.request.user, **{self.service_arg: record, rows: typed}, **data)
            except RowErrors as e:
                raise serializers.ValidationError(
                    {rows: {str(k): v.messages for k, v in e.rows.items()}}
                ) from e
        return Response(self.show(record))


class HearingViewSet(OrganizingViewSet):
    """村务听证质询会: questions are added while it is a draft; `complete` registers the
    unsatisfied questions and follow-ups as problems and freezes it."""

    queryset = Hearing.objects.all()
    serializer_class = HearingSerializer
    filterset_class = HearingFilterSet
    service_arg = "hearing"
    start_serializer = HearingStartSerializer
    start_service = services.hearing_start

    def base_queryset(self):
        return Hearing.objects.select_related("village").prefetch_related(
            Prefetch(
                "questions",
                queryset=HearingQuestion.objects.select_related("answered_by").order_by("pk"),
            )
        )

    @extend_schema(request=HearingStartSerializer, responses={201: HearingSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(
        methods=["POST"], request=QuestionInputSerializer, responses={201: HearingSerializer}
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        parameters=[OpenApiParameter("question", int, required=True)],
        responses=HearingSerializer,
    )
    @action(detail=True, methods=["post", "delete"])
    def questions(self, request, pk=None):
        """POST adds a question; DELETE `?question=<id>` removes one (drafts only)."""
        if request.method == "DELETE":
            hearing = self.get_object()
            question_id = query_id(request, "question")
            question = hearing.questions.filter(pk=question_id).first() if question_id else None
            if question is None:
                raise serializers.ValidationError(
                    {"question": [_("Not a question of this hearing.")]}
                )
            with service_errors():
                services.hearing_remove_question(actor=request.user, question=question)
            return Response(self.show(hearing))
        return self.call(
            services.hearing_add_question, QuestionInputSerializer, status.HTTP_201_CREATED
        )

    @extend_schema(request=QuestionsInputSerializer, responses=HearingSerializer)
    @action(detail=True, methods=["post"], url_path="all-questions", url_name="all-questions")
    def all_questions(self, request, pk=None):
        """Add, correct and remove the questions, all or none; with `complete` the hearing is
        completed in the same transaction. A refusal answers 400 with each refused row's
        messages under its index in `questions`."""
        hearing = self.get_object()
        body = QuestionsInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        own = {q.pk: q for q in hearing.questions.all()}
        rows: list[services.QuestionRow] = []
        unknown = {}
        for i, typed in enumerate(dict(r) for r in body.validated_data["questions"]):
            key, remove = typed.pop("id"), typed.pop("remove")
            if key is not None and key not in own:
                unknown[str(i)] = [_("Not a question of this hearing.")]
            rows.append((own.get(key) if key else None, None if remove else typed))
        if unknown:
            raise serializers.ValidationError({"questions": unknown})
        with service_errors():
            try:
                services.hearing_set_questions(
                    actor=request.user,
                    hearing=hearing,
                    rows=rows,
                    complete=body.validated_data["complete"],
                )
            except RowErrors as e:
                raise serializers.ValidationError(
                    {"questions": {str(k): v.messages for k, v in e.rows.items()}}
                ) from e
        return Response(self.show(hearing))

    @extend_schema(request=None, responses=HearingSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete the hearing (needs attendance); unsatisfied questions become problems."""
        return self.call(services.hearing_complete, NoInput)


class PublicReportViewSet(OrganizingViewSet):
    """公开述职: one vote per sitting cadre; `complete` records the votes and freezes it."""

    queryset = PublicReport.objects.all()
    serializer_class = PublicReportSerializer
    filterset_class = PublicReportFilterSet
    service_arg = "report"
    start_serializer = PublicReportStartSerializer
    start_service = services.public_report_start

    def base_queryset(self):
        return PublicReport.objects.select_related("village").prefetch_related(
            Prefetch("votes", queryset=PublicReportVote.objects.select_related("post__cadre"))
        )

    @extend_schema(request=PublicReportStartSerializer, responses={201: PublicReportSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=VoteInputSerializer, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def votes(self, request, pk=None):
        """The vote on one cadre; the three counts must add up to the ballots returned."""
        return self.call(services.public_report_set_vote, VoteInputSerializer)

    @extend_schema(request=VotesInputSerializer, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"], url_path="all-votes", url_name="all-votes")
    def all_votes(self, request, pk=None):
        """The votes on several cadres, all or none; with `complete`, every sitting cadre needs
        one and the votes are recorded in the same transaction."""
        return self.call_rows(
            services.public_report_set_votes, VotesInputSerializer, "votes", "post"
        )

    @extend_schema(request=None, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record the votes: every sitting cadre must have one."""
        return self.call(services.public_report_complete, NoInput)


class RedemptionViewSet(OrganizingViewSet):
    """承诺集中兑现: one result per promise in force; `complete` freezes it."""

    queryset = Redemption.objects.all()
    serializer_class = RedemptionSerializer
    filterset_class = RedemptionFilterSet
    service_arg = "redemption"
    start_serializer = RedemptionStartSerializer
    start_service = services.redemption_start

    def base_queryset(self):
        return Redemption.objects.select_related("village").prefetch_related(
            Prefetch(
                "results",
                queryset=PromiseRedemption.objects.select_related("promise").order_by(
                    "promise__pledge_id", "promise__position"
                ),
            )
        )

    @extend_schema(request=RedemptionStartSerializer, responses={201: RedemptionSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=ResultInputSerializer, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        """The result, evidence and appraisal of one listed promise."""
        return self.call(services.redemption_set_result, ResultInputSerializer)

    @extend_schema(request=ResultsInputSerializer, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"], url_path="all-results", url_name="all-results")
    def all_results(self, request, pk=None):
        """The outcomes of several promises, all or none; with `complete`, every promise needs
        one and the redemption is completed in the same transaction."""
        return self.call_rows(
            services.redemption_set_results, ResultsInputSerializer, "results", "promise"
        )

    @extend_schema(request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete the redemption: every promise needs a result."""
        return self.call(services.redemption_complete, NoInput)


class CertificateInspectionViewSet(OrganizingViewSet):
    """两证年检 by the township (`Right.EDIT`); `decide` records the verdict."""

    queryset = CertificateInspection.objects.all()
    serializer_class = CertificateInspectionSerializer
    filterset_class = CertificateInspectionFilterSet
    service_arg = "record"
    start_serializer = CertificateInspectionStartSerializer
    start_service = services.annual_inspection_start

    def base_queryset(self):
        return CertificateInspection.objects.select_related("certificate__post__cadre")

    required_right = Right.EDIT  # the township's verdict, not the organizers'

    @extend_schema(
        request=CertificateInspectionStartSerializer,
        responses={201: CertificateInspectionSerializer},
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=DecideSerializer, responses=CertificateInspectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The verdict with its reasons (required unless pass); a fail suspends the
        certificate and opens an advised resignation."""
        return self.call(services.annual_inspection_decide, DecideSerializer)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("hearings", HearingViewSet, basename="hearing")
    router.register("public-reports", PublicReportViewSet, basename="public-report")
    router.register("redemptions", RedemptionViewSet, basename="redemption")
    router.register(
        "annual-inspections", CertificateInspectionViewSet, basename="annual-inspection"
    )
