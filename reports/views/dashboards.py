"""Pages of the dashboards part of the reports app."""

urlpatterns: list = []
