"""How a finished report run's file reaches a user who may see it (README, "Reports on object
storage"): streamed from the folder, or a link to the bucket signed for a minute or two."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from .models import ReportRun

__all__ = ["report_file_response"]


def report_file_response(run: ReportRun) -> HttpResponseBase:
    """A finished run's PDF for a user already known to see it: a redirect to a link signed for
    this one file and REPORTS_LINK_SECONDS when the storage signs links (a bucket), else the file
    streamed by this process."""
    name = f"{run.kind}-{run.area_code}-{run.period}-v{run.version}.pdf"
    storage = run.file.storage
    if getattr(storage, "querystring_auth", False):
        link = storage.url(
            run.file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, name),
                "ResponseContentType": "application/pdf",
            },
            expire=settings.REPORTS_LINK_SECONDS,
        )
        response: HttpResponseBase = HttpResponseRedirect(link)
        # the link is this user's, for a minute or two: no cache keeps it
        add_never_cache_headers(response)
        return response
    return FileResponse(
        run.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
