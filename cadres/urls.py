from .views import people, pipeline, pledges, transfer

app_name = "cadres"
urlpatterns = [
    *transfer.urlpatterns,
    *pipeline.urlpatterns,
    *people.urlpatterns,
    *pledges.urlpatterns,
]
