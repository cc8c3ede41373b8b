from django.urls import path

from . import notification_views as views

app_name = "work"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        views.NotificationOpenView.as_view(),
        name="notification-open",
    ),
    path(
        "notifications/read-all/",
        views.NotificationsReadAllView.as_view(),
        name="notifications-read-all",
    ),
    path("notifications/preference/", views.PreferenceView.as_view(), name="preference"),
    path("robots/", views.ChannelListView.as_view(), name="robots"),
    path("robots/<int:pk>/", views.ChannelEditView.as_view(), name="robot-edit"),
    path("robots/<int:pk>/test/", views.ChannelTestView.as_view(), name="robot-test"),
]
