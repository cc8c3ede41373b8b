"""Base views that every app's pages build on: login required, scoped querysets, lists.

A view declares `model` (whose manager is a ScopedQuerySet); the base classes fetch rows only
through `visible_to(request.user)`, so an object outside the user's scope is a 404.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .scoping import scope_for
from .selectors import event_rows, object_history


class ScopedMixin(LoginRequiredMixin):
    """Limits the view's queryset to what the user may see."""

    model = None
    raise_exception = False

    def base_queryset(self):
        """The unscoped queryset with its joins; override to add select_related/annotations."""
        return self.model._default_manager.all()

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user)


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
    """For form views about one object: 404 outside the scope, 403 if it may not be changed."""

    lookup_field = "code"
    lookup_url_kwarg = "code"
    require_edit = True

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(
                self.get_queryset(), **{self.lookup_field: self.kwargs[self.lookup_url_kwarg]}
            )
            if self.require_edit and not scope_for(self.request.user).may_edit(
                self.scope_code(self._object)
            ):
                raise PermissionDenied
        return self._object

    def scope_code(self, obj) -> str:
        return obj.code


def paginate(request, queryset, per_page: int = 25):
    """A page of `queryset` for `?page=` (used for secondary lists on detail pages)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def history_context(request, obj) -> dict:
    """历史记录 of `obj` and of the rows pointing to it, one page at a time: the `page_obj` and
    `events` that includes/event_list.html shows."""
    page = paginate(request, object_history(obj))
    return {"page_obj": page, "events": event_rows(page)}


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form instead of losing the input."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)
