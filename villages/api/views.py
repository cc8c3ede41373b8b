from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError

from core.api import ScopedReadOnlyViewSet, ScopedViewSetMixin
from villages import selectors, services
from villages.filtersets import RegionFilterSet, VillageFilterSet
from villages.models import Region, Village

from .serializers import RegionSerializer, VillageSerializer


class RegionViewSet(ScopedReadOnlyViewSet):
    """Counties and townships the user may see, with the number of their visible villages."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return selectors.regions_with_counts(self.request.user).order_by("code")


@extend_schema(tags=["villages"])
class VillageViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Villages in the user's scope; township staff and county supervisors may change facts."""

    queryset = Village.objects.all()
    serializer_class = VillageSerializer
    filterset_class = VillageFilterSet
    lookup_field = "code"

    def base_queryset(self):
        return Village.objects.with_township().order_by("code")

    def perform_update(self, serializer):
        try:
            serializer.instance = services.village_update(
                actor=self.request.user, village=serializer.instance, **serializer.validated_data
            )
        except DjangoValidationError as e:
            raise ValidationError(e.message_dict if hasattr(e, "error_dict") else e.messages) from e
