"""Reads of the cadres app that cross relations: a village's two committees, a cadre's posts,
certificates and pledges, and appointment candidates.

Every selector takes the reading `user` and returns only rows inside the user's scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext_lazy

from villages.models import Region, Village

from .choices import (
    CHAIR_SEAT,
    RESERVE_POSTS,
    SECRETARY_SEAT,
    AppraisalGrade,
    PledgeState,
    PostKind,
)
from .models import (
    DEFAULT_YELLOW_CARD_SHARE,
    Cadre,
    Pledge,
    Post,
    QualificationCertificate,
    ReserveCadre,
    ReserveNorm,
    ResignationAdvice,
    SecretaryAppraisal,
    TermChange,
    Training,
    YellowCard,
    YellowCardRule,
)

# The order in which posts are listed everywhere: the two seats first, then deputies, members.
KIND_ORDER = [
    PostKind.SECRETARY_AND_CHAIR,
    PostKind.SECRETARY,
    PostKind.CHAIR,
    PostKind.DEPUTY_SECRETARY,
    PostKind.VICE_CHAIR,
    PostKind.BRANCH_MEMBER,
    PostKind.COMMITTEE_MEMBER,
    PostKind.SUPERVISION_CHAIR,
    PostKind.SUPERVISION_MEMBER,
]


def kind_rank(field_name: str = "kind") -> Case:
    """An expression ranking post kinds in KIND_ORDER, for order_by()."""
    return Case(
        *[When(**{field_name: k}, then=Value(i)) for i, k in enumerate(KIND_ORDER)],
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )


def _pledges_with_counts():
    return Pledge.objects.annotate(promise_count=Count("promises")).order_by("-version")


def current_pledge_of(pledges: list[Pledge]) -> tuple[Pledge | None, Pledge | None]:
    """(the pledge that binds the post, a newer version still being signed) from a post's
    pledges ordered newest first: the one in force if any, else the newest version."""
    if not pledges:
        return None, None
    in_force = next((p for p in pledges if p.state == PledgeState.IN_FORCE), None)
    if in_force is None:
        return pledges[0], None
    newer = pledges[0] if pledges[0].pk != in_force.pk else None
    return in_force, newer


def _attach_pledges(posts: list[Post]) -> list[Post]:
    for post in posts:
        post.current_pledge, post.pending_pledge = current_pledge_of(post.pledge_versions)
    return posts


# ------------------------------------------------------------------ a village's two committees


@dataclass
class PostGroup:
    """One line of a committee: a label and the sitting posts under it."""

    label: str
    posts: list[Post] = field(default_factory=list)


@dataclass
class Committees:
    """村两委: the party branch committee and the villagers' committee as they sit today."""

    branch: list[PostGroup]
    villagers: list[PostGroup]
    #: 村务监督委员会, elected with them but not one of the two committees
    supervision: list[PostGroup] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(g.posts for g in [*self.branch, *self.villagers, *self.supervision])


def sitting_posts(user, village) -> list[Post]:
    """The village's sitting posts, each with its cadre, certificate and current pledge."""
    posts = list(
        Post.objects.visible_to(user)
        .filter(village=village, end_date__isnull=True)
        .select_related("cadre", "certificate")
        .prefetch_related(
            Prefetch("pledges", queryset=_pledges_with_counts(), to_attr="pledge_versions")
        )
        .order_by(kind_rank(), "start_date", "cadre__name")
    )
    return _attach_pledges(posts)


def village_committees(user, village) -> Committees:
    """The sitting posts grouped by committee; a secretary-and-chair (一肩挑) shows in both."""
    posts = sitting_posts(user, village)

    def of(kinds) -> list[Post]:
        return [p for p in posts if p.kind in kinds]

    return Committees(
        branch=[
            PostGroup(gettext_lazy("Party secretary"), of(SECRETARY_SEAT)),
            PostGroup(gettext_lazy("Deputy secretaries"), of({PostKind.DEPUTY_SECRETARY})),
            PostGroup(gettext_lazy("Branch committee members"), of({PostKind.BRANCH_MEMBER})),
        ],
        villagers=[
            PostGroup(gettext_lazy("Chair"), of(CHAIR_SEAT)),
            PostGroup(gettext_lazy("Vice chairs"), of({PostKind.VICE_CHAIR})),
            PostGroup(gettext_lazy("Committee members"), of({PostKind.COMMITTEE_MEMBER})),
        ],
        supervision=[
            PostGroup(gettext_lazy("Chair"), of({PostKind.SUPERVISION_CHAIR})),
            PostGroup(gettext_lazy("Members"), of({PostKind.SUPERVISION_MEMBER})),
        ],
    )


