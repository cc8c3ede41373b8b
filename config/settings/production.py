"""Production: everything from the environment; HTTPS only, behind the shipped nginx.

nginx (deploy/nginx.conf) terminates TLS, answers plain HTTP with a redirect to HTTPS and tells
gunicorn the scheme in X-Forwarded-Proto, overwriting any client value. `manage.py check
--deploy` reports nothing with these defaults (tests/test_deployment.py).
"""

from .base import *  # noqa: F401,F403
from .base import SILENCED_SYSTEM_CHECKS, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx already redirects port 80; this catches a request that reached gunicorn another way.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
# Browsers go straight to HTTPS for a year after a visit (ignored over a certificate error, so a
# test install with a self-signed certificate is not pinned).
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is for a registrable domain submitted to the browsers' list, not for a county's
# host under gov.cn: the check that asks for it does not apply.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
# The shipped nginx appends the address it saw to X-Forwarded-For: trust that one hop.
CLIENT_PROXY_COUNT = env.int("CLIENT_PROXY_COUNT", default=1)
SALT_KEY = env.list("FIELD_ENCRYPTION_SALT")
ID_NUMBER_HASH_KEY = env("ID_NUMBER_HASH_KEY")
