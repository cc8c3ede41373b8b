"""`manage.py renew_dashboards`: every cached dashboard is built again on its next request.

The release step runs it (a new release renders with new templates); run it too after changing
records behind the application's back (SQL in a database shell)."""

from django.core.management.base import BaseCommand

from reports.freshness import renew_all


class Command(BaseCommand):
    help = "Build every cached dashboard again on its next request."

    def handle(self, *args, **options):
        renew_all()
        self.stdout.write("dashboards renewed")
