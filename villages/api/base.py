"""Base viewsets for the API: the same `visible_to(user)` scoping as the HTML pages."""

from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from villages.scoping import scope_for


class ScopedViewSetMixin:
    """Rows outside the user's scope do not exist for the API (404); writes need edit rights."""

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if not scope_for(request.user).may_edit(self.scope_code(obj)):
                raise PermissionDenied()

    def scope_code(self, obj) -> str:
        return getattr(obj, "area_code", None) or obj.code


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
