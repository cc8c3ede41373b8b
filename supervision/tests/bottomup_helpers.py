"""Fixtures and builders of the bottom-up tests: duties of the village for the current
periods and records made by its contact cadre."""

import datetime as dt

import pytest

from cadres import services as cadres_services
from cadres.choices import PostKind
from cadres.tests.factories import CadreFactory, PostFactory, promise_data
from supervision import services
from supervision.choices import TaskKind
from supervision.periods import Period
from villages.choices import RoleKind
from villages.tests.factories import (
    ContactAssignmentFactory,
    StaffRoleFactory,
    UserFactory,
    VillageFactory,
)

D = dt.date
HEARING_DAY = D(2026, 11, 20)
REPORT_DAY = D(2026, 11, 10)
REDEMPTION_DAY = D(2026, 11, 15)


def duty(village, kind, period):
    return services.task_for(village, kind, Period.parse(period))


def make_hearing(actor, village, **extra):
    fields = {
        "date": HEARING_DAY,
        "place": "村委会议室",
        "agenda": "村级财务收支、道路硬化工程",
        "party_members_present": 12,
        "representatives_present": 18,
        "others_present": 3,
    }
    fields.update(extra)
    return services.hearing_start(
        actor=actor, task=duty(village, TaskKind.HEARING, "2026Q4"), **fields
    )


def add_question(actor, hearing, satisfied=True, **extra):
    fields = {
        "asker_name": "王五",
        "asker_kind": "representative",
        "category": "finance",
        "question": "修路的钱花在哪里了？",
        "answer": "已按预算支出，票据公开。",
        "satisfied": satisfied,
    }
    fields.update(extra)
    return services.hearing_add_question(actor=actor, hearing=hearing, **fields)


def make_report(actor, village, issued=50, returned=48):
    return services.public_report_start(
        actor=actor,
        task=duty(village, TaskKind.PUBLIC_REPORT, "2026H2"),
        date=REPORT_DAY,
        ballots_issued=issued,
        ballots_returned=returned,
    )


def pledged_secretary(actor, village, dues):
    """The village's only certified post, a secretary (王书记) with a pledge in force whose
    promises fall due on `dues`, in that order."""
    post = PostFactory(
        cadre=CadreFactory(village=village, name="王书记"), village=village, kind=PostKind.SECRETARY
    )
    cadres_services.certificate_issue(actor=actor, post=post, issued_on=D(2026, 1, 10))
    promises = promise_data(len(dues))
    for promise, due in zip(promises, dues, strict=True):
        promise["due_date"] = due
    pledge = cadres_services.pledge_draft(
        actor=actor, post=post, drafted_on=D(2026, 1, 5), promises=promises
    )
    cadres_services.pledge_sign(actor=actor, pledge=pledge, signed_on=D(2026, 1, 6))
    for body in ("party", "government"):
        cadres_services.pledge_countersign(
            actor=actor, pledge=pledge, body=body, signer="王镇长", signed_on=D(2026, 1, 7)
        )
    return post


def make_redemption(actor, village):
    return services.redemption_start(
        actor=actor,
        task=duty(village, TaskKind.REDEMPTION, "2026"),
        date=REDEMPTION_DAY,
        attendance=60,
    )


@pytest.fixture(name="other_contact")
def other_contact_fixture(township):
    """The contact cadre of a neighbouring village of the same township."""
    user = UserFactory(username="other_contact")
    StaffRoleFactory(user=user, kind=RoleKind.CONTACT_CADRE, region=township)
    neighbour = VillageFactory(township=township, code="370830102202", name="北旺村")
    ContactAssignmentFactory(cadre=user, village=neighbour)
    return user


def formset_data(formset, rows=None, confirmed=True):
    """The POST of a meeting's one-page form as its page renders it (`formset`, from the page's
    context), with `rows` ({object id: {field: value}}) typed over the rows' initial values;
    `confirmed` as after the 确认 of the completion's dialog (a draft ignores it)."""
    rows = rows or {}
    data = {
        **({"confirm": "1"} if confirmed else {}),
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.keys)),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.keys)),
    }
    for form, key in zip(formset.forms, formset.keys, strict=True):
        values = {
            name: "" if form.initial.get(name) is None else form.initial.get(name)
            for name in form.fields
        }
        values.update(rows.get(key, {}))
        values["key"] = key
        data.update({form.add_prefix(name): value for name, value in values.items()})
    return data
