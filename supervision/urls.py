"""Pages of 双监督 under /supervision/: each part of the app lists its own."""

from .views import bottomup, cycle, problems, topdown

app_name = "supervision"

urlpatterns = [
    *cycle.urlpatterns,
    *topdown.urlpatterns,
    *bottomup.urlpatterns,
    *problems.urlpatterns,
]
