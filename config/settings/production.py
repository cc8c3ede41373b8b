"""Production: everything from the environment; secure cookies behind nginx."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)
# The shipped nginx appends the address it saw to X-Forwarded-For: trust that one hop.
CLIENT_PROXY_COUNT = env.int("CLIENT_PROXY_COUNT", default=1)
SALT_KEY = env.list("FIELD_ENCRYPTION_SALT")
ID_NUMBER_HASH_KEY = env("ID_NUMBER_HASH_KEY")
