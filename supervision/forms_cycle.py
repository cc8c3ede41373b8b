"""Forms of the cycle's pages: the county's policy, one plain field per setting (a phone has
no room for JSON), assembled into the policy's JSON fields and checked by the service's rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanForm

from .choices import (
    DEFAULT_GRADE_FLOORS,
    DEFAULT_RULE_LEVELS,
    Grade,
    TaskKind,
    WarningLevel,
    WarningRule,
)
from .services.cycle import policy_errors

GRADES = [str(g) for g in DEFAULT_GRADE_FLOORS]
RULES = [str(r) for r in DEFAULT_RULE_LEVELS]
RATE = {"min_value": 0, "max_value": 1, "max_digits": 4, "decimal_places": 3}


class PolicyForm(CleanForm):
    """The county's policy; `due_<kind>`, `floor_<grade>` and `level_<rule>` become the
    `due_months`, `grade_floors` and `rule_levels` of the policy."""

    reminder_days = forms.IntegerField(
        label=_("Remind this many days before a due date"), min_value=0, max_value=90
    )
    review_dimensions = forms.CharField(
        label=_("Review dimensions"),
        max_length=200,
        help_text=_("Separated by commas or spaces, e.g. 德 能 勤 绩 廉."),
    )
    satisfaction_threshold = forms.DecimalField(
        label=_("Warn below this satisfaction rate"), **RATE
    )
    redemption_threshold = forms.DecimalField(
        label=_("Warn below this pledge fulfilment rate"), **RATE
    )
    escalate_after_reasons = forms.IntegerField(
        label=_("Raise the level by one from this many reasons"), min_value=1, max_value=20
    )
    county_escalation_days = forms.IntegerField(
        label=_("Pass an overdue problem to the county after this many days"),
        min_value=1,
        max_value=365,
    )

    contact_presence_half_days = forms.IntegerField(
        label=_("Contact cadre's half days a week in each village"), min_value=1, max_value=14
    )
    work_team_presence_half_days = forms.IntegerField(
        label=_("Half days a week in a backward village"), min_value=1, max_value=14
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in TaskKind.choices:
            self.fields[f"due_{kind}"] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=24,
                help_text=_("Months from the start of the period."),
            )
        for grade in GRADES:
            self.fields[f"floor_{grade}"] = forms.IntegerField(
                label=Grade(grade).label, min_value=0, max_value=100
            )
        for rule in RULES:
            self.fields[f"level_{rule}"] = forms.TypedChoiceField(
                label=WarningRule(rule).label, choices=WarningLevel.choices, coerce=int
            )

    @classmethod
    def initial_from(cls, policy) -> dict:
        initial = {
            name: getattr(policy, name)
            for name in (
                "reminder_days",
                "satisfaction_threshold",
                "redemption_threshold",
                "escalate_after_reasons",
                "county_escalation_days",
                "contact_presence_half_days",
                "work_team_presence_half_days",
            )
        }
        initial["review_dimensions"] = " ".join(policy.review_dimensions)
        initial.update({f"due_{k}": v for k, v in policy.due_months.items()})
        initial.update({f"floor_{k}": v for k, v in policy.grade_floors.items()})
        initial.update({f"level_{k}": v for k, v in policy.rule_levels.items()})
        # A rule added after the county saved its policy shows its default level.
        for rule in RULES:
            initial.setdefault(f"level_{rule}", int(DEFAULT_RULE_LEVELS[WarningRule(rule)]))
        return initial

    def groups(self) -> dict[str, list]:
        """The bound fields by section, for the template."""
        return {
            "due": [self[f"due_{k}"] for k in TaskKind.values],
            "floors": [self[f"floor_{g}"] for g in GRADES],
            "levels": [self[f"level_{r}"] for r in RULES],
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        dims = data["review_dimensions"].replace("，", ",").replace("、", ",").replace(",", " ")
        fields = {
            "reminder_days": data["reminder_days"],
            "review_dimensions": dims.split(),
            "satisfaction_threshold": data["satisfaction_threshold"],
            "redemption_threshold": data["redemption_threshold"],
            "escalate_after_reasons": data["escalate_after_reasons"],
            "county_escalation_days": data["county_escalation_days"],
            "contact_presence_half_days": data["contact_presence_half_days"],
            "work_team_presence_half_days": data["work_team_presence_half_days"],
            "due_months": {k: data[f"due_{k}"] for k in TaskKind.values},
            "grade_floors": {g: data[f"floor_{g}"] for g in GRADES},
            "rule_levels": {r: data[f"level_{r}"] for r in RULES},
        }
        for name, messages in policy_errors(fields).items():
            # A JSON field's error (e.g. grades out of order) belongs to the form as a whole.
            self.add_error(name if name in self.fields else None, messages)
        self.policy_fields = fields
        return data
