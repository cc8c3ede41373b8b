"""Pages of 双监督 under /supervision/: each part of the app lists its own."""

from .views import (
    bottomup,
    corrections,
    cycle,
    fivegood,
    links,
    presence,
    problems,
    quarterly,
    rectification,
    topdown,
    warnings,
)

app_name = "supervision"

urlpatterns = [
    *cycle.urlpatterns,
    *topdown.urlpatterns,
    *bottomup.urlpatterns,
    *problems.urlpatterns,
    *warnings.urlpatterns,
    *rectification.urlpatterns,
    *corrections.urlpatterns,
    *presence.urlpatterns,
    *fivegood.urlpatterns,
    *quarterly.urlpatterns,
    *links.urlpatterns,
]
