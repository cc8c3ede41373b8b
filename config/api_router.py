"""/api/v1/: one router for every app's viewsets."""

from rest_framework.routers import DefaultRouter

from villages.api.views import RegionViewSet, VillageViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("villages", VillageViewSet, basename="village")
