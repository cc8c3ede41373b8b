from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Administrative tree")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import signed_in

        from .signals import bulk_written
        from .staff import flag_password_change_at_login

        user_logged_in.connect(flag_password_change_at_login, dispatch_uid="cunjian_must_change")
        # A user's scope (core.rights.scope_for) is their roles and contact assignments: a change
        # of either renews the cached account and scope (core/signed_in.py).
        signed_in.connect(
            {"villages.StaffRole": "user_id", "villages.ContactAssignment": "cadre_id"},
            bulk_signal=bulk_written,
        )
