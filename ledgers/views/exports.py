"""Excel downloads of the ledger (一式两套): the trial balance and an account's journal for a
period (`?start=&end=`, the current year by default), the asset register and the resource
register with its contracts. The workbooks are built in `ledgers.exports`.

Anyone who may see the village may download (the paper set is a read): login first, 404
outside the scope.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from core.excel import xlsx_response

from .. import exports
from ..forms import PeriodForm, usable_accounts
from .registers import VillageLookup


class ExportView(LoginRequiredMixin, VillageLookup, View):
    """A workbook about the village of the URL's `code`; subclasses build it in `workbook()`
    and name it in `filename()`."""

    def get(self, request, *args, **kwargs):
        village = self.village()  # 404 outside the scope
        return xlsx_response(self.workbook(village), self.filename(village))

    def period(self):
        return PeriodForm(self.request.GET).period()

    def workbook(self, village) -> bytes:
        raise NotImplementedError

    def filename(self, village) -> str:
        raise NotImplementedError


class TrialBalanceExportView(ExportView):
    """科目余额表 of a period."""

    def workbook(self, village):
        return exports.trial_balance_workbook(village, *self.period())

    def filename(self, village):
        start, end = self.period()
        return f"{village.code}-trial-balance-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


class JournalExportView(ExportView):
    """日记账 of one account the village posts to (404 for any other code)."""

    def workbook(self, village):
        account = get_object_or_404(usable_accounts(village), code=self.kwargs["account_code"])
        return exports.journal_workbook(village, account, *self.period())

    def filename(self, village):
        start, end = self.period()
        code = self.kwargs["account_code"]
        return f"{village.code}-journal-{code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


class AssetsExportView(ExportView):
    """资产台账."""

    def workbook(self, village):
        return exports.assets_workbook(village)

    def filename(self, village):
        return f"{village.code}-assets.xlsx"


class ResourcesExportView(ExportView):
    """资源台账 with the contracts."""

    def workbook(self, village):
        return exports.resources_workbook(village)

    def filename(self, village):
        return f"{village.code}-resources.xlsx"


urlpatterns = [
    path(
        "villages/<str:code>/export/trial-balance.xlsx",
        TrialBalanceExportView.as_view(),
        name="export-trial-balance",
    ),
    path(
        "villages/<str:code>/export/journal/<str:account_code>.xlsx",
        JournalExportView.as_view(),
        name="export-journal",
    ),
    path(
        "villages/<str:code>/export/assets.xlsx", AssetsExportView.as_view(), name="export-assets"
    ),
    path(
        "villages/<str:code>/export/resources.xlsx",
        ResourcesExportView.as_view(),
        name="export-resources",
    ),
]
