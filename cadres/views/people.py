"""Pages about people, posts and term changes, and a village's two committees (村两委)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.rights import Right, scope_for
from core.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedObjectMixin,
    apply_validation_error,
    paginate,
)
from villages.changelog import history_context
from villages.models import Region, Village

from .. import selectors, services
from ..choices import PostKind
from ..filtersets import CadreFilterSet, PostFilterSet
from ..forms import (
    CadreCreateForm,
    CadreForm,
    ElectedPostFormSet,
    PostEndForm,
    PostForm,
    TermChangeForm,
)
from ..models import Cadre, Post


def _can_manage(user) -> bool:
    return scope_for(user).anywhere(Right.EDIT)


def _committees_url(village) -> str:
    return reverse("cadres:village-committees", args=[village.code])


class AreaFilterContextMixin:
    """Township and village choices for the filters of a list page."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        villages = Village.objects.visible_to(user).order_by("code")
        township = self.request.GET.get("township", "")
        if township:
            villages = villages.filter(code__startswith=township)
        ctx["townships"] = Region.objects.visible_to(user).townships()
        ctx["villages"] = villages.only("code", "name")
        ctx["can_manage"] = _can_manage(user)
        return ctx


# ------------------------------------------------------------------ cadres


class CadreListView(AreaFilterContextMixin, ScopedListView):
    """The people of the villages in scope, with their sitting posts; personal data masked."""

    model = Cadre
    filterset_class = CadreFilterSet
    template_name = "cadres/people/cadre_list.html"
    default_ordering = ("area_code", "name", "pk")

    def base_queryset(self):
        return Cadre.objects.select_related("village").prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.current().order_by(selectors.kind_rank()),
                to_attr="current_posts",
            )
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "post_kinds": PostKind.choices}


class CadreDetailView(ScopedDetailView):
    """A person: facts (masked unless revealed), posts, certificates, pledges and history.

    POST reveals the full ID number and phone to staff whose role allows it: the service logs
    the look, and the values are shown in this one response only (never kept in the session).
    """

    model = Cadre
    template_name = "cadres/people/cadre_detail.html"

    def base_queryset(self):
        return Cadre.objects.select_related("village__township__parent")

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        revealed = services.cadre_reveal_personal_data(actor=request.user, cadre=self.object)
        response = self.render_to_response(self.get_context_data(revealed=revealed))
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cadre, user = self.object, self.request.user
        ctx.update(
            village=cadre.village,
            can_edit=scope_for(user).allows(Right.EDIT, cadre.area_code),
            may_reveal=scope_for(user).allows(Right.REVEAL, cadre.area_code),
            posts=selectors.posts_of_cadre(user, cadre),
            certificates=selectors.certificates_of_cadre(user, cadre),
            pledges=selectors.pledges_of_cadre(user, cadre),
            reserves=selectors.reserves_of_cadre(user, cadre),
            trainings=selectors.trainings_of_cadre(user, cadre),
            **history_context(self.request, cadre),
        )
        return ctx


class CadreCreateView(LoginRequiredMixin, FormView):
    """Register a person in a village the user manages (`?village=<code>` preselects it)."""

    form_class = CadreCreateForm
    template_name = "cadres/people/cadre_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            code = request.GET.get("village")
            if code:
                village = get_object_or_404(Village.objects.visible_to(request.user), code=code)
                if not scope_for(request.user).allows(Right.EDIT, village.code):
                    raise PermissionDenied
            elif not self.villages().exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def villages(self):
        return Village.objects.editable_by(self.request.user).select_related("township")

    def get_initial(self):
        return {"village": self.request.GET.get("village")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "villages": self.villages().order_by("code")}

    def form_valid(self, form):
        try:
            cadre = services.cadre_create(actor=self.request.user, **form.service_fields())
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s registered.") % {"name": cadre.name})
        return redirect(cadre)


class CadreUpdateView(ScopedObjectMixin, FormView):
    """Correct a person's data; the ID number and phone change only when retyped."""

    model = Cadre
    form_class = CadreForm
    template_name = "cadres/people/cadre_form.html"
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return Cadre.objects.select_related("village__township__parent")

    def scope_code(self, obj) -> str:
        return obj.area_code

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form must not mutate the object the service compares against.
        kwargs["instance"] = self.get_queryset().get(pk=self.get_object().pk)
        return kwargs

    def get_context_data(self, **kwargs):
        cadre = self.get_object()
        return {**super().get_context_data(**kwargs), "cadre": cadre, "village": cadre.village}

    def form_valid(self, form):
        cadre = self.get_object()
        try:
            services.cadre_update(actor=self.request.user, cadre=cadre, **form.service_fields())
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(cadre)


# ------------------------------------------------------------------ posts


