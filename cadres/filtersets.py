"""FilterSets of the cadres app, shared by the HTML lists and the API."""

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.filters import YearFilter
from villages.filtersets import SearchFilter

from .choices import (
    CERTIFIED_POSTS,
    RESERVE_POSTS,
    AdviceOutcome,
    AdviceState,
    AppraisalGrade,
    AppraisalState,
    CertificateState,
    PledgeState,
    PostKind,
)
from .models import (
    Cadre,
    Pledge,
    Post,
    QualificationCertificate,
    ReserveCadre,
    ResignationAdvice,
    SecretaryAppraisal,
    TermChange,
    YellowCard,
)

EXPIRING_DAYS = 90


class AreaFilterMixin(django_filters.FilterSet):
    """`township` (9-digit code) and `village` (12-digit code) filters over `area_code`."""

    township = django_filters.CharFilter(
        field_name="area_code", lookup_expr="startswith", label=_("Township code")
    )
    village = django_filters.CharFilter(field_name="area_code", label=_("Village code"))


class CadreFilterSet(AreaFilterMixin):
    q = SearchFilter(fields=("name", "village__name"))
    is_party_member = django_filters.BooleanFilter(label=_("Party member"))
    post = django_filters.ChoiceFilter(
        choices=PostKind.choices, method="filter_post", label=_("Current post")
    )
    serving = django_filters.BooleanFilter(method="filter_serving", label=_("Holds a post"))
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("area_code", "village"), ("birth_date", "birth_date")),
        label=_("Sort by"),
    )

    class Meta:
        model = Cadre
        fields = ["q", "township", "village", "is_party_member"]

    def filter_post(self, qs, name, value):
        return qs.filter(posts__kind=value, posts__end_date__isnull=True).distinct()

    def filter_serving(self, qs, name, value):
        # EXISTS, not a join: `exclude(posts__end_date__isnull=True)` also drops people who
        # never held a post (their LEFT JOIN row has a NULL end date).
        serving = Exists(Post.objects.filter(cadre=OuterRef("pk"), end_date__isnull=True))
        return qs.filter(serving) if value else qs.exclude(serving)


class PostFilterSet(AreaFilterMixin):
    q = SearchFilter(fields=("cadre__name", "village__name"))
    kind = django_filters.ChoiceFilter(choices=PostKind.choices, label=_("Post"))
    current = django_filters.BooleanFilter(
        field_name="end_date", lookup_expr="isnull", label=_("Sitting")
    )
    certified = django_filters.BooleanFilter(
        method="filter_certified", label=_("Secretary or chair")
    )
    expiring = django_filters.BooleanFilter(
        method="filter_expiring", label=_("Term ends within 90 days")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("start_date", "start_date"),
            ("term_ends", "term_ends"),
            ("area_code", "village"),
            ("kind", "kind"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Post
        fields = ["q", "township", "village", "kind"]

    def filter_certified(self, qs, name, value):
        return (
            qs.filter(kind__in=CERTIFIED_POSTS) if value else qs.exclude(kind__in=CERTIFIED_POSTS)
        )

    def filter_expiring(self, qs, name, value):
        if not value:
            return qs
        soon = dt.date.today() + dt.timedelta(days=EXPIRING_DAYS)
        return qs.filter(end_date__isnull=True, term_ends__lte=soon)


class QualificationCertificateFilterSet(AreaFilterMixin):
    q = SearchFilter(fields=("number", "post__cadre__name"))
    state = django_filters.ChoiceFilter(choices=CertificateState.choices, label=_("State"))
    year = YearFilter(label=_("Year"))
    expiring = django_filters.BooleanFilter(
        method="filter_expiring", label=_("Expires within 90 days")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("number", "number"), ("issued_on", "issued_on"), ("post__term_ends", "expires")),
        label=_("Sort by"),
    )

    class Meta:
        model = QualificationCertificate
        fields = ["q", "township", "village", "state", "year"]

    def filter_expiring(self, qs, name, value):
        return qs.expiring_within(EXPIRING_DAYS) if value else qs


class PledgeFilterSet(AreaFilterMixin):
    q = SearchFilter(fields=("post__cadre__name", "post__village__name"))
    state = django_filters.ChoiceFilter(choices=PledgeState.choices, label=_("State"))
    post = django_filters.ChoiceFilter(
        field_name="post__kind", choices=PostKind.choices, label=_("Post")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("drafted_on", "drafted_on"),
            ("in_force_on", "in_force_on"),
            ("area_code", "village"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Pledge
        fields = ["q", "township", "village", "state"]


class ResignationAdviceFilterSet(AreaFilterMixin):
    q = SearchFilter(fields=("post__cadre__name", "post__village__name"))
    state = django_filters.ChoiceFilter(choices=AdviceState.choices, label=_("State"))
    outcome = django_filters.ChoiceFilter(choices=AdviceOutcome.choices, label=_("Outcome"))
    ordering = django_filters.OrderingFilter(
        fields=(("opened_on", "opened_on"), ("decided_on", "decided_on")), label=_("Sort by")
    )

    class Meta:
        model = ResignationAdvice
        fields = ["q", "township", "village", "state", "outcome"]


class TermChangeFilterSet(AreaFilterMixin):
    """`township` and `village` codes (the HTML pages list term changes per village)."""

    class Meta:
        model = TermChange
        fields = ["township", "village"]


class ReserveCadreFilterSet(AreaFilterMixin):
    q = SearchFilter(fields=("cadre__name", "village__name"))
    post = django_filters.ChoiceFilter(
        choices=[(k.value, k.label) for k in RESERVE_POSTS], label=_("Reserve for")
    )
    active = django_filters.BooleanFilter(
        field_name="withdrawn_on", lookup_expr="isnull", label=_("Not withdrawn")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("area_code", "village"), ("cadre__name", "name"), ("since", "since")),
        label=_("Sort by"),
    )

    class Meta:
        model = ReserveCadre
        fields = ["q", "township", "village", "post", "active"]


class SecretaryAppraisalFilterSet(AreaFilterMixin):
    q = SearchFilter(fields=("post__cadre__name", "village__name"))
    year = YearFilter(label=_("Year"))
    grade = django_filters.ChoiceFilter(choices=AppraisalGrade.choices, label=_("Grade"))
    state = django_filters.ChoiceFilter(choices=AppraisalState.choices, label=_("State"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("area_code", "village"),
            ("year", "year"),
            ("score", "score"),
            ("post__cadre__name", "name"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = SecretaryAppraisal
        fields = ["q", "township", "village", "year", "grade", "state"]


class YellowCardFilterSet(django_filters.FilterSet):
    township = django_filters.CharFilter(
        field_name="area_code", lookup_expr="startswith", label=_("Township code")
    )
    year = YearFilter(label=_("Year"))
    ordering = django_filters.OrderingFilter(
        fields=(("year", "year"), ("area_code", "township"), ("share", "share")),
        label=_("Sort by"),
    )

    class Meta:
        model = YellowCard
        fields = ["township", "year"]
