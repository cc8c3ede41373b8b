"""四议两公开: the decisions of a village's important matters, their four steps and two
publications, and the county's policy that makes the books refuse what no decision covers."""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import COUNTY, area_code_check, area_code_field
from core.querysets import ScopedQuerySet
from core.rights import scope_for
from villages.models import Village, audited

from ..choices import ENFORCED_KINDS, Assembly, DecisionKind, DecisionState, DecisionStepKind
from .books import MONEY

__all__ = [
    "DecisionPolicy",
    "Decision",
    "DecisionStep",
    "DEFAULT_DECISION_THRESHOLD",
    "DEFAULT_RESULT_DUE_DAYS",
]

#: the threshold a county's new policy starts with: 5万元, a common county rule for 村级大额支出
DEFAULT_DECISION_THRESHOLD = Decimal("50000.00")
#: the days after the implementation within which its result is made public (实施结果公开), for
#: a county that set none: a month, the usual notice-board rhythm of 村务公开
DEFAULT_RESULT_DUE_DAYS = 30


def default_enforced_kinds():
    return [str(k) for k in ENFORCED_KINDS]


class DecisionPolicyQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Everyone in a county reads its policy (a township's scope lies under the county)."""
        scope = scope_for(user)
        if scope.everything:
            return self
        return self.filter(area_code__in=scope.counties())


@audited
class DecisionPolicy(models.Model):
    """A county's rule: above `threshold` yuan, the books need a decision (四议两公开) for the
    kinds listed. A county without a policy enforces nothing (the rule is off by default)."""

    area_code = area_code_field(_("county code"), max_length=6, unique=True)
    enabled = models.BooleanField(_("in force"), default=True)
    threshold = models.DecimalField(
        _("a decision is needed above (yuan)"), default=DEFAULT_DECISION_THRESHOLD, **MONEY
    )
    kinds = ArrayField(
        models.CharField(max_length=12),
        verbose_name=_("records that need a decision"),
        default=default_enforced_kinds,
        blank=True,
    )
    # Off by default (existing counties publish as before): on, a statement is published only
    # with the supervision committee's opinion signed by more than half of its members.
    statements_need_review = models.BooleanField(
        _("statements need the supervision committee's review"), default=False
    )
    result_due_days = models.PositiveSmallIntegerField(
        _("result made public within (days after the implementation)"),
        default=DEFAULT_RESULT_DUE_DAYS,
    )
    # 联签: the day of the month the villages sign their vouchers together (a village may set
    # its own, Village.signing_day); the switch, off by default, makes posting wait for it.
    signing_day = models.PositiveSmallIntegerField(
        _("signing day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("In a shorter month, the signing falls on its last day."),
    )
    posting_needs_signing = models.BooleanField(
        _("posting waits for the signing day (联签)"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DecisionPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision policy")
        verbose_name_plural = _("decision policies")
        constraints = [
            area_code_check(COUNTY),
            models.CheckConstraint(
                condition=Q(threshold__gte=0), name="decision_threshold_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(signing_day__isnull=True) | Q(signing_day__gte=1, signing_day__lte=31),
                name="decision_policy_signing_day",
            ),
            models.CheckConstraint(
                condition=Q(kinds__contained_by=default_enforced_kinds()),
                name="decision_policy_kinds_enforceable",
            ),
            models.CheckConstraint(
                condition=Q(result_due_days__gte=1, result_due_days__lte=365),
                name="decision_result_due_days_range",
            ),
        ]

    def __str__(self):
        return self.area_code

    def applies_to(self, kind: str) -> bool:
        return self.enabled and kind in self.kinds


class DecisionQuerySet(ScopedQuerySet):
    def usable(self):
        """Decisions the books may cite: resolved and made public, not yet closed by the
        publication of their result."""
        return self.filter(state=DecisionState.PUBLISHED)


@audited
@pgtrigger.register(
    # Once the branch has proposed it, the matter is what was proposed: its subject, kind,
    # amount and village never change, and a decision with steps is never deleted.
    pgtrigger.Protect(
        name="proposed_decision_keeps_its_matter",
        operation=pgtrigger.Update,
        condition=~pgtrigger.Q(old__state=DecisionState.DRAFTED)
        & (
            pgtrigger.Q(old__subject__df=pgtrigger.F("new__subject"))
            | pgtrigger.Q(old__kind__df=pgtrigger.F("new__kind"))
            | pgtrigger.Q(old__amount__df=pgtrigger.F("new__amount"))
            | pgtrigger.Q(old__village_id__df=pgtrigger.F("new__village_id"))
        ),
    ),
    pgtrigger.Protect(
        name="final_decision_is_final",
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(old__state__in=[DecisionState.DONE, DecisionState.FAILED]),
    ),
    pgtrigger.Protect(
        name="decision_with_steps_stays",
        operation=pgtrigger.Delete,
        condition=~pgtrigger.Q(old__state=DecisionState.DRAFTED),
    ),
)
class Decision(models.Model):
    """四议两公开: an important matter of the village (a project, a use of funds, a contract,
    a disposal or lease, a borrowing), decided in four steps and made public twice. Vouchers,
    contracts and asset movements above the county's threshold cite it."""

    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.PROTECT, related_name="decisions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("decision number"))
    subject = models.CharField(_("subject"), max_length=200)
    kind = models.CharField(_("kind of matter"), max_length=12, choices=DecisionKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    description = models.TextField(_("description"), blank=True)
    attachments = models.PositiveSmallIntegerField(_("attachments"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.DRAFTED
    )
    resolution_published_on = models.DateField(
        _("resolution made public on"), null=True, blank=True
    )
    resolution_text = models.TextField(_("resolution as made public"), blank=True)
    implemented_on = models.DateField(_("implementation completed on"), null=True, blank=True)
    result_published_on = models.DateField(_("result made public on"), null=True, blank=True)
    result_text = models.TextField(_("result of the implementation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision (四议两公开)")
        verbose_name_plural = _("decisions (四议两公开)")
        ordering = ["area_code", "-year", "-number"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(
                fields=["village", "year", "number"], name="decision_number_per_village_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="decision_amount_positive"),
            # Each publication belongs to its state: published once passed, never before.
            models.CheckConstraint(
                condition=Q(
                    state__in=[DecisionState.PUBLISHED, DecisionState.DONE],
                    resolution_published_on__isnull=False,
                )
                | Q(
                    ~Q(state__in=[DecisionState.PUBLISHED, DecisionState.DONE]),
                    resolution_published_on__isnull=True,
                ),
                name="decision_published_once_resolved",
            ),
            models.CheckConstraint(
                condition=Q(state=DecisionState.DONE, result_published_on__isnull=False)
                | Q(~Q(state=DecisionState.DONE), result_published_on__isnull=True),
                name="decision_done_has_its_result",
            ),
            models.CheckConstraint(
                condition=Q(result_published_on__isnull=True)
                | Q(result_published_on__gte=models.F("resolution_published_on")),
                name="decision_result_after_resolution",
            ),
            # The implementation ends after the resolution is made public, and its result is
            # made public after it ends.
            models.CheckConstraint(
                condition=Q(implemented_on__isnull=True)
                | Q(
                    state__in=[DecisionState.PUBLISHED, DecisionState.DONE],
                    implemented_on__gte=models.F("resolution_published_on"),
                ),
                name="decision_implemented_after_resolution",
            ),
            models.CheckConstraint(
                condition=Q(implemented_on__isnull=True)
                | Q(result_published_on__isnull=True)
                | Q(result_published_on__gte=models.F("implemented_on")),
                name="decision_result_after_implementation",
            ),
        ]

    def __str__(self):
        return f"{self.display_number} {self.subject}"

    def get_absolute_url(self):
        return reverse("ledgers:decision-detail", args=[self.pk])

    @property
    def display_number(self) -> str:
        return self.number_text(self.year, self.number)

    @staticmethod
    def number_text(year: int, number: int) -> str:
        """How a decision's number is written (议-2026-001), from its year and number."""
        return f"议-{year}-{number:03d}"


class DecisionStepQuerySet(ScopedQuerySet):
    pass


@audited
@pgtrigger.register(
    # A meeting held is a fact: its record is appended, never rewritten or removed.
    pgtrigger.Protect(name="decision_step_is_final", operation=pgtrigger.Update | pgtrigger.Delete),
)
class DecisionStep(models.Model):
    """One of the four steps of a decision: the meeting's date, attendance against those
    entitled to attend, the votes, the minutes, and whether it was quorate and passed (by the
    rules of ledgers/quorum.py, stored as they were applied)."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=12, choices=DecisionStepKind.choices)
    assembly = models.CharField(
        _("meeting that resolves"), max_length=16, choices=Assembly.choices, blank=True
    )
    held_on = models.DateField(_("held on"))
    entitled = models.PositiveIntegerField(_("entitled to attend"))
    present = models.PositiveIntegerField(_("present"))
    votes_for = models.PositiveIntegerField(_("votes for"))
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), default=0)
    quorate = models.BooleanField(_("quorate"))
    passed = models.BooleanField(_("passed"))
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_code = area_code_field(db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DecisionStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision step")
        verbose_name_plural = _("decision steps")
        ordering = ["decision", "held_on", "pk"]
        constraints = [
            area_code_check(),
            models.UniqueConstraint(fields=["decision", "kind"], name="one_step_of_each_kind"),
            models.CheckConstraint(
                condition=Q(entitled__gt=0)
                & Q(present__lte=models.F("entitled"))
                & Q(
                    present__gte=models.F("votes_for")
                    + models.F("votes_against")
                    + models.F("votes_abstain")
                ),
                name="decision_step_counts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(passed=False) | Q(quorate=True), name="decision_step_passes_quorate"
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionStepKind.RESOLUTION) & ~Q(assembly="")
                | ~Q(kind=DecisionStepKind.RESOLUTION) & Q(assembly=""),
                name="decision_resolution_names_its_assembly",
            ),
        ]

    def __str__(self):
        return f"{self.decision.display_number} {self.get_kind_display()}"
