"""Pages of the reports app under /reports/: each part lists its own."""

from .views import dashboards, documents, runs

app_name = "reports"

urlpatterns = [*dashboards.urlpatterns, *runs.urlpatterns, *documents.urlpatterns]
