"""Enumerations of the ledgers app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountClass(models.TextChoices):
    ASSET = "asset", _("Assets")
    LIABILITY = "liability", _("Liabilities")
    EQUITY = "equity", _("Owners' equity")
    COST = "cost", _("Costs")
    INCOME = "income", _("Income and expenses")


class NormalSide(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


class VerificationState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    CONFIRMED = "confirmed", _("Confirmed by the township")


class VoucherState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
