"""待办: every item waiting for a user, one selector per kind, each scoped by the rights.

"Waiting for this user" follows core.rights: an item is theirs when they hold the right the item's
next step asks (the service that takes the step calls `require` with the same right):

=====================  ==================================================  ==================
kind                   the item                                            right over it
=====================  ==================================================  ==================
vouchers_to_sign       a draft waiting for its signing day (联签), where    KEEP_BOOKS
                       the county makes posting wait for it
vouchers_to_post       a draft voucher (审核记账), signed where it must be   EDIT
statements_to_approve  a generated statement under review                  EDIT
statements_to_publish  an approved statement not yet published             EDIT
questions_to_answer    a villager's unanswered question                    ANSWER
problems_to_rectify    an open problem of a village they are contact of    (the contact cadre)
problems_to_verify     a problem submitted for verification                EDIT
duties_overdue         an open duty past its due date                      (cycle.duties_of)
duties_due             an open duty due within the reminder days           (cycle.duties_of)
pledges_to_sign        a pledge awaiting the cadre's or the countersigns   EDIT
handovers_to_sign      a handover missing a signature the user records     KEEP_BOOKS / EDIT
reports_ready          a report finished this week, theirs or scheduled    SEE
quarterly_to_score     a cadre's quarterly report heard, not yet scored     EDIT
=====================  ==================================================  ==================

Each selector is one query whatever the number of villages (the scope is a prefix filter), and
`counts` asks all of them in a single query: every page's navigation badge pays for it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Left
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cadres.choices import PledgeState
from cadres.models import Pledge
from core.dates import today
from core.querysets import prefix_q
from core.rights import AnyUser, Right, scope_for
from ledgers.choices import DisclosureState, HandoverState, VoucherState
from ledgers.models import (
    DecisionPolicy,
    Disclosure,
    DisclosureQuestion,
    Handover,
    SignedVoucher,
    Voucher,
)
from reports.choices import RunState
from reports.models import ReportRun
from supervision.choices import ProblemState, QuarterlyReportState, RatingState
from supervision.models import (
    FiveGoodRating,
    Notification,
    Problem,
    QuarterlyReport,
    SupervisionPolicy,
)
from supervision.selectors.cycle import duties_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

#: open duties due within this many days are "due" (the counties' default reminder days)
DUE_SOON_DAYS = SupervisionPolicy._meta.get_field("reminder_days").get_default()
#: a finished report stays in the inbox this long
REPORTS_FRESH_DAYS = 7


# ------------------------------------------------------------------ one selector per kind


def _waiting_for_signing() -> Q:
    """A draft the county's switch makes wait for its signing day, not signed yet (reversals
    need none)."""
    rule = DecisionPolicy.objects.filter(
        area_code=Left(OuterRef("area_code"), 6), posting_needs_signing=True
    )
    signed = SignedVoucher.objects.filter(voucher=OuterRef("pk"))
    return Q(Exists(rule), reverses__isnull=True) & ~Q(Exists(signed))


def vouchers_to_sign(user: AnyUser) -> QuerySet[Voucher]:
    """Drafts waiting for the signing day (联签) where the county makes posting wait for it:
    the village's bookkeepers record the signing."""
    return (
        Voucher.objects.with_right(user, Right.KEEP_BOOKS)
        .filter(_waiting_for_signing(), state=VoucherState.DRAFT)
        .select_related("village")
        .order_by("date", "pk")
    )


def vouchers_to_post(user: AnyUser) -> QuerySet[Voucher]:
    """Draft vouchers of the villages the user manages: 审核记账 is theirs, unless they made the
    voucher (the database wants another person to post it) or it still waits for its signing
    day."""
    vouchers = (
        Voucher.objects.with_right(user, Right.EDIT)
        .filter(state=VoucherState.DRAFT)
        .exclude(_waiting_for_signing())
    )
    if user is not None and user.is_authenticated:
        vouchers = vouchers.exclude(made_by=user)
    return vouchers.select_related("village").order_by("date", "pk")


def _statements(user: AnyUser, state: str) -> QuerySet[Disclosure]:
    return (
        Disclosure.objects.with_right(user, Right.EDIT)
        .filter(state=state)
        .select_related("village")
        .defer("content")  # a whole statement; the inbox needs its title only
        .order_by("end", "pk")
    )


def statements_to_approve(user: AnyUser) -> QuerySet[Disclosure]:
    """Generated statements under review, for the staff who approve them."""
    return _statements(user, DisclosureState.DRAFT)


