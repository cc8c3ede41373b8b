"""Records that wait for someone, one helper per kind of inbox item (written as the workflows
leave them, through the ORM where the service would need a whole set-up)."""

import datetime as dt
import itertools

from django.utils import timezone

from cadres.models import Pledge
from cadres.tests.factories import CadreFactory, PostFactory
from core.dates import today
from ledgers.models import Disclosure, DisclosureQuestion, Handover, Voucher
from reports.models import ReportRun
from supervision.choices import TaskKind
from supervision.tests.cycle_helpers import make_task
from supervision.tests.problems_helpers import make_problem, submitted

D = dt.date
TODAY = today()


def voucher(village, maker, number=1):
    return Voucher.objects.create(
        village=village,
        year=TODAY.year,
        number=number,
        date=TODAY,
        summary="收取鱼塘承包费",
        made_by=maker,
        area_code=village.code,
    )


def statement(village, state="draft", number=1):
    return Disclosure.objects.create(
        village=village,
        kind="month",
        year=2026,
        number=number,
        start=D(2026, number, 1),
        end=D(2026, number, 28),
        state=state,
        area_code=village.code,
    )


def question(village, number=1):
    return DisclosureQuestion.objects.create(
        disclosure=statement(village, "published", number),
        name="王大妈",
        question="修路的钱花到哪里去了?",
        area_code=village.code,
    )


def duty(village, kind=TaskKind.HEARING, days=3, period="2026Q1"):
    """A duty due in `days` (negative: overdue)."""
    return make_task(village, kind, period, TODAY + dt.timedelta(days=days))


def post(village):
    return PostFactory(cadre=CadreFactory(village=village))


def pledge(village):
    p = post(village)
    return Pledge.objects.create(post=p, drafted_on=TODAY, area_code=village.code)


def handover(village, **signatures):
    p = post(village)
    p.end_date = TODAY
    p.end_reason = "resigned"
    p.save()
    return Handover.objects.create(
        village=village, ended_post=p, as_of=TODAY, area_code=village.code, **signatures
    )


_versions = itertools.count(1)


def report(area_code, requested_by=None, days_ago=1, state="done"):
    return ReportRun.objects.create(
        kind="quarterly",
        area_code=area_code,
        period="2026Q1",
        version=next(_versions),
        state=state,
        requested_by=requested_by,
        finished_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def problem(village, actor, *, submit_by=None):
    p = make_problem(village, actor)
    return submitted(p, submit_by) if submit_by else p
