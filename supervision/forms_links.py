"""Forms of 双联一带 / 四包 (leaders' linked villages, their matters) and of the work teams,
with the list filters (one FilterSet each for the pages and the API)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.filtersets import AreaFilterMixin
from core.dates import today
from core.forms import CleanForm
from villages.filtersets import SearchFilter

from .choices import LeaderLevel, LinkKind, WorkTeamRole
from .models import LeaderLink, WorkTeamMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
_PEOPLE = ("leader__last_name", "leader__first_name", "leader__username")


class LeaderLinkFilterSet(AreaFilterMixin):
    """Links by township or village, level, kind, in force or not, leader or village name."""

    q = SearchFilter(fields=("village__name", "area_code", "post", *_PEOPLE), label=_("Search"))
    level = django_filters.ChoiceFilter(choices=LeaderLevel.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=LinkKind.choices, label=_("Kind of link"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("In force"))
    leader = django_filters.NumberFilter(field_name="leader_id", label=_("Leader"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("start_date", "start"),
            ("area_code", "village"),
            ("leader__last_name", "leader"),
            ("last_visit", "last_visit"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = LeaderLink
        fields = ["q", "township", "village", "level", "kind", "active", "leader"]

    def filter_active(self, qs, name, value):
        active = LeaderLink.objects.active_on(today()).values("pk")
        return qs.filter(pk__in=active) if value else qs.exclude(pk__in=active)


class WorkTeamFilterSet(AreaFilterMixin):
    """Work team members by township or village, role, serving or not, name or village."""

    q = SearchFilter(
        fields=("village__name", "area_code", "unit", "person__last_name", "person__username"),
        label=_("Search"),
    )
    role = django_filters.ChoiceFilter(choices=WorkTeamRole.choices, label=_("Role"))
    serving = django_filters.BooleanFilter(method="filter_serving", label=_("Serving"))
    ordering = django_filters.OrderingFilter(
        fields=(("area_code", "village"), ("start_date", "start"), ("role", "role")),
        label=_("Sort by"),
    )

    class Meta:
        model = WorkTeamMember
        fields = ["q", "township", "village", "role", "serving"]

    def filter_serving(self, qs, name, value):
        day = today()
        serving = Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
        return qs.filter(serving) if value else qs.exclude(serving)


class PersonField(forms.CharField):
    """An account named by its user name (a leader often holds no role to choose from)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        user = get_user_model().objects.filter(username=value.strip(), is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return user


class _VillageForm(CleanForm):
    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.name} ({v.code})"


class LeaderLinkForm(_VillageForm):
    leader = PersonField(label=_("Leader's user name"), max_length=150)
    level = forms.ChoiceField(label=_("Level"), choices=LeaderLevel.choices)
    post = forms.CharField(label=_("Post and unit"), max_length=100)
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind of link"), choices=LinkKind.choices)
    start_date = forms.DateField(
        label=_("Term starts"), widget=DATE, help_text=_("The term is three years.")
    )


class LeaderLinkEndForm(CleanForm):
    on = forms.DateField(label=_("Ended on"), widget=DATE)
    reason = forms.CharField(label=_("Why it ended early"), widget=TEXT)


class LeaderMatterForm(CleanForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    matter = forms.CharField(label=_("Matter"), widget=TEXT, max_length=2000)
    result = forms.CharField(label=_("What was done"), widget=TEXT, max_length=2000)
    solved = forms.BooleanField(label=_("Solved"), required=False, initial=True)
    problem = forms.ModelChoiceField(
        label=_("Problem of the ledger it closed"), queryset=None, required=False
    )

    def __init__(self, *args, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems
        self.fields["problem"].label_from_instance = lambda p: f"#{p.pk} {p.title}"[:80]


class WorkTeamMemberForm(_VillageForm):
    village = forms.ModelChoiceField(label=_("Village"), queryset=None)
    person = PersonField(label=_("Member's user name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=WorkTeamRole.choices)
    unit = forms.CharField(label=_("Sending unit"), max_length=100)
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("To"), widget=DATE, required=False)


class WorkTeamEndForm(CleanForm):
    on = forms.DateField(label=_("Last day on the team"), widget=DATE)
