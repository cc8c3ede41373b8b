"""The client's address, the one way every limit reads it (the public question limit, the login
lockout through AXES_CLIENT_IP_CALLABLE).

Behind the shipped nginx (deploy/nginx.conf: `X-Forwarded-For $proxy_add_x_forwarded_for`) the
header arrives as "<whatever the client sent>, <the address nginx saw>". Only the entries the
CLIENT_PROXY_COUNT trusted proxies appended, counted from the right, can be believed: with one
proxy that is the last entry, never one the client chose. With no proxy (`make run`, tests) the
peer address REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """The address in its normal form, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`, as the trusted proxies saw it (None for a
    request with no peer, such as the test client's force_login)."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CLIENT_PROXY_COUNT
    if proxies > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if hops:
            # Fewer entries than proxies: the client reached an inner proxy directly, and the
            # first entry is what that proxy saw.
            seen = _address(hops[-proxies] if len(hops) >= proxies else hops[0])
            if seen:
                return seen
        # No header at all: a request that did not come through the proxy (the container's own
        # health check); its peer is the client.
    return _address(peer)
