from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and dashboards")

    def ready(self):
        from . import freshness
        from .figures import SOURCES

        freshness.connect(SOURCES)