class PostListView(AreaFilterContextMixin, ScopedListView):
    """Posts held in the villages in scope: sitting, ended, expiring terms."""

    model = Post
    filterset_class = PostFilterSet
    template_name = "cadres/people/post_list.html"

    def base_queryset(self):
        return Post.objects.select_related("cadre", "village", "certificate").annotate(
            kind_rank=selectors.kind_rank()
        )

    default_ordering = ("area_code", "end_date", "kind_rank", "-start_date", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        for post in ctx["object_list"]:
            post.can_edit = post.end_date is None and scope.allows(Right.EDIT, post.area_code)
        ctx["post_kinds"] = PostKind.choices
        return ctx


class VillageFromQueryMixin(ScopedMixin):
    """A write page about the village named by `?village=<code>`: 404 outside the scope,
    403 if the user may not change it. Without `?village=` the page first lists the villages
    the user may change (none: 403)."""

    model = Village

    def get(self, request, *args, **kwargs):
        if not request.GET.get("village"):
            villages = Village.objects.editable_by(request.user).with_township().order_by("code")
            if not villages.exists():
                raise PermissionDenied
            return self.render_to_response({"choose_village": True, "villages": villages})
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return Village.objects.with_township()

    def get_village(self):
        if not hasattr(self, "_village"):
            code = self.request.GET.get("village", "")
            self._village = get_object_or_404(self.get_queryset(), code=code)
            if not scope_for(self.request.user).allows(Right.EDIT, self._village.code):
                raise PermissionDenied
        return self._village


class PostCreateView(VillageFromQueryMixin, FormView):
    """Appoint a person to a post (a by-election, a new member); `?cadre=<pk>` preselects."""

    form_class = PostForm
    template_name = "cadres/people/post_form.html"

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre")}

    def get_form_kwargs(self):
        village = self.get_village()
        return {
            **super().get_form_kwargs(),
            "village": village,
            "candidates": selectors.post_candidates(self.request.user, village),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "village": self.get_village()}

    def form_valid(self, form):
        village = self.get_village()
        try:
            post = services.post_open(actor=self.request.user, village=village, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s appointed %(post)s.")
            % {"name": post.cadre.name, "post": post.get_kind_display()},
        )
        return redirect(_committees_url(village))


class PostEndView(ScopedObjectMixin, FormView):
    """End a sitting post (resignation, transfer, death, ...)."""

    model = Post
    form_class = PostEndForm
    template_name = "cadres/people/post_end_form.html"
    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def base_queryset(self):
        return Post.objects.select_related("cadre", "village__township__parent", "certificate")

    def scope_code(self, obj) -> str:
        return obj.area_code

    def get_context_data(self, **kwargs):
        post = self.get_object()
        return {**super().get_context_data(**kwargs), "post": post, "village": post.village}

    def form_valid(self, form):
        post = self.get_object()
        try:
            services.post_close(actor=self.request.user, post=post, **form.cleaned_data)
        except ValidationError as e:
            apply_validation_error(form, e)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s no longer holds the post of %(post)s.")
            % {"name": post.cadre.name, "post": post.get_kind_display()},
        )
        return redirect(_committees_url(post.village))


# ------------------------------------------------------------------ a village's committees


class VillageCommitteesView(ScopedDetailView):
    """村两委 tab of a village: who sits now, term changes, every post held, 劝辞."""

    model = Village
    template_name = "cadres/people/village_committees.html"

    def base_queryset(self):
        return Village.objects.with_township()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        village, user = self.object, self.request.user
        ctx.update(
            tab="committees",
            can_edit=scope_for(user).allows(Right.EDIT, village.code),
            committees=selectors.village_committees(user, village),
            term_changes=selectors.term_changes_of(user, village),
            advices=selectors.advices_of(user, village),
            page_obj=paginate(self.request, selectors.post_history_of(user, village)),
        )
        return ctx


class TermChangeCreateView(ScopedObjectMixin, TemplateView):
    """换届: the date, notes and the elected posts; every sitting post ends that day."""

    model = Village
    template_name = "cadres/people/term_change_form.html"
    blank_rows = 3

    def base_queryset(self):
        return Village.objects.with_township()

    def forms(self):
        village, user = self.get_object(), self.request.user
        kwargs = {
            "form_kwargs": {
                "village": village,
                "candidates": selectors.post_candidates(user, village),
            },
            "prefix": "posts",
        }
        data = self.request.POST if self.request.method == "POST" else None
        if data is None:
            # Start from the sitting committees: a re-elected person keeps their row.
            sitting = selectors.sitting_posts(user, village)
            rows = [{"cadre": p.cadre, "kind": p.kind} for p in sitting]
            rows += [{}] * max(self.blank_rows, 7 - len(rows))
            kwargs["initial"] = rows
        return TermChangeForm(data), ElectedPostFormSet(data, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            ctx["form"], ctx["formset"] = self.forms()
        ctx["village"] = self.get_object()
        return ctx

    def post(self, request, *args, **kwargs):
        village = self.get_object()
        form, formset = self.forms()
        if form.is_valid() and formset.is_valid():
            try:
                services.term_change_record(
                    actor=request.user,
                    village=village,
                    held_on=form.cleaned_data["held_on"],
                    notes=form.cleaned_data["notes"],
                    new_posts=formset.new_posts(),
                )
            except ValidationError as e:
                apply_validation_error(form, e)
            else:
                messages.success(request, _("Term change recorded."))
                return redirect(_committees_url(village))
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


urlpatterns = [
    path("", CadreListView.as_view(), name="cadre-list"),
    path("add/", CadreCreateView.as_view(), name="cadre-add"),
    path("<int:pk>/", CadreDetailView.as_view(), name="cadre-detail"),
    path("<int:pk>/edit/", CadreUpdateView.as_view(), name="cadre-edit"),
    path("posts/", PostListView.as_view(), name="post-list"),
    path("posts/add/", PostCreateView.as_view(), name="post-add"),
    path("posts/<int:pk>/end/", PostEndView.as_view(), name="post-end"),
    path(
        "villages/<str:code>/committees/",
        VillageCommitteesView.as_view(),
        name="village-committees",
    ),
    path(
        "villages/<str:code>/term-change/",
        TermChangeCreateView.as_view(),
        name="term-change-add",
    ),
]
