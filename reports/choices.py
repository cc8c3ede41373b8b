"""Enumerations of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly review report")


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Generation failed")


#: a run in one of these states is the one a second request for the same report joins
ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)
