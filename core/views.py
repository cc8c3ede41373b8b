"""Base views that every app's pages build on: login required, scoped querysets, declared rights.

A view declares `model` (whose manager is a ScopedQuerySet); the base classes fetch rows only
through `visible_to(request.user)`, so an object outside the user's scope is a 404. A view that
needs more than seeing the object declares it: `required_right` for every request (a form page),
`post_right` for a POST only (a record's page that readers see and whose forms change it). The
rights themselves are in core/rights.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.generic import DetailView, ListView

from .dates import today
from .excel import xlsx_response
from .querysets import ScopedQuerySet
from .rights import Right, scope_for

if TYPE_CHECKING:
    from django_filters import FilterSet

    # Generic in the stubs only: Django's views cannot be subscripted at run time.
    _ListView = ListView[Any]
    _DetailView = DetailView[Any]
else:
    _ListView, _DetailView = ListView, DetailView

_T = TypeVar("_T")


class ScopedMixin(LoginRequiredMixin):
    """Limits the view's queryset to what the user may see, and checks the declared rights."""

    # Set by View.setup() on the view this mixin is combined with.
    request: HttpRequest
    kwargs: dict[str, Any]

    #: the rows' model, whose default manager is a ScopedQuerySet (None: base_queryset overridden)
    model: type[models.Model] | None = None
    raise_exception = False
    #: the right needed over the object's area for any request (None: seeing it is enough)
    required_right: Right | None = None
    #: the right needed in addition for a POST
    post_right: Right | None = None

    def base_queryset(self) -> ScopedQuerySet[Any]:
        """The unscoped queryset with its joins; override to add select_related/annotations."""
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model or base_queryset().")
        # A domain model's manager is a ScopedQuerySet (core/querysets.py), which type[Model]
        # cannot say.
        return cast("ScopedQuerySet[Any]", self.model._default_manager.all())

    def get_queryset(self) -> ScopedQuerySet[Any]:
        return self.base_queryset().visible_to(self.request.user)

    def allows(self, right: Right | None, code: str) -> bool:
        """True if the user holds `right` over `code` (None: nothing beyond seeing is asked)."""
        return right is None or scope_for(self.request.user).allows(right, code)

    def check_rights(self, code: str) -> None:
        """403 unless the user holds the rights this request needs over `code`."""
        if not self.allows(self.required_right, code):
            raise PermissionDenied
        if self.request.method == "POST" and not self.allows(self.post_right, code):
            raise PermissionDenied


class ScopedListView(ScopedMixin, _ListView):
    """A list page with one shared FilterSet (search, filters, sorting) and pagination."""

    filterset_class: type[FilterSet] | None = None
    filterset: FilterSet
    paginate_by = 25
    default_ordering: tuple[str, ...] = ()

    def get_queryset(self) -> ScopedQuerySet[Any]:
        qs = super().get_queryset()
        if self.default_ordering:
            qs = qs.order_by(*self.default_ordering)
        if self.filterset_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a filterset_class.")
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=qs, request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound else qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx["filterset"] = self.filterset
        ctx["query_string"] = params.urlencode()
        sort_params = self.request.GET.copy()
        sort_params.pop("page", None)
        sort_params.pop("ordering", None)
        ctx["sort_query_string"] = sort_params.urlencode()
        ctx["current_ordering"] = self.request.GET.get("ordering", "")
        return ctx


class ScopedExportView(ScopedMixin, View):
    """A list as Excel with the list page's filters: `filterset_class` over the scoped rows,
    written by `workbook()` to `<filename>-<today>.xlsx`."""

    filterset_class: type[FilterSet]
    filename: str

    def workbook(self, queryset: ScopedQuerySet[Any]) -> bytes:
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = self.get_queryset()
        filterset = self.filterset_class(request.GET or None, queryset=rows, request=request)
        queryset = filterset.qs if filterset.is_bound else rows
        return xlsx_response(self.workbook(queryset), f"{self.filename}-{today():%Y%m%d}.xlsx")


# The stubs type DetailView.model as never None, though Django's own default is None.
class ScopedDetailView(ScopedMixin, _DetailView):  # type: ignore[misc]
    """A single object fetched from the scoped queryset by its area code (or pk)."""

    slug_field = "code"
    slug_url_kwarg = "code"


