from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    """待办: what waits for each user across the apps, and the navigation that leads to it.
    It sits above every domain app (it reads them all), so no app imports it."""

    name = "work"
    verbose_name = _("To do")
