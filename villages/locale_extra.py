"""Django strings that its own zh_Hans catalogue lacks (checked against Django 5.2).

Nothing imports this module: it exists so that `makemessages` copies these msgids into our
catalogue, where they get their Chinese translation.
"""

from django.utils.translation import ngettext_lazy

MISSING_FROM_DJANGO = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        1,
    ),
]
