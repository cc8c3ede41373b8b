"""/public/: the pages for villagers without an account, the ledger's and the supervision's
(supervision.public_urls) with the printable 公开榜 (reports.views.board), the only one that
renders a PDF."""

from supervision.public_urls import urlpatterns as supervision_public_urlpatterns

from .views.board import public_urlpatterns as board_urlpatterns

app_name = "public"
urlpatterns = [*supervision_public_urlpatterns, *board_urlpatterns]
