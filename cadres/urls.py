from .views import people, pledges

app_name = "cadres"
urlpatterns = [*people.urlpatterns, *pledges.urlpatterns]