def term_changes_of(user, village):
    """The village's term changes, newest first, with how many posts each opened and closed."""
    return (
        TermChange.objects.visible_to(user)
        .filter(village=village)
        .select_related("recorded_by")
        .annotate(
            opened_count=Count("opened_posts", distinct=True),
            closed_count=Count("closed_posts", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


def post_history_of(user, village):
    """Every post ever held in the village: sitting ones first, then by end date."""
    return (
        Post.objects.visible_to(user)
        .filter(village=village)
        .select_related("cadre")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", kind_rank(), "pk")
    )


def advices_of(user, village):
    """The village's advised resignations (劝辞), newest first."""
    return (
        ResignationAdvice.objects.visible_to(user)
        .filter(post__village=village)
        .select_related("post__cadre")
        .order_by("-opened_on", "-pk")
    )


# ------------------------------------------------------------------ one cadre


def posts_of_cadre(user, cadre: Cadre):
    """A cadre's posts (sitting first), with village, certificate and current pledge."""
    posts = list(
        Post.objects.visible_to(user)
        .filter(cadre=cadre)
        .select_related("village", "certificate")
        .prefetch_related(
            Prefetch("pledges", queryset=_pledges_with_counts(), to_attr="pledge_versions")
        )
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", kind_rank())
    )
    return _attach_pledges(posts)


def certificates_of_cadre(user, cadre: Cadre):
    """The qualification certificates issued for the cadre's posts."""
    return (
        QualificationCertificate.objects.visible_to(user)
        .filter(post__cadre=cadre)
        .select_related("post")
        .order_by("-issued_on", "-pk")
    )


def pledges_of_cadre(user, cadre: Cadre):
    """Every version of the cadre's pledges, with the number of promises in each."""
    return (
        Pledge.objects.visible_to(user)
        .filter(post__cadre=cadre)
        .select_related("post")
        .annotate(promise_count=Count("promises"))
        .order_by("-drafted_on", "-version", "-pk")
    )


def post_candidates(user, village):
    """Who may be appointed in `village`: its own cadres, and cadres of the township who hold
    no post at the moment (a person serves one village at a time)."""
    serving = Post.objects.filter(cadre=OuterRef("pk"), end_date__isnull=True)
    return (
        Cadre.objects.visible_to(user)
        .filter(Q(village=village) | Q(area_code__startswith=village.code[:9]) & ~Exists(serving))
        .select_related("village")
        .annotate(elsewhere=Case(When(village=village, then=Value(0)), default=Value(1)))
        .order_by("elsewhere", "name", "pk")
    )


# ------------------------------------------------------------------ the cadre pipeline

#: the 1∶2 rule: a backward village (后进村) keeps two reserve candidates for each key post
BACKWARD_NORM = 2


def reserve_norm(*, is_backward: bool, county_norm: int | None = None) -> int:
    """The reserve candidates each key post of a village needs: two in a backward village (or
    the county's figure if higher), the county's figure elsewhere; 0 is no norm."""
    county_norm = county_norm or 0
    return max(BACKWARD_NORM, county_norm) if is_backward else county_norm


def shortfall(active: int, norm: int) -> int:
    """How many candidates a post lacks; withdrawn candidates are not in `active`."""
    return max(norm - active, 0)


@dataclass
class VillageBench:
    """A village's bench: its active reserve candidates per key post against its norm."""

    village: Village
    norm: int
    counts: dict[str, int]

    @property
    def reserves(self) -> int:
        return sum(self.counts.values())

    @property
    def short_posts(self) -> list[tuple[str, int]]:
        """(post label, candidates lacking) for each key post below the norm."""
        return [
            (str(PostKind(post).label), shortfall(self.counts[post], self.norm))
            for post in RESERVE_POSTS
            if shortfall(self.counts[post], self.norm)
        ]

    @property
    def below_norm(self) -> bool:
        return bool(self.short_posts)

    @property
    def first_short_post(self) -> str:
        """The first key post below the norm (what the page's "name a reserve" preselects)."""
        return next((p for p in RESERVE_POSTS if shortfall(self.counts[p], self.norm)), "")


@dataclass
class BenchTotals:
    """The sums of a township or an area: villages, backward ones, reserves, villages short."""

    villages: int = 0
    backward: int = 0
    reserves: int = 0
    below_norm: int = 0

    def add(self, bench: VillageBench) -> None:
        self.villages += 1
        self.backward += bench.village.is_backward
        self.reserves += bench.reserves
        self.below_norm += bench.below_norm


@dataclass
class Bench:
    """Bench strength under an area code: per village, per township and in all."""

    villages: list[VillageBench] = field(default_factory=list)
    townships: list[tuple[Region, BenchTotals]] = field(default_factory=list)
    total: BenchTotals = field(default_factory=BenchTotals)

    @property
    def short(self) -> list[VillageBench]:
        return [b for b in self.villages if b.below_norm]


def bench_strength(user, prefix: str) -> Bench:
    """Bench strength of the villages the user may see under `prefix`, in two queries whatever
    the number of villages (the counts are aggregated in the database)."""
    counts = {
        f"reserves_{post}": Count(
            "reserves", filter=Q(reserves__post=post, reserves__withdrawn_on__isnull=True)
        )
        for post in RESERVE_POSTS
    }
    villages = (
        Village.objects.visible_to(user)
        .filter(code__startswith=prefix)
        .select_related("township")
        .annotate(**counts)
        .order_by("code")
    )
    norms = dict(
        ReserveNorm.objects.filter(area_code__startswith=prefix[:6]).values_list(
            "area_code", "per_post"
        )
    )
    bench = Bench()
    townships: dict[str, tuple[Region, BenchTotals]] = {}
    for village in villages:
        row = VillageBench(
            village=village,
            norm=reserve_norm(
                is_backward=village.is_backward, county_norm=norms.get(village.code[:6])
            ),
            counts={post: getattr(village, f"reserves_{post}") for post in RESERVE_POSTS},
        )
        bench.villages.append(row)
        bench.total.add(row)
        townships.setdefault(village.township.code, (village.township, BenchTotals()))[1].add(row)
    bench.townships = list(townships.values())
    return bench


def reserves_of_cadre(user, cadre: Cadre) -> list[ReserveCadre]:
    """The person's reserve candidacies, active first."""
    return list(
        ReserveCadre.objects.visible_to(user)
        .filter(cadre=cadre)
        .order_by(F("withdrawn_on").desc(nulls_first=True), "-since")
    )


def trainings_of_cadre(user, cadre: Cadre) -> list[Training]:
    """The courses the person attended, the latest first."""
    return list(Training.objects.visible_to(user).filter(cadre=cadre))


# ------------------------------------------------------------------ 述职评议 and the yellow card


def failing_share(failing: int, villages: int) -> Decimal:
    """The share (%) of a township's villages graded failing, rounded up to two decimals, so
    that a stored share is above the threshold exactly when the exact share is."""
    if not villages:
        return Decimal("0.00")
    return (Decimal(failing) * 100 / Decimal(villages)).quantize(
        Decimal("0.01"), rounding=ROUND_CEILING
    )


def earns_yellow_card(*, failing: int, villages: int, threshold: Decimal) -> bool:
    """The yellow-card rule: more than `threshold` % of the township's villages have a
    secretary graded failing in the year's concluded 述职评议 (exact, without rounding); a
    township with no failing village never earns one, whatever the threshold."""
    return failing > 0 and Decimal(failing) * 100 > threshold * villages


@dataclass
class TownshipAppraisalFacts:
    """What the yellow-card rule looks at for one township and year."""

    township: Region
    villages: int
    failing: int
    threshold: Decimal
    reasons: list[dict[str, str]]

    @property
    def share(self) -> Decimal:
        return failing_share(self.failing, self.villages)

    @property
    def earns_card(self) -> bool:
        return earns_yellow_card(
            failing=self.failing, villages=self.villages, threshold=self.threshold
        )


def yellow_card_facts(
    year: int, county_codes: list[str] | None = None
) -> list[TownshipAppraisalFacts]:
    """Per township (of every county, or of `county_codes`): its villages, those whose
    secretary's standing appraisal for `year` has a failing grade, and the county's threshold;
    three queries whatever the number of townships."""
    townships = Region.objects.filter(level="township").annotate(n=Count("villages"))
    appraisals = SecretaryAppraisal.objects.current().filter(year=year)
    if county_codes is not None:
        within = Q(pk__in=[])
        for code in county_codes:
            within |= Q(code__startswith=code)
        townships = townships.filter(within)
        appraisals = appraisals.filter(area_code__in=Village.objects.filter(within).values("code"))
    rules = {r.area_code: r for r in YellowCardRule.objects.all()}
    by_township: dict[str, list[dict[str, str]]] = {}
    for code, village, secretary, grade in appraisals.order_by("area_code").values_list(
        "area_code", "village__name", "post__cadre__name", "grade"
    ):
        rule = rules.get(code[:6]) or YellowCardRule(share_threshold=DEFAULT_YELLOW_CARD_SHARE)
        if grade in rule.failing_grades:
            by_township.setdefault(code[:9], []).append(
                {"code": code, "village": village, "secretary": secretary, "grade": grade}
            )
    facts = []
    for township in townships.order_by("code"):
        rule = rules.get(township.code[:6])
        threshold = rule.share_threshold if rule else DEFAULT_YELLOW_CARD_SHARE
        failing = by_township.get(township.code, [])
        facts.append(
            TownshipAppraisalFacts(
                township=township,
                villages=township.n,
                failing=len(failing),
                threshold=threshold,
                reasons=failing,
            )
        )
    return facts


def yellow_cards_of(user, prefix: str, *, year: int | None = None) -> list[YellowCard]:
    """The yellow cards the user sees under `prefix` (a county or township code), latest first."""
    cards = (
        YellowCard.objects.visible_to(user)
        .filter(area_code__startswith=prefix[:9])
        .select_related("township")
    )
    if year is not None:
        cards = cards.filter(year=year)
    return list(cards.order_by("-year", "area_code"))


def appraisal_grade_counts(user, prefix: str, year: int) -> dict[str, int]:
    """How many standing appraisals of `year` of each grade under `prefix`, in one query."""
    return dict(
        SecretaryAppraisal.objects.visible_to(user)
        .current()
        .filter(year=year, area_code__startswith=prefix)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("pk"))
    )


# The warnings' evaluation is the system's, not a user's: these read every village given.


def reserve_short_facts(codes: list[str] | None) -> dict[int, list[tuple[str, int, int]]]:
    """Villages (all, or those of `codes`) below their reserve norm: village id → [(post,
    active candidates, norm)] for each key post short; two queries."""
    counts = {
        f"reserves_{post}": Count(
            "reserves", filter=Q(reserves__post=post, reserves__withdrawn_on__isnull=True)
        )
        for post in RESERVE_POSTS
    }
    villages = Village.objects.order_by()
    if codes is not None:
        villages = villages.filter(code__in=codes)
    norms = dict(ReserveNorm.objects.values_list("area_code", "per_post"))
    short: dict[int, list[tuple[str, int, int]]] = {}
    for row in villages.annotate(**counts).values("pk", "code", "is_backward", *counts):
        norm = reserve_norm(is_backward=row["is_backward"], county_norm=norms.get(row["code"][:6]))
        for post in RESERVE_POSTS:
            active = row[f"reserves_{post}"]
            if shortfall(active, norm):
                short.setdefault(row["pk"], []).append((str(post), active, norm))
    return short


def poor_appraisal_facts(year: int, codes: list[str] | None) -> dict[int, tuple[int, str, str]]:
    """Villages whose secretary's standing appraisal of `year` or the year before (the latest)
    is graded 差: village id → (year, secretary's name, grade); one query."""
    appraisals = SecretaryAppraisal.objects.current().filter(year__in=[year - 1, year])
    if codes is not None:
        appraisals = appraisals.filter(area_code__in=codes)
    latest: dict[int, tuple[int, str, str]] = {}
    for village_id, year_, name, grade in appraisals.order_by("village_id", "year").values_list(
        "village_id", "year", "post__cadre__name", "grade"
    ):
        latest[village_id] = (year_, name, grade)
    return {v: facts for v, facts in latest.items() if facts[2] == AppraisalGrade.POOR}


def yellow_card_townships(year: int) -> dict[str, int]:
    """Townships holding a yellow card of `year` or the year before: code → the latest year."""
    cards: dict[str, int] = {}
    for code, year_ in (
        YellowCard.objects.filter(year__in=[year - 1, year])
        .order_by("year")
        .values_list("area_code", "year")
    ):
        cards[code] = year_
    return cards


def pipeline_norms(county: Region) -> tuple[ReserveNorm | None, YellowCardRule | None]:
    """The county's reserve norm and yellow-card rule as set (None: the defaults apply). A
    county's settings are read by everyone who sees the county, its townships' staff too."""
    return (
        ReserveNorm.objects.filter(county=county).first(),
        YellowCardRule.objects.filter(county=county).first(),
    )


def recent_yellow_cards(area_code: str, since_year: int) -> list[YellowCard]:
    """The yellow cards of the townships under `area_code` from `since_year` on, newest first
    (for a dashboard of that area, which its viewer may see whole)."""
    return list(
        YellowCard.objects.filter(area_code__startswith=area_code, year__gte=since_year)
        .select_related("township")
        .order_by("-year", "area_code")
    )
