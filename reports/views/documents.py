"""Pages of the documents part of the reports app."""

urlpatterns: list = []
