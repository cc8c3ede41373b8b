"""/api/v1/ viewsets of the cadres app: every write is one service call.

Scoping, rights and the answers to a service's refusals come from the base classes in core/api.py.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet, ScopedServiceViewSet, service_errors

from .. import services, services_appraisal
from ..filtersets import (
    CadreFilterSet,
    PledgeFilterSet,
    PostFilterSet,
    QualificationCertificateFilterSet,
    ReserveCadreFilterSet,
    ResignationAdviceFilterSet,
    SecretaryAppraisalFilterSet,
    TermChangeFilterSet,
    YellowCardFilterSet,
)
from ..models import (
    Cadre,
    Pledge,
    Post,
    QualificationCertificate,
    ReserveCadre,
    ResignationAdvice,
    SecretaryAppraisal,
    TermChange,
    Training,
    YellowCard,
)
from . import serializers as s

# ------------------------------------------------------------------ people


@extend_schema_view(
    list=extend_schema(description="Cadres; `id_number` and `phone` only masked."),
    create=extend_schema(
        description="Register a cadre. `id_number` (and `phone`) are input only: the response "
        "carries `id_number_masked` and `phone_masked`."
    ),
)
class CadreViewSet(ScopedServiceViewSet):
    """Cadres in the user's scope, with masked personal data; `reveal` shows the full values."""

    queryset = Cadre.objects.all()
    serializer_class = s.CadreSerializer
    filterset_class = CadreFilterSet
    service_arg = "cadre"

    def base_queryset(self):
        return Cadre.objects.select_related("village").with_open_posts()

    def create_with_service(self, **data):
        return services.cadre_create(actor=self.request.user, **data)

    # PATCH only: a correction names the fields it changes (no PUT).
    def partial_update(self, request, *args, **kwargs):
        cadre = self.get_object()
        serializer = self.get_serializer(cadre, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            cadre = services.cadre_update(
                actor=request.user, cadre=cadre, **serializer.validated_data
            )
        return Response(self.get_serializer(cadre).data)

    @extend_schema(
        request=None,
        responses={200: s.PersonalDataSerializer, 403: OpenApiResponse(description="Not allowed")},
        description="The full ID number and phone, for staff who manage the village; logged.",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        cadre = self.get_object()
        with service_errors():
            data = services.cadre_reveal_personal_data(actor=request.user, cadre=cadre)
        response = Response(s.PersonalDataSerializer(data).data)
        response["Cache-Control"] = "no-store"  # personal data stays out of every cache
        return response


# ------------------------------------------------------------------ posts and term changes


class PostViewSet(ScopedServiceViewSet):
    """Posts in the user's scope; `create` appoints (post_open), `end` closes (post_close)."""

    queryset = Post.objects.all()
    serializer_class = s.PostSerializer
    filterset_class = PostFilterSet
    service_arg = "post"

    def base_queryset(self):
        return Post.objects.select_related("cadre", "village")

    def create_with_service(self, **data):
        return services.post_open(actor=self.request.user, **data)

    @extend_schema(request=s.PostEndSerializer, responses=s.PostSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.act(services.post_close, s.PostEndSerializer)


class TermChangeViewSet(ScopedServiceViewSet):
    """换届 in the user's scope; `create` closes the sitting posts and opens `new_posts`."""

    queryset = TermChange.objects.all()
    serializer_class = s.TermChangeSerializer
    filterset_class = TermChangeFilterSet

    def base_queryset(self):
        posts = Post.objects.select_related("cadre")
        return TermChange.objects.select_related("village", "recorded_by").prefetch_related(
            Prefetch("opened_posts", queryset=posts), Prefetch("closed_posts", queryset=posts)
        )

    def create_with_service(self, **data):
        return services.term_change_record(actor=self.request.user, **data)


# ------------------------------------------------------------------ certificates


class QualificationCertificateViewSet(ScopedServiceViewSet):
    """任职资格证书 in the user's scope; issued once per post, then suspended, reinstated or
    revoked."""

    queryset = QualificationCertificate.objects.all()
    serializer_class = s.QualificationCertificateSerializer
    filterset_class = QualificationCertificateFilterSet
    service_arg = "certificate"

    def base_queryset(self):
        return QualificationCertificate.objects.select_related("post__cadre", "post__village")

    def create_with_service(self, **data):
        return services.certificate_issue(actor=self.request.user, **data)

    @extend_schema(
        request=s.QualificationCertificateChangeSerializer,
        responses=s.QualificationCertificateSerializer,
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self.act(services.certificate_suspend, s.QualificationCertificateChangeSerializer)

    @extend_schema(
        request=s.QualificationCertificateChangeSerializer,
        responses=s.QualificationCertificateSerializer,
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self.act(services.certificate_reinstate, s.QualificationCertificateChangeSerializer)

    @extend_schema(
        request=s.QualificationCertificateChangeSerializer,
        responses=s.QualificationCertificateSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self.act(services.certificate_revoke, s.QualificationCertificateChangeSerializer)


# ------------------------------------------------------------------ pledges


@extend_schema_view(
    update=extend_schema(request=s.PledgePromisesSerializer, responses=s.PledgeSerializer),
    partial_update=extend_schema(request=s.PledgePromisesSerializer, responses=s.PledgeSerializer),
)
class PledgeViewSet(ScopedServiceViewSet):
    """任职保证书 in the user's scope. A draft's promises are replaced with PUT/PATCH; from the
    cadre's signature on the text is frozen (400) and changes go through `amend`."""

    queryset = Pledge.objects.all()
    serializer_class = s.PledgeSerializer
    filterset_class = PledgeFilterSet
    service_arg = "pledge"

    def base_queryset(self):
        return Pledge.objects.select_related("post__cadre", "post__village").prefetch_related(
            "promises"
        )

    def create_with_service(self, **data):
        return services.pledge_draft(actor=self.request.user, **data)

    def update(self, request, *args, **kwargs):
        return self.act(services.pledge_update_draft, s.PledgePromisesSerializer)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=s.PledgeSignSerializer, responses=s.PledgeSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self.act(services.pledge_sign, s.PledgeSignSerializer)

    @extend_schema(request=s.PledgeCountersignSerializer, responses=s.PledgeSerializer)
    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        return self.act(services.pledge_countersign, s.PledgeCountersignSerializer)

    @extend_schema(
        request=s.PledgeAmendSerializer,
        responses={201: s.PledgeSerializer},
        description="Start an amendment: a new draft version that needs its own signatures.",
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        return self.act(
            services.pledge_amend, s.PledgeAmendSerializer, response_status=status.HTTP_201_CREATED
        )


# ------------------------------------------------------------------ advised resignations


class ResignationAdviceViewSet(ScopedServiceViewSet):
    """劝辞 in the user's scope: opened, then a talk, then a decision."""

    queryset = ResignationAdvice.objects.all()
    serializer_class = s.ResignationAdviceSerializer
    filterset_class = ResignationAdviceFilterSet
    service_arg = "advice"

    def base_queryset(self):
        return ResignationAdvice.objects.select_related("post__cadre", "post__village", "opened_by")

    def create_with_service(self, **data):
        return services.advice_open(actor=self.request.user, **data)

    @extend_schema(
        request=s.ResignationAdviceTalkSerializer, responses=s.ResignationAdviceSerializer
    )
    @action(detail=True, methods=["post"])
    def talk(self, request, pk=None):
        return self.act(services.advice_record_talk, s.ResignationAdviceTalkSerializer)

    @extend_schema(
        request=s.ResignationAdviceDecideSerializer, responses=s.ResignationAdviceSerializer
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self.act(services.advice_decide, s.ResignationAdviceDecideSerializer)


# ------------------------------------------------------------------ the cadre pipeline


class ReserveCadreViewSet(ScopedServiceViewSet):
    """Reserve cadres in the user's scope; `create` names one (reserve_add) for a registered
    person, `withdraw` takes one off the bench."""

    queryset = ReserveCadre.objects.all()
    serializer_class = s.ReserveCadreSerializer
    filterset_class = ReserveCadreFilterSet
    service_arg = "reserve"

    def base_queryset(self):
        return ReserveCadre.objects.select_related("cadre", "village")

    def create_with_service(self, **data):
        return services.reserve_add(actor=self.request.user, **data)

    @extend_schema(request=s.ReserveWithdrawSerializer, responses=s.ReserveCadreSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.act(services.reserve_withdraw, s.ReserveWithdrawSerializer)


class TrainingViewSet(ScopedServiceViewSet):
    """Trainings of reserve and sitting cadres in the user's scope; `create` records one."""

    queryset = Training.objects.all()
    serializer_class = s.TrainingSerializer
    service_arg = "training"

    def base_queryset(self):
        return Training.objects.select_related("cadre")

    def create_with_service(self, **data):
        return services.training_record(actor=self.request.user, **data)

    @extend_schema(request=s.TrainingChangeSerializer, responses=s.TrainingSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct the record; the reason goes into its history."""
        return self.act(services.training_update, s.TrainingChangeSerializer)

    @extend_schema(request=s.ReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Delete a record entered by mistake; the row and the reason stay in the history."""
        training = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.training_delete(
                actor=request.user, training=training, reason=body.validated_data["reason"]
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SecretaryAppraisalViewSet(ScopedServiceViewSet):
    """Secretaries' yearly reports and appraisals (述职评议) in the user's scope."""

    queryset = SecretaryAppraisal.objects.all()
    serializer_class = s.SecretaryAppraisalSerializer
    filterset_class = SecretaryAppraisalFilterSet
    service_arg = "appraisal"

    def base_queryset(self):
        return SecretaryAppraisal.objects.select_related("post__cadre", "village")

    def create_with_service(self, **data):
        return services_appraisal.appraisal_create(actor=self.request.user, **data)

    def partial_update(self, request, *args, **kwargs):
        appraisal = self.get_object()
        serializer = self.get_serializer(appraisal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in services_appraisal.APPRAISAL_FIELDS
        }
        with service_errors():
            appraisal = services_appraisal.appraisal_update(
                actor=request.user, appraisal=appraisal, **fields
            )
        return Response(self.get_serializer(appraisal).data)

    def destroy(self, request, *args, **kwargs):
        appraisal = self.get_object()
        with service_errors():
            services_appraisal.appraisal_delete(actor=request.user, appraisal=appraisal)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.SecretaryAppraisalSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        appraisal = self.get_object()
        with service_errors():
            appraisal = services_appraisal.appraisal_conclude(
                actor=request.user, appraisal=appraisal
            )
        return Response(self.get_serializer(appraisal).data)

    @extend_schema(request=s.ReasonSerializer, responses={201: s.SecretaryAppraisalSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self.act(
            services_appraisal.appraisal_correct, s.ReasonSerializer, status.HTTP_201_CREATED
        )


class YellowCardViewSet(ScopedReadOnlyViewSet):
    """The townships' yellow cards (黄牌警告) the user sees."""

    queryset = YellowCard.objects.all()
    serializer_class = s.YellowCardSerializer
    filterset_class = YellowCardFilterSet

    def base_queryset(self):
        return YellowCard.objects.select_related("township")
