"""Excel import of a township's cadres and posts, and the masked export of posts."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.excel import xlsx_response
from core.views import ScopedExportView
from villages.forms import TreeImportForm
from villages.models import Region

from ..exports import export_cadres
from ..filtersets import PostFilterSet
from ..imports import CadreImportError, build_cadre_import_template, import_cadres
from ..models import Post


class TownshipImportMixin(LoginRequiredMixin):
    """The townships whose cadres the user may import (the ones they manage)."""

    def townships(self):
        return Region.objects.editable_by(self.request.user).townships().order_by("code")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.townships().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_township(self):
        code = self.request.POST.get("township") or self.request.GET.get("township")
        townships = self.townships()
        return get_object_or_404(townships, code=code) if code else townships.first()


class CadreImportView(TownshipImportMixin, FormView):
    """Upload the filled-in template; every row is checked before anything is written."""

    form_class = TreeImportForm
    template_name = "cadres/people/cadre_import.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "townships": self.townships(),
            "township": self.get_township(),
        }

    def form_valid(self, form):
        try:
            result = import_cadres(
                actor=self.request.user,
                township=self.get_township(),
                file=form.cleaned_data["file"],
            )
        except CadreImportError as e:
            return self.render_to_response(self.get_context_data(form=form, import_errors=e.errors))
        messages.success(
            self.request,
            _(
                "Import finished: %(cc)d cadres registered, %(cu)d updated, %(cn)d unchanged; "
                "%(po)d posts opened, %(pn)d unchanged."
            )
            % {
                "cc": result.cadres_created,
                "cu": result.cadres_updated,
                "cn": result.cadres_unchanged,
                "po": result.posts_opened,
                "pn": result.posts_unchanged,
            },
        )
        return redirect("cadres:post-list")


class CadreImportTemplateView(TownshipImportMixin, View):
    """The Excel template for one township (empty rows, its villages on the 说明 sheet)."""

    def get(self, request):
        township = self.get_township()
        content = build_cadre_import_template(township=township, actor=request.user)
        return xlsx_response(content, f"cadres-import-{township.code}.xlsx")


class PostExportView(ScopedExportView):
    """The post list as Excel, with the list's filters; ID numbers and phones masked."""

    model = Post
    filterset_class = PostFilterSet
    filename = "cadres"

    def workbook(self, queryset):
        return export_cadres(actor=self.request.user, queryset=queryset)


urlpatterns = [
    path("import/", CadreImportView.as_view(), name="cadre-import"),
    path("import/template.xlsx", CadreImportTemplateView.as_view(), name="cadre-import-template"),
    path("posts/export.xlsx", PostExportView.as_view(), name="post-export"),
]
