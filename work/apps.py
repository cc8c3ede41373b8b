from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    """待办: what waits for each user across the apps, the navigation that leads to it, and the
    notifications that tell them. It sits above every domain app (it reads them all), so no app
    imports it."""

    name = "work"
    verbose_name = _("To do")

    def ready(self):
        from . import signals

        signals.connect()
