"""Public pages of 定期公开, for villagers without an account: mounted at /public/."""

from .views.disclosure import public_urlpatterns

app_name = "public"
urlpatterns = public_urlpatterns
