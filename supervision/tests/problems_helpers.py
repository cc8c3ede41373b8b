"""Helpers of the problem-ledger and rectification tests: problems in a given state, an audit
finding and a disclosure question to register, and the personas' rights in one table."""

import datetime as dt

import pytest

from core.dates import today
from ledgers import services as ledger_services
from ledgers.models import Disclosure, DisclosureQuestion
from supervision import services
from supervision.choices import ProblemCategory, ProblemSource

D = dt.date
TODAY = today()


def make_problem(village, actor, *, title="账目未按季公开", deadline=None, opened_on=None, **kw):
    """An open problem registered by `actor` (found in screening)."""
    opened_on = opened_on or TODAY - dt.timedelta(days=60)
    return services.problem_open(
        actor=actor,
        village=village,
        source=kw.pop("source", ProblemSource.SCREENING),
        title=title,
        category=kw.pop("category", ProblemCategory.AFFAIRS),
        owner_name=kw.pop("owner_name", "李书记"),
        deadline=deadline or TODAY + dt.timedelta(days=30),
        opened_on=opened_on,
        **kw,
    )


def submitted(problem, actor):
    """The problem rectified and submitted for verification by `actor`."""
    problem = services.problem_start(actor=actor, problem=problem)
    return services.problem_submit(actor=actor, problem=problem, rectification="已张贴公开栏")


def closed(problem, organizer, manager):
    problem = submitted(problem, organizer)
    return services.problem_close(actor=manager, problem=problem, evidence="公开栏照片")


@pytest.fixture
def audit_finding(village, insider):
    audit = ledger_services.audit_record(
        actor=insider,
        village=village,
        kind="periodic",
        auditor="县农经站",
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
    )
    return ledger_services.finding_add(
        actor=insider, audit=audit, category="vouchers", description="报销凭证缺少附件"
    )


@pytest.fixture
def disclosure_question(village):
    disclosure = Disclosure.objects.create(
        village=village,
        kind="quarter",
        year=2026,
        number=1,
        start=D(2026, 1, 1),
        end=D(2026, 3, 31),
        area_code=village.code,
    )
    return DisclosureQuestion.objects.create(
        disclosure=disclosure,
        name="王大妈",
        question="修路的钱花到哪里去了?",
        area_code=village.code,
    )
