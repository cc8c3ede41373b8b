from django.urls import path

from . import views

app_name = "villages"
urlpatterns = [
    path("villages/", views.VillageListView.as_view(), name="village-list"),
    path("villages/add/", views.VillageCreateView.as_view(), name="village-add"),
    path("villages/import/", views.TreeImportView.as_view(), name="tree-import"),
    path(
        "villages/import/template.xlsx",
        views.TreeImportTemplateView.as_view(),
        name="tree-import-template",
    ),
    path("villages/<str:code>/", views.VillageDetailView.as_view(), name="village-detail"),
    path("villages/<str:code>/edit/", views.VillageUpdateView.as_view(), name="village-edit"),
    path(
        "villages/<str:code>/history/", views.VillageHistoryView.as_view(), name="village-history"
    ),
    path(
        "villages/<str:code>/contacts/add/",
        views.ContactAssignmentCreateView.as_view(),
        name="contact-add",
    ),
    path("contacts/<int:pk>/end/", views.ContactAssignmentEndView.as_view(), name="contact-end"),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("regions/<str:code>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("changelog/", views.ChangeLogView.as_view(), name="changelog"),
    path("setup/", views.RegionSetupView.as_view(), name="setup"),
    path("staff/import/", views.StaffImportView.as_view(), name="staff-import"),
    path(
        "staff/import/template.xlsx",
        views.StaffImportTemplateView.as_view(),
        name="staff-import-template",
    ),
    path(
        "staff/import/passwords.xlsx",
        views.StaffPasswordsDownloadView.as_view(),
        name="staff-passwords",
    ),
]
