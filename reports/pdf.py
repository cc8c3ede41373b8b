"""The one place that renders PDFs (WeasyPrint) and the marks every printed page carries: a QR
code and a short hash that lead back to the record, so a paper copy can be checked."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

__all__ = ["Pdf", "html_to_pdf", "qr_svg", "render_document", "render_pdf", "short_hash"]


class Pdf(NamedTuple):
    """A rendered PDF and its number of pages (known from the layout: no PDF parser needed)."""

    content: bytes
    pages: int


def html_to_pdf(html: str, base_url: str) -> Pdf:
    """Lay out HTML with WeasyPrint and write it as PDF."""
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    document = HTML(string=html, base_url=base_url).render()
    return Pdf(document.write_pdf(), len(document.pages))


def render_document(template_name: str, context: dict, *, request=None) -> Pdf:
    """Render a template (extending `reports/print_base.html`) to a PDF with its page count."""
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request else str(settings.BASE_DIR)
    return html_to_pdf(html, base_url)


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template (extending `reports/print_base.html`) to PDF bytes."""
    return render_document(template_name, context, request=request).content


def qr_svg(url: str, *, scale: int = 3) -> str:
    """An inline SVG QR code of `url` (medium error correction survives a worn notice board)."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=scale, border=2, omitsize=False))


def short_hash(content: bytes | str) -> str:
    """The first 12 hex digits of the SHA-256, in groups of four (e.g. `3F2A-9C01-BB7E`):
    short enough to read aloud, long enough that a forged copy will not match."""
    if isinstance(content, str):
        content = content.encode()
    digest = hashlib.sha256(content).hexdigest()[:12].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 12, 4))
