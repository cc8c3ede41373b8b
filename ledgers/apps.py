from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Village ledgers")
    # seed_demo (in villages) calls this after building the tree.
    demo_builder = "ledgers.demo.build_ledger_demo"
