"""/api/v1/ of the cycle.

`supervision-tasks/`: the duties in scope, read only, with the task list's filters.
`notifications/`: the user's own notifications; `POST {id}/read/`, `POST read_all/`.
`supervision-policies/`: the policies of the counties in scope, by county code (a county
without one answers its defaults); PUT/PATCH by the county's supervisor (`policy_update`).
"""

from django.db.models import F
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import CleanModelSerializer, ScopedReadOnlyViewSet, service_errors
from villages.models import Region

from .. import services
from ..filtersets_cycle import SupervisionTaskFilterSet
from ..models import Notification, SupervisionPolicy, SupervisionTask
from ..periods import Period

# ------------------------------------------------------------------ serializers


class SupervisionTaskSerializer(CleanModelSerializer):
    """A duty of the cycle; `village` is the 12-digit code."""

    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    period_label = serializers.SerializerMethodField()
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = SupervisionTask
        fields = [
            "id",
            "village",
            "village_name",
            "kind",
            "kind_display",
            "period",
            "period_label",
            "due_date",
            "state",
            "done_on",
            "on_time",
            "reminded_on",
            "area_code",
        ]
        read_only_fields = fields

    def get_period_label(self, task) -> str:
        return Period.parse(task.period).label()


class NotificationSerializer(CleanModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "task", "message", "url", "emailed", "created_at", "read_at"]
        read_only_fields = fields


class SupervisionPolicySerializer(CleanModelSerializer):
    """A county's policy; JSON fields as the cycle reads them (`due_months` {kind: months},
    `grade_floors` {grade: score}, `rule_levels` {rule: 0-3})."""

    # null: a county that never saved its policy is shown the defaults, not yet stored.
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = SupervisionPolicy
        fields = [
            "area_code",
            "due_months",
            "reminder_days",
            "review_dimensions",
            "grade_floors",
            "satisfaction_threshold",
            "redemption_threshold",
            "rule_levels",
            "escalate_after_reasons",
            "county_escalation_days",
            "contact_presence_half_days",
            "work_team_presence_half_days",
            "updated_at",
        ]
        read_only_fields = ["area_code", "updated_at"]


# ------------------------------------------------------------------ viewsets


class SupervisionTaskViewSet(ScopedReadOnlyViewSet):
    """Duties of the villages in scope (filters: period, kind, state, township, village, q,
    overdue, ordering)."""

    queryset = SupervisionTask.objects.all()
    serializer_class = SupervisionTaskSerializer
    filterset_class = SupervisionTaskFilterSet

    def base_queryset(self):
        return SupervisionTask.objects.select_related("village").order_by(
            "due_date", "area_code", "kind"
        )


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The user's own notifications, unread first; `?unread=true` for the unread only."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer

    def get_queryset(self):
        user = self.request.user
        qs = Notification.objects.visible_to(user).for_user(user)
        if self.request.query_params.get("unread") == "true":
            qs = qs.unread()
        return qs.order_by(F("read_at").desc(nulls_first=True), "-created_at")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the notification read."""
        notification = self.get_object()
        with service_errors():
            services.notification_read(actor=request.user, notification=notification)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: {"type": "object"}})
    @action(detail=False, methods=["post"])
    def read_all(self, request):
        """Mark all the user's notifications read."""
        return Response({"read": services.notifications_read_all(actor=request.user)})


class SupervisionPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The policies of the counties in scope by county code; a county without its own policy
    answers the defaults. PUT/PATCH by the county's supervisor only (403 otherwise)."""

    queryset = SupervisionPolicy.objects.all()
    serializer_class = SupervisionPolicySerializer
    lookup_field = "area_code"
    lookup_value_regex = r"\d{6}"

    def get_queryset(self):
        return SupervisionPolicy.objects.visible_to(self.request.user).order_by("area_code")

    def get_object(self):
        code = self.kwargs["area_code"]
        policy = self.get_queryset().filter(area_code=code).first()
        if policy is None:
            # No policy row yet: the county's defaults, if the user sees the county at all.
            if (
                not Region.objects.visible_to(self.request.user)
                .counties()
                .filter(code=code)
                .exists()
            ):
                raise Http404
            policy = SupervisionPolicy(area_code=code)
        return policy

    def update(self, request, *args, **kwargs):
        policy = self.get_object()
        serializer = self.get_serializer(
            policy, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            policy = services.policy_update(
                actor=request.user, county_code=policy.area_code, **serializer.validated_data
            )
        return Response(self.get_serializer(policy).data)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("supervision-tasks", SupervisionTaskViewSet, basename="supervision-task")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("supervision-policies", SupervisionPolicyViewSet, basename="supervision-policy")
