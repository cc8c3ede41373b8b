from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("Cadres and certificates")
    # seed_demo (in villages) calls this after building the tree.
    demo_builder = "cadres.demo_pipeline.build_cadres_demo"
