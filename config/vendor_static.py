"""A staticfiles finder for the front-end packages from npm that finds only the files the pages
load, as listed in settings.VENDOR_STATIC: collecting whole packages would ship all of echarts'
dist (51 MB) and swagger-ui-dist (12 MB) for one script each.

    VENDOR_STATIC = {"vendor/echarts": ("echarts/dist", ["echarts.min.js"]), ...}

maps a URL prefix under STATIC_URL to a folder of node_modules and the glob patterns of the files
wanted there. collectstatic fails when a pattern matches nothing (`npm ci` not run, or a package
update renamed a file): better a failed build than a page without its script.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        root = Path(settings.NODE_MODULES)
        #: url path (prefix/relative path) -> (storage of its folder, path relative to it)
        self.files: dict[str, tuple[FileSystemStorage, str]] = {}
        #: "prefix: pattern" of every pattern that matches no file
        self.missing: list[str] = []
        for prefix, (folder, patterns) in settings.VENDOR_STATIC.items():
            location = root / folder
            storage = FileSystemStorage(location=location)
            storage.prefix = prefix  # type: ignore[attr-defined]  # collectstatic reads it
            for pattern in patterns:
                found = sorted(p for p in location.glob(pattern) if p.is_file())
                if not found:
                    self.missing.append(f"{location}/{pattern}")
                for path in found:
                    relative = path.relative_to(location).as_posix()
                    self.files[f"{prefix}/{relative}"] = (storage, relative)

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        # Only where the files are served from node_modules (runserver): in production they
        # come from STATIC_ROOT, and the image keeps no node_modules.
        if not settings.DEBUG:
            return []
        return [
            CheckWarning(
                f"The front-end file {missing} does not exist.",
                hint="Run `npm ci` (make run does), or correct VENDOR_STATIC.",
                id="config.W001",
            )
            for missing in self.missing
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        find_all = find_all or kwargs.get("all", False)  # Django < 5.2 says `all`
        match = self.files.get(path)
        found = [match[0].path(match[1])] if match else []
        return found if find_all else (found[0] if found else [])

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        if self.missing:
            raise ImproperlyConfigured(
                "Front-end files missing (run `npm ci`, or correct VENDOR_STATIC): "
                + ", ".join(self.missing)
            )
        for storage, relative in self.files.values():
            if not utils.matches_patterns(relative, ignore_patterns):
                yield relative, storage
