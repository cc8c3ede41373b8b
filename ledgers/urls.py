from django.urls import path

from .views import books as views
from .views import (
    decisions,
    disclosure,
    exports,
    handover,
    imports,
    integrity,
    registers,
    signing,
)

app_name = "ledgers"
urlpatterns = [
    path("vouchers/", views.VoucherListView.as_view(), name="voucher-list"),
    path("vouchers/<int:pk>/", views.VoucherDetailView.as_view(), name="voucher-detail"),
    path("vouchers/<int:pk>/edit/", views.VoucherUpdateView.as_view(), name="voucher-edit"),
    path("vouchers/<int:pk>/discard/", views.VoucherDiscardView.as_view(), name="voucher-discard"),
    path("vouchers/<int:pk>/post/", views.VoucherPostView.as_view(), name="voucher-post"),
    path("vouchers/<int:pk>/reverse/", views.VoucherReverseView.as_view(), name="voucher-reverse"),
    path("villages/<str:code>/", views.VillageLedgerView.as_view(), name="village-ledger"),
    path(
        "villages/<str:code>/vouchers/add/",
        views.VoucherCreateView.as_view(),
        name="voucher-add",
    ),
    path(
        "villages/<str:code>/verification/",
        views.VerificationView.as_view(),
        name="verification",
    ),
    path(
        "villages/<str:code>/journal/<str:account_code>/",
        views.JournalView.as_view(),
        name="journal",
    ),
    path(
        "villages/<str:code>/income/",
        views.IncomeStatementView.as_view(),
        name="income-statement",
    ),
    path("villages/<str:code>/close/", views.PeriodCloseView.as_view(), name="period-close"),
]
urlpatterns += registers.urlpatterns + disclosure.urlpatterns + handover.urlpatterns
urlpatterns += exports.urlpatterns
urlpatterns += imports.urlpatterns
urlpatterns += integrity.urlpatterns
urlpatterns += decisions.urlpatterns
urlpatterns += signing.urlpatterns
