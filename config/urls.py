from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import offline
from villages.views import PasswordChangeView
from work.views import InboxView

from . import health
from .api_router import router

urlpatterns = [
    path("", InboxView.as_view(), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # The installable app (issue 21): the worker at the root to control every page.
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="web-manifest"),
    path("field/queue/", offline.FieldQueueView.as_view(), name="field-queue"),
    path("", include("villages.urls")),
    path("cadres/", include("cadres.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("supervision/", include("supervision.urls")),
    path("field/", include("supervision.field_urls")),
    path("reports/", include("reports.urls")),
    path("work/", include("work.urls")),
    path("public/", include("reports.public_urls")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("healthz/", health.healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
