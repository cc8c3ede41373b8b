"""Types the signatures of every app share."""

from typing import TypeAlias

from django.contrib.auth.models import User

#: the signed-in user a service acts for (settings.AUTH_USER_MODEL is Django's own)
Actor: TypeAlias = User
