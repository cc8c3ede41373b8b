"""The API's base classes: the same scoping and declared rights as the pages, one error helper.

Rows outside the user's scope do not exist for the API (404). A write (any method but GET, HEAD and
OPTIONS) on a row needs the viewset's `required_right` over the row's area (403 otherwise); the
services check again, with the finer rule of each step. A service's ValidationError becomes a 400
with its (translated) messages, its PermissionDenied a 403. Related rows in a request body are
looked up among the visible ones: any other "does not exist" (400).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .rights import REFUSALS, Right, scope_for


@contextmanager
def service_errors():
    """Answer a service's refusal as 400 (ValidationError) or 403 (PermissionDenied)."""
    try:
        yield
    except DjangoValidationError as e:
        if hasattr(e, "error_dict"):
            detail = {
                api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field: messages
                for field, messages in e.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: e.messages}
        raise ValidationError(detail) from e
    except DjangoPermissionDenied as e:
        raise PermissionDenied(str(e) or None) from e


class ScopedViewSetMixin:
    """Scoped rows; writes on a row need `required_right` over its area."""

    #: the right a write on a row needs over the row's area
    required_right: Right = Right.EDIT

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method not in SAFE_METHODS:
            if not scope_for(request.user).allows(self.required_right, self.scope_code(obj)):
                raise PermissionDenied(str(REFUSALS[self.required_right]))

    def scope_code(self, obj) -> str:
        return getattr(obj, "area_code", None) or obj.code


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedServiceViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Scoped list and detail; `create` and the actions call the services."""

    #: keyword under which the services take the viewset's object (`cadre=`, `pledge=`, ...)
    service_arg: str

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            instance = self.create_with_service(**serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def create_with_service(self, **data):
        raise NotImplementedError

    def act(self, service, input_class, response_status=status.HTTP_200_OK):
        """Validate the body with `input_class`, call `service` on this object, show the result."""
        obj = self.get_object()  # 404 outside the scope, 403 without the right to write
        body = input_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            result = service(
                actor=self.request.user, **{self.service_arg: obj}, **body.validated_data
            )
        return Response(self.get_serializer(result).data, status=response_status)


class ScopedRelatedMixin:
    """A related row is chosen among those the user may see; any other "does not exist"."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user if request else None)


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    pass
