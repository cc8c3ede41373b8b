"""The phone's field-form endpoints under /field/ (issue 21)."""

from django.urls import path

from .views.field import FieldDataView

app_name = "field"

urlpatterns = [
    path("data/", FieldDataView.as_view(), name="field-data"),
]
