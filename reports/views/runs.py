"""Pages of the runs part of the reports app."""

urlpatterns: list = []
