"""Where generated reports are kept (`STORAGES["reports"]`, README "Reports on object storage")
(the download itself: reports/downloads.py).

By default a folder of this host (PRIVATE_MEDIA_ROOT), which the download view streams; with
REPORTS_S3_BUCKET an S3-compatible bucket (MinIO in docker-compose.yml), which the worker writes
and the download view hands out as a link signed for REPORTS_LINK_SECONDS, so web and worker
need share no disk."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import LazyObject
from storages.backends.s3 import S3Storage

__all__ = ["PrivateStorage", "ReportBucket", "reports_storage"]


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
