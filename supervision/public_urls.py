"""Public pages for villagers without an account, mounted at /public/: the ledger's (statements,
questions) and the village page with its supervision (supervision.views.public)."""

from .views.public import public_urlpatterns

app_name = "public"
urlpatterns = public_urlpatterns
