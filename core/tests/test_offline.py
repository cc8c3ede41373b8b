"""The installable app's files (core/offline.py): the service worker at the root with the headers
a browser needs to let it control the whole site, the manifest, the icons, the queue's page; the
strict CSP still holds (no inline script in a page, the worker's own scripts from this site)."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from core import offline

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_at_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    # the CSP goes with it: its imports come from this site only
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert 'importScripts("/static/vendor/workbox-sw/workbox-sw.js")' in body
    assert "http://" not in body and "https://" not in body  # no CDN


def test_workbox_and_the_shell_are_found_among_the_static_files():
    for name in ("core", "routing", "strategies", "expiration", "precaching"):
        assert finders.find(f"vendor/workbox-{name}/workbox-{name}.prod.js"), name
    assert finders.find("vendor/workbox-sw/workbox-sw.js")
    for entry in offline.shell_manifest():
        name = entry["url"].removeprefix("/static/")
        assert finders.find(name), name
        assert entry["revision"] != offline.hashlib.md5(b"").hexdigest()[:16], name


def test_the_manifest_names_the_app_in_chinese_with_its_icons(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "村监" and data["lang"] == "zh-Hans"
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))


def test_the_queue_page_needs_a_sign_in_and_has_no_inline_script(client, contact):
    assert client.get("/field/queue/").status_code == 302
    client.force_login(contact)
    response = client.get("/field/queue/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="manifest"' in html and "js/offline.js" in html
    assert "data-offline-queue" in html and "data-offline-nav" in html
    # every script is a file of this site: none inline, none without src
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in s for s in scripts), scripts
    assert not any(b.strip() for b in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S))
    assert " style=" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_signed_out_pages_do_not_load_the_queue(client):
    html = client.get("/accounts/login/").content.decode()
    assert "js/offline.js" not in html
    assert 'rel="manifest"' in html
