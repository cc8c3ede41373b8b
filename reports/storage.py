"""Where generated reports are kept (`STORAGES["reports"]`, README "Reports on object storage")
and how a finished run's file reaches the user who may see it.

By default a folder of this host (PRIVATE_MEDIA_ROOT), which the download view streams; with
REPORTS_S3_BUCKET an S3-compatible bucket (MinIO in docker-compose.yml), which the worker writes
and the download view hands out as a link signed for REPORTS_LINK_SECONDS, so web and worker
need share no disk."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.functional import LazyObject
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage

if TYPE_CHECKING:
    from .models import ReportRun

__all__ = ["PrivateStorage", "ReportBucket", "report_file_response", "reports_storage"]


class PrivateStorage(FileSystemStorage):
    """Files no web server serves directly (settings.PRIVATE_MEDIA_ROOT, read on each use so
    that tests may point it elsewhere); they have no URL."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files are sent by a view, never linked")


class ReportBucket(S3Storage):
    """Reports in an S3-compatible bucket: private objects, links signed with the storage's key.
    `public_url` is where browsers reach the bucket when it differs from `endpoint_url` (compose:
    nginx passes /<bucket>/ on to MinIO with MinIO's own host name, which the signature covers,
    so a link signed for the inside works outside)."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_url": ""}

    def url(self, name, parameters=None, expire=None, http_method=None):
        url = super().url(name, parameters, expire, http_method)
        inside = (self.endpoint_url or "").rstrip("/")
        if self.public_url and inside and url.startswith(inside + "/"):
            url = self.public_url.rstrip("/") + url[len(inside) :]
        return url


class _ReportsStorage(LazyObject):
    """`STORAGES["reports"]`, looked up on each use rather than once when the model is defined:
    Django's handler keeps the instance and drops it when the setting changes (as in tests)."""

    _wrapped = property(lambda self: storages["reports"], lambda self, value: None)


reports_storage = _ReportsStorage()


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
