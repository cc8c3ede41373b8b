"""待办, the home page of every signed-in user: what waits for them, grouped and counted, each
item one tap from the page where it is done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.dates import today
from reports.views.runs import area_names
from supervision.models import Notification
from villages.views import HomeView

from . import inbox

#: items shown per kind; the rest are one tap away in the kind's list
SHOWN = 5
#: unread notifications shown
NOTIFICATIONS_SHOWN = 20


@dataclass(frozen=True)
class Entry:
    """One item as the inbox shows it."""

    title: str
    detail: str
    date: dt.date | None
    url: str
    overdue: bool = False


def _voucher(v) -> tuple[str, str, dt.date | None]:
    return f"{v.village.name} · {v.display_number}", v.summary, v.date


def _statement(d) -> tuple[str, str, dt.date | None]:
    return f"{d.village.name} · {d.title}", d.get_state_display(), d.end


def _question(q) -> tuple[str, str, dt.date | None]:
    return f"{q.disclosure.village.name} · {q.disclosure.title}", q.question[:60], q.asked_at.date()


def _handover(h) -> tuple[str, str, dt.date | None]:
    return f"{h.village.name} · {h.ended_post.cadre.name}", _("Handover"), h.as_of


def _pledge(p) -> tuple[str, str, dt.date | None]:
    return f"{p.post.village.name} · {p.post.cadre.name}", p.get_state_display(), p.drafted_on


def _problem(p) -> tuple[str, str, dt.date | None]:
    return f"{p.village.name} · {p.title}", p.get_state_display(), p.deadline


def _duty(t) -> tuple[str, str, dt.date | None]:
    return f"{t.village.name} · {t.get_kind_display()}", t.period, t.due_date


def _rating(r) -> tuple[str, str, dt.date | None]:
    return f"{r.village.name} · {r.year}", r.get_state_display(), r.proposed_at.date()


def _quarterly(r) -> tuple[str, str, dt.date | None]:
    where = r.village.name if r.village_id else r.get_kind_display()
    return f"{where} · {r.reporter_name}", f"{r.year}Q{r.quarter}", r.reported_on


def _report(r) -> tuple[str, str, dt.date | None]:
    when = r.finished_at.date() if r.finished_at else None
    return f"{r.get_kind_display()} · {r.period}", r.area_code, when


DESCRIBE: dict[str, Callable[[Any], tuple[str, str, dt.date | None]]] = {
    "vouchers_to_sign": _voucher,
    "vouchers_to_post": _voucher,
    "statements_to_approve": _statement,
    "statements_to_publish": _statement,
    "questions_to_answer": _question,
    "handovers_to_sign": _handover,
    "pledges_to_sign": _pledge,
    "problems_to_verify": _problem,
    "problems_to_rectify": _problem,
    "ratings_to_confirm": _rating,
    "ratings_returned": _rating,
    "duties_overdue": _duty,
    "duties_due": _duty,
    "quarterly_to_score": _quarterly,
    "reports_ready": _report,
}

#: kinds whose date is a deadline (shown red once past)
DEADLINES = {"problems_to_verify", "problems_to_rectify", "duties_overdue", "duties_due"}


def entries(kind: inbox.Kind, user, on: dt.date) -> list[Entry]:
    """The first items of `kind` for `user`, described: one query (two for reports)."""
    shown = []
    objects = list(kind.items(user)[:SHOWN])
    if kind.key == "reports_ready":  # a report's area by its name (one more query)
        names = area_names(user, [run.area_code for run in objects])
        for run in objects:
            run.area_code = names.get(run.area_code, run.area_code)
    for obj in objects:
        title, detail, date = DESCRIBE[kind.key](obj)
        overdue = kind.key in DEADLINES and date is not None and date < on
        shown.append(Entry(title, detail, date, kind.action_url(obj), overdue))
    return shown


class InboxView(HomeView):
    """待办: the groups of items waiting for the user (a query per kind that has any), then the
    user's roles and areas as on the former home page."""

    template_name = "work/inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, on = self.request.user, today()
        counts = inbox.counts_for_request(self.request)
        groups: dict[str, list[dict[str, Any]]] = {}
        for kind in inbox.KINDS:
            n = counts[kind.key]
            if n:
                groups.setdefault(kind.group, []).append(
                    {
                        "kind": kind,
                        "count": n,
                        "entries": entries(kind, user, on),
                        "all_url": kind.all_url(),
                    }
                )
        # the notifications, once on "my work" (which now leads here)
        unread = Notification.objects.visible_to(user).for_user(user).unread()
        ctx.update(
            inbox_counts=counts,
            groups=[(inbox.GROUPS[g], kinds) for g, kinds in groups.items()],
            notifications=unread[:NOTIFICATIONS_SHOWN],
            unread=counts.unread,  # counted with the badges, in their query
        )
        return ctx
