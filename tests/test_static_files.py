"""Static files: every file a page loads is found, and of the npm packages nothing else is
collected (all of echarts' dist is 51 MB, swagger-ui-dist 12 MB)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

from config.vendor_static import VendorFinder

ROOT = Path(__file__).resolve().parent.parent
STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def collected() -> set[str]:
    """The paths collectstatic would copy, as the finders list them."""
    return {
        str(Path(getattr(storage, "prefix", None) or "") / path)
        for finder in finders.get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    }


def test_echarts_min_js_is_found_and_the_rest_of_its_dist_is_not():
    assert finders.find("vendor/echarts/echarts.min.js")
    for other in ("echarts.js", "echarts.common.min.js", "echarts.esm.min.js"):
        assert (settings.NODE_MODULES / "echarts" / "dist" / other).is_file()  # in the package
        assert not finders.find(f"vendor/echarts/{other}")  # not served, not collected
    assert {p for p in collected() if p.startswith("vendor/echarts/")} == {
        "vendor/echarts/echarts.min.js"
    }


def test_only_the_swagger_bundle_is_collected_and_the_docs_page_finds_it(client, insider):
    client.force_login(insider)
    page = client.get("/api/docs/").content.decode()
    loaded = set(re.findall(r"/static/(vendor/swagger-ui/[^\"'?]+)", page))
    assert {"vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"} <= loaded
    for path in loaded:
        assert finders.find(path), path
    swagger = {p for p in collected() if p.startswith("vendor/swagger-ui/")}
    assert loaded <= swagger
    assert "vendor/swagger-ui/swagger-ui-es-bundle.js" not in swagger
    assert not any(p.endswith(".map") for p in swagger)


def test_every_static_file_a_template_names_is_found():
    named = {
        match
        for template in ROOT.glob("**/templates/**/*.html")
        if "node_modules" not in template.parts and ".venv" not in template.parts
        for match in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }
    assert "vendor/echarts/echarts.min.js" in named
    for path in named:
        assert finders.find(path), path


def test_the_npm_packages_add_a_few_megabytes_at_most():
    vendor = [path for path in collected() if path.startswith("vendor/")]
    size = sum(Path(finders.find(path)).stat().st_size for path in vendor)
    assert 0 < size < 5 * 1024 * 1024


def test_a_missing_file_fails_collectstatic_and_warns_in_development(settings):
    settings.VENDOR_STATIC = {"vendor/echarts": ("echarts/dist", ["echarts.renamed.js"])}
    finder = VendorFinder()
    with pytest.raises(ImproperlyConfigured, match="echarts.renamed.js"):
        list(finder.list(None))
    assert finder.check() == []  # production: the files come from STATIC_ROOT
    settings.DEBUG = True
    assert [w.id for w in finder.check()] == ["config.W001"]