def statements_to_publish(user: AnyUser) -> QuerySet[Disclosure]:
    """Approved statements not yet published."""
    return _statements(user, DisclosureState.APPROVED)


def questions_to_answer(user: AnyUser) -> QuerySet[DisclosureQuestion]:
    """Villagers' unanswered questions where the user may answer (staff and contact cadres)."""
    questions: QuerySet[DisclosureQuestion] = DisclosureQuestion.objects.with_right(
        user, Right.ANSWER
    ).unanswered()
    return (
        questions.select_related("disclosure__village")
        .defer("disclosure__content")
        .order_by("asked_at", "pk")
    )


def problems_to_rectify(user: AnyUser) -> QuerySet[Problem]:
    """Open problems of the villages the user is the contact cadre of: they organize the
    rectification and submit it (the same people the cycle's reminders go to)."""
    villages = scope_for(user).assigned_villages
    return (
        Problem.objects.visible_to(user)
        .filter(
            state__in=(ProblemState.OPEN, ProblemState.REOPENED, ProblemState.RECTIFYING),
            area_code__in=villages,
        )
        .select_related("village")
        .order_by("deadline", "pk")
    )


def problems_to_verify(user: AnyUser) -> QuerySet[Problem]:
    """Problems submitted for verification, for the staff who close or send them back."""
    return (
        Problem.objects.with_right(user, Right.EDIT)
        .filter(state=ProblemState.SUBMITTED)
        .select_related("village")
        .order_by("deadline", "pk")
    )


def ratings_to_confirm(user: AnyUser) -> QuerySet[FiveGoodRating]:
    """五好 ratings proposed by the townships, for the county's supervisors who confirm them."""
    return (
        FiveGoodRating.objects.with_right(user, Right.SUPERVISE)
        .filter(state=RatingState.PROPOSED)
        .select_related("village")
        .order_by("proposed_at", "pk")
    )


def ratings_returned(user: AnyUser) -> QuerySet[FiveGoodRating]:
    """五好 ratings the county returned, for the township staff who propose them again."""
    return (
        FiveGoodRating.objects.with_right(user, Right.EDIT)
        .filter(state=RatingState.RETURNED)
        .select_related("village")
        .order_by("decided_at", "pk")
    )


def duties_overdue(user: AnyUser, on: dt.date | None = None) -> QuerySet[Any]:
    """The user's open duties past their due date."""
    duties: QuerySet[Any] = duties_of(user)
    return duties.filter(due_date__lt=on or today())


def duties_due(user: AnyUser, on: dt.date | None = None) -> QuerySet[Any]:
    """The user's open duties due from today to the reminder horizon."""
    on = on or today()
    duties: QuerySet[Any] = duties_of(user)
    return duties.filter(due_date__gte=on, due_date__lte=on + dt.timedelta(days=DUE_SOON_DAYS))


def pledges_to_sign(user: AnyUser) -> QuerySet[Pledge]:
    """Pledges awaiting the cadre's signature (a draft) or the township's countersignatures
    (signed by the cadre): the staff record both."""
    return (
        Pledge.objects.with_right(user, Right.EDIT)
        .filter(state__in=(PledgeState.DRAFT, PledgeState.SIGNED))
        .select_related("post__cadre", "post__village")
        .order_by("drafted_on", "pk")
    )


def handovers_to_sign(user: AnyUser) -> QuerySet[Handover]:
    """Handovers being prepared that miss a signature the user records: the outgoing or the
    incoming cadre's (the bookkeepers, KEEP_BOOKS) or the township supervisor's (EDIT)."""
    scope = scope_for(user)
    if scope.everything:
        mine = Q()
    else:
        cadres = prefix_q("area_code", scope.areas(Right.KEEP_BOOKS)) & (
            Q(outgoing_signed_on__isnull=True) | Q(incoming_signed_on__isnull=True)
        )
        township = prefix_q("area_code", scope.areas(Right.EDIT)) & Q(
            supervisor_signed_on__isnull=True
        )
        mine = cadres | township
    return (
        Handover.objects.visible_to(user)
        .filter(mine, state=HandoverState.DRAFT)
        .select_related("village", "ended_post__cadre")
        .defer("book_balances")
        .order_by("as_of", "pk")
    )


