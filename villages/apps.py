from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Administrative tree")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .staff import flag_password_change_at_login

        user_logged_in.connect(flag_password_change_at_login, dispatch_uid="cunjian_must_change")
