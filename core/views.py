"""Base views that every app's pages build on: login required, scoped querysets, declared rights.

A view declares `model` (whose manager is a ScopedQuerySet); the base classes fetch rows only
through `visible_to(request.user)`, so an object outside the user's scope is a 404. A view that
needs more than seeing the object declares it: `required_right` for every request (a form page),
`post_right` for a POST only (a record's page that readers see and whose forms change it). The
rights themselves are in core/rights.py.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .rights import Right, scope_for


class ScopedMixin(LoginRequiredMixin):
    """Limits the view's queryset to what the user may see, and checks the declared rights."""

    model = None
    raise_exception = False
    #: the right needed over the object's area for any request (None: seeing it is enough)
    required_right: Right | None = None
    #: the right needed in addition for a POST
    post_right: Right | None = None

    def base_queryset(self):
        """The unscoped queryset with its joins; override to add select_related/annotations."""
        return self.model._default_manager.all()

    def get_queryset(self):
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


class ScopedListView(ScopedMixin, ListView):
    """A list page with one shared FilterSet (search, filters, sorting) and pagination."""

    filterset_class = None
    paginate_by = 25
    default_ordering: tuple[str, ...] = ()

    def get_queryset(self):
        qs = super().get_queryset()
        if self.default_ordering:
            qs = qs.order_by(*self.default_ordering)
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=qs, request=self.request
        )
        return self.filterset.qs if self.filterset.is_bound else qs

    def get_context_data(self, **kwargs):
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


class ScopedDetailView(ScopedMixin, DetailView):
    """A single object fetched from the scoped queryset by its area code (or pk)."""

    slug_field = "code"
    slug_url_kwarg = "code"


class ScopedObjectMixin(ScopedMixin):
    """For form views about one object: 404 outside the scope, 403 without the declared rights
    (by default a form page changes the object: `required_right = Right.EDIT`)."""

    lookup_field = "code"
    lookup_url_kwarg = "code"
    required_right: Right | None = Right.EDIT

    def dispatch(self, request, *args, **kwargs):
        # Refuse before the handler runs, so that no form is shown to someone who may not send it.
        if request.user.is_authenticated and (
            self.required_right or (self.post_right and request.method == "POST")
        ):
            self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(
                self.get_queryset(), **{self.lookup_field: self.kwargs[self.lookup_url_kwarg]}
            )
            self.check_rights(self.scope_code(self._object))
        return self._object

    def scope_code(self, obj) -> str:
        return getattr(obj, "area_code", None) or obj.code


def paginate(request, queryset, per_page: int = 25):
    """A page of `queryset` for `?page=` (used for secondary lists on detail pages)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form instead of losing the input."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)
