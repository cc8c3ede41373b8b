"""问题台账: one ledger of the problems found anywhere, each tracked to closure (销号) and
escalated when overdue (挂账督办); every step is kept."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.dates import today
from core.fields import area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from villages.models import Village, audited

from ..choices import (
    Escalation,
    ProblemAction,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    Severity,
)
from .bottomup import HearingQuestion
from .topdown import InspectionFinding


class ProblemQuerySet(ScopedQuerySet):
    def unresolved(self):
        return self.exclude(state=ProblemState.CLOSED)

    def overdue(self, on=None):
        return self.unresolved().filter(deadline__lt=on or today())


@audited
@pgtrigger.register(
    # A closed problem is final: the only change the database lets through is reopening it.
    pgtrigger.Protect(
        name="closed_problem_only_reopens",
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(old__state=ProblemState.CLOSED, new__state=ProblemState.CLOSED),
    ),
    pgtrigger.Protect(name="problems_are_kept", operation=pgtrigger.Delete),
)
class Problem(models.Model):
    """A problem with its "four clear points" (四明确): the task, the owner, the deadline and the
    standard of closing it; it moves open → being rectified → submitted → closed, and a closed
    one may be reopened (then rectified again)."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=12, choices=ProblemSource.choices)
    inspection_finding = models.OneToOneField(
        InspectionFinding,
        verbose_name=_("inspection finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem",
    )
    hearing_question = models.OneToOneField(
        HearingQuestion,
        verbose_name=_("hearing question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem",
    )
    audit_finding = models.OneToOneField(
        "ledgers.AuditFinding",
        verbose_name=_("audit finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem",
    )
    disclosure_question = models.OneToOneField(
        "ledgers.DisclosureQuestion",
        verbose_name=_("disclosure question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem",
    )
    title = models.CharField(_("problem"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL
    )
    owner_name = models.CharField(_("responsible person"), max_length=50)
    owner = models.ForeignKey(
        Cadre,
        verbose_name=_("responsible cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    standard = models.CharField(_("standard for closing"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    escalation = models.CharField(
        _("supervised by"), max_length=10, choices=Escalation.choices, default=Escalation.NONE
    )
    rectification = models.TextField(_("what was done"), blank=True)
    closure_evidence = models.TextField(_("evidence of closing"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("registered on"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("struck off on"), null=True, blank=True)
    area_code = area_code_field()

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(
                fields=["area_code"], name="problem_area_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["state", "deadline"], name="problem_state_deadline"),
        ]
        constraints = [area_code_check()]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("supervision:problem-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.state != ProblemState.CLOSED and self.deadline < today()


@audited
@pgtrigger.register(
    pgtrigger.Protect(name="steps_are_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
)
class ProblemStep(models.Model):
    """One step in a problem's life: who did what, when, from which state to which."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="steps"
    )
    action = models.CharField(_("step"), max_length=10, choices=ProblemAction.choices)
    from_state = models.CharField(
        _("state before"), max_length=12, choices=ProblemState.choices, blank=True
    )
    to_state = models.CharField(_("state after"), max_length=12, choices=ProblemState.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    area_code = area_code_field()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem step")
        verbose_name_plural = _("problem steps")
        ordering = ["at", "pk"]
        constraints = [area_code_check()]

    def __str__(self):
        return f"{self.problem} {self.get_action_display()}"
