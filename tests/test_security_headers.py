"""The Content-Security-Policy: complete, nothing inline, and templates that need nothing inline."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# Rendered to PDF by WeasyPrint, never sent to a browser: their <style> is not under the CSP.
PRINTED = re.compile(r"reports/print_base\.html")

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: set(d.split()[1:]) for d in header.split(";") if d.strip()}


def test_the_policy_is_complete_and_allows_nothing_inline(client):
    csp = policy(client.get(reverse("login")))
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == {"'self'"}
    assert csp["object-src"] == {"'none'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["base-uri"] == {"'self'"}
    assert csp["form-action"] == {"'self'"}
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


def browser_templates():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        if not PRINTED.search(text) and path.name != "print_base.html":
            yield path.relative_to(ROOT), text


def test_no_template_a_browser_gets_has_inline_style_or_script():
    found = []
    for path, text in browser_templates():
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            found.append(f"{path}: style")
        # a <script> without src= runs inline (json_script data is not a template's <script>)
        if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text):
            found.append(f"{path}: script")
    assert not found


def test_the_api_docs_load_their_style_from_a_file(client, insider):
    client.force_login(insider)
    html = client.get(reverse("api-docs")).content.decode()
    assert "<style" not in html and "/static/css/swagger.css" in html
