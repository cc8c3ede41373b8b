from .views import people, pledges, transfer

app_name = "cadres"
urlpatterns = [*transfer.urlpatterns, *people.urlpatterns, *pledges.urlpatterns]
