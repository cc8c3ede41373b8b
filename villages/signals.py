"""Signals the project's services send."""

from django.dispatch import Signal

#: Sent by a service after it writes rows in bulk (`bulk_create`, `update()`, raw SQL), which
#: Django's `post_save` and `post_delete` never see. `sender` is the model written, `area_codes`
#: the area codes of the rows (any level; None: anywhere). Listeners that keep something derived
#: from those rows, such as the dashboards' cache (reports/freshness.py), renew it.
bulk_written = Signal()
