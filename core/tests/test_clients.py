"""core.clients.client_address: exactly one trusted hop behind the shipped nginx."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from core.clients import client_address
from core.testing import NGINX_ADDRESS, through_nginx

ROOT = Path(__file__).resolve().parent.parent.parent


def address(**meta) -> str:
    return client_address(RequestFactory().get("/", **meta))


def test_the_shipped_nginx_appends_the_address_it_saw():
    # through_nginx() copies this line; if nginx.conf changes, both must change.
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;", conf)


@pytest.fixture
def behind_nginx(settings):
    settings.CLIENT_PROXY_COUNT = 1


def test_without_a_proxy_the_peer_is_the_client_whatever_the_header(settings):
    settings.CLIENT_PROXY_COUNT = 0
    assert address(REMOTE_ADDR="203.0.113.9") == "203.0.113.9"
    assert address(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4") == "203.0.113.9"


def test_behind_nginx_the_address_nginx_saw(behind_nginx):
    assert address(**through_nginx("203.0.113.9")) == "203.0.113.9"
    assert address(**through_nginx("198.51.100.20")) == "198.51.100.20"


def test_a_spoofed_header_is_ignored(behind_nginx):
    assert address(**through_nginx("203.0.113.9", "1.2.3.4")) == "203.0.113.9"
    assert address(**through_nginx("203.0.113.9", "1.2.3.4, 5.6.7.8")) == "203.0.113.9"
    assert address(**through_nginx("203.0.113.9", "unknown, ;drop")) == "203.0.113.9"


def test_ipv6_is_normalised(behind_nginx):
    assert address(**through_nginx("2001:DB8:0:0::1")) == "2001:db8::1"


def test_a_request_that_bypassed_nginx_is_its_peer(behind_nginx):
    # the web container's own health check: no header
    assert address(REMOTE_ADDR="127.0.0.1") == "127.0.0.1"
    # garbage where nginx would have written an address: not trusted
    assert address(REMOTE_ADDR=NGINX_ADDRESS, HTTP_X_FORWARDED_FOR="evil") == NGINX_ADDRESS


def test_two_proxies_trust_two_hops(settings):
    settings.CLIENT_PROXY_COUNT = 2
    meta = {"REMOTE_ADDR": NGINX_ADDRESS}
    chain = "1.2.3.4, 203.0.113.9, 10.0.0.2"  # spoofed, seen by the balancer, seen by nginx
    assert address(**meta, HTTP_X_FORWARDED_FOR=chain) == "203.0.113.9"
    assert address(**meta, HTTP_X_FORWARDED_FOR="203.0.113.9") == "203.0.113.9"
