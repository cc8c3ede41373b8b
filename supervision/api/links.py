"""/api/v1/leader-links/ and /api/v1/work-teams/: 双联一带, 四包 and the work team roster.

Leader links: list (the pages' filters), retrieve with the visit figures as of today and the
matters; create ({leader (user name), level, post, village (12-digit code), kind, start_date}:
county leaders by the county, township leaders by the township), `POST {id}/end/` ({on,
reason}) and `POST {id}/matters/` ({date, matter, result, solved, problem}: the leader or the
village's managers). Work teams: list, retrieve, create ({village, person (user name), role,
unit, start_date, end_date}) and `POST {id}/end/` ({on}). Rows outside the scope are 404 (a
leader sees their own links); a write the user may not make 403; a broken rule 400.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    CleanModelSerializer,
    CleanSerializer,
    ScopedActionViewSet,
    ScopedPrimaryKeyRelatedField,
    service_errors,
)
from core.dates import today
from villages.api.serializers import ScopedVillageField

from .. import selectors, services
from ..choices import LeaderLevel, LinkKind, WorkTeamRole
from ..forms_links import LeaderLinkFilterSet, WorkTeamFilterSet
from ..models import LeaderLink, LeaderMatter, Problem, WorkTeamMember


class _PersonField(serializers.SlugRelatedField):
    """An active account by its user name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        kwargs.setdefault("queryset", selectors.active_accounts())
        super().__init__(**kwargs)


class LeaderMatterSerializer(CleanModelSerializer):
    class Meta:
        model = LeaderMatter
        fields = ["id", "date", "matter", "result", "solved", "problem", "recorded_by"]
        read_only_fields = fields


class LeaderLinkSerializer(CleanModelSerializer):
    """A link with its leader's visits this quarter and year (from the presence log)."""

    leader_name = serializers.SerializerMethodField()
    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    visits_quarter = serializers.IntegerField(read_only=True)
    half_days_quarter = serializers.IntegerField(read_only=True)
    visits_year = serializers.IntegerField(read_only=True)
    half_days_year = serializers.IntegerField(read_only=True)
    last_visit = serializers.DateField(read_only=True)
    idle_last_quarter = serializers.SerializerMethodField()
    matters = LeaderMatterSerializer(many=True, read_only=True)

    class Meta:
        model = LeaderLink
        fields = [
            "id",
            "leader",
            "leader_name",
            "level",
            "post",
            "village",
            "village_name",
            "kind",
            "start_date",
            "term_end",
            "ended_on",
            "end_reason",
            "area_code",
            "visits_quarter",
            "half_days_quarter",
            "visits_year",
            "half_days_year",
            "last_visit",
            "idle_last_quarter",
            "matters",
        ]
        read_only_fields = fields

    def get_leader_name(self, obj) -> str:
        u = obj.leader
        return f"{u.last_name}{u.first_name}".strip() or u.get_username()

    def get_idle_last_quarter(self, obj) -> bool:
        return selectors.idle_last_quarter(obj, today())


class LeaderLinkInputSerializer(CleanSerializer):
    leader = _PersonField()
    level = serializers.ChoiceField(choices=LeaderLevel.choices)
    post = serializers.CharField(max_length=100)
    village = ScopedVillageField()
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    start_date = serializers.DateField()


class LinkEndSerializer(CleanSerializer):
    on = serializers.DateField()
    reason = serializers.CharField()


class MatterInputSerializer(CleanSerializer):
    date = serializers.DateField()
    matter = serializers.CharField(max_length=2000)
    result = serializers.CharField(max_length=2000)
    solved = serializers.BooleanField(default=True)
    problem = ScopedPrimaryKeyRelatedField(
        queryset=Problem.objects.all(), required=False, allow_null=True, default=None
    )


class LeaderLinkViewSet(ScopedActionViewSet):
    """Leaders' linked villages in the user's scope, and the leader's own."""

    queryset = LeaderLink.objects.all()
    serializer_class = LeaderLinkSerializer
    filterset_class = LeaderLinkFilterSet

    def base_queryset(self):
        return (
            selectors.leader_links(today())
            .prefetch_related("matters")
            .order_by("area_code", "kind", "-start_date", "pk")
        )

    def _link(self, pk):
        # Found in the scope (404 outside it); the services say who may write (a leader records
        # their own matters without any area role), so no area right is asked here.
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _show(self, link, response_status=status.HTTP_200_OK):
        data = self.get_serializer(self.base_queryset().get(pk=link.pk)).data
        return Response(data, status=response_status)

    @extend_schema(request=LeaderLinkInputSerializer, responses={201: LeaderLinkSerializer})
    def create(self, request, *args, **kwargs):
        body = LeaderLinkInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            link = services.leader_link_assign(actor=request.user, **body.validated_data)
        return self._show(link, status.HTTP_201_CREATED)

    @extend_schema(request=LinkEndSerializer, responses=LeaderLinkSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the link before its term, with the reason."""
        link = self._link(pk)
        body = LinkEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.leader_link_end(actor=request.user, link=link, **body.validated_data)
        return self._show(link)

    @extend_schema(request=MatterInputSerializer, responses={201: LeaderLinkSerializer})
    @action(detail=True, methods=["post"])
    def matters(self, request, pk=None):
        """一事一记账: a matter taken on and what was done."""
        link = self._link(pk)
        body = MatterInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            services.leader_matter_record(actor=request.user, link=link, **body.validated_data)
        return self._show(link, status.HTTP_201_CREATED)


class WorkTeamMemberSerializer(CleanModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = WorkTeamMember
        fields = [
            "id",
            "village",
            "village_name",
            "person",
            "role",
            "unit",
            "start_date",
            "end_date",
            "area_code",
        ]
        read_only_fields = fields


class WorkTeamInputSerializer(CleanSerializer):
    village = ScopedVillageField()
    person = _PersonField()
    role = serializers.ChoiceField(choices=WorkTeamRole.choices)
    unit = serializers.CharField(max_length=100)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)


class TeamEndSerializer(CleanSerializer):
    on = serializers.DateField()


class WorkTeamMemberViewSet(ScopedActionViewSet):
    """Work team members in the user's scope; the township (or county) keeps the roster."""

    queryset = WorkTeamMember.objects.all()
    serializer_class = WorkTeamMemberSerializer
    filterset_class = WorkTeamFilterSet
    service_arg = "member"

    def base_queryset(self):
        return selectors.work_team_members().order_by("area_code", "role", "start_date", "pk")

    @extend_schema(request=WorkTeamInputSerializer, responses={201: WorkTeamMemberSerializer})
    def create(self, request, *args, **kwargs):
        body = WorkTeamInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            member = services.work_team_member_add(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamEndSerializer, responses=WorkTeamMemberSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """The member's last day on the team."""
        return self.act(services.work_team_member_end, TeamEndSerializer)


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
    router.register("leader-links", LeaderLinkViewSet, basename="leader-link")
    router.register("work-teams", WorkTeamMemberViewSet, basename="work-team")