def reports_ready(user: AnyUser, now: dt.datetime | None = None) -> QuerySet[ReportRun]:
    """Reports finished in the last days that the user asked for, or that the schedule made for
    an area they see."""
    since = (now or timezone.now()) - dt.timedelta(days=REPORTS_FRESH_DAYS)
    who = Q(requested_by__isnull=True)
    if user is not None and user.is_authenticated:
        who |= Q(requested_by=user)
    return (
        ReportRun.objects.visible_to(user)
        .filter(who, state=RunState.DONE, finished_at__gte=since)
        .order_by("-finished_at", "-pk")
    )


def quarterly_to_score(user: AnyUser) -> QuerySet[QuarterlyReport]:
    """Quarterly reports heard (四述双评) that await the on-the-spot comment and score, for the
    township staff who record them."""
    reports: QuerySet[QuarterlyReport] = QuarterlyReport.objects.with_right(
        user, Right.EDIT
    ).current()
    return (
        reports.filter(state=QuarterlyReportState.REPORTED)
        .select_related("cadre", "person", "village")
        .order_by("year", "quarter", "reported_on", "pk")
    )


# ------------------------------------------------------------------ the kinds, as shown


@dataclass(frozen=True)
class Kind:
    """One kind of item: its selector, how it is named, where its action is."""

    key: str
    group: str
    label: Promise
    items: Callable[[AnyUser], QuerySet[Any]]
    #: the page where the item's next step is taken
    action_url: Callable[[Any], str]
    #: the list of all of them (the cross-village list, filtered)
    all_url: Callable[[], str]


def _url(name: str, query: str = "") -> Callable[[], str]:
    return lambda: reverse(name) + (f"?{query}" if query else "")


def _pk_url(name: str) -> Callable[[Any], str]:
    return lambda obj: reverse(name, args=[obj.pk])


GROUPS: dict[str, Promise] = {
    "ledger": _("One ledger"),
    "certificates": _("Two certificates"),
    "supervision": _("Dual supervision"),
    "reports": _("Reports"),
}

KINDS: tuple[Kind, ...] = (
    Kind(
        "vouchers_to_sign",
        "ledger",
        _("Vouchers waiting for signatures (联签)"),
        vouchers_to_sign,
        lambda v: reverse("ledgers:signing-add", args=[v.village.code]),
        _url("ledgers:signing-list"),
    ),
    Kind(
        "vouchers_to_post",
        "ledger",
        _("Vouchers to post"),
        vouchers_to_post,
        _pk_url("ledgers:voucher-detail"),
        _url("ledgers:voucher-list", "state=draft"),
    ),
    Kind(
        "statements_to_approve",
        "ledger",
        _("Statements to approve"),
        statements_to_approve,
        _pk_url("ledgers:disclosure-detail"),
        _url("ledgers:disclosure-list", "state=draft"),
    ),
    Kind(
        "statements_to_publish",
        "ledger",
        _("Statements to publish"),
        statements_to_publish,
        _pk_url("ledgers:disclosure-detail"),
        _url("ledgers:disclosure-list", "state=approved"),
    ),
    Kind(
        "questions_to_answer",
        "ledger",
        _("Villagers' questions to answer"),
        questions_to_answer,
        # the statement's page, at the question's answer box (answering is a POST from there)
        lambda q: reverse("ledgers:disclosure-detail", args=[q.disclosure_id]) + f"#answer-{q.pk}",
        _url("ledgers:question-list", "answered=false"),
    ),
    Kind(
        "handovers_to_sign",
        "ledger",
        _("Handovers awaiting signatures"),
        handovers_to_sign,
        _pk_url("ledgers:handover-detail"),
        _url("ledgers:handover-list", "state=draft"),
    ),
    Kind(
        "pledges_to_sign",
        "certificates",
        _("Pledges awaiting signatures"),
        pledges_to_sign,
        _pk_url("cadres:pledge-detail"),
        _url("cadres:pledge-list", "state=draft"),
    ),
    Kind(
        "problems_to_verify",
        "supervision",
        _("Problems to verify and close"),
        problems_to_verify,
        _pk_url("supervision:problem-detail"),
        _url("supervision:problem-list", "state=submitted"),
    ),
    Kind(
        "problems_to_rectify",
        "supervision",
        _("Problems to rectify"),
        problems_to_rectify,
        _pk_url("supervision:problem-detail"),
        _url("supervision:problem-list", "state=open&state=rectifying"),
    ),
    Kind(
        "ratings_to_confirm",
        "supervision",
        _("五好 ratings to confirm"),
        ratings_to_confirm,
        _pk_url("supervision:fivegood-detail"),
        _url("supervision:fivegood-list", "state=proposed"),
    ),
    Kind(
        "ratings_returned",
        "supervision",
        _("五好 ratings returned"),
        ratings_returned,
        _pk_url("supervision:fivegood-detail"),
        _url("supervision:fivegood-list", "state=returned"),
    ),
    Kind(
        "duties_overdue",
        "supervision",
        _("Overdue duties"),
        duties_overdue,
        _pk_url("supervision:supervision-task-detail"),
        _url("supervision:supervision-task-list", "mine=true&overdue=true"),
    ),
    Kind(
        "duties_due",
        "supervision",
        _("Duties due soon"),
        duties_due,
        _pk_url("supervision:supervision-task-detail"),
        _url("supervision:supervision-task-list", "mine=true"),
    ),
    Kind(
        "quarterly_to_score",
        "supervision",
        _("Quarterly reports to score"),
        quarterly_to_score,
        _pk_url("supervision:quarterly-detail"),
        _url("supervision:quarterly-list", "state=reported"),
    ),
    Kind(
        "reports_ready",
        "reports",
        _("Reports ready"),
        reports_ready,
        _pk_url("reports:report-download"),
        _url("reports:report-runs", "state=done"),
    ),
)

KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


class Counts(dict[str, int]):
    """The number of items of each kind; `total` for the navigation's badge; `unread`, the
    user's unread notifications, for its bell (asked in the same query)."""

    unread: int = 0

    @property
    def total(self) -> int:
        return sum(self.values())


def _count(queryset: QuerySet[Any]) -> Coalesce:
    # An aggregate over a constant "group" (which Django leaves out of GROUP BY): one row, the
    # count, usable as a scalar subquery. A selector that can match nothing (no area) compiles
    # to NULL: that is 0.
    rows = queryset.order_by().annotate(_all=Value(1)).values("_all")
    count = Subquery(rows.annotate(n=Count("*")).values("n"), output_field=IntegerField())
    return Coalesce(count, 0)


def _counts_query(user: User) -> QuerySet[Any]:
    # One row to hang the scalar subqueries on: the user's own.
    unread = Notification.objects.visible_to(user).for_user(user).unread()
    rows: QuerySet[Any] = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**{kind.key: _count(kind.items(user)) for kind in KINDS})
        .annotate(_unread=_count(unread))
        .values(*KINDS_BY_KEY, "_unread")
    )
    return rows


#: The counting query's SQL per (user, scope, day), made at most COMPILED_SECONDS ago: building
#: its fourteen subqueries in Python costs several times running it (every page pays for the
#: badge). What the SQL holds besides the user, the scope and the day is the time the reports'
#: window starts (`reports_ready`), which moves by at most that much.
_compiled: dict[tuple[Any, ...], tuple[float, str, tuple[Any, ...]]] = {}
COMPILED_SECONDS = 60
COMPILED_MAX = 2000  # users per process; then it starts again


def _counts_sql(user: User) -> tuple[str, tuple[Any, ...]]:
    key = (user.pk, scope_for(user), today())  # a Scope is frozen: equal scopes, equal keys
    made = _compiled.get(key)
    if made is None or time.monotonic() - made[0] > COMPILED_SECONDS:
        sql, params = _counts_query(user).query.sql_with_params()
        if len(_compiled) >= COMPILED_MAX:
            _compiled.clear()
        made = _compiled[key] = (time.monotonic(), sql, tuple(params))
    return made[1], made[2]


def counts(user: AnyUser) -> Counts:
    """How many items of each kind wait for `user`, and how many of their notifications are
    unread: one query (the scope's two aside), its SQL made once a minute per user."""
    if user is None or not user.is_authenticated or scope_for(user).is_empty:
        return Counts({kind.key: 0 for kind in KINDS})
    sql, params = _counts_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    found = Counts({key: row[key] for key in KINDS_BY_KEY})
    found.unread = row["_unread"]
    return found


def counts_for_request(request: HttpRequest) -> Counts:
    """`counts` for the request's user, asked once per request (the badge and the inbox)."""
    cached: Counts | None = getattr(request, "_inbox_counts", None)
    if cached is None:
        cached = counts(request.user)
        request._inbox_counts = cached  # type: ignore[attr-defined]
    return cached
