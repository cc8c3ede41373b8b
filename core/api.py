"""The API's base classes: the same scoping and declared rights as the pages, one error helper.

Rows outside the user's scope do not exist for the API (404). A write (any method but GET, HEAD and
OPTIONS) on a row needs the viewset's `required_right` over the row's area (403 otherwise); the
services check again, with the finer rule of each step. A service's ValidationError becomes a 400
with its (translated) messages, its PermissionDenied a 403. Related rows in a request body are
looked up among the visible ones: any other "does not exist" (400).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .querysets import ScopedQuerySet
from .rights import REFUSALS, Right, scope_for
from .validators import guard_text_fields

if TYPE_CHECKING:
    # What the mixins below are combined with, so that mypy knows `self.request`, `self.context`
    # and the methods they extend with super(); at run time they stay plain mixins.
    _ViewSetBase = viewsets.GenericViewSet[Any]
    _RelatedFieldBase = serializers.RelatedField[Any, Any, Any]
    _SerializerBase = serializers.Serializer[Any]
else:
    _ViewSetBase = _RelatedFieldBase = _SerializerBase = object


@contextmanager
def service_errors() -> Iterator[None]:
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


def query_id(request: Request, name: str) -> int | None:
    """The row id in the query parameter `name`, or None when it is missing or not an id
    (letters, signs, non-ASCII digits such as "²", or beyond a bigint)."""
    value = request.query_params.get(name, "")
    if value.isascii() and value.isdigit() and int(value) < 2**63:
        return int(value)
    return None


class ScopedViewSetMixin(_ViewSetBase):
    """Scoped rows; writes on a row need `required_right` over its area."""

    #: the domain model's rows (every domain model's queryset is a ScopedQuerySet)
    queryset: ScopedQuerySet[Any]
    #: the right a write on a row needs over the row's area
    required_right: Right = Right.EDIT

    def base_queryset(self) -> ScopedQuerySet[Any]:
        return self.queryset.all()

    def get_queryset(self) -> ScopedQuerySet[Any]:
        return self.base_queryset().visible_to(self.request.user)

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        if request.method not in SAFE_METHODS:
            if not scope_for(request.user).allows(self.required_right, self.scope_code(obj)):
                raise PermissionDenied(str(REFUSALS[self.required_right]))

    def scope_code(self, obj: Any) -> str:
        # Any model: a row holding its area's `area_code`, or a village or region (`code`).
        code: str = getattr(obj, "area_code", None) or obj.code
        return code


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Any]):
    pass


class ScopedActionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Any],
):
    """Scoped list and detail; the actions call the services. No `create`: the schema offers
    only what exists, and a POST to the list answers 405."""

    #: keyword under which the services take the viewset's object (`cadre=`, `pledge=`, ...)
    service_arg: str

    def act(
        self,
        service: Callable[..., models.Model],
        input_class: type[serializers.BaseSerializer[Any]],
        response_status: int = status.HTTP_200_OK,
    ) -> Response:
        """Validate the body with `input_class`, call `service` on this object, show the result."""
        obj = self.get_object()  # 404 outside the scope, 403 without the right to write
        body = input_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with service_errors():
            result = service(
                actor=self.request.user, **{self.service_arg: obj}, **body.validated_data
            )
        return Response(self.get_serializer(result).data, status=response_status)


class ScopedServiceViewSet(ScopedActionViewSet):
    """Scoped list and detail; `create` and the actions call the services."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            instance = self.create_with_service(**serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def create_with_service(self, **data: Any) -> models.Model:
        raise NotImplementedError


class ScopedRelatedMixin(_RelatedFieldBase):
    """A related row is chosen among those the user may see; any other "does not exist"."""

    def get_queryset(self) -> ScopedQuerySet[Any]:
        # The field's queryset is the related domain model's, a ScopedQuerySet.
        queryset = cast("ScopedQuerySet[Any]", super().get_queryset())
        request = self.context.get("request")
        return queryset.visible_to(request.user if request else None)


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField[Any]):
    pass


class CleanTextSerializerMixin(_SerializerBase):
    """Checks every text field for control characters (core.validators), including fields
    set in __init__ and those of nested serializers."""

    def to_internal_value(self, data: Any) -> Any:
        guard_text_fields(self.fields)
        return super().to_internal_value(data)


class CleanSerializer(CleanTextSerializerMixin, serializers.Serializer[Any]):
    """The base of every serializer."""


class CleanModelSerializer(CleanTextSerializerMixin, serializers.ModelSerializer[Any]):
    """The base of every model serializer."""
