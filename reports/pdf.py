"""The one place that renders PDFs (WeasyPrint) and the marks every printed page carries: a QR
code and a short hash that lead back to the record, so a paper copy can be checked.

Memory (issue #22): the CJK fonts are collections of 18–26 MB each. Stock WeasyPrint copies every
font it uses whole into Python before subsetting it, and builds a new font configuration (a Pango
font map holding the font files) per document, freed only by the cyclic collector: a worker
peaked at 430–456 MiB. Here a process keeps one font configuration per thread, and the fonts are
read from HarfBuzz's face (the mapped file) when subset, never copied whole: a village report's
worker stays under about 200 MiB (README, "Worker and scheduler")."""

from __future__ import annotations

import contextvars
import hashlib
import resource
import threading
from typing import NamedTuple

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

__all__ = [
    "Pdf",
    "html_to_pdf",
    "peak_rss_mib",
    "qr_svg",
    "render_document",
    "render_pdf",
    "short_hash",
]


class Pdf(NamedTuple):
    """A rendered PDF and its number of pages (known from the layout: no PDF parser needed)."""

    content: bytes
    pages: int


def html_to_pdf(html: str, base_url: str) -> Pdf:
    """Lay out HTML with WeasyPrint and write it as PDF."""
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    document = HTML(string=html, base_url=base_url).render(font_config=_font_config())
    return Pdf(document.write_pdf(), len(document.pages))


def peak_rss_mib() -> int:
    """The peak resident memory of this process so far (VmHWM), in MiB: what Celery compares
    with `worker_max_memory_per_child`."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux


# ---------------------------------------------------------------------------- lean fonts

_local = threading.local()
_lean_installed = False
_in_font_init = contextvars.ContextVar("in_font_init", default=False)


def _font_config():
    """The thread's WeasyPrint font configuration, built once: a new one per document maps the
    font files again and lingers until the cyclic collector runs."""
    from weasyprint.text.fonts import FontConfiguration

    _install_lean_fonts()
    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def _install_lean_fonts() -> None:
    """Have WeasyPrint read a font's whole file only if it needs it (it does not when HarfBuzz
    subsets the font, the usual case): `Font.__init__` copies the face's blob, a whole CJK
    collection, for each font of the document, all alive together until they are subset.

    The embedded fonts are the same subsets as before. Without the internals this relies on
    (another WeasyPrint), the stock behaviour stays: the memory test says so."""
    global _lean_installed
    if _lean_installed:
        return
    _lean_installed = True
    try:
        from weasyprint.pdf import fonts, stream
        from weasyprint.text.fonts import get_hb_object_data
    except ImportError:  # pragma: no cover
        return
    if not (
        getattr(stream, "Font", None) is fonts.Font
        and getattr(fonts, "get_hb_object_data", None) is get_hb_object_data
    ):  # pragma: no cover
        return

    def object_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None and _in_font_init.get():
            return None  # the whole face: read later, if ever (`LeanFont.file_content`)
        return get_hb_object_data(hb_object, ot_color, glyph)

    class LeanFont(fonts.Font):
        def __init__(self, *args, **kwargs):
            token = _in_font_init.set(True)
            try:
                super().__init__(*args, **kwargs)
            finally:
                _in_font_init.reset(token)

        @property
        def file_content(self):
            if self._file_content is None:
                self._file_content = get_hb_object_data(self.hb_face)
            return self._file_content

        @file_content.setter
        def file_content(self, value):
            self._file_content = value

    fonts.get_hb_object_data = object_data
    stream.Font = LeanFont


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
