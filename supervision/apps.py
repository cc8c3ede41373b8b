from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")
    # seed_demo (in villages) calls this after building the tree.
    demo_builder = "supervision.demo.build_supervision_demo"
