from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Village ledgers")
