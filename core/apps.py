from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: rights and scope, base views and viewsets, fields, database
    triggers, Excel cells and the rates users see. It holds no models and imports no app."""

    name = "core"
    verbose_name = _("Core")
