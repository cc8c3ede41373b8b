"""Pages of the documents part of the reports app: a record printed as a PDF with its QR code
and check code, and the page the QR code leads to."""

import io
import re

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View
from django.views.generic import TemplateView

from ..documents import DOCUMENTS, check_code, document_context, record_url
from ..pdf import render_pdf
from ..verification import verify_document


def _document(kind: str):
    try:
        return DOCUMENTS[kind]
    except KeyError:
        raise Http404 from None


def normalized_code(code: str) -> str:
    """A check code as printed (3F2A-9C01-BB7E), however it was typed in."""
    digits = re.sub(r"[^0-9A-F]", "", code.upper())
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


class DocumentPdfView(LoginRequiredMixin, View):
    """A record the user may see, printed as a PDF download; a draft prints marked 草稿."""

    def get(self, request, kind, pk):
        doc = _document(kind)
        obj = get_object_or_404(doc.rows().visible_to(request.user), pk=pk)
        pdf = render_pdf(doc.template, document_context(request, doc, obj), request=request)
        return FileResponse(
            io.BytesIO(pdf),
            as_attachment=True,
            filename=doc.filename(obj),
            content_type="application/pdf",
        )


class DocumentVerifyView(TemplateView):
    """Where a printed copy's QR code leads, for anyone, without an account: when the code is
    the record's (now, or as it was when printed), the document's public content to compare
    the paper with, its full hash, what changed since and what became of it (superseded,
    revoked, corrected, with the way to the current one); a draft says only that it is one; a
    code of no version shows nothing. Staff who may see the record also get its page."""

    template_name = "reports/documents/verify.html"

    def get_context_data(self, **kwargs):
        doc = _document(self.kwargs["kind"])
        pk, code = self.kwargs["pk"], normalized_code(self.kwargs["code"])
        answer = verify_document(doc, pk, code)
        visible = None
        if self.request.user.is_authenticated:
            visible = doc.rows().visible_to(self.request.user).filter(pk=pk).first()
        return {
            **super().get_context_data(**kwargs),
            "document": doc,
            "code": code,
            "answer": answer,
            "record": visible,
            "record_url": record_url(visible) if visible is not None else "",
            # Staff who may see the record learn its code now, even for a wrong copy.
            "current_code": check_code(doc, visible) if visible is not None else "",
        }


urlpatterns = [
    path("documents/<slug:kind>/<int:pk>.pdf", DocumentPdfView.as_view(), name="document"),
    path(
        "documents/<slug:kind>/<int:pk>/verify/<str:code>/",
        DocumentVerifyView.as_view(),
        name="verify",
    ),
]
