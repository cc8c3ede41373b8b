from .views import appraisals, people, pipeline, pledges, transfer

app_name = "cadres"
urlpatterns = [
    *transfer.urlpatterns,
    *pipeline.urlpatterns,
    *appraisals.urlpatterns,
    *people.urlpatterns,
    *pledges.urlpatterns,
]