class ScopedObjectMixin(ScopedMixin):
    """For form views about one object: 404 outside the scope, 403 without the declared rights
    (by default a form page changes the object: `required_right = Right.EDIT`)."""

    lookup_field = "code"
    lookup_url_kwarg = "code"
    required_right: Right | None = Right.EDIT
    _object: models.Model

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Refuse before the handler runs, so that no form is shown to someone who may not send it.
        if request.user.is_authenticated and (
            self.required_right or (self.post_right and request.method == "POST")
        ):
            self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self) -> models.Model:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(
                self.get_queryset(), **{self.lookup_field: self.kwargs[self.lookup_url_kwarg]}
            )
            self.check_rights(self.scope_code(self._object))
        return self._object

    def scope_code(self, obj: Any) -> str:
        # Any model: a row holding its area's `area_code`, or a village or region (`code`).
        code: str = getattr(obj, "area_code", None) or obj.code
        return code


class ConfirmMixin:
    """An irreversible POST asks first. Without `confirm=1` the view answers a page that says
    what will happen, whose 确认 button sends the same form again with `confirm=1`; with
    JavaScript, cunjian.js shows the same text in a <dialog> (templates/includes/
    confirm_button.html) and sends `confirm=1` itself. The view's own checks (login, scope,
    rights) run before the question is asked."""

    request: HttpRequest
    kwargs: dict[str, Any]

    #: what the action does and cannot undo; a mapping when the view serves several POST
    #: actions (keyed by the URL's `action`; an action not in it does not ask)
    confirm_message: str | Mapping[str, str] | None = None
    confirm_template = "includes/confirm_page.html"
    #: False for a form page: it validates first (a refusal needs no confirming) and asks
    #: with `unconfirmed()` once the form is valid
    ask_before_validating = True

    def get_confirm_message(self) -> str | None:
        message = self.confirm_message
        if isinstance(message, Mapping):
            found: str | None = message.get(self.kwargs.get("action", ""))
            return found
        return message

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        message = self.unconfirmed() if self.ask_before_validating else None
        if message is not None:
            # Answer the question in place of the view's own post(), once the rest of
            # dispatch() (login, scope, rights, a draft-only check) has let the POST through.
            def ask(*args: Any, **kwargs: Any) -> HttpResponse:
                # An object outside the scope is a 404 and a missing right a 403 before
                # anything is asked.
                if hasattr(self, "get_object"):
                    self.get_object()
                return self.ask_confirmation(message)

            self.post = ask
        response: HttpResponseBase = super().dispatch(  # type: ignore[misc]
            request, *args, **kwargs
        )
        return response

    def unconfirmed(self) -> str | None:
        """The question to ask if this POST needs confirming and was not confirmed, else None."""
        if self.request.method != "POST" or self.request.POST.get("confirm") == "1":
            return None
        return self.get_confirm_message()

    def ask_confirmation(self, message: str) -> HttpResponse:
        """The page that says what will happen and sends the same form again, confirmed."""
        back = self.request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, {self.request.get_host()}, self.request.is_secure()
        ):
            back = ""
        fields = [
            (name, value)
            for name, values in self.request.POST.lists()
            if name not in ("csrfmiddlewaretoken", "confirm")
            for value in values
        ]
        return render(
            self.request,
            self.confirm_template,
            {"message": message, "fields": fields, "action": self.request.path, "back": back},
        )


def paginate(
    request: HttpRequest, queryset: Sequence[_T] | models.QuerySet[Any, _T], per_page: int = 25
) -> Page[_T]:
    """A page of `queryset` for `?page=` (used for secondary lists on detail pages)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def apply_validation_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form instead of losing the input."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


#: the header a phone's sync sends with a queued form: the answer is JSON, not a page
SYNC_HEADER = "X-Cunjian-Sync"


def is_sync_request(request: HttpRequest) -> bool:
    """True for a field form sent by the phone's sync queue (issue 21)."""
    return request.headers.get(SYNC_HEADER) == "1"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a phone's sync is told in JSON, so that it fetches a fresh
    token (GET /field/data/) and sends again; a browser gets the site's page (403_csrf.html,
    which Django's view renders: its built-in page has inline styles the CSP refuses)."""
    if is_sync_request(request):
        return JsonResponse({"ok": False, "csrf": True}, status=403)
    return django_csrf_failure(request, reason=reason)
